//! The messages themselves: each a kind, an address, a subject, and a body as
//! plain text and as HTML, both from askama templates under `templates/messages/`.

use askama::Template;

use super::model::NewMessage;

/// A message one kind of change writes to a person.
pub trait Letter {
    /// What it is about, as the outbox page lists it.
    const KIND: &'static str;
    fn to(&self) -> &str;
    fn subject(&self) -> String;
    fn text(&self) -> askama::Result<String>;
    fn html(&self) -> askama::Result<String>;

    fn written(&self) -> askama::Result<NewMessage> {
        Ok(NewMessage {
            kind: Self::KIND,
            to: self.to().to_string(),
            subject: self.subject(),
            text: self.text()?,
            html: self.html()?,
        })
    }
}

/// A link that lets a person choose a password: an invitation, or an admin's
/// password link for someone who lost theirs.
pub struct PasswordLink {
    pub to: String,
    pub name: String,
    pub link: String,
    /// How long it works, in words ("7 days").
    pub valid: &'static str,
    /// An invitation (the person has no password yet) rather than a reset.
    pub invitation: bool,
}

#[derive(Template)]
#[template(path = "messages/password_link.txt")]
struct PasswordLinkText<'a> {
    m: &'a PasswordLink,
}

#[derive(Template)]
#[template(path = "messages/password_link.html")]
struct PasswordLinkHtml<'a> {
    m: &'a PasswordLink,
}

impl Letter for PasswordLink {
    const KIND: &'static str = "password link";

    fn to(&self) -> &str {
        &self.to
    }

    fn subject(&self) -> String {
        if self.invitation {
            "You are invited to Honor Mile".into()
        } else {
            "Choose a new Honor Mile password".into()
        }
    }

    fn text(&self) -> askama::Result<String> {
        PasswordLinkText { m: self }.render()
    }

    fn html(&self) -> askama::Result<String> {
        PasswordLinkHtml { m: self }.render()
    }
}

/// A notice to an account's owner that something about their sign-in changed,
/// so that a change they did not make does not go unnoticed.
pub struct SecurityNotice {
    pub to: String,
    pub name: String,
    /// What happened, as a sentence ("Your password was changed.").
    pub what: &'static str,
}

#[derive(Template)]
#[template(path = "messages/security_notice.txt")]
struct SecurityNoticeText<'a> {
    m: &'a SecurityNotice,
}

#[derive(Template)]
#[template(path = "messages/security_notice.html")]
struct SecurityNoticeHtml<'a> {
    m: &'a SecurityNotice,
}

impl Letter for SecurityNotice {
    const KIND: &'static str = "security notice";

    fn to(&self) -> &str {
        &self.to
    }

    fn subject(&self) -> String {
        "Your Honor Mile account changed".into()
    }

    fn text(&self) -> askama::Result<String> {
        SecurityNoticeText { m: self }.render()
    }

    fn html(&self) -> askama::Result<String> {
        SecurityNoticeHtml { m: self }.render()
    }
}

/// The daily staff digest: what is new and what is coming, in sections, each
/// line with a link to the page that deals with it.
pub struct StaffDigest {
    pub to: String,
    pub name: String,
    /// The day it is for, in words ("Wednesday 2 December 2026").
    pub day: String,
    /// Where the person turns it off (a whole address).
    pub account_link: String,
    /// Only sections with something in them.
    pub sections: Vec<DigestSection>,
}

#[derive(Clone)]
pub struct DigestSection {
    pub title: &'static str,
    pub lines: Vec<DigestLine>,
    /// Lines left out to keep the email short, and where to read them all.
    pub more: usize,
    pub more_link: String,
}

#[derive(Clone)]
pub struct DigestLine {
    pub text: String,
    pub link: String,
}

#[derive(Template)]
#[template(path = "messages/staff_digest.txt")]
struct StaffDigestText<'a> {
    m: &'a StaffDigest,
}

#[derive(Template)]
#[template(path = "messages/staff_digest.html")]
struct StaffDigestHtml<'a> {
    m: &'a StaffDigest,
}

impl Letter for StaffDigest {
    const KIND: &'static str = "staff digest";

    fn to(&self) -> &str {
        &self.to
    }

    fn subject(&self) -> String {
        format!("Honor Mile today: {}", self.day)
    }

    fn text(&self) -> askama::Result<String> {
        StaffDigestText { m: self }.render()
    }

    fn html(&self) -> askama::Result<String> {
        StaffDigestHtml { m: self }.render()
    }
}

/// To a hero's family contact who agreed to it: the mile was run in their
/// hero's honour, and the flag carried on it is on its way.
pub struct FamilyNotice {
    pub to: String,
    /// The family contact's name.
    pub name: String,
    pub hero_name: String,
    /// The mile's number as people write it ("1,294").
    pub number: String,
    /// The day it was run, in words.
    pub run_on: String,
    /// The runner's first name, when it may be told.
    pub runner: Option<String>,
    /// The flag went round the track with the runner (almost always).
    pub flag_carried: bool,
}

#[derive(Template)]
#[template(path = "messages/family_notice.txt")]
struct FamilyNoticeText<'a> {
    m: &'a FamilyNotice,
}

#[derive(Template)]
#[template(path = "messages/family_notice.html")]
struct FamilyNoticeHtml<'a> {
    m: &'a FamilyNotice,
}

impl Letter for FamilyNotice {
    const KIND: &'static str = "family notice";

    fn to(&self) -> &str {
        &self.to
    }

    fn subject(&self) -> String {
        // A name is one line, but a header must never carry a line break.
        let hero: String = self.hero_name.chars().filter(|c| !c.is_control()).collect();
        format!("A mile was run in honour of {hero}")
    }

    fn text(&self) -> askama::Result<String> {
        FamilyNoticeText { m: self }.render()
    }

    fn html(&self) -> askama::Result<String> {
        FamilyNoticeHtml { m: self }.render()
    }
}
