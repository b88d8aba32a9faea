//! The grant application: its fixed lists (kind, step, payment method) and the
//! row as stored, with the names of the people who acted on it.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use crate::heroes::model::Service;
use crate::vocab::money::Cents;
use crate::web::forms::Mistake;
use crate::web::lang::Lang;

#[derive(Clone, Copy, Debug, PartialEq, Eq, sqlx::Type)]
#[sqlx(type_name = "grant_kind", rename_all = "snake_case")]
pub enum GrantKind {
    Injury,
    K9Equipment,
    FamilySupport,
}

impl GrantKind {
    pub const ALL: [GrantKind; 3] = [GrantKind::Injury, GrantKind::K9Equipment, GrantKind::FamilySupport];

    pub fn code(self) -> &'static str {
        match self {
            GrantKind::Injury => "injury",
            GrantKind::K9Equipment => "k9_equipment",
            GrantKind::FamilySupport => "family_support",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            GrantKind::Injury => "Injured on duty",
            GrantKind::K9Equipment => "Safety equipment for a K9",
            GrantKind::FamilySupport => "Support for the family of a fallen responder",
        }
    }

    /// The label as a page in `lang` writes it (the message `grant-kind-<code>`).
    pub fn label_in(self, lang: impl std::borrow::Borrow<Lang>) -> String {
        lang.borrow().t(&format!("grant-kind-{}", self.code()))
    }

    pub fn parse(value: &str) -> Result<GrantKind, Mistake> {
        GrantKind::ALL
            .into_iter()
            .find(|k| k.code() == value.trim())
            .ok_or_else(|| Mistake::new("error-choose-kind"))
    }
}

/// The steps an application goes through, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, sqlx::Type)]
#[sqlx(type_name = "grant_status", rename_all = "snake_case")]
pub enum GrantStatus {
    Submitted,
    Shortlisted,
    AwaitingSecondApproval,
    Approved,
    Paid,
    Declined,
}

impl GrantStatus {
    pub const ALL: [GrantStatus; 6] = [
        GrantStatus::Submitted,
        GrantStatus::Shortlisted,
        GrantStatus::AwaitingSecondApproval,
        GrantStatus::Approved,
        GrantStatus::Paid,
        GrantStatus::Declined,
    ];

    pub fn code(self) -> &'static str {
        match self {
            GrantStatus::Submitted => "submitted",
            GrantStatus::Shortlisted => "shortlisted",
            GrantStatus::AwaitingSecondApproval => "awaiting_second_approval",
            GrantStatus::Approved => "approved",
            GrantStatus::Paid => "paid",
            GrantStatus::Declined => "declined",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            GrantStatus::Submitted => "New, to review",
            GrantStatus::Shortlisted => "Shortlisted, waiting for an admin",
            GrantStatus::AwaitingSecondApproval => "Approved once, waiting for a second admin",
            GrantStatus::Approved => "Approved, to pay",
            GrantStatus::Paid => "Paid",
            GrantStatus::Declined => "Declined",
        }
    }

    pub fn parse(value: &str) -> Option<GrantStatus> {
        GrantStatus::ALL.into_iter().find(|s| s.code() == value.trim())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, sqlx::Type)]
#[sqlx(type_name = "payment_method", rename_all = "snake_case")]
pub enum PaymentMethod {
    Check,
    BankTransfer,
    Card,
    Other,
}

impl PaymentMethod {
    pub const ALL: [PaymentMethod; 4] = [
        PaymentMethod::Check,
        PaymentMethod::BankTransfer,
        PaymentMethod::Card,
        PaymentMethod::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            PaymentMethod::Check => "check",
            PaymentMethod::BankTransfer => "bank_transfer",
            PaymentMethod::Card => "card",
            PaymentMethod::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            PaymentMethod::Check => "Check",
            PaymentMethod::BankTransfer => "Bank transfer",
            PaymentMethod::Card => "Prepaid card",
            PaymentMethod::Other => "Other",
        }
    }

    pub fn parse(value: &str) -> Result<PaymentMethod, String> {
        PaymentMethod::ALL
            .into_iter()
            .find(|m| m.code() == value.trim())
            .ok_or_else(|| "Choose how it was paid.".into())
    }
}

/// An application as stored, with the names of the people who acted on it.
#[derive(Clone, Debug)]
pub struct Application {
    pub id: Uuid,
    pub reference: String,
    pub kind: GrantKind,
    pub recipient_name: String,
    pub rank_title: String,
    pub service: Service,
    pub agency: String,
    pub agency_place: String,
    pub consent_to_name: bool,
    pub injury_date: Option<NaiveDate>,
    pub circumstances: String,
    pub amount_requested_cents: i64,
    pub nominator_name: String,
    pub nominator_relationship: String,
    pub contact_phone: String,
    pub contact_email: String,
    /// For a K9 equipment grant, the items asked for; empty for other kinds.
    pub items_requested: String,
    pub status: GrantStatus,
    pub submitted_at: DateTime<Utc>,
    pub entered_by: Option<Uuid>,
    pub entered_by_name: Option<String>,
    pub shortlisted_by_name: Option<String>,
    pub approved_cents: Option<i64>,
    pub grant_month: Option<NaiveDate>,
    pub first_approved_by: Option<Uuid>,
    pub first_approved_by_name: Option<String>,
    pub second_approved_by_name: Option<String>,
    pub recipient_number: Option<i32>,
    pub declined_by_name: Option<String>,
    pub decline_reason: Option<String>,
    pub decline_message: Option<String>,
    pub paid_on: Option<NaiveDate>,
    pub payment_method: Option<PaymentMethod>,
    pub payment_reference: Option<String>,
    /// The language the application was sent in (`en` or `fr`): the emails
    /// and the status page the applicant reads are written in it.
    pub language: String,
}

impl Application {
    /// Whether the applicant reads French, so a decline's words to them should be French too.
    pub fn writes_in_french(&self) -> bool {
        crate::web::lang::Lang::of_code(&self.language).is_french()
    }

    pub fn amount_requested(&self) -> Cents {
        Cents::from_db(self.amount_requested_cents)
    }

    pub fn approved(&self) -> Option<Cents> {
        self.approved_cents.map(Cents::from_db)
    }

    /// "Officer Jane Doe" or just the name.
    pub fn title_and_name(&self) -> String {
        if self.rank_title.is_empty() {
            self.recipient_name.clone()
        } else {
            format!("{} {}", self.rank_title, self.recipient_name)
        }
    }
}
