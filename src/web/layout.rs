//! What every page's layout shows: who is looking and the messages waiting for
//! them. It is view data only: accounts fills in the [`Viewer`] on each request,
//! so the page plumbing depends on no area.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

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
}

impl Layout {
    /// For pages rendered outside a session (error pages).
    pub fn plain() -> Self {
        Layout {
            user: None,
            flashes: Vec::new(),
            demo: false,
        }
    }

    pub fn is_admin(&self) -> bool {
        self.user.as_ref().is_some_and(Viewer::is_admin)
    }

    /// Forms for actions that need a recent second factor show a code field.
    pub fn needs_code(&self) -> bool {
        self.user.as_ref().is_some_and(Viewer::needs_code)
    }
}
