//! Who may open what: the table of every route, and every staff and admin URL
//! tried by a visitor, by staff and by an admin.

use axum::http::Method;
use sqlx::PgPool;

use crate::helpers::{NewGrant, NewHero, Role, TestApp, location};

/// Who may use a route: anyone (with the status a GET gets, the same for every
/// role), signed-in staff (admins too), or admins only.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Access {
    Public(u16),
    /// The sign-in page: open to anyone, a signed-in person is sent on to the desk.
    SignInPage,
    Staff,
    Admin,
}

/// Every route the application serves, with its methods and who may use it:
/// the one table the access tests and the attack sweep read. Placeholders are
/// filled with real records by [`fill`]: `{id}` an account, `{hero}` a draft hero,
/// `{contact}` its contact, `{runner}`, `{run}`, `{mile}`, `{grant}` a shortlisted
/// application, `{flag}` the mile's flag (with a recipient and an address),
/// `{campaign}` the hero's family campaign, `{reflection}` a pending reflection on it, `{proposal}` an open proposal,
/// `{number}` a mile number, `{page}` one of the site's own pages, `{import}` and `{token}` and
/// `{photo}` ones that do not exist.
pub const ACCESS: &[(&str, &str, Access)] = &[
    ("/", "GET", Access::Public(200)),
    ("/healthz", "GET", Access::Public(200)),
    ("/readyz", "GET", Access::Public(200)),
    ("/static/{file}", "GET", Access::Public(200)),
    ("/login", "GET POST", Access::SignInPage),
    ("/logout", "POST", Access::Public(303)),
    ("/login/code", "GET POST", Access::Public(303)),
    ("/login/forgot", "GET POST", Access::Public(200)),
    ("/setup/{token}", "GET POST", Access::Public(404)),
    ("/account/welcome/{token}", "GET POST", Access::Public(404)),
    ("/honor-roll", "GET", Access::Public(200)),
    ("/honor-roll.csv", "GET", Access::Public(200)),
    ("/honor-roll/states", "GET", Access::Public(200)),
    ("/honor-roll/years", "GET", Access::Public(200)),
    ("/heroes/{hero}", "GET", Access::Public(404)),
    ("/heroes/{hero}/videos/{number}", "GET", Access::Public(404)),
    ("/heroes/{hero}/reflections", "POST", Access::Public(404)),
    ("/heroes/{hero}/reflections/received", "GET", Access::Public(200)),
    ("/propose", "GET POST", Access::Public(200)),
    ("/propose/received", "GET", Access::Public(200)),
    ("/sitemap.xml", "GET", Access::Public(200)),
    ("/robots.txt", "GET", Access::Public(200)),
    ("/photos/{photo}", "GET", Access::Public(404)),
    ("/runs", "GET", Access::Public(200)),
    ("/runs.ics", "GET", Access::Public(200)),
    ("/api/heroes", "GET OPTIONS", Access::Public(200)),
    ("/api/heroes/{hero}", "GET OPTIONS", Access::Public(404)),
    ("/api/miles", "GET OPTIONS", Access::Public(200)),
    ("/api/openapi.json", "GET OPTIONS", Access::Public(200)),
    ("/feeds/miles.atom", "GET", Access::Public(200)),
    ("/grants", "GET", Access::Public(200)),
    ("/grants/apply", "GET POST", Access::Public(200)),
    ("/grants/apply/received", "GET", Access::Public(200)),
    ("/grants/status/{token}", "GET", Access::Public(404)),
    ("/about", "GET", Access::Public(200)),
    ("/donate", "GET", Access::Public(200)),
    ("/contact", "GET", Access::Public(200)),
    ("/privacy", "GET", Access::Public(200)),
    ("/accessibility", "GET", Access::Public(200)),
    ("/staff", "GET", Access::Staff),
    ("/staff/heroes", "GET POST", Access::Staff),
    ("/staff/heroes/new", "GET", Access::Staff),
    ("/staff/heroes/import", "GET POST", Access::Staff),
    ("/staff/heroes/import/template.csv", "GET", Access::Staff),
    ("/staff/heroes/import/{import}", "GET", Access::Staff),
    ("/staff/heroes/import/{import}/run", "POST", Access::Staff),
    ("/staff/heroes/import/{import}/run-again", "POST", Access::Staff),
    ("/staff/heroes/{hero}", "GET POST", Access::Staff),
    ("/staff/heroes/{hero}/edit", "GET", Access::Staff),
    ("/staff/heroes/{hero}/confirm", "POST", Access::Staff),
    ("/staff/heroes/{hero}/photo", "POST", Access::Staff),
    ("/staff/heroes/{hero}/photo/delete", "POST", Access::Staff),
    ("/staff/heroes/{hero}/contacts", "POST", Access::Staff),
    ("/staff/heroes/{hero}/contacts/new", "GET", Access::Staff),
    ("/staff/heroes/{hero}/contacts/{contact}", "POST", Access::Staff),
    ("/staff/heroes/{hero}/contacts/{contact}/edit", "GET", Access::Staff),
    (
        "/staff/heroes/{hero}/contacts/{contact}/delete",
        "GET POST",
        Access::Staff,
    ),
    ("/staff/heroes/{hero}/unpublish", "GET POST", Access::Staff),
    ("/staff/heroes/{hero}/delete", "GET POST", Access::Staff),
    ("/staff/heroes/{hero}/merge", "GET POST", Access::Staff),
    ("/staff/heroes/{hero}/campaigns", "POST", Access::Staff),
    ("/staff/heroes/{hero}/campaigns/new", "GET", Access::Staff),
    ("/staff/heroes/{hero}/campaigns/{campaign}", "POST", Access::Staff),
    ("/staff/heroes/{hero}/campaigns/{campaign}/edit", "GET", Access::Staff),
    ("/staff/heroes/{hero}/campaigns/{campaign}/close", "POST", Access::Staff),
    ("/staff/runners", "GET POST", Access::Staff),
    ("/staff/runners/{runner}", "GET POST", Access::Staff),
    ("/staff/runs", "GET POST", Access::Staff),
    ("/staff/runs/new", "GET", Access::Staff),
    ("/staff/runs/{run}", "GET POST", Access::Staff),
    ("/staff/runs/{run}/edit", "GET", Access::Staff),
    ("/staff/runs/{run}/cancel", "POST", Access::Staff),
    ("/staff/backlog", "GET", Access::Staff),
    ("/staff/miles", "GET POST", Access::Staff),
    ("/staff/miles/new", "GET", Access::Staff),
    ("/staff/miles/{mile}", "GET POST", Access::Staff),
    ("/staff/miles/{mile}/edit", "GET", Access::Staff),
    ("/staff/miles/{mile}/void", "POST", Access::Staff),
    ("/staff/grants", "GET POST", Access::Staff),
    ("/staff/grants/new", "GET", Access::Staff),
    ("/staff/grants/{grant}", "GET", Access::Staff),
    ("/staff/grants/{grant}/notes", "POST", Access::Staff),
    ("/staff/grants/{grant}/shortlist", "POST", Access::Staff),
    ("/staff/reflections", "GET", Access::Staff),
    ("/staff/reflections/{reflection}/approve", "POST", Access::Staff),
    ("/staff/reflections/{reflection}/decline", "POST", Access::Staff),
    ("/staff/reflections/{reflection}/hide", "POST", Access::Staff),
    ("/staff/proposals", "GET", Access::Staff),
    ("/staff/proposals/{proposal}/draft", "POST", Access::Staff),
    ("/staff/proposals/{proposal}/edit", "POST", Access::Staff),
    ("/staff/proposals/{proposal}/dismiss", "POST", Access::Staff),
    ("/staff/flags", "GET", Access::Staff),
    ("/staff/flags/print/cards", "GET", Access::Staff),
    ("/staff/flags/print/labels", "GET", Access::Staff),
    ("/staff/flags/print/printed", "POST", Access::Staff),
    ("/staff/flags/{flag}", "GET", Access::Staff),
    ("/staff/flags/{flag}/note", "GET POST", Access::Staff),
    ("/staff/flags/{flag}/note/correct", "GET POST", Access::Staff),
    ("/staff/flags/{flag}/recipient", "GET POST", Access::Staff),
    ("/staff/flags/{flag}/ready", "POST", Access::Staff),
    ("/staff/flags/{flag}/ship", "POST", Access::Staff),
    ("/staff/flags/{flag}/hand-over", "POST", Access::Staff),
    ("/staff/flags/{flag}/deliver", "POST", Access::Staff),
    ("/staff/flags/{flag}/return", "POST", Access::Staff),
    ("/staff/flags/{flag}/card", "GET", Access::Staff),
    ("/staff/flags/{flag}/slip", "GET", Access::Staff),
    ("/staff/flags/{flag}/scan", "GET", Access::Staff),
    ("/account/password", "GET POST", Access::Staff),
    ("/account/digest", "POST", Access::Staff),
    ("/account/second-factor", "GET", Access::Staff),
    ("/account/second-factor/enrol", "GET POST", Access::Staff),
    ("/account/second-factor/recovery-codes", "GET POST", Access::Staff),
    ("/account/second-factor/remove", "POST", Access::Staff),
    ("/admin/users", "GET POST", Access::Admin),
    ("/admin/users/new", "GET", Access::Admin),
    ("/admin/users/{id}", "GET", Access::Admin),
    ("/admin/users/{id}/role", "POST", Access::Admin),
    ("/admin/users/{id}/deactivate", "POST", Access::Admin),
    ("/admin/users/{id}/activate", "POST", Access::Admin),
    ("/admin/users/{id}/reset", "POST", Access::Admin),
    ("/admin/users/{id}/second-factor/reset", "POST", Access::Admin),
    ("/admin/audit", "GET", Access::Admin),
    ("/admin/outbox", "GET", Access::Admin),
    ("/admin/outbox/{import}/retry", "POST", Access::Admin),
    ("/admin/grants", "GET", Access::Admin),
    ("/admin/grants/settings", "GET POST", Access::Admin),
    ("/admin/pages", "GET", Access::Admin),
    ("/admin/pages/{page}", "GET POST", Access::Admin),
    ("/admin/grants/settings/confirm", "POST", Access::Admin),
    ("/admin/grants/settings/withdraw", "POST", Access::Admin),
    (
        "/admin/grants/export.csv?from=2026-01-01&to=2026-11-23",
        "GET",
        Access::Admin,
    ),
    ("/admin/grants/{grant}/approve", "POST", Access::Admin),
    ("/admin/grants/{grant}/confirm", "POST", Access::Admin),
    ("/admin/grants/{grant}/decline", "POST", Access::Admin),
    ("/admin/grants/{grant}/payment", "POST", Access::Admin),
];

