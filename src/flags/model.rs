//! A flag's steps and the one table of moves between them, the kind of flag a
//! hero's service calls for, carriers and their tracking numbers, and how the
//! public is told who received a flag.

use chrono::NaiveDate;
use serde::Serialize;
use serde_json::json;

use crate::heroes::contact_model::ContactKind;
use crate::heroes::model::Service;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, sqlx::Type)]
#[sqlx(type_name = "flag_step", rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum Step {
    WaitingForNote,
    NoteWritten,
    Ready,
    Shipped,
    HandedOver,
    Delivered,
    Returned,
}

/// Every move a flag may make, and no other: the note is written, the flag is
/// made ready, sent by a carrier or handed to a person who delivers it, then
/// delivered or returned; a returned flag is made ready to be sent again.
pub const MOVES: [(Step, Step); 9] = [
    (Step::WaitingForNote, Step::NoteWritten),
    (Step::NoteWritten, Step::Ready),
    (Step::Ready, Step::Shipped),
    (Step::Ready, Step::HandedOver),
    (Step::Shipped, Step::Delivered),
    (Step::Shipped, Step::Returned),
    (Step::HandedOver, Step::Delivered),
    (Step::HandedOver, Step::Returned),
    (Step::Returned, Step::Ready),
];

impl Step {
    /// The board's order: the way a flag goes.
    pub const ALL: [Step; 7] = [
        Step::WaitingForNote,
        Step::NoteWritten,
        Step::Ready,
        Step::Returned,
        Step::Shipped,
        Step::HandedOver,
        Step::Delivered,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Step::WaitingForNote => "waiting_for_note",
            Step::NoteWritten => "note_written",
            Step::Ready => "ready",
            Step::Shipped => "shipped",
            Step::HandedOver => "handed_over",
            Step::Delivered => "delivered",
            Step::Returned => "returned",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Step::WaitingForNote => "Waiting for its note",
            Step::NoteWritten => "Note written",
            Step::Ready => "Ready to send",
            Step::Shipped => "Shipped",
            Step::HandedOver => "Handed over to deliver in person",
            Step::Delivered => "Delivered",
            Step::Returned => "Returned",
        }
    }

    /// Whether the flag may move from this step to `to`.
    pub fn can_move_to(self, to: Step) -> bool {
        MOVES.contains(&(self, to))
    }

    /// The recipient may change until the flag is sent, and again once it comes back.
    pub fn can_choose_recipient(self) -> bool {
        !matches!(self, Step::Shipped | Step::HandedOver | Step::Delivered)
    }

    /// Still with the program or on its way: not yet delivered.
    pub fn is_open(self) -> bool {
        self != Step::Delivered
    }

    /// Why a move is refused, in words staff act on.
    pub fn refusal(self, to: Step) -> String {
        let now = self.label().to_lowercase();
        let to_label = to.label().to_lowercase();
        match (self, to) {
            (Step::Delivered, _) => "This flag has already been delivered; nothing more can happen to it.".into(),
            (_, Step::NoteWritten) => "This flag's note has already been written.".into(),
            (from, to) if from == to => format!("This flag is already {now}."),
            (Step::Shipped | Step::HandedOver, _) => {
                format!("This flag is on its way ({now}): it can only be marked delivered or returned.")
            }
            (Step::Returned, _) => "A returned flag must be made ready and sent again first.".into(),
            (_, Step::Delivered | Step::Returned) => {
                format!(
                    "A flag can only be marked {to_label} after it has been shipped or handed over; this one is {now}."
                )
            }
            (Step::WaitingForNote, Step::Ready) => "Write the flag's note before marking it ready.".into(),
            _ => format!(
                "A flag must be ready (its note written, the flag packed) before it is sent; this one is {now}."
            ),
        }
    }

    /// Sent (or back from being sent): it has a dispatch, a date and a recipient.
    pub fn is_sent(self) -> bool {
        matches!(
            self,
            Step::Shipped | Step::HandedOver | Step::Delivered | Step::Returned
        )
    }
}

/// The flag carried on a mile. Police and fire are the program's own practice;
/// the rest are its choices: EMS the thin white line, corrections the thin
/// silver line, a K9 the thin blue line K9 flag, and anyone else the national
/// flag of the country they served.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, sqlx::Type)]
#[sqlx(type_name = "flag_kind", rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum FlagKind {
    ThinBlueLine,
    ThinRedLine,
    ThinWhiteLine,
    ThinSilverLine,
    K9ThinBlueLine,
    UnitedStates,
    Canada,
}

impl FlagKind {
    /// Must agree with the backfill in the flags migration.
    pub fn for_hero(service: Service, country: &str) -> FlagKind {
        match service {
            Service::Police => FlagKind::ThinBlueLine,
            Service::Fire => FlagKind::ThinRedLine,
            Service::Ems => FlagKind::ThinWhiteLine,
            Service::Corrections => FlagKind::ThinSilverLine,
            Service::K9 => FlagKind::K9ThinBlueLine,
            Service::Other if country == "CA" => FlagKind::Canada,
            Service::Other => FlagKind::UnitedStates,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            FlagKind::ThinBlueLine => "Thin blue line flag",
            FlagKind::ThinRedLine => "Thin red line flag",
            FlagKind::ThinWhiteLine => "Thin white line flag",
            FlagKind::ThinSilverLine => "Thin silver line flag",
            FlagKind::K9ThinBlueLine => "Thin blue line K9 flag",
            FlagKind::UnitedStates => "United States flag",
            FlagKind::Canada => "Canadian flag",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, sqlx::Type)]
#[sqlx(type_name = "flag_carrier", rename_all = "snake_case")]
pub enum Carrier {
    Usps,
    Ups,
    Fedex,
    CanadaPost,
    Other,
}

impl Carrier {
    pub const ALL: [Carrier; 5] = [
        Carrier::Usps,
        Carrier::Ups,
        Carrier::Fedex,
        Carrier::CanadaPost,
        Carrier::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Carrier::Usps => "usps",
            Carrier::Ups => "ups",
            Carrier::Fedex => "fedex",
            Carrier::CanadaPost => "canada_post",
            Carrier::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Carrier::Usps => "USPS",
            Carrier::Ups => "UPS",
            Carrier::Fedex => "FedEx",
            Carrier::CanadaPost => "Canada Post",
            Carrier::Other => "Other carrier",
        }
    }

