//! Who may open what: every staff and admin URL, for a visitor and for staff.

use axum::http::Method;
use sqlx::PgPool;

use crate::helpers::{Role, TestApp, location};

/// Every signed-in route, with the role it needs. `{id}` is replaced by a real
/// account, `{hero}` by a real hero, `{contact}` by one of its contacts, `{grant}`
/// by a grant application.
/// account, `{hero}` by a real hero, `{contact}` by one of its contacts, `{flag}`
/// by the flag of its mile (with a recipient and an address), `{campaign}` by its
/// family campaign.
const ROUTES: &[(Method, &str, Role)] = &[
    (Method::GET, "/staff", Role::Staff),
    (Method::GET, "/staff/heroes", Role::Staff),
    (Method::POST, "/staff/heroes", Role::Staff),
    (Method::GET, "/staff/heroes/new", Role::Staff),
    (Method::GET, "/staff/heroes/import", Role::Staff),
    (Method::POST, "/staff/heroes/import", Role::Staff),
    (Method::GET, "/staff/heroes/import/template.csv", Role::Staff),
    (Method::GET, "/staff/heroes/import/{id}", Role::Staff),
    (Method::POST, "/staff/heroes/import/{id}/run", Role::Staff),
    (Method::GET, "/staff/heroes/{hero}", Role::Staff),
    (Method::POST, "/staff/heroes/{hero}", Role::Staff),
    (Method::GET, "/staff/heroes/{hero}/edit", Role::Staff),
    (Method::POST, "/staff/heroes/{hero}/confirm", Role::Staff),
    (Method::POST, "/staff/heroes/{hero}/photo", Role::Staff),
    (Method::POST, "/staff/heroes/{hero}/photo/delete", Role::Staff),
    (Method::POST, "/staff/heroes/{hero}/contacts", Role::Staff),
    (Method::GET, "/staff/heroes/{hero}/contacts/new", Role::Staff),
    (Method::POST, "/staff/heroes/{hero}/contacts/{contact}", Role::Staff),
    (Method::GET, "/staff/heroes/{hero}/contacts/{contact}/edit", Role::Staff),
    (
        Method::POST,
        "/staff/heroes/{hero}/contacts/{contact}/delete",
        Role::Staff,
    ),
    (Method::POST, "/staff/heroes/{hero}/campaigns", Role::Staff),
    (Method::GET, "/staff/heroes/{hero}/campaigns/new", Role::Staff),
    (Method::POST, "/staff/heroes/{hero}/campaigns/{campaign}", Role::Staff),
    (
        Method::GET,
        "/staff/heroes/{hero}/campaigns/{campaign}/edit",
        Role::Staff,
    ),
    (
        Method::POST,
        "/staff/heroes/{hero}/campaigns/{campaign}/close",
        Role::Staff,
    ),
    (Method::GET, "/staff/grants", Role::Staff),
    (Method::POST, "/staff/grants", Role::Staff),
    (Method::GET, "/staff/grants/new", Role::Staff),
    (Method::GET, "/staff/grants/{grant}", Role::Staff),
    (Method::POST, "/staff/grants/{grant}/notes", Role::Staff),
    (Method::POST, "/staff/grants/{grant}/shortlist", Role::Staff),
    (Method::GET, "/staff/flags", Role::Staff),
    (Method::GET, "/staff/flags/{flag}", Role::Staff),
    (Method::GET, "/staff/flags/{flag}/note", Role::Staff),
    (Method::POST, "/staff/flags/{flag}/note", Role::Staff),
    (Method::GET, "/staff/flags/{flag}/recipient", Role::Staff),
    (Method::POST, "/staff/flags/{flag}/recipient", Role::Staff),
    (Method::POST, "/staff/flags/{flag}/ready", Role::Staff),
    (Method::POST, "/staff/flags/{flag}/ship", Role::Staff),
    (Method::POST, "/staff/flags/{flag}/hand-over", Role::Staff),
    (Method::POST, "/staff/flags/{flag}/deliver", Role::Staff),
    (Method::POST, "/staff/flags/{flag}/return", Role::Staff),
    (Method::GET, "/staff/flags/{flag}/card", Role::Staff),
    (Method::GET, "/staff/flags/{flag}/slip", Role::Staff),
    (Method::GET, "/staff/flags/{flag}/scan", Role::Staff),
    (Method::GET, "/account/password", Role::Staff),
    (Method::POST, "/account/password", Role::Staff),
    (Method::GET, "/admin/users", Role::Admin),
    (Method::POST, "/admin/users", Role::Admin),
    (Method::GET, "/admin/users/new", Role::Admin),
    (Method::GET, "/admin/users/{id}", Role::Admin),
    (Method::POST, "/admin/users/{id}/role", Role::Admin),
    (Method::POST, "/admin/users/{id}/deactivate", Role::Admin),
    (Method::POST, "/admin/users/{id}/activate", Role::Admin),
    (Method::POST, "/admin/users/{id}/reset", Role::Admin),
    (Method::GET, "/admin/audit", Role::Admin),
    (Method::GET, "/admin/grants", Role::Admin),
    (Method::GET, "/admin/grants/settings", Role::Admin),
    (Method::POST, "/admin/grants/settings", Role::Admin),
    (
        Method::GET,
        "/admin/grants/export.csv?from=2026-01-01&to=2026-11-23",
        Role::Admin,
    ),
    (Method::POST, "/admin/grants/{grant}/approve", Role::Admin),
    (Method::POST, "/admin/grants/{grant}/confirm", Role::Admin),
    (Method::POST, "/admin/grants/{grant}/decline", Role::Admin),
    (Method::POST, "/admin/grants/{grant}/payment", Role::Admin),
];