/// The signed-in routes, one row per method.
fn signed_in_routes() -> Vec<(Method, &'static str, Access)> {
    ACCESS
        .iter()
        .filter(|(_, _, access)| matches!(access, Access::Staff | Access::Admin))
        .flat_map(|(path, methods, access)| {
            methods
                .split_whitespace()
                .filter_map(|m| Method::from_bytes(m.as_bytes()).ok())
                .map(move |m| (m, *path, *access))
        })
        .collect()
}

/// Real records for the placeholders: an account, a draft hero, a contact and a
/// shortlisted grant application.
pub async fn fill(app: &TestApp) -> impl Fn(&str) -> String {
    let target = app.create_user("target@example.org", "Tara Target", Role::Staff).await;
    let hero = app
        .hero(NewHero {
            agency: "Springfield PD",
            region: "IL",
            end_of_watch: "2020-01-05",
            cause: "fall",
            confirmed: false,
            ..NewHero::default()
        })
        .await;
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
    let runner = app.runner("Zechariah").await;
    let run = uuid::Uuid::now_v7();
    sqlx::query("insert into runs (id, run_date, place, created_at, updated_at) values ($1, '2026-11-23', 'Track', now(), now())")
        .bind(run)
        .execute(&app.pool)
        .await
        .expect("run");
    let mile = app.mile(1, hero, runner, "2026-11-23").await;
    let grant = app
        .grant(NewGrant {
            status: "shortlisted",
            ..NewGrant::default()
        })
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
    let reflection = uuid::Uuid::now_v7();
    sqlx::query(
        "insert into reflections (id, hero_id, author_name, body, submitted_at) values ($1, $2, 'Pat', 'Rest easy.', now())",
    )
    .bind(reflection)
    .bind(hero)
    .execute(&app.pool)
    .await
    .expect("reflection");
    let proposal = uuid::Uuid::now_v7();
    sqlx::query(
        "insert into proposals (id, full_name, agency, region, service, end_of_watch, details, source, proposer_name,
                                submitted_at)
         values ($1, 'Lee Park', 'Moncton Police Force', 'CA-NB', 'police', '2019-05-05', 'Missing.', 'News', 'Pat',
                 now())",
    )
    .bind(proposal)
    .execute(&app.pool)
    .await
    .expect("proposal");
    move |path: &str| {
        path.replace("{id}", &target.to_string())
            .replace("{hero}", &hero.to_string())
            .replace("{contact}", &contact.to_string())
            .replace("{runner}", &runner.to_string())
            .replace("{run}", &run.to_string())
            .replace("{mile}", &mile.to_string())
            .replace("{grant}", &grant.to_string())
            .replace("{flag}", &flag.to_string())
            .replace("{import}", "0190b5a8-0000-7000-8000-000000000000")
            .replace("{token}", &"0".repeat(64))
            .replace("{photo}", "nothing-here.jpg")
            .replace("{file}", "css/site.css")
            .replace("{campaign}", &campaign.to_string())
            .replace("{number}", "1")
            .replace("{reflection}", &reflection.to_string())
            .replace("{proposal}", &proposal.to_string())
            .replace("{page}", "about")
    }
}

