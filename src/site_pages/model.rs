//! The site's own pages, what an admin's form posts, and the text as stored.

use serde::Deserialize;

use crate::heroes::campaign_model::DonationUrl;
use crate::web::forms::{FormErrors, plain_text};

/// The longest text a page may hold, in characters.
pub const MAX_TEXT: usize = 20_000;

/// One of the site's own pages. Its title and address are fixed; its text is
/// the admins' (or, until one saves it, the built-in default).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SitePage {
    About,
    Donate,
    Contact,
    Privacy,
    Accessibility,
}

impl SitePage {
    pub const ALL: [SitePage; 5] = [
        SitePage::About,
        SitePage::Donate,
        SitePage::Contact,
        SitePage::Privacy,
        SitePage::Accessibility,
    ];

    /// The name in addresses and in the table (`/about`, `/admin/pages/about`).
    pub fn slug(self) -> &'static str {
        match self {
            SitePage::About => "about",
            SitePage::Donate => "donate",
            SitePage::Contact => "contact",
            SitePage::Privacy => "privacy",
            SitePage::Accessibility => "accessibility",
        }
    }

    pub fn from_slug(slug: &str) -> Option<SitePage> {
        SitePage::ALL.into_iter().find(|page| page.slug() == slug)
    }

    pub fn title(self) -> &'static str {
        match self {
            SitePage::About => "About Honor Mile",
            SitePage::Donate => "Donate",
            SitePage::Contact => "Contact",
            SitePage::Privacy => "Privacy notice",
            SitePage::Accessibility => "Accessibility statement",
        }
    }

    /// The public address.
    pub fn path(self) -> String {
        format!("/{}", self.slug())
    }

    /// Only the Donate page carries the program's donation link.
    pub fn has_donation_link(self) -> bool {
        self == SitePage::Donate
    }

    /// The text a fresh install shows until an admin writes its own.
    pub fn default_text(self) -> &'static str {
        match self {
            SitePage::About => include_str!("defaults/about.md"),
            SitePage::Donate => include_str!("defaults/donate.md"),
            SitePage::Contact => include_str!("defaults/contact.md"),
            SitePage::Privacy => include_str!("defaults/privacy.md"),
            SitePage::Accessibility => include_str!("defaults/accessibility.md"),
        }
    }
}

/// A page's text as stored; `None` fields of a page never saved come from its default.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PageText {
    pub markdown: String,
    pub donation_url: Option<String>,
}

impl PageText {
    pub fn default_of(page: SitePage) -> PageText {
        PageText {
            markdown: page.default_text().to_string(),
            donation_url: None,
        }
    }
}

/// What the admin's form posts, as typed, so it can be shown again.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct PageForm {
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub donation_url: String,
    /// `preview` shows the text as visitors would see it, without saving.
    #[serde(default)]
    pub intent: String,
}

impl PageForm {
    pub fn of(text: &PageText) -> PageForm {
        PageForm {
            text: text.markdown.clone(),
            donation_url: text.donation_url.clone().unwrap_or_default(),
            intent: String::new(),
        }
    }

    pub fn wants_preview(&self) -> bool {
        self.intent == "preview"
    }

    /// The text to store for `page`, or each mistake beside its field.
    pub fn parse(&self, page: SitePage) -> Result<PageText, FormErrors> {
        let mut errors = FormErrors::default();
        let markdown = errors.check("text", plain_text(&self.text, "The page's text", MAX_TEXT, true));
        let donation_url = if page.has_donation_link() && !self.donation_url.trim().is_empty() {
            errors
                .check("donation_url", DonationUrl::parse(&self.donation_url))
                .map(|url| url.as_str().to_string())
        } else {
            None
        };
        match markdown {
            Some(markdown) if errors.is_empty() => Ok(PageText { markdown, donation_url }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(text: &str, url: &str) -> PageForm {
        PageForm {
            text: text.into(),
            donation_url: url.into(),
            intent: String::new(),
        }
    }

    #[test]
    fn every_page_has_a_default_text_and_a_slug_that_leads_back_to_it() {
        for page in SitePage::ALL {
            assert!(page.default_text().trim().len() > 100, "{page:?}");
            assert_eq!(SitePage::from_slug(page.slug()), Some(page));
            assert!(
                PageForm::of(&PageText::default_of(page)).parse(page).is_ok(),
                "{page:?}"
            );
        }
        assert_eq!(SitePage::from_slug("admin"), None);
    }

    #[test]
    fn only_the_donate_page_keeps_a_link_and_only_a_secure_one() {
        let saved = form("Give", " https://give.example.org/honor-mile ").parse(SitePage::Donate);
        assert_eq!(
            saved.ok().map(|t| t.donation_url),
            Some(Some("https://give.example.org/honor-mile".to_string()))
        );
        assert_eq!(
            form("Give", "").parse(SitePage::Donate).ok().map(|t| t.donation_url),
            Some(None)
        );
        assert_eq!(
            form("Hi", "https://give.example.org/")
                .parse(SitePage::About)
                .ok()
                .map(|t| t.donation_url),
            Some(None)
        );
        for bad in ["http://give.example.org/", "javascript:alert(1)", "give.example.org"] {
            let errors = form("Give", bad).parse(SitePage::Donate).expect_err(bad);
            assert!(errors.get("donation_url").is_some(), "{bad}");
        }
    }

    #[test]
    fn empty_or_too_long_text_is_refused_beside_the_field() {
        for text in ["", "   ", &"x".repeat(MAX_TEXT + 1)] {
            let errors = form(text, "").parse(SitePage::About).expect_err("refused");
            assert!(errors.get("text").is_some());
        }
        assert!(form(&"x".repeat(MAX_TEXT), "").parse(SitePage::About).is_ok());
    }
}
