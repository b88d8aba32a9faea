//! Admin decisions: who may approve, in which step, the second approval above the
//! threshold, payments, and twenty approvals of one application at once.

use std::future::{Future, poll_fn};
use std::pin::Pin;
use std::task::Poll;

use sqlx::PgPool;

use crate::grants::{another_admin, application, approve, confirm, enter, shortlisted, status_of};
use crate::helpers::{Role, TestApp, page_text, text_of};

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn an_approval_at_or_below_the_threshold_counts_at_once(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let (admin, admin_id) = app.signed_in(Role::Admin).await;
    let id = shortlisted(&staff, "Kim Ortiz", "5000").await;
    let response = approve(&admin, id, "$5,000.00", "2026-11").await;
    assert_eq!(response.status_code(), 303);
    assert_eq!(status_of(&app, id).await, "approved");
    let (cents, number, by): (i64, i32, uuid::Uuid) =
        sqlx::query_as("select approved_cents, recipient_number, first_approved_by from grant_applications")
            .fetch_one(&app.pool)
            .await
            .expect("row");
    assert_eq!((cents, number, by), (500_000, 1, admin_id));
    assert_eq!(
        app.count("select count(*) from audit_log where action = 'grant.approved'")
            .await,
        1
    );
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn bad_amounts_and_months_are_refused_beside_the_field(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let (admin, _) = app.signed_in(Role::Admin).await;
    let id = shortlisted(&staff, "Kim Ortiz", "5000").await;
    for (amount, month, field, message) in [
        ("-100", "2026-11", "amount", "cannot be negative"),
        ("0", "2026-11", "amount", "more than zero"),
        ("100.001", "2026-11", "amount", "fractions of a cent"),
        ("1000000.01", "2026-11", "amount", "at most $1,000,000.00"),
        ("5000", "2025-10", "month", "cannot be before November 2025"),
        ("5000", "2027-03", "month", "cannot be after February 2027"),
        ("5000", "1999-01", "month", "cannot be before"),
        ("5000", "soon", "month", "must look like 2026-11"),
    ] {
        let response = approve(&admin, id, amount, month).await;
        assert_eq!(response.status_code(), 422, "{amount} {month}");
        let shown = text_of(&response.text(), &format!("{field}-error")).unwrap_or_default();
        assert!(shown.contains(message), "{amount} {month}: {shown}");
    }
    assert_eq!(status_of(&app, id).await, "shortlisted");
    assert_eq!(
        approve(&admin, id, "5000", "2025-11").await.status_code(),
        303,
        "12 months back is allowed"
    );
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn above_the_threshold_a_different_admin_must_confirm(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let (first, _) = app.signed_in(Role::Admin).await;
    let (second, second_id) = another_admin(&app, "second@example.org").await;
    let id = shortlisted(&staff, "Kim Ortiz", "12000").await;
    assert_eq!(approve(&first, id, "12,000", "").await.status_code(), 303);
    assert_eq!(status_of(&app, id).await, "awaiting_second_approval");
    assert_eq!(
        app.count("select count(*) from grant_applications where recipient_number is not null")
            .await,
        0
    );
    let dashboard = page_text(&first.get("/admin/grants").await.text());
    assert!(
        dashboard.contains("$12,000.00 still to give") || dashboard.contains("$10,000.00 still to give"),
        "{dashboard}"
    );

    let same = confirm(&first, id).await;
    assert_eq!(same.status_code(), 403);
    assert!(text_of(&same.text(), "refusal").is_some_and(|m| m.contains("different admin")));
    assert_eq!(status_of(&app, id).await, "awaiting_second_approval");

    let again = approve(&first, id, "12000", "").await;
    assert_eq!(again.status_code(), 409, "approving twice does not confirm");

    assert_eq!(confirm(&second, id).await.status_code(), 303);
    assert_eq!(status_of(&app, id).await, "approved");
    let (number, by): (i32, uuid::Uuid) =
        sqlx::query_as("select recipient_number, second_approved_by from grant_applications")
            .fetch_one(&app.pool)
            .await
            .expect("row");
    assert_eq!((number, by), (1, second_id));
    assert_eq!(confirm(&second, id).await.status_code(), 409);
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn nobody_approves_an_application_they_entered(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (admin, _) = app.signed_in(Role::Admin).await;
    let id = shortlisted(&admin, "Kim Ortiz", "3000").await;
    let page = page_text(&admin.get(&format!("/staff/grants/{id}")).await.text());
    assert!(page.contains("You entered this application"));
    let response = approve(&admin, id, "3000", "").await;
    assert_eq!(response.status_code(), 403);
    assert_eq!(status_of(&app, id).await, "shortlisted");

    // Above the threshold the one who entered it cannot be the confirming admin either.
    let big = shortlisted(&admin, "Ray Chen", "9000").await;
    let (other, _) = another_admin(&app, "other@example.org").await;
    assert_eq!(approve(&other, big, "9000", "").await.status_code(), 303);
    assert_eq!(confirm(&admin, big).await.status_code(), 403);
    assert_eq!(status_of(&app, big).await, "awaiting_second_approval");
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_declined_application_cannot_be_approved_or_paid(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let (admin, _) = app.signed_in(Role::Admin).await;
    let id = shortlisted(&staff, "Kim Ortiz", "3000").await;
    let no_reason = admin
        .post(&format!("/admin/grants/{id}/decline"))
        .form(&[("reason", "")])
        .await;
    assert_eq!(no_reason.status_code(), 422);
    assert_eq!(
        text_of(&no_reason.text(), "reason-error").as_deref(),
        Some("Reason is required.")
    );
    assert_eq!(
        text_of(&no_reason.text(), "to_applicant-error").as_deref(),
        Some("What the applicant reads is required.")
    );
    let declined = admin
        .post(&format!("/admin/grants/{id}/decline"))
        .form(&[
            ("reason", "Injury was not on duty."),
            ("to_applicant", "The program helps with injuries on duty only."),
        ])
        .await;
    assert_eq!(declined.status_code(), 303);

    let response = approve(&admin, id, "3000", "").await;
    assert_eq!(response.status_code(), 409);
    assert!(text_of(&response.text(), "refusal").is_some_and(|m| m.contains("declined")));
    let paid = admin
        .post(&format!("/admin/grants/{id}/payment"))
        .form(&[
            ("paid_on", "2026-11-20"),
            ("method", "check"),
            ("payment_reference", "Check 1001"),
        ])
        .await;
    assert_eq!(paid.status_code(), 409);
    assert_eq!(status_of(&app, id).await, "declined");
    assert_eq!(
        app.count("select count(*) from grant_applications where recipient_number is not null")
            .await,
        0
    );
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn only_an_approved_grant_is_paid_and_only_once(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let (admin, _) = app.signed_in(Role::Admin).await;
    let id = shortlisted(&staff, "Kim Ortiz", "3000").await;
    let pay = |date: &'static str| {
        let admin = &admin;
        async move {
            admin
                .post(&format!("/admin/grants/{id}/payment"))
                .form(&[
                    ("paid_on", date),
                    ("method", "check"),
                    ("payment_reference", "Check 1001"),
                ])
                .await
        }
    };
    let unapproved = pay("2026-11-20").await;
    assert_eq!(unapproved.status_code(), 409);
    assert!(text_of(&unapproved.text(), "refusal").is_some_and(|m| m.contains("Only an approved grant")));
    let unreviewed = enter(&staff, &application("New Person", "1000")).await;
    assert_eq!(
        approve(&admin, unreviewed, "1000", "").await.status_code(),
        409,
        "shortlist first"
    );

    assert_eq!(approve(&admin, id, "3000", "").await.status_code(), 303);
    let future = pay("2026-12-01").await;
    assert_eq!(future.status_code(), 422);
    assert!(text_of(&future.text(), "paid_on-error").is_some_and(|m| m.contains("future")));
    assert_eq!(pay("2026-11-20").await.status_code(), 303);
    assert_eq!(status_of(&app, id).await, "paid");
    assert_eq!(pay("2026-11-21").await.status_code(), 409, "paid once");
    let decline = admin
        .post(&format!("/admin/grants/{id}/decline"))
        .form(&[("reason", "Changed my mind"), ("to_applicant", "Sorry.")])
        .await;
    assert_eq!(decline.status_code(), 409, "a counted grant is not declined");
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn staff_cannot_approve_decline_or_pay(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let id = shortlisted(&staff, "Kim Ortiz", "3000").await;
    for action in ["approve", "confirm", "decline", "payment"] {
        let response = staff
            .post(&format!("/admin/grants/{id}/{action}"))
            .form(&[("amount", "3000"), ("reason", "x")])
            .await;
        assert_eq!(response.status_code(), 403, "{action}");
    }
    assert_eq!(status_of(&app, id).await, "shortlisted");
}

/// Runs the futures at once, interleaved on this task, and collects their results
/// in order (the crate has no `futures` dependency for one test).
async fn join_all<F: Future>(futures: impl IntoIterator<Item = F>) -> Vec<F::Output> {
    let mut futures: Vec<Pin<Box<F>>> = futures.into_iter().map(Box::pin).collect();
    let mut outputs: Vec<Option<F::Output>> = futures.iter().map(|_| None).collect();
    poll_fn(|cx| {
        let mut waiting = false;
        for (future, output) in futures.iter_mut().zip(outputs.iter_mut()) {
            if output.is_none() {
                match future.as_mut().poll(cx) {
                    Poll::Ready(value) => *output = Some(value),
                    Poll::Pending => waiting = true,
                }
            }
        }
        if waiting { Poll::Pending } else { Poll::Ready(()) }
    })
    .await;
    outputs.into_iter().flatten().collect()
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn twenty_concurrent_approvals_count_exactly_once(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let id = shortlisted(&staff, "Kim Ortiz", "3000").await;
    let mut admins = Vec::new();
    for i in 0..4 {
        admins.push(another_admin(&app, &format!("admin{i}@example.org")).await.0);
    }
    let responses = join_all((0..20).map(|i| approve(&admins[i % 4], id, "3000", ""))).await;
    let codes: Vec<u16> = responses.iter().map(|r| r.status_code().as_u16()).collect();
    assert_eq!(codes.iter().filter(|c| **c == 303).count(), 1, "{codes:?}");
    assert_eq!(codes.iter().filter(|c| **c == 409).count(), 19, "{codes:?}");
    assert_eq!(
        app.count("select count(*) from audit_log where action = 'grant.approved'")
            .await,
        1
    );
    assert_eq!(
        app.count("select last_number::bigint from grant_recipient_counter")
            .await,
        1
    );
    assert_eq!(
        app.count(
            "select coalesce(sum(approved_cents), 0)::bigint from grant_applications where recipient_number is not null"
        )
        .await,
        300_000
    );
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn recipient_numbers_have_no_gaps_across_both_kinds_of_approval(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let (first, _) = app.signed_in(Role::Admin).await;
    let (second, _) = another_admin(&app, "second@example.org").await;
    let big = shortlisted(&staff, "Big Grant", "9000").await;
    let small = shortlisted(&staff, "Small Grant", "1000").await;
    let declined = shortlisted(&staff, "Declined", "1000").await;
    assert_eq!(approve(&first, big, "9000", "").await.status_code(), 303);
    assert_eq!(approve(&first, small, "1000", "").await.status_code(), 303);
    first
        .post(&format!("/admin/grants/{declined}/decline"))
        .form(&[("reason", "Not eligible"), ("to_applicant", "Not eligible.")])
        .await;
    assert_eq!(confirm(&second, big).await.status_code(), 303);
    let numbers: Vec<(String, i32)> = sqlx::query_as(
        "select recipient_name, recipient_number from grant_applications where recipient_number is not null
         order by recipient_number",
    )
    .fetch_all(&app.pool)
    .await
    .expect("rows");
    assert_eq!(
        numbers,
        vec![("Small Grant".to_string(), 1), ("Big Grant".to_string(), 2)]
    );
}
