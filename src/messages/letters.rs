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