/// The rows a refused request must have left alone.
pub async fn snapshot(app: &TestApp) -> Vec<i64> {
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
        "select count(*) from grant_settings where proposed_by is not null",
        "select count(*) from flags where step <> 'waiting_for_note' or recipient_name <> 'Maria Smith'",
        "select count(*) from flag_history",
        "select count(*) from flags where card_printed_at is not null or note_corrected_at is not null",
        "select count(*) from flag_note_versions",
        "select count(*) from campaigns",
        "select count(*) from campaigns where closed_at is not null or title <> 'Help the Smiths'",
        "select count(*) from reflections where status <> 'pending'",
        "select count(*) from proposals where status <> 'open'",
        "select count(*) from site_pages",
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
    for (method, path, _) in signed_in_routes() {
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
    for (method, path, role) in signed_in_routes() {
        let path = fill(path);
        let response = staff
            .method(method.clone(), &path)
            .form(&[("role", "admin"), ("email", "x@example.org"), ("display_name", "X")])
            .await;
        if role == Access::Admin {
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
    for (method, path, _) in signed_in_routes()
        .into_iter()
        // An import's id and a card's scan do not exist until one is made; recovery
        // codes are shown only right after they are made.
        .filter(|(m, p, _)| {
            *m == Method::GET && !p.contains("{import}") && !p.ends_with("/scan") && !p.ends_with("/recovery-codes")
        })
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