/// Real records for the placeholders: an account, a draft hero, a contact and a
/// shortlisted grant application.
async fn fill(app: &TestApp) -> impl Fn(&str) -> String {
    let target = app.create_user("target@example.org", "Tara Target", Role::Staff).await;
    let hero = uuid::Uuid::now_v7();
    sqlx::query(
        "insert into heroes (id, full_name, agency, country, region, service, end_of_watch, cause, created_at, updated_at)
         values ($1, 'Ann Smith', 'Springfield PD', 'US', 'IL', 'police', '2020-01-05', 'fall', now(), now())",
    )
    .bind(hero)
    .execute(&app.pool)
    .await
    .expect("hero");
    let contact = uuid::Uuid::now_v7();
    sqlx::query(
        "insert into hero_contacts (id, hero_id, kind, name, created_at, updated_at)
         values ($1, $2, 'family', 'Maria Smith', now(), now())",
    )
    .bind(contact)
    .bind(hero)
    .execute(&app.pool)
    .await
    .expect("contact");
    let (runner, run, mile) = (uuid::Uuid::now_v7(), uuid::Uuid::now_v7(), uuid::Uuid::now_v7());
    sqlx::query("insert into runners (id, name, created_at, updated_at) values ($1, 'Zechariah', now(), now())")
        .bind(runner)
        .execute(&app.pool)
        .await
        .expect("runner");
    sqlx::query("insert into runs (id, run_date, place, created_at, updated_at) values ($1, '2026-11-23', 'Track', now(), now())")
        .bind(run)
        .execute(&app.pool)
        .await
        .expect("run");
    sqlx::query(
        "insert into miles (id, number, hero_id, runner_id, run_date, place, laps, duration_seconds, form_key,
                            created_at, updated_at)
         values ($1, 1, $2, $3, '2026-11-23', 'Track', 7, 495, gen_random_uuid(), now(), now())",
    )
    .bind(mile)
    .bind(hero)
    .bind(runner)
    .execute(&app.pool)
    .await
    .expect("mile");
    let grant = uuid::Uuid::now_v7();
    sqlx::query(
        "insert into grant_applications (id, reference, kind, recipient_name, service, agency, injury_date,
                                         circumstances, amount_requested_cents, nominator_name, contact_phone,
                                         status, submitted_at, updated_at)
         values ($1, 'G-2026-000999', 'injury', 'Lee Morgan', 'police', 'Springfield PD', '2026-10-01',
                 'Fell during a rescue.', 300000, 'Pat Partner', '555-0100 x12', 'shortlisted', now(), now())",
    )
    .bind(grant)
    .execute(&app.pool)
    .await
    .expect("grant application");
    let campaign = uuid::Uuid::now_v7();
    sqlx::query(
        "insert into campaigns (id, hero_id, title, donation_url, goal_cents, opens_on, closes_on, created_at, updated_at)
         values ($1, $2, 'Help the Smiths', 'https://donate.example.org/smiths', 1000000, '2026-11-20', '2026-12-04',
                 now(), now())",
    )
    .bind(campaign)
    .bind(hero)
    .execute(&app.pool)
    .await
    .expect("campaign");
    let flag = uuid::Uuid::now_v7();
    sqlx::query(
        "insert into flags (id, mile_id, kind, recipient_contact_id, recipient_kind, recipient_name, recipient_address,
                            created_at, updated_at)
         values ($1, $2, 'thin_blue_line', $3, 'family', 'Maria Smith', '1 Elm Street', now(), now())",
    )
    .bind(flag)
    .bind(mile)
    .bind(contact)
    .execute(&app.pool)
    .await
    .expect("flag");
    move |path: &str| {
        path.replace("{id}", &target.to_string())
            .replace("{hero}", &hero.to_string())
            .replace("{contact}", &contact.to_string())
            .replace("{runner}", &runner.to_string())
            .replace("{run}", &run.to_string())
            .replace("{mile}", &mile.to_string())
            .replace("{grant}", &grant.to_string())
            .replace("{flag}", &flag.to_string())
            .replace("{campaign}", &campaign.to_string())
    }
}

