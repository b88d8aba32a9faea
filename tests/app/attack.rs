//! The attack sweep: every route crossed with every role (visitor, staff, admin,
//! deactivated) and every method, against one table of expected answers; a
//! cross-site POST to every form; a stored script payload typed into every text
//! field of every form, then looked for unescaped on every page a crawl reaches;
//! SQL-injection strings in every search and filter; and the privacy marker test
//! over every public response after all of it.

use std::collections::{BTreeSet, VecDeque};

use axum::http::Method;
use axum_test::TestServer;
use axum_test::multipart::MultipartForm;
use sqlx::PgPool;

use crate::access::{ACCESS, Access, fill, snapshot};
use crate::helpers::{PASSWORD, Role, TestApp, location};

/// The roles an attacker may hold: none, a live account of each role, and an
/// account deactivated while its browser still holds the session cookie.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Who {
    Visitor,
    Staff,
    Admin,
    Deactivated,
}

const METHODS: [Method; 7] = [
    Method::GET,
    Method::HEAD,
    Method::POST,
    Method::PUT,
    Method::PATCH,
    Method::DELETE,
    Method::OPTIONS,
];

/// What the table says `who` must get for `method` on a route.
fn expected(who: Who, method: &Method, methods: &str, access: Access) -> Expect {
    let allowed = methods
        .split_whitespace()
        .any(|m| m == method.as_str() || (*method == Method::HEAD && m == "GET"));
    if !allowed {
        return Expect::Status(405);
    }
    match (access, who) {
        (Access::SignInPage, Who::Staff | Who::Admin) if *method == Method::GET || *method == Method::HEAD => {
            Expect::Status(303)
        }
        (Access::Public(_) | Access::SignInPage, _) => Expect::Served,
        (_, Who::Visitor | Who::Deactivated) => Expect::SignIn,
        (Access::Admin, Who::Staff) => Expect::Status(403),
        (Access::Staff | Access::Admin, _) => Expect::Served,
    }
}

#[derive(Debug, PartialEq)]
enum Expect {
    Status(u16),
    /// Sent to the sign-in page, with the way back.
    SignIn,
    /// Let through: the page or the action's own answer, never a refusal or an error.
    Served,
}

/// Every route the application serves must be in the table: a route added
/// without its row fails here, so the sweep cannot silently fall behind.
#[test]
fn the_table_lists_every_route_in_the_source() {
    let mut missing = Vec::new();
    for (path, methods) in routes_in_source() {
        let row = ACCESS
            .iter()
            .find(|(p, _, _)| shape(p.split('?').next().unwrap_or_default()) == shape(&path));
        match row {
            Some((_, listed, _)) if *listed == methods => {}
            Some((_, listed, _)) => missing.push(format!("{path}: source has {methods}, table has {listed}")),
            None => missing.push(format!("{path} ({methods}) is not in the table")),
        }
    }
    assert!(missing.is_empty(), "{missing:#?}");
}

/// A path with every placeholder written `{}`, so `/heroes/{id}` and `/heroes/{hero}` match.
fn shape(path: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for c in path.chars() {
        match c {
            '{' => {
                inside = true;
                out.push_str("{}");
            }
            '}' => inside = false,
            _ if !inside => out.push(c),
            _ => {}
        }
    }
    out
}

/// `.route("/path", get(..).post(..))` in every source file, with placeholders
/// spelled as the table spells them.
fn routes_in_source() -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut pending = vec![std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/src"))];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).expect("read src").flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
                continue;
            }
            let source = std::fs::read_to_string(&path).expect("read source file");
            for chunk in source.split(".route(").skip(1) {
                let Some(rest) = chunk.trim_start().strip_prefix('"') else {
                    continue;
                };
                let Some((route, handlers)) = rest.split_once('"') else {
                    continue;
                };
                let handlers = handlers.split("))").next().unwrap_or_default();
                let methods: Vec<&str> = ["get", "post", "put", "patch", "delete"]
                    .into_iter()
                    .filter(|m| handlers.contains(&format!("{m}(")))
                    .collect();
                let mut methods = methods.join(" ").to_uppercase();
                // The public API's CORS layer answers every API route's preflight.
                if route.starts_with("/api/") {
                    methods.push_str(" OPTIONS");
                }
                found.push((route.to_string(), methods));
            }
        }
    }
    found
}

