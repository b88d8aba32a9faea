//! CSV exports open in spreadsheets, which run a cell starting with `=`, `+`,
//! `-` or `@` as a formula: a quote in front keeps text typed by the public
//! (names, agencies) as plain text.

pub fn spreadsheet_cell(value: &str) -> String {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_string()
    }
}
