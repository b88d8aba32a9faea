//! Who may take which decision at which step. Pure functions of the locked row
//! and the acting admin, so each rule is read in one place and refused the same
//! way whichever page the request came from.

use uuid::Uuid;

use super::model::GrantStatus;
use super::queries::Locked;

/// Why an action is refused, in words the person acts on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Separation of duties: this decision needs a different person.
    NotYou(&'static str),
    /// The application is not at a step that allows the action.
    WrongStep(&'static str),
}

impl Refusal {
    pub fn reason(self) -> &'static str {
        match self {
            Refusal::NotYou(why) | Refusal::WrongStep(why) => why,
        }
    }
}

const ENTERED_IT: Refusal = Refusal::NotYou("You entered this application, so a different admin must approve it.");

pub fn may_approve(current: &Locked, me: Uuid) -> Result<(), Refusal> {
    if current.entered_by == Some(me) {
        return Err(ENTERED_IT);
    }
    match current.status {
        GrantStatus::Shortlisted => Ok(()),
        GrantStatus::Submitted => Err(Refusal::WrongStep(
            "Staff must review and shortlist this application before an admin approves it.",
        )),
        GrantStatus::AwaitingSecondApproval => Err(Refusal::WrongStep(
            "This application is already approved once and waits for a second admin to confirm it.",
        )),
        GrantStatus::Approved | GrantStatus::Paid => {
            Err(Refusal::WrongStep("This grant is already approved and counted."))
        }
        GrantStatus::Declined => Err(Refusal::WrongStep(
            "This application was declined, so it cannot be approved.",
        )),
    }
}

pub fn may_confirm(current: &Locked, me: Uuid) -> Result<(), Refusal> {
    if current.entered_by == Some(me) {
        return Err(ENTERED_IT);
    }
    match current.status {
        GrantStatus::AwaitingSecondApproval if current.first_approved_by == Some(me) => Err(Refusal::NotYou(
            "You gave the first approval, so a different admin must confirm it.",
        )),
        GrantStatus::AwaitingSecondApproval => Ok(()),
        GrantStatus::Approved | GrantStatus::Paid => {
            Err(Refusal::WrongStep("This grant is already confirmed and counted."))
        }
        _ => Err(Refusal::WrongStep(
            "Only an application approved once, above the second-approval amount, waits for confirmation.",
        )),
    }
}

pub fn may_decline(current: &Locked) -> Result<(), Refusal> {
    match current.status {
        GrantStatus::Submitted | GrantStatus::Shortlisted | GrantStatus::AwaitingSecondApproval => Ok(()),
        GrantStatus::Declined => Err(Refusal::WrongStep("This application is already declined.")),
        GrantStatus::Approved | GrantStatus::Paid => Err(Refusal::WrongStep(
            "This grant is already approved and counted, so it cannot be declined.",
        )),
    }
}

pub fn may_pay(current: &Locked) -> Result<(), Refusal> {
    match current.status {
        GrantStatus::Approved => Ok(()),
        GrantStatus::Paid => Err(Refusal::WrongStep("The payment of this grant is already recorded.")),
        _ => Err(Refusal::WrongStep(
            "Only an approved grant can be paid; this application is not approved.",
        )),
    }
}