/// The rows a refused request must have left alone.
async fn snapshot(app: &TestApp) -> Vec<i64> {
    let mut counts = Vec::new();
    for sql in [
        "select count(*) from users",
        "select count(*) from users where active and role = 'staff'",
        "select count(*) from heroes",
        "select count(*) from heroes where confirmed_at is not null or photo_key is not null",
        "select count(*) from hero_contacts",
        "select count(*) from hero_imports",
        "select count(*) from runners",
        "select count(*) from runs where status = 'scheduled'",
        "select count(*) from miles where voided_at is null",
        "select count(*) from mile_corrections",
        "select count(*) from grant_applications",
        "select count(*) from grant_applications where status <> 'shortlisted'",
        "select count(*) from grant_notes",
        "select monthly_minimum_cents from grant_settings",
        "select count(*) from flags where step <> 'waiting_for_note' or recipient_name <> 'Maria Smith'",
        "select count(*) from flag_history",
        "select count(*) from campaigns",
        "select count(*) from campaigns where closed_at is not null or title <> 'Help the Smiths'",
    ] {
        counts.push(app.count(sql).await);
    }
    counts
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn every_signed_in_url_sends_a_visitor_to_sign_in(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let fill = fill(&app).await;
    let before = snapshot(&app).await;
    let visitor = app.browser();
    for (method, path, _) in ROUTES {
        let path = fill(path);
        let response = visitor.method(method.clone(), &path).form(&[("role", "admin")]).await;
        assert_eq!(response.status_code(), 303, "{method} {path}");
        assert!(location(&response).starts_with("/login?next="), "{method} {path}");
    }
    assert_eq!(snapshot(&app).await, before, "nothing changed");
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn every_admin_url_refuses_staff(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let fill = fill(&app).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    for (method, path, role) in ROUTES {
        let path = fill(path);
        let response = staff
            .method(method.clone(), &path)
            .form(&[("role", "admin"), ("email", "x@example.org"), ("display_name", "X")])
            .await;
        if *role == Role::Admin {
            assert_eq!(response.status_code(), 403, "{method} {path}");
            assert!(
                response.text().contains("Not allowed"),
                "{method} {path} shows the 403 page"
            );
        } else {
            assert_ne!(response.status_code(), 403, "{method} {path} is for staff");
        }
    }
    assert_eq!(
        app.count("select count(*) from users").await,
        2,
        "no account was created"
    );
    assert_eq!(
        app.count("select count(*) from users where active and role = 'staff'")
            .await,
        2
    );
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn every_signed_in_page_opens_for_an_admin(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let fill = fill(&app).await;
    let (admin, _) = app.signed_in(Role::Admin).await;
    for (method, path, _) in ROUTES
        .iter()
        // An import's id and a card's scan do not exist until one is made.
        .filter(|(m, p, _)| *m == Method::GET && !p.contains("import/{id}") && !p.ends_with("/scan"))
    {
        let path = fill(path);
        assert_eq!(admin.method(method.clone(), &path).await.status_code(), 200, "{path}");
    }
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn navigation_fits_the_viewers_role(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let visitor = app.browser().get("/").await.text();
    assert!(visitor.contains("Staff sign-in"));
    assert!(!visitor.contains("/admin/users"));

    let (staff, _) = app.signed_in(Role::Staff).await;
    let staff_page = staff.get("/").await.text();
    assert!(staff_page.contains("Staff desk") && staff_page.contains("Sign out"));
    assert!(!staff_page.contains("/admin/users"));

    let (admin, _) = app.signed_in(Role::Admin).await;
    let admin_page = admin.get("/").await.text();
    assert!(admin_page.contains("/admin/users") && admin_page.contains("/admin/audit"));
}