    pub fn parse(value: &str) -> Result<Carrier, String> {
        Carrier::ALL
            .into_iter()
            .find(|c| c.code() == value.trim())
            .ok_or_else(|| "Choose the carrier.".into())
    }

    /// Checks that a tracking number looks like one of this carrier's, and keeps
    /// it as typed (trimmed). Spaces and hyphens are ignored for the check only,
    /// since labels print numbers in groups. Only the shape is checked, not check
    /// digits, so a plausible typo still passes; these are the rules:
    /// - USPS: 20 to 22 digits (domestic labels), or an international number of
    ///   2 letters, 9 digits and `US` (EA123456789US).
    /// - UPS: `1Z` then 16 letters or digits.
    /// - FedEx: 12, 15, 20 or 22 digits.
    /// - Canada Post: 12 or 16 digits, or 2 letters, 9 digits and `CA`.
    /// - Other: 4 to 40 letters, digits, spaces or hyphens.
    pub fn check_tracking(self, typed: &str) -> Result<String, String> {
        let kept = typed.trim();
        if kept.is_empty() {
            return Err("Enter the tracking number from the label.".into());
        }
        let compact: String = kept
            .chars()
            .filter(|c| !matches!(c, ' ' | '-'))
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let digits =
            |lengths: &[usize]| compact.bytes().all(|b| b.is_ascii_digit()) && lengths.contains(&compact.len());
        let s10 = |country: &str| {
            let b = compact.as_bytes();
            b.len() == 13
                && b[..2].iter().all(u8::is_ascii_alphabetic)
                && b[2..11].iter().all(u8::is_ascii_digit)
                && compact.ends_with(country)
        };
        let plausible = match self {
            Carrier::Usps => digits(&[20, 21, 22]) || s10("US"),
            Carrier::Ups => {
                compact.len() == 18 && compact.starts_with("1Z") && compact.bytes().all(|b| b.is_ascii_alphanumeric())
            }
            Carrier::Fedex => digits(&[12, 15, 20, 22]),
            Carrier::CanadaPost => digits(&[12, 16]) || s10("CA"),
            Carrier::Other => {
                (4..=40).contains(&kept.chars().count())
                    && kept
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '-'))
            }
        };
        if !plausible {
            return Err(format!(
                "This does not look like a {} tracking number. {}",
                self.label(),
                self.tracking_hint()
            ));
        }
        if kept.chars().count() > 40 {
            return Err("A tracking number is at most 40 characters.".into());
        }
        Ok(kept.to_string())
    }

    fn tracking_hint(self) -> &'static str {
        match self {
            Carrier::Usps => "USPS numbers have 20 to 22 digits, or look like EA123456789US.",
            Carrier::Ups => "UPS numbers start with 1Z and have 18 characters.",
            Carrier::Fedex => "FedEx numbers have 12, 15, 20 or 22 digits.",
            Carrier::CanadaPost => "Canada Post numbers have 12 or 16 digits, or look like EA123456789CA.",
            Carrier::Other => "Use 4 to 40 letters, digits, spaces or hyphens.",
        }
    }
}

/// Who received a flag, as the public is told: never a name, only a kind of person.
pub fn public_recipient(kind: ContactKind) -> &'static str {
    match kind {
        ContactKind::Family => "the family",
        ContactKind::Agency => "the agency",
        ContactKind::Handler => "the K9's handler",
        ContactKind::Intermediary | ContactKind::Other => "a representative",
    }
}

/// A step a member of staff takes, with what it records. Parsed from the forms;
/// the queries trust it.
#[derive(Clone, Debug)]
pub enum Move {
    Note {
        text: String,
        writer: String,
        scan_key: Option<String>,
    },
    Ready,
    Ship {
        carrier: Carrier,
        tracking: String,
        on: NaiveDate,
    },
    HandOver {
        on: NaiveDate,
    },
    Deliver {
        on: NaiveDate,
        confirmed_by: String,
    },
    Return {
        on: NaiveDate,
        reason: String,
    },
}

impl Move {
    pub fn to(&self) -> Step {
        match self {
            Move::Note { .. } => Step::NoteWritten,
            Move::Ready => Step::Ready,
            Move::Ship { .. } => Step::Shipped,
            Move::HandOver { .. } => Step::HandedOver,
            Move::Deliver { .. } => Step::Delivered,
            Move::Return { .. } => Step::Returned,
        }
    }

    /// What the flag's history and the audit trail keep of this step (never the
    /// note itself or an address: those stay on the flag).
    pub fn details(&self) -> serde_json::Value {
        match self {
            Move::Note { writer, scan_key, .. } => json!({ "writer": writer, "scan": scan_key }),
            Move::Ready => json!({}),
            Move::Ship { carrier, tracking, on } => {
                json!({ "carrier": carrier.label(), "tracking_number": tracking, "date": on })
            }
            Move::HandOver { on } => json!({ "date": on }),
            Move::Deliver { on, confirmed_by } => json!({ "date": on, "confirmed_by": confirmed_by }),
            Move::Return { on, reason } => json!({ "date": on, "reason": reason }),
        }
    }
}
