//! Every date a person types or a link carries goes through one parser with one
//! window (1791 to 2100): years chrono reads and PostgreSQL refuses, or that no
//! one means, are a 4xx with a reason, never a 500 and never saved.

use sqlx::PgPool;
use uuid::Uuid;

use crate::grants::{application, approve, shortlisted};
use crate::helpers::{Role, TestApp, hero_form, page_text, text_of, with};

const BEFORE_POSTGRES: &str = "-4714-11-24";
const FAR_AHEAD: &str = "+200000-01-01";

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn honor_roll_and_api_cursors_with_impossible_dates_are_a_400(pool: PgPool) {
    let app = TestApp::new(pool).await;
    app.seed_heroes(&[("Julian Becerra", "Fountain Police Department", "US", "CO", "2023-02-11")])
        .await;
    let id = Uuid::now_v7();
    for date in [BEFORE_POSTGRES, FAR_AHEAD, "1066-10-14", "2026-02-30"] {
        let date = date.replace('+', "%2B");
        for path in [
            format!("/honor-roll?after={date}&after_id={id}"),
            format!("/honor-roll?sort=eow&after={date}&after_id={id}"),
            format!("/honor-roll?q=julian&sort=best&after=0.5_{date}&after_id={id}"),
            format!("/api/heroes?after={date}&after_id={id}"),
            format!("/honor-roll.csv?after={date}&after_id={id}"),
        ] {
            let response = app.browser().get(&path).await;
            assert_eq!(response.status_code(), 400, "{path}");
        }
    }
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn the_audit_filter_explains_an_impossible_date(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (admin, _) = app.signed_in(Role::Admin).await;
    for date in [BEFORE_POSTGRES, "%2B200000-01-01", "0001-01-01"] {
        let page = admin.get(&format!("/admin/audit?from={date}&to={date}")).await;
        assert_eq!(page.status_code(), 200, "{date}: the filter form with its message");
        let html = page.text();
        assert!(text_of(&html, "from-error").is_some(), "{date}");
        assert!(text_of(&html, "to-error").is_some(), "{date}");
    }
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_run_or_mile_far_in_the_past_or_future_is_refused_and_not_saved(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let hero = app
        .add_confirmed_hero(&staff, &hero_form("Ann Smith", "Springfield PD", "US-IL", "2020-01-05"))
        .await;
    for date in [FAR_AHEAD, BEFORE_POSTGRES, "2101-01-01", "1790-12-31"] {
        let response = staff
            .post("/staff/runs")
            .form(&[
                ("run_date", date),
                ("place", "Winter Springs High School track"),
                ("hero", &hero.to_string()),
            ])
            .await;
        assert_eq!(response.status_code(), 422, "{date}");
        let message = text_of(&response.text(), "run_date-error").unwrap_or_default();
        assert!(message.starts_with("Date must be"), "{date}: {message}");
    }
    assert_eq!(app.count("select count(*) from runs").await, 0);
    let hero_form = with(
        hero_form("Bob Jones", "Springfield PD", "US-IL", "2020-01-05"),
        "end_of_watch",
        BEFORE_POSTGRES,
    );
    let response = staff.post("/staff/heroes").form(&hero_form).await;
    assert_eq!(response.status_code(), 422);
    assert_eq!(app.count("select count(*) from heroes").await, 1);
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn grant_dates_out_of_the_window_are_refused(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let (admin, _) = app.signed_in(Role::Admin).await;
    let applied = app
        .browser()
        .post("/grants/apply")
        .form(&with(application("Kim Ortiz", "500"), "injury_date", BEFORE_POSTGRES))
        .await;
    assert_eq!(applied.status_code(), 422);
    assert!(text_of(&applied.text(), "injury_date-error").is_some());
    assert_eq!(app.count("select count(*) from grant_applications").await, 0);

    let id = shortlisted(&staff, "Lee Morgan", "500").await;
    assert_eq!(approve(&admin, id, "500", "").await.status_code(), 303);
    for date in [BEFORE_POSTGRES, FAR_AHEAD] {
        let paid = admin
            .post(&format!("/admin/grants/{id}/payment"))
            .form(&[
                ("paid_on", date),
                ("method", "check"),
                ("payment_reference", "Check 1001"),
            ])
            .await;
        assert_eq!(paid.status_code(), 422, "{date}");
    }
    for month in ["-4714-11", "%2B200000-01"] {
        let response = admin.get(&format!("/admin/grants/export.csv?month={month}")).await;
        assert_eq!(response.status_code(), 400, "{month}");
        assert!(page_text(&response.text()).contains("The month must look like 2027-01"));
    }
    assert_eq!(
        app.count("select count(*) from grant_applications where paid_on is not null")
            .await,
        0
    );
}

/// The net behind the window: PostgreSQL's own "date out of range" is the
/// request's fault, a 400, wherever it comes from.
#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn postgres_date_out_of_range_is_a_bad_request(pool: PgPool) {
    use honor_mile::error::{AppError, is_date_out_of_range};
    let refused = sqlx::query("select date '4714-11-24 BC' - 1")
        .execute(&pool)
        .await
        .expect_err("before the first day PostgreSQL keeps");
    assert!(is_date_out_of_range(&refused), "{refused}");
    assert!(matches!(AppError::from(refused), AppError::BadRequest(_)));
    assert!(!is_date_out_of_range(&sqlx::Error::RowNotFound));
}
