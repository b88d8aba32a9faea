//! The site's own pages, what an admin's form posts, and the text as stored.

use serde::Deserialize;

use crate::heroes::campaign_model::DonationUrl;
use crate::web::forms::{FormErrors, plain_text};
use crate::web::lang::Lang;

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

    /// The page's title in English, as staff pages and the audit trail name it.
    pub fn title(self) -> String {
        self.title_in(Lang::En)
    }

    /// The page's title as a page in `lang` writes it.
    pub fn title_in(self, lang: impl std::borrow::Borrow<Lang>) -> String {
        lang.borrow().t(&format!("site-page-{}", self.slug()))
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

    /// The French text a fresh install shows until an admin writes its own.
    pub fn default_text_fr(self) -> &'static str {
        match self {
            SitePage::About => include_str!("defaults/fr/about.md"),
            SitePage::Donate => include_str!("defaults/fr/donate.md"),
            SitePage::Contact => include_str!("defaults/fr/contact.md"),
            SitePage::Privacy => include_str!("defaults/fr/privacy.md"),
            SitePage::Accessibility => include_str!("defaults/fr/accessibility.md"),
        }
    }
}

/// A page's text as stored; `None` fields of a page never saved come from its default.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PageText {
    pub markdown: String,
    /// The French text; a saved page may have none.
    pub markdown_fr: Option<String>,
    pub donation_url: Option<String>,
}

impl PageText {
    pub fn default_of(page: SitePage) -> PageText {
        PageText {
            markdown: page.default_text().to_string(),
            markdown_fr: Some(page.default_text_fr().to_string()),
            donation_url: None,
        }
    }

    /// The text a page in `lang` shows, and the language it is written in:
    /// the English text, marked as such, where no French one was written.
    pub fn in_lang(&self, lang: Lang) -> (&str, Lang) {
        match (lang, &self.markdown_fr) {
            (Lang::Fr, Some(french)) => (french, Lang::Fr),
            _ => (&self.markdown, Lang::En),
        }
    }
}

/// What the admin's form posts, as typed, so it can be shown again.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct PageForm {
    #[serde(default)]
    pub text: String,
    /// The French text; left empty, the French page shows the English one.
    #[serde(default)]
    pub text_fr: String,
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
            text_fr: text.markdown_fr.clone().unwrap_or_default(),
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
        let markdown_fr = errors
            .check("text_fr", plain_text(&self.text_fr, "The French text", MAX_TEXT, false))
            .map(|french| Some(french).filter(|f| !f.is_empty()));
        let donation_url = if page.has_donation_link() && !self.donation_url.trim().is_empty() {
            errors
                .check("donation_url", DonationUrl::parse(&self.donation_url))
                .map(|url| url.as_str().to_string())
        } else {
            None
        };
        match (markdown, markdown_fr) {
            (Some(markdown), Some(markdown_fr)) if errors.is_empty() => Ok(PageText {
                markdown,
                markdown_fr,
                donation_url,
            }),
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
            text_fr: String::new(),
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

    #[test]
    fn the_french_text_is_optional_and_checked_like_the_english() {
        let mut french = form("Hello", "");
        french.text_fr = "  Bonjour  ".into();
        let saved = french.parse(SitePage::About).expect("saved");
        assert_eq!(saved.markdown_fr.as_deref(), Some("Bonjour"));
        assert_eq!(saved.in_lang(Lang::Fr), ("Bonjour", Lang::Fr));
        assert_eq!(saved.in_lang(Lang::En), ("Hello", Lang::En));

        let english_only = form("Hello", "").parse(SitePage::About).expect("saved");
        assert_eq!(english_only.markdown_fr, None);
        assert_eq!(english_only.in_lang(Lang::Fr), ("Hello", Lang::En));

        french.text_fr = "x".repeat(MAX_TEXT + 1);
        let errors = french.parse(SitePage::About).expect_err("too long");
        assert!(errors.get("text_fr").is_some() && errors.get("text").is_none());
    }

    #[test]
    fn every_page_has_a_french_default_and_a_french_title() {
        for page in SitePage::ALL {
            assert!(page.default_text_fr().trim().len() > 100, "{page:?}");
            assert_ne!(page.default_text_fr(), page.default_text(), "{page:?}");
            assert_ne!(page.title_in(Lang::Fr), page.title(), "{page:?}");
        }
        assert_eq!(SitePage::About.title(), "About Honor Mile");
    }
}
