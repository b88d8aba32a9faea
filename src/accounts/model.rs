//! The account types: roles, a parsed email address, a display name, the user row.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::web::forms::{Arg, Label, Mistake, one_line};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, sqlx::Type)]
#[sqlx(type_name = "user_role", rename_all = "lowercase")]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Staff,
    Admin,
}

impl Role {
    pub fn parse(value: &str) -> Result<Role, String> {
        match value {
            "staff" => Ok(Role::Staff),
            "admin" => Ok(Role::Admin),
            _ => Err("Choose staff or admin.".into()),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Staff => "staff",
            Role::Admin => "admin",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Role::Staff => "Staff",
            Role::Admin => "Admin",
        })
    }
}

/// An email address, trimmed and lower-cased, so comparisons ignore case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Email, Mistake> {
        let value = raw.trim().to_lowercase();
        let label = || Label::Key("label-email");
        if value.is_empty() {
            return Err(Mistake::of("error-required", label()));
        }
        if value.chars().count() > 254 {
            return Err(Mistake::of("error-too-long", label()).with("max", Arg::text(254)));
        }
        let valid = match value.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !value
                        .chars()
                        .any(|c| c.is_whitespace() || c.is_control() || "<>()[],;:\\\"".contains(c))
                    && !domain.contains('@')
            }
            None => false,
        };
        if valid {
            Ok(Email(value))
        } else {
            Err(Mistake::new("error-email"))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The name shown in the header and in the audit trail.
#[derive(Clone, Debug)]
pub struct DisplayName(String);

impl DisplayName {
    pub fn parse(raw: &str) -> Result<DisplayName, String> {
        Ok(DisplayName(one_line(raw, "Name", 100, true)?))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct User {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub password_hash: Option<String>,
    pub active: bool,
    pub session_epoch: i32,
    pub created_at: DateTime<Utc>,
}

impl User {
    /// Invited but has not yet chosen a password.
    pub fn is_pending(&self) -> bool {
        self.password_hash.is_none()
    }
}