/// A browser of each kind, the deactivated one signed in before its account was switched off.
async fn browsers(app: &TestApp) -> Vec<(Who, TestServer)> {
    let (staff, _) = app.signed_in(Role::Staff).await;
    let (admin, _) = app.signed_in(Role::Admin).await;
    app.create_user("gone@example.org", "Gone Person", Role::Admin).await;
    let gone = app.browser();
    assert_eq!(
        crate::helpers::sign_in(&gone, "gone@example.org", PASSWORD)
            .await
            .status_code(),
        303
    );
    sqlx::query("update users set active = false where email = 'gone@example.org'")
        .execute(&app.pool)
        .await
        .expect("deactivate");
    vec![
        (Who::Visitor, app.browser()),
        (Who::Deactivated, gone),
        (Who::Staff, staff),
        (Who::Admin, admin),
    ]
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn every_route_every_role_every_method_gets_the_answer_in_the_table(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let fill = fill(&app).await;
    let mut wrong = Vec::new();
    for (who, browser) in browsers(&app).await {
        for (template, methods, access) in ACCESS {
            // Signing out ends the sweep's own session: it is swept on its own below.
            if *template == "/logout" {
                continue;
            }
            let path = fill(template);
            for method in METHODS {
                let response = browser.method(method.clone(), &path).form(&[("role", "admin")]).await;
                let status = response.status_code().as_u16();
                let to_sign_in = status == 303 && location(&response).starts_with("/login?next=");
                let ok = match expected(who, &method, methods, *access) {
                    Expect::Status(want) => status == want,
                    Expect::SignIn => to_sign_in,
                    Expect::Served => match access {
                        Access::Public(want) if method == Method::GET || method == Method::HEAD => status == *want,
                        Access::SignInPage if method == Method::GET || method == Method::HEAD => status == 200,
                        _ => status < 500 && ![401, 403, 405].contains(&status) && !to_sign_in,
                    },
                };
                if !ok {
                    wrong.push(format!(
                        "{who:?} {method} {path}: {status} {}",
                        location_or_empty(&response)
                    ));
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "answers that differ from the table:\n{}",
        wrong.join("\n")
    );
    // The deactivated account did nothing while it held its cookie.
    assert_eq!(
        app.count("select count(*) from audit_log a join users u on u.id = a.actor_id where u.email = 'gone@example.org' and a.action not like 'sign%'")
            .await,
        0
    );
}

fn location_or_empty(response: &axum_test::TestResponse) -> String {
    response
        .maybe_header("location")
        .and_then(|v| v.to_str().ok().map(str::to_string))
        .unwrap_or_default()
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn signing_out_answers_everyone_and_ends_only_ones_own_session(pool: PgPool) {
    let app = TestApp::new(pool).await;
    for (who, browser) in browsers(&app).await {
        let response = browser.post("/logout").await;
        assert_eq!(response.status_code(), 303, "{who:?}");
        let after = browser.get("/staff").await;
        assert!(location(&after).starts_with("/login?next="), "{who:?} is signed out");
        for method in [Method::GET, Method::PUT, Method::DELETE] {
            assert_eq!(
                browser.method(method.clone(), "/logout").await.status_code(),
                405,
                "{method}"
            );
        }
    }
}

/// A POST from another site (the browser says so in `Sec-Fetch-Site` and
/// `Origin`) is refused before it reaches any form, even for a signed-in admin.
#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_cross_site_post_to_any_form_is_refused_and_changes_nothing(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let fill = fill(&app).await;
    let (admin, _) = app.signed_in(Role::Admin).await;
    let before = snapshot(&app).await;
    let audit_before = app.count("select count(*) from audit_log").await;
    for (template, methods, _) in ACCESS.iter().filter(|(_, m, _)| m.contains("POST")) {
        let path = fill(template);
        for (site, origin) in [
            ("cross-site", "https://attacker.example"),
            ("same-site", "https://sub.attacker.example"),
        ] {
            let response = admin
                .post(&path)
                .add_header("sec-fetch-site", site)
                .add_header("origin", origin)
                .form(&[
                    ("role", "admin"),
                    ("amount", "9000"),
                    ("month", "2026-11"),
                    ("password", PASSWORD),
                ])
                .await;
            assert_eq!(response.status_code(), 403, "{site} POST {path} ({methods})");
        }
        // An old browser that sends only Origin is judged by it.
        let response = admin
            .post(&path)
            .add_header("origin", "https://attacker.example")
            .form(&[("role", "admin")])
            .await;
        assert_eq!(response.status_code(), 403, "Origin-only POST {path}");
    }
    assert_eq!(snapshot(&app).await, before, "nothing changed");
    assert_eq!(app.count("select count(*) from audit_log").await, audit_before);
    assert_eq!(admin.get("/staff").await.status_code(), 200, "still signed in");
}

const PAYLOAD: &str = r#"<script>alert("xss-7e1")</script>"><img src=x onerror=alert(7)>"#;

/// Pieces of the payload that must never reach a page unescaped.
fn unescaped(body: &str) -> Option<&'static str> {
    ["<script>alert(", "<img src=x onerror", "onerror=alert(7)>"]
        .into_iter()
        .find(|piece| body.contains(piece))
}

/// A POST form found on a page, with every field filled as a browser would
/// send it: free text carries the payload (or, on the second try, only the
/// fields with no rule of their own do), the rest keep what the page set.
struct FoundForm {
    action: String,
    multipart: bool,
    fields: Vec<Field>,
}

impl FoundForm {
    /// The fields as sent: on the first try the payload goes into every free-text
    /// field; on the second only into fields of plain words, the others getting a
    /// value that obeys their rule or staying empty, and the first box of each
    /// group of unticked boxes ticked, as a person would to get past the checks.
    fn filled(&self, everywhere: bool) -> Vec<(String, String)> {
        let mut sent: Vec<(String, String)> = self
            .fields
            .iter()
            .filter(|field| everywhere || field.kind != Kind::Unticked)
            .filter_map(|field| {
                let value = match field.kind {
                    Kind::Free if field.name == HONEYPOT => String::new(),
                    Kind::Free if everywhere || is_plain_words(&field.name) => PAYLOAD.to_string(),
                    Kind::Free if field.value.is_empty() => default_for(&field.name).unwrap_or_default().to_string(),
                    Kind::Unticked => return None,
                    _ => field.value.clone(),
                };
                Some((field.name.clone(), value))
            })
            .collect();
        if !everywhere {
            for field in self.fields.iter().filter(|f| f.kind == Kind::Unticked) {
                if !sent.iter().any(|(name, _)| *name == field.name) {
                    sent.push((field.name.clone(), field.value.clone()));
                }
            }
        }
        sent
    }
}

struct Field {
    name: String,
    value: String,
    kind: Kind,
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    /// Free text a person types.
    Free,
    /// A box left unticked by the page.
    Unticked,
    /// Anything else: sent as the page set it.
    Set,
}

/// The grant form's trap for robots: a person never sees it, so leaves it empty.
const HONEYPOT: &str = "website";

/// Fields of words a person types, with no format to obey.
fn is_plain_words(name: &str) -> bool {
    [
        "name",
        "agency",
        "place",
        "route",
        "narrative",
        "notes",
        "note",
        "reason",
        "title",
        "relationship",
        "circumstances",
        "purpose",
        "address",
        "writer",
        "confirmed_by",
        "rank",
        "city",
        "escort",
        "participants",
        "source",
        "text",
        "family",
        "label",
        "tracking",
        "nominator",
        "recipient",
        "injury",
        "what",
    ]
    .iter()
    .any(|word| name.contains(word))
}

/// A value that obeys the field's own rule, for fields that have one.
fn default_for(name: &str) -> Option<&'static str> {
    Some(match name {
        n if n.contains("years") => return None,
        n if n.contains("duration") => "8:15",
        n if n.contains("amount") || n.contains("goal") || n.contains("raised") => "100",
        n if n.contains("minimum") || n.contains("target") || n.contains("threshold") => "100",
        n if n.contains("laps") => "7",
        n if n.contains("phone") => "(407) 555-0100",
        n if n.contains("email") => "someone@example.org",
        n if n.contains("url") || n.contains("link") => "https://example.org/page",
        n if n.contains("month") => "2026-11",
        n if n.contains("date") || n.ends_with("_on") || n.contains("watch") || n.contains("from") => "2026-11-20",
        n if n.contains("until") => "2026-12-04",
        n if n.contains("time") => "18:30",
        n if n.contains("year") => "1990",
        _ => return None,
    })
}

fn forms_in(html: &str) -> Vec<FoundForm> {
    let document = scraper::Html::parse_document(html);
    let form_selector = scraper::Selector::parse("form").expect("selector");
    let field_selector = scraper::Selector::parse("input, textarea, select").expect("selector");
    let option_selector = scraper::Selector::parse("option").expect("selector");
    let mut forms = Vec::new();
    for form in document.select(&form_selector) {
        let element = form.value();
        if !element.attr("method").is_some_and(|m| m.eq_ignore_ascii_case("post")) {
            continue;
        }
        let Some(action) = element.attr("action").filter(|a| a.starts_with('/')) else {
            continue;
        };
        let mut fields = Vec::new();
        let mut radios = BTreeSet::new();
        for field in form.select(&field_selector) {
            let f = field.value();
            let Some(name) = f.attr("name") else { continue };
            if f.attr("disabled").is_some() {
                continue;
            }
            let kind = f.attr("type").unwrap_or("text").to_ascii_lowercase();
            let value = f.attr("value").unwrap_or_default().to_string();
            match (f.name(), kind.as_str()) {
                ("textarea", _) => fields.push(Field {
                    name: name.into(),
                    value: field.text().collect(),
                    kind: Kind::Free,
                }),
                ("select", _) => {
                    let options: Vec<_> = field.select(&option_selector).collect();
                    let chosen = options
                        .iter()
                        .find(|o| o.value().attr("selected").is_some())
                        .or_else(|| {
                            options
                                .iter()
                                .find(|o| !o.value().attr("value").unwrap_or_default().is_empty())
                        })
                        .and_then(|o| o.value().attr("value"))
                        .unwrap_or_default();
                    fields.push(Field {
                        name: name.into(),
                        value: chosen.to_string(),
                        kind: Kind::Set,
                    });
                }
                (_, "checkbox") => {
                    let ticked = f.attr("checked").is_some();
                    let value = if value.is_empty() { "on".into() } else { value };
                    let kind = if ticked { Kind::Set } else { Kind::Unticked };
                    fields.push(Field {
                        name: name.into(),
                        value,
                        kind,
                    });
                }
                (_, "radio") if f.attr("checked").is_some() || radios.insert(name.to_string()) => {
                    fields.retain(|field| field.name != name);
                    fields.push(Field {
                        name: name.into(),
                        value,
                        kind: Kind::Set,
                    });
                }
                (_, "radio" | "file" | "submit" | "button") => {}
                (_, "password") => fields.push(Field {
                    name: name.into(),
                    value: PASSWORD.into(),
                    kind: Kind::Set,
                }),
                (_, "hidden") => fields.push(Field {
                    name: name.into(),
                    value,
                    kind: Kind::Set,
                }),
                (_, "text" | "search" | "") => fields.push(Field {
                    name: name.into(),
                    value,
                    kind: Kind::Free,
                }),
                (_, _) => {
                    let value = if value.is_empty() {
                        default_for(name).unwrap_or("1").to_string()
                    } else {
                        value
                    };
                    fields.push(Field {
                        name: name.into(),
                        value,
                        kind: Kind::Set,
                    });
                }
            }
        }
        forms.push(FoundForm {
            action: action.to_string(),
            multipart: element.attr("enctype") == Some("multipart/form-data"),
            fields,
        });
    }
    forms
}

async fn submit(browser: &TestServer, form: &FoundForm, fields: Vec<(String, String)>) -> axum_test::TestResponse {
    if form.multipart {
        let mut multipart = MultipartForm::new();
        for (name, value) in fields {
            multipart = multipart.add_text(name, value);
        }
        browser.post(&form.action).multipart(multipart).await
    } else {
        browser.post(&form.action).form(&fields).await
    }
}

/// Forms whose sending would end the sweep's own session or need a file.
fn skipped(action: &str) -> bool {
    action == "/logout"
        || action.ends_with("/photo")
        || action == "/staff/heroes/import"
        || action.ends_with("/deactivate")
        || action == "/account/password"
}

/// Same-site links of a page, without their fragment.
fn links_in(html: &str) -> Vec<String> {
    let document = scraper::Html::parse_document(html);
    let selector = scraper::Selector::parse("a[href]").expect("selector");
    document
        .select(&selector)
        .filter_map(|a| a.value().attr("href"))
        .filter(|href| href.starts_with('/') && !href.starts_with("//"))
        .map(|href| href.split('#').next().unwrap_or_default().to_string())
        .filter(|href| !href.starts_with("/static/") && !href.starts_with("/photos/") && !href.ends_with("/scan"))
        .collect()
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_script_typed_into_any_text_field_is_shown_escaped_everywhere(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let fill = fill(&app).await;
    // A confirmed hero still waiting for a mile, so a run can be scheduled for them.
    app.seed_heroes(&[("Waiting Hero", "Lake County Sheriff", "US", "FL", "2018-06-01")])
        .await;
    let (admin, _) = app.signed_in(Role::Admin).await;
    let visitor = app.browser();

    let waiting: uuid::Uuid = sqlx::query_scalar("select id from heroes where full_name = 'Waiting Hero'")
        .fetch_one(&app.pool)
        .await
        .expect("the waiting hero");
    // The public forms first: anyone can type into them.
    let mut pages: Vec<String> = vec![
        "/grants/apply".into(),
        format!("/heroes/{waiting}"),
        "/propose".into(),
        format!("/propose?hero={waiting}"),
    ];
    pages.extend(
        ACCESS
            .iter()
            .filter(|(p, m, _)| {
                m.contains("GET") && !p.contains("{token}") && !p.contains("{import}") && !p.ends_with("/scan")
            })
            .map(|(p, _, _)| fill(p)),
    );
    let mut submitted = 0;
    for page in &pages {
        let browser = if ["/grants/apply", "/heroes/", "/propose"]
            .iter()
            .any(|p| page.starts_with(p))
        {
            &visitor
        } else {
            &admin
        };
        let html = browser.get(page).await.text();
        for form in forms_in(&html).into_iter().filter(|f| !skipped(&f.action)) {
            if !form.fields.iter().any(|field| field.kind == Kind::Free) {
                continue;
            }
            for everywhere in [true, false] {
                let response = submit(browser, &form, form.filled(everywhere)).await;
                let status = response.status_code().as_u16();
                assert!(status < 500, "{} from {page}: {status}", form.action);
                if let Some(piece) = unescaped(&response.text()) {
                    panic!("{} from {page} answered with {piece:?} unescaped", form.action);
                }
                submitted += 1;
                if status == 303 {
                    break;
                }
            }
        }
    }
    assert!(submitted >= 20, "the sweep found the forms ({submitted} sent)");
    for (table, column) in [
        ("heroes", "full_name"),
        ("heroes", "narrative"),
        ("hero_contacts", "name"),
        ("runners", "name"),
        ("runs", "place"),
        ("miles", "place"),
        ("grant_applications", "circumstances"),
        ("grant_notes", "body"),
        ("reflections", "body"),
        ("proposals", "details"),
        ("site_pages", "body_markdown"),
        ("flags", "note_text"),
        ("users", "display_name"),
    ] {
        let stored = app
            .count(&format!("select count(*) from {table} where {column} like '%xss-7e1%'"))
            .await;
        assert!(stored > 0, "the payload was stored in {table}.{column}");
    }

    // Crawl as the admin and as a visitor: every page reached shows it escaped.
    let mut shown = 0;
    for browser in [&admin, &visitor] {
        let mut queue: VecDeque<String> = ["/".to_string(), "/staff".into(), "/honor-roll".into()].into();
        queue.extend(pages.iter().cloned());
        let mut seen = BTreeSet::new();
        while let Some(url) = queue.pop_front() {
            if seen.len() >= 400 || !seen.insert(url.clone()) {
                continue;
            }
            let response = browser.get(&url).await;
            let status = response.status_code().as_u16();
            assert!(status < 500, "GET {url}: {status}");
            let kind = response
                .maybe_header("content-type")
                .and_then(|v| v.to_str().ok().map(str::to_string))
                .unwrap_or_default();
            if !(kind.contains("html") || kind.contains("xml")) {
                continue;
            }
            let body = response.text();
            if let Some(piece) = unescaped(&body) {
                panic!("GET {url} shows {piece:?} unescaped");
            }
            if body.contains("xss-7e1") {
                shown += 1;
            }
            queue.extend(links_in(&body));
        }
    }
    assert!(shown >= 10, "pages showing the stored payload, escaped: {shown}");
}

/// Strings that would change a query built by pasting text into SQL.
const INJECTIONS: [&str; 8] = [
    "' or '1'='1",
    "'; drop table heroes; --",
    "\" or 1=1 --",
    "1) union select email, password_hash from users --",
    "%' and pg_sleep(3) is null and '%'='",
    "\\'; select 1; --",
    // A NUL byte, which PostgreSQL cannot store, and other control characters.
    "a\0b",
    "\u{1b}[31m\r\n",
];

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn sql_injection_strings_in_every_search_and_filter_change_nothing(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let _ = fill(&app).await;
    app.seed_heroes(&[("Carla Reyes", "Springfield PD", "US", "IL", "2019-03-02")])
        .await;
    let (admin, _) = app.signed_in(Role::Admin).await;
    let before = snapshot(&app).await;
    inject_everywhere(&admin, &app.browser()).await;
    assert_eq!(snapshot(&app).await, before, "nothing changed");
}

/// Every injection string in every search and filter parameter, on the public
/// pages as a visitor and on the staff pages as `admin`.
async fn inject_everywhere(admin: &TestServer, visitor: &TestServer) {
    let filters: [(&str, &[&str]); 10] = [
        (
            "/honor-roll",
            &["q", "service", "state", "country", "year", "status", "sort", "after"],
        ),
        (
            "/honor-roll.csv",
            &["q", "service", "state", "country", "year", "status"],
        ),
        (
            "/api/heroes",
            &["q", "service", "state", "country", "year", "status", "after", "limit"],
        ),
        ("/api/miles", &["after", "limit"]),
        ("/staff/heroes", &["q", "status"]),
        ("/staff/miles/new", &["q", "run", "hero"]),
        ("/staff/grants", &["step"]),
        ("/staff/runs/new", &["hero"]),
        ("/admin/audit", &["actor", "action", "record_type", "from", "to"]),
        ("/admin/grants/export.csv", &["from", "to"]),
    ];
    for (path, params) in filters {
        let browser = if path.starts_with("/staff") || path.starts_with("/admin") {
            admin
        } else {
            visitor
        };
        for param in params {
            for injection in INJECTIONS {
                let started = std::time::Instant::now();
                let response = browser.get(path).add_query_param(param, injection).await;
                let status = response.status_code().as_u16();
                assert!(
                    status == 200 || status == 400 || status == 422,
                    "{path}?{param}={injection}: {status}"
                );
                assert!(
                    started.elapsed().as_secs() < 3,
                    "{path}?{param}: the injected sleep ran"
                );
                let body = response.text();
                assert!(!body.contains("$argon2"), "{path}?{param}: password hashes shown");
                assert!(!body.contains("syntax error"), "{path}?{param}: a database error shown");
                if *param == "q" && path.contains("honor-roll") && status == 200 {
                    assert!(!body.contains("Carla Reyes"), "{path}?q={injection} found every hero");
                }
            }
        }
    }
}

/// After the injections and a script typed into every public form, the privacy
/// marker test still finds nothing private in any public response.
#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn after_the_attacks_nothing_private_reaches_a_public_response(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let (hero, draft, flag) = crate::privacy::plant_markers(&app, &staff).await;
    app.seed_heroes(&[("Carla Reyes", "Springfield PD", "US", "IL", "2019-03-02")])
        .await;
    let (admin, _) = app.signed_in(Role::Admin).await;
    let visitor = app.browser();
    inject_everywhere(&admin, &visitor).await;
    for page in ["/grants/apply", "/login"] {
        let html = visitor.get(page).await.text();
        for form in forms_in(&html) {
            for everywhere in [true, false] {
                let response = submit(&visitor, &form, form.filled(everywhere)).await;
                assert!(response.status_code().as_u16() < 500, "{}", form.action);
            }
        }
    }
    crate::privacy::assert_nothing_private(&app, staff, hero, draft, flag).await;
}

/// A NUL byte (which PostgreSQL cannot store) typed into a form is refused with
/// a clear answer, never a server error, and nothing is half-written.
#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_nul_byte_in_a_form_is_refused_not_a_server_error(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let before = snapshot(&app).await;
    let visitor = app.browser();
    let login = visitor
        .post("/login")
        .form(&[("email", "a\0b@example.org"), ("password", "anything at all")])
        .await;
    assert_eq!(login.status_code(), 422);
    let html = visitor.get("/grants/apply").await.text();
    let page = staff.get("/staff/heroes/new").await.text();
    for (browser, html) in [(&visitor, html), (&staff, page)] {
        for form in forms_in(&html).into_iter().filter(|f| !skipped(&f.action)) {
            let fields: Vec<(String, String)> = form
                .filled(false)
                .into_iter()
                .map(|(name, value)| {
                    let value = if value == PAYLOAD {
                        "Nul\0Byte".to_string()
                    } else {
                        value
                    };
                    (name, value)
                })
                .collect();
            let response = submit(browser, &form, fields).await;
            let status = response.status_code().as_u16();
            assert!((400..500).contains(&status), "{}: {status}", form.action);
        }
    }
    assert_eq!(snapshot(&app).await, before, "nothing was written");
}
