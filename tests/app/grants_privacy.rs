//! Nothing private about a grant reaches a public response: a marker goes into
//! every private field (injury, contact, K9 items, payment, notes, decline reasons,
//! and the name of a recipient who did not consent), then every public page is searched.

use sqlx::PgPool;

use crate::grants::{another_admin, application, approve, confirm, enter, shortlisted};
use crate::grants_k9::k9_application;
use crate::helpers::{Role, TestApp, page_text, text_of, with};

const MARKER: &str = "GRANT-MARKER-9c1e";

/// An application whose every private field carries the marker.
fn private_application(recipient: &str, consent: bool) -> Vec<(String, String)> {
    let mut form = application(recipient, "4000");
    for field in [
        "rank_title",
        "agency",
        "agency_place",
        "circumstances",
        "nominator_name",
        "nominator_relationship",
    ] {
        form = with(form, field, &format!("{field} {MARKER}"));
    }
    form = with(form, "contact_phone", "(407) 555-0199");
    form = with(form, "contact_email", "grant-marker-9c1e@example.org");
    if consent {
        form = with(form, "consent_to_name", "on");
    }
    form
}

fn public_urls() -> Vec<&'static str> {
    vec![
        "/",
        "/grants",
        "/grants/apply",
        "/grants/apply/received",
        "/honor-roll",
        "/honor-roll.csv",
        // A search that would find the marker (the box echoes what was typed, so not the marker itself).
        "/honor-roll?q=grant-marker",
        "/honor-roll/states",
        "/honor-roll/years",
    ]
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn no_private_grant_field_reaches_a_public_response(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let (admin, _) = app.signed_in(Role::Admin).await;
    let (second, _) = another_admin(&app, "second@example.org").await;

    // A visitor's own application, through the public form.
    let visitor = app.browser();
    let response = visitor
        .post("/grants/apply")
        .form(&private_application(&format!("Unnamed {MARKER}"), false))
        .await;
    assert_eq!(response.status_code(), 303);
    // A K9 equipment application: the items asked for stay with the grant team too.
    let k9 = k9_application(&format!("Handler {MARKER}"), &format!("items {MARKER}"));
    assert_eq!(visitor.post("/grants/apply").form(&k9).await.status_code(), 303);

    // Counted and paid, without consent: the name stays private too.
    let hidden = enter(&staff, &private_application(&format!("Hidden {MARKER}"), false)).await;
    // Counted with consent: only the name may appear.
    let named = enter(&staff, &private_application("Jordan Named", true)).await;
    for id in [hidden, named] {
        staff
            .post(&format!("/staff/grants/{id}/notes"))
            .form(&[("note", format!("note {MARKER}"))])
            .await;
        staff.post(&format!("/staff/grants/{id}/shortlist")).await;
        assert_eq!(approve(&admin, id, "9000", "").await.status_code(), 303);
        assert_eq!(confirm(&second, id).await.status_code(), 303);
    }
    let paid = admin
        .post(&format!("/admin/grants/{hidden}/payment"))
        .form(&[
            ("paid_on", "2026-11-20"),
            ("method", "bank_transfer"),
            ("payment_reference", &format!("ref {MARKER}")),
        ])
        .await;
    assert_eq!(paid.status_code(), 303);
    let declined = shortlisted(&staff, &format!("Declined {MARKER}"), "700").await;
    admin
        .post(&format!("/admin/grants/{declined}/decline"))
        .form(&[
            ("reason", format!("reason {MARKER}")),
            ("to_applicant", format!("words {MARKER}")),
        ])
        .await;
    assert_eq!(app.count("select count(*) from grant_applications").await, 5);
    assert_eq!(
        app.count("select count(*) from grant_applications where items_requested like '%9c1e%'")
            .await,
        1
    );
    assert_eq!(app.count("select count(*) from grant_notes").await, 2);

    // Staff read their messages first, so no flash carries a record into a page.
    staff.get("/staff").await;
    for browser in [app.browser(), visitor, staff] {
        for url in public_urls() {
            let body = browser.get(url).await.text();
            assert!(!body.contains("9c1e"), "{url} leaks a private grant field");
            assert!(!body.contains("555-0199"), "{url} leaks a phone number");
        }
    }
    let public = app.browser().get("/grants").await.text();
    assert!(
        page_text(&public).contains("Jordan Named"),
        "a consenting recipient is named"
    );
    assert_eq!(text_of(&public, "recipients").as_deref(), Some("2"));
    assert_eq!(text_of(&public, "given-this-year").as_deref(), Some("$18,000.00"));
}
