//! What every page's layout shows: who is looking and the messages waiting for
//! them. It is view data only: accounts fills in the [`Viewer`] on each request,
//! so the page plumbing depends on no area.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::lang::{Lang, bilingual};

#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub enum FlashKind {
    Success,
    Error,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Flash {
    pub kind: FlashKind,
    pub text: String,
}

impl Flash {
    pub fn is_error(&self) -> bool {
        self.kind == FlashKind::Error
    }
}

/// The signed-in person as pages show them, described by accounts.
#[derive(Clone, Debug)]
pub struct Viewer {
    pub id: Uuid,
    pub display_name: String,
    pub email: String,
    /// The role's name as shown ("Staff", "Admin").
    pub role: String,
    pub admin: bool,
    /// An admin without a second factor may do nothing but set one up.
    pub enrolling: bool,
    /// Forms for actions that need a recent second factor show a code field.
    pub code_needed: bool,
}

impl Viewer {
    pub fn is_admin(&self) -> bool {
        self.admin
    }

    pub fn must_enrol(&self) -> bool {
        self.enrolling
    }

    pub fn needs_code(&self) -> bool {
        self.code_needed
    }
}

/// What the layout needs: who is looking (for the navigation) and the messages
/// waiting for them. Taking it as an extractor also consumes the flash messages.
pub struct Layout {
    pub user: Option<Viewer>,
    pub flashes: Vec<Flash>,
    /// Demo data: every page carries a notice.
    pub demo: bool,
    /// The language of this page's address (French under `/fr`).
    pub lang: Lang,
    /// This page's address (path and query) as it reads in English, for the
    /// language switcher and the `hreflang` links.
    pub here: String,
}

impl Layout {
    /// For pages rendered outside a session (error pages).
    pub fn plain() -> Self {
        Layout {
            user: None,
            flashes: Vec::new(),
            demo: false,
            lang: Lang::En,
            // No address of its own: an error page offers no other language.
            here: String::new(),
        }
    }

    /// The message `key` in this page's language, for a template.
    pub fn t(&self, key: &str) -> Words {
        Words(self.lang.t(key))
    }

    /// The message `key` with one value, for a template.
    pub fn t1(&self, key: &str, name: &'static str, value: impl std::fmt::Display) -> Words {
        Words(self.lang.t1(key, name, value))
    }

    /// The message `key` with two values, for a template.
    pub fn t2(
        &self,
        key: &str,
        name: &'static str,
        value: impl std::fmt::Display,
        other: &'static str,
        other_value: impl std::fmt::Display,
    ) -> Words {
        Words(self.lang.t2(key, name, value, other, other_value))
    }

    /// An English address as it reads in this page's language.
    pub fn link(&self, english: &str) -> String {
        self.lang.link(english)
    }

    /// A hero's public page in this page's language.
    pub fn hero_link(&self, id: impl std::fmt::Display) -> String {
        self.lang.link(&format!("/heroes/{id}"))
    }

    /// Whether this page is one of those written in both languages (the others
    /// have no switcher).
    pub fn bilingual(&self) -> bool {
        self.user.is_none() && bilingual(self.here.split('?').next().unwrap_or_default())
    }

    /// This page in English, for the switcher: the home page says so in its
    /// query, since the bare `/` follows the browser's language.
    pub fn english_href(&self) -> String {
        if self.here == "/" {
            "/?lang=en".into()
        } else {
            self.here.clone()
        }
    }

    /// This page in French.
    pub fn french_href(&self) -> String {
        Lang::Fr.link(&self.here)
    }

    pub fn is_admin(&self) -> bool {
        self.user.as_ref().is_some_and(Viewer::is_admin)
    }

    /// Forms for actions that need a recent second factor show a code field.
    pub fn needs_code(&self) -> bool {
        self.user.as_ref().is_some_and(Viewer::needs_code)
    }
}

/// A message as a template shows it. It is escaped here rather than by the
/// template, keeping the apostrophe as typed ("family's", not "family&#39;s"):
/// `&`, `<`, `>` and `"` are escaped, which is enough in text and in attribute
/// values between double quotes, the only kind the templates use. The values
/// put into a message (a hero's name) are escaped with it.
pub struct Words(String);

impl std::fmt::Display for Words {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for c in self.0.chars() {
            match c {
                '&' => f.write_str("&amp;")?,
                '<' => f.write_str("&lt;")?,
                '>' => f.write_str("&gt;")?,
                '"' => f.write_str("&quot;")?,
                c => std::fmt::Write::write_char(f, c)?,
            }
        }
        Ok(())
    }
}

/// Escaped by its own `Display`, above.
impl askama::filters::HtmlSafe for Words {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_escape_markup_and_keep_apostrophes() {
        let words = Words(r#"<b>Tom & "Jerry"</b>'s"#.into());
        assert_eq!(words.to_string(), "&lt;b&gt;Tom &amp; &quot;Jerry&quot;&lt;/b&gt;'s");
    }

    #[test]
    fn only_the_translated_public_pages_are_bilingual() {
        for path in [
            "/",
            "/honor-roll",
            "/runs",
            "/grants",
            "/grants/apply",
            "/grants/status/abc",
            "/heroes/1",
            "/heroes/1/videos/3",
            "/honor-roll/states",
            "/honor-roll/years",
            "/propose",
            "/propose/received",
        ] {
            assert!(bilingual(path), "{path}");
        }
        for path in [
            "/staff",
            "/heroes/1/edit",
            "/honor-roll.csv",
            "/login",
            "/staff/proposals",
        ] {
            assert!(!bilingual(path), "{path}");
        }
    }
}
