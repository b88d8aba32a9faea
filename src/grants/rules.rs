//! Who may take which decision at which step. Pure functions of the locked row
//! and the acting admin, so each rule is read in one place and refused the same
//! way whichever page the request came from.

use axum::http::StatusCode;
use uuid::Uuid;

use super::model::GrantStatus;
use super::queries::Locked;

/// Why an action is refused, and the status that says so.
pub type Refusal = (StatusCode, &'static str);

const ENTERED_IT: Refusal = (
    StatusCode::FORBIDDEN,
    "You entered this application, so a different admin must approve it.",
);

pub fn may_approve(current: &Locked, me: Uuid) -> Result<(), Refusal> {
    if current.entered_by == Some(me) {
        return Err(ENTERED_IT);
    }
    match current.status {
        GrantStatus::Shortlisted => Ok(()),
        GrantStatus::Submitted => Err((
            StatusCode::CONFLICT,
            "Staff must review and shortlist this application before an admin approves it.",
        )),
        GrantStatus::AwaitingSecondApproval => Err((
            StatusCode::CONFLICT,
            "This application is already approved once and waits for a second admin to confirm it.",
        )),
        GrantStatus::Approved | GrantStatus::Paid => {
            Err((StatusCode::CONFLICT, "This grant is already approved and counted."))
        }
        GrantStatus::Declined => Err((
            StatusCode::CONFLICT,
            "This application was declined, so it cannot be approved.",
        )),
    }
}

pub fn may_confirm(current: &Locked, me: Uuid) -> Result<(), Refusal> {
    if current.entered_by == Some(me) {
        return Err(ENTERED_IT);
    }
    match current.status {
        GrantStatus::AwaitingSecondApproval if current.first_approved_by == Some(me) => Err((
            StatusCode::FORBIDDEN,
            "You gave the first approval, so a different admin must confirm it.",
        )),
        GrantStatus::AwaitingSecondApproval => Ok(()),
        GrantStatus::Approved | GrantStatus::Paid => {
            Err((StatusCode::CONFLICT, "This grant is already confirmed and counted."))
        }
        _ => Err((
            StatusCode::CONFLICT,
            "Only an application approved once, above the second-approval amount, waits for confirmation.",
        )),
    }
}

pub fn may_decline(current: &Locked) -> Result<(), Refusal> {
    match current.status {
        GrantStatus::Submitted | GrantStatus::Shortlisted | GrantStatus::AwaitingSecondApproval => Ok(()),
        GrantStatus::Declined => Err((StatusCode::CONFLICT, "This application is already declined.")),
        GrantStatus::Approved | GrantStatus::Paid => Err((
            StatusCode::CONFLICT,
            "This grant is already approved and counted, so it cannot be declined.",
        )),
    }
}
