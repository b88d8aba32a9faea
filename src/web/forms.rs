//! Form mistakes, kept per field so each message is shown beside its field, and
//! the small forms several areas share.

use std::collections::BTreeMap;

use serde::Deserialize;

#[derive(Debug, Default, Clone)]
pub struct FormErrors(BTreeMap<&'static str, String>);

impl FormErrors {
    pub fn add(&mut self, field: &'static str, message: impl Into<String>) {
        self.0.entry(field).or_insert_with(|| message.into());
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.get(field).map(String::as_str)
    }

    /// Every message, in field order (for rows of an import, which have no fields on screen).
    pub fn messages(&self) -> impl Iterator<Item = &str> {
        self.0.values().map(String::as_str)
    }

    /// Each field with its message, for the summary at the top of a form.
    pub fn all(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(field, message)| (*field, message.as_str()))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Records the error of a parse step and returns its value when it succeeded.
    pub fn check<T>(&mut self, field: &'static str, result: Result<T, String>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(message) => {
                self.add(field, message);
                None
            }
        }
    }
}

/// Refuses text with control characters (other than tab and line breaks) or beyond `max` characters.
pub fn plain_text(value: &str, label: &str, max: usize, required: bool) -> Result<String, String> {
    let value = value.trim();
    if required && value.is_empty() {
        return Err(format!("{label} is required."));
    }
    if value.chars().count() > max {
        return Err(format!("{label} must be at most {max} characters."));
    }
    if value
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(format!(
            "{label} contains invisible control characters; please retype it."
        ));
    }
    Ok(value.to_string())
}

/// A form that asks only why (cancelling a run, voiding a mile).
#[derive(Deserialize)]
pub struct ReasonForm {
    #[serde(default)]
    reason: String,
}

impl ReasonForm {
    /// The reason given: required, at most 500 characters of plain text.
    pub fn reason(&self) -> Result<String, String> {
        plain_text(&self.reason, "Reason", 500, true)
    }

    /// What was typed, to show it again beside its mistake.
    pub fn reason_typed(&self) -> &str {
        &self.reason
    }
}
