//! `TestApp`: the application over a test database, with a clock the test moves,
//! and browsers (cookie jars) that sign in as a given role.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

use argon2::password_hash::PasswordHasher;
use argon2::{Algorithm, Argon2, Params, Version};
use axum::Router;
use axum_test::{TestResponse, TestServer};
use chrono::{DateTime, Duration, TimeZone, Utc};
use honor_mile::accounts::password::{LANES, MEMORY_KIB, PASSES};
use honor_mile::clock::Clock;
use honor_mile::config::Config;
use honor_mile::public::live_roll::LiveRoll;
use honor_mile::state::AppState;
use sqlx::PgPool;
use uuid::Uuid;

/// The password every test account has (long and unguessable enough for the rules).
pub const PASSWORD: &str = "granite lantern orchard violet 42";

/// Hashed once (argon2 is slow on purpose), at the parameters the app uses.
static PASSWORD_HASH: LazyLock<String> = LazyLock::new(|| {
    argon2_at(MEMORY_KIB, PASSES)
        .hash_password(PASSWORD.as_bytes())
        .expect("hashing a constant password")
        .to_string()
});

/// argon2id with `memory_kib` of memory, `passes` passes and one lane.
pub fn argon2_at(memory_kib: u32, passes: u32) -> Argon2<'static> {
    let params = Params::new(memory_kib, passes, LANES, None).expect("argon2 parameters in range");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

pub struct TestClock(Mutex<DateTime<Utc>>);

impl TestClock {
    pub fn advance(&self, by: Duration) {
        let mut now = self.0.lock().expect("clock lock");
        *now += by;
    }
}

impl Clock for TestClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().expect("clock lock")
    }
}

pub struct TestApp {
    pub router: Router,
    pub pool: PgPool,
    /// The roll in memory, when the app keeps one ([`TestApp::with_live_roll`]).
    pub live: Option<Arc<LiveRoll>>,
    pub clock: Arc<TestClock>,
    /// The authenticator-app secret of each account enrolled through the pages,
    /// by email: the test's phone.
    secrets: Mutex<HashMap<String, String>>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Role {
    Staff,
    Admin,
}

pub fn test_config(extra: &[(&str, &str)]) -> Config {
    let extra: Vec<(String, String)> = extra.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    // Each app gets its own uploads folder, so tests never see each other's files.
    let uploads = std::env::temp_dir()
        .join(format!("honor-mile-test-{}", Uuid::now_v7()))
        .to_string_lossy()
        .into_owned();
    Config::from_lookup(move |key| {
        extra
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .or_else(|| match key {
                "COOKIE_SECURE" => Some("false".to_string()),
                "UPLOADS_DIR" => Some(uploads.clone()),
                // Tests read their own writes at once; the cache has its own test.
                "PUBLIC_CACHE_SECONDS" => Some("0".to_string()),
                _ => None,
            })
    })
    .expect("test configuration")
}

impl TestApp {
    pub async fn new(pool: PgPool) -> TestApp {
        TestApp::with_config(pool, test_config(&[])).await
    }

    pub async fn with_config(pool: PgPool, config: Config) -> TestApp {
        let start = Utc
            .with_ymd_and_hms(2026, 11, 23, 15, 0, 0)
            .single()
            .expect("valid start time");
        let clock = Arc::new(TestClock(Mutex::new(start)));
        let state = AppState::new(pool.clone(), config, clock.clone()).expect("application state");
        TestApp::around(state, pool, clock)
    }

    /// The app keeping the honor roll in memory for visitors, as a server does.
    pub async fn with_live_roll(pool: PgPool) -> TestApp {
        let mut app = TestApp::new(pool.clone()).await;
        let live = LiveRoll::start(pool.clone()).await.expect("the roll read into memory");
        let mut state = AppState::new(pool.clone(), test_config(&[]), app.clock.clone()).expect("application state");
        state.live = Some(live.clone());
        app.router = honor_mile::router(state);
        app.live = Some(live);
        app
    }

    /// Waits until the roll in memory holds every change committed so far.
    pub async fn roll_caught_up(&self) {
        let live = self.live.as_ref().expect("an app with the roll in memory");
        live.caught_up(&self.pool, std::time::Duration::from_secs(10))
            .await
            .expect("the roll in memory caught up");
    }

    fn around(state: AppState, pool: PgPool, clock: Arc<TestClock>) -> TestApp {
        TestApp {
            router: honor_mile::router(state),
            live: None,
            pool,
            clock,
            secrets: Mutex::new(HashMap::new()),
        }
    }

    /// A new browser: its own cookie jar.
    pub fn browser(&self) -> TestServer {
        TestServer::builder().save_cookies().build(self.router.clone())
    }

    pub async fn create_user(&self, email: &str, name: &str, role: Role) -> Uuid {
        let role = match role {
            Role::Staff => "staff",
            Role::Admin => "admin",
        };
        sqlx::query_scalar(
            "insert into users (id, email, display_name, role, password_hash, created_at, updated_at)
             values ($1, $2, $3, $4::user_role, $5, now(), now()) returning id",
        )
        .bind(Uuid::now_v7())
        .bind(email)
        .bind(name)
        .bind(role)
        .bind(PASSWORD_HASH.as_str())
        .fetch_one(&self.pool)
        .await
        .expect("insert test user")
    }

    /// A browser signed in as a new account of `role`.
    pub async fn signed_in(&self, role: Role) -> (TestServer, Uuid) {
        let (email, name) = match role {
            Role::Staff => ("staff@example.org", "Sam Staff"),
            Role::Admin => ("admin@example.org", "Ada Admin"),
        };
        let id = self.create_user(email, name, role).await;
        (self.sign_in_as(email).await, id)
    }

    /// A new browser signed in as an existing account, the way a person does it:
    /// the password, then the code from their app, or for an admin without a
    /// second factor, setting one up first.
    pub async fn sign_in_as(&self, email: &str) -> TestServer {
        let browser = self.browser();
        let response = sign_in(&browser, email, PASSWORD).await;
        assert_eq!(response.status_code(), 303, "password accepted for {email}");
        if location(&response) == "/login/code" {
            let code = self.next_code(email).await;
            let response = browser.post("/login/code").form(&[("code", code.as_str())]).await;
            assert_eq!(response.status_code(), 303, "code accepted for {email}");
            return browser;
        }
        let desk = browser.get("/staff").await;
        if location(&desk) == "/account/second-factor/enrol" {
            self.enrol(&browser, email).await;
        }
        browser
    }

    /// Sets up a second factor through the pages, as the signed-in `email`, and
    /// returns the recovery codes shown.
    pub async fn enrol(&self, browser: &TestServer, email: &str) -> Vec<String> {
        let page = browser.get("/account/second-factor/enrol").await;
        assert_eq!(page.status_code(), 200);
        let secret = text_of(&page.text(), "secret").expect("the secret is shown for typing in");
        let code = totp_code(&secret, self.clock.now());
        let response = browser
            .post("/account/second-factor/enrol")
            // A first factor asks for the password again (a replacement ignores it).
            .form(&[("code", code.as_str()), ("password", PASSWORD)])
            .await;
        assert_eq!(response.status_code(), 303, "enrolled: {}", page_text(&response.text()));
        self.secrets
            .lock()
            .expect("secrets lock")
            .insert(email.to_string(), secret);
        let codes = follow(browser, &response).await.text();
        recovery_codes_in(&codes)
    }

    /// The secret the test's phone holds for `email`.
    pub fn secret_of(&self, email: &str) -> String {
        self.secrets
            .lock()
            .expect("secrets lock")
            .get(email)
            .cloned()
            .expect("enrolled through the pages")
    }

    /// A code the server accepts now for `email`: the app's code for the first
    /// step after the last accepted one within the allowed drift, moving the
    /// clock on one step when that window is used up (as a person would wait).
    pub async fn next_code(&self, email: &str) -> String {
        let secret = self.secret_of(email);
        let last: Option<i64> = sqlx::query_scalar(
            "select f.last_used_step from second_factors f join users u on u.id = f.user_id where u.email = $1",
        )
        .bind(email)
        .fetch_one(&self.pool)
        .await
        .expect("an enrolled account");
        let now = self.clock.now().timestamp() / 30;
        let step = last.map_or(now, |last| (last + 1).max(now - 1));
        if step > now + 1 {
            self.clock.advance(Duration::seconds(30));
            return Box::pin(self.next_code(email)).await;
        }
        totp_code(&secret, DateTime::from_timestamp(step * 30, 0).expect("a valid time"))
    }

    pub async fn count(&self, sql: impl sqlx::SqlSafeStr) -> i64 {
        sqlx::query_scalar(sql)
            .fetch_one(&self.pool)
            .await
            .expect("count query")
    }
}

pub async fn sign_in(browser: &TestServer, email: &str, password: &str) -> TestResponse {
    browser
        .post("/login")
        .form(&[("email", email), ("password", password), ("next", "/staff")])
        .await
}

/// What an authenticator app shows for `secret` (as the page shows it) at `time`.
pub fn totp_code(secret: &str, time: DateTime<Utc>) -> String {
    let compact: String = secret.split_whitespace().collect();
    let bytes = totp_rs::Secret::try_from_base32(compact).expect("a base32 secret");
    totp_rs::Builder::new()
        .with_secret(bytes.as_ref().to_vec())
        .build()
        .expect("an RFC 6238 secret")
        .generate(u64::try_from(time.timestamp()).expect("after 1970"))
        .to_string()
}

/// The recovery codes listed on the page that shows them once.
pub fn recovery_codes_in(html: &str) -> Vec<String> {
    let document = scraper::Html::parse_document(html);
    let selector = scraper::Selector::parse("#recovery-codes code").expect("selector");
    document
        .select(&selector)
        .map(|e| e.text().collect::<String>())
        .collect()
}

pub fn location(response: &TestResponse) -> String {
    response
        .maybe_header("location")
        .and_then(|v| v.to_str().ok().map(str::to_string))
        .unwrap_or_default()
}

/// Opens the page a redirect points to, as a browser would (without the #fragment).
pub async fn follow(browser: &TestServer, response: &TestResponse) -> TestResponse {
    let target = location(response);
    browser.get(target.split('#').next().unwrap_or_default()).await
}

/// The text of the element with this id, from an HTML page.
pub fn text_of(html: &str, id: &str) -> Option<String> {
    let document = scraper::Html::parse_document(html);
    let selector = scraper::Selector::parse(&format!("#{id}")).ok()?;
    document
        .select(&selector)
        .next()
        .map(|e| e.text().collect::<String>().trim().to_string())
}

/// The one-time link shown in a flash message.
pub fn link_in(html: &str, prefix: &str) -> Option<String> {
    let start = html.find(prefix)?;
    let rest = &html[start..];
    let end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '/'))?;
    Some(rest[..end].to_string())
}

/// The visible text of a page, as a browser would show it: entities decoded,
/// runs of white space as one space.
pub fn page_text(html: &str) -> String {
    let text: String = scraper::Html::parse_document(html).root_element().text().collect();
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The value of the form field with this id, as the browser would fill it.
pub fn field_value(html: &str, id: &str) -> Option<String> {
    let document = scraper::Html::parse_document(html);
    let selector = scraper::Selector::parse(&format!("#{id}")).ok()?;
    let element = document.select(&selector).next()?;
    match element.value().name() {
        "textarea" => Some(element.text().collect()),
        _ => element.value().attr("value").map(str::to_string),
    }
}

/// A complete, valid hero form; tests change the fields they are about.
pub fn hero_form(full_name: &str, agency: &str, region: &str, end_of_watch: &str) -> Vec<(String, String)> {
    [
        ("full_name", full_name),
        ("rank_title", "Officer"),
        ("agency", agency),
        ("agency_city", "Springfield"),
        ("region", region),
        ("service", "police"),
        ("end_of_watch", end_of_watch),
        ("cause", "gunfire"),
        ("age", "34"),
        ("years_of_service", "9"),
        ("badge_number", "1701"),
        ("narrative", "Responded to a call for help."),
        ("biography", "Loved the community."),
        ("memorial_links", "https://example.org/memorial/1"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

/// Replaces (or adds) one field of a form.
pub fn with(mut form: Vec<(String, String)>, key: &str, value: &str) -> Vec<(String, String)> {
    form.retain(|(k, _)| k != key);
    form.push((key.to_string(), value.to_string()));
    form
}

impl TestApp {
    /// Adds a hero through the staff form and returns its id.
    pub async fn add_hero(&self, staff: &TestServer, form: &[(String, String)]) -> Uuid {
        let response = staff.post("/staff/heroes").form(form).await;
        assert_eq!(
            response.status_code(),
            303,
            "hero saved: {}",
            page_text(&response.text())
        );
        location(&response)
            .trim_start_matches("/staff/heroes/")
            .parse()
            .expect("redirect to the new record")
    }

    /// Adds and confirms a hero through the staff pages.
    pub async fn add_confirmed_hero(&self, staff: &TestServer, form: &[(String, String)]) -> Uuid {
        let id = self.add_hero(staff, form).await;
        let response = staff
            .post(&format!("/staff/heroes/{id}/confirm"))
            .form(&[("source", "Agency press release")])
            .await;
        assert_eq!(response.status_code(), 303);
        id
    }

    /// Inserts confirmed heroes straight into the table (for search and paging tests).
    pub async fn seed_heroes(&self, rows: &[(&str, &str, &str, &str, &str)]) {
        for (name, agency, country, region, eow) in rows {
            let hero = NewHero {
                name,
                agency,
                country,
                region,
                end_of_watch: eow,
                ..NewHero::default()
            };
            self.hero(hero).await;
        }
    }

    /// Inserts a hero straight into the table.
    pub async fn hero(&self, hero: NewHero<'_>) -> Uuid {
        let id = Uuid::now_v7();
        sqlx::query(
            "insert into heroes (id, full_name, agency, country, region, service, end_of_watch, cause,
                                 confirmed_at, confirmation_source, created_at, updated_at)
             values ($1, $2, $3, $4, $5, $6::hero_service, $7::date, $8::hero_cause,
                     case when $9 then now() end, case when $9 then 'test' end, now(), now())",
        )
        .bind(id)
        .bind(hero.name)
        .bind(hero.agency)
        .bind(hero.country)
        .bind(hero.region)
        .bind(hero.service)
        .bind(hero.end_of_watch)
        .bind(hero.cause)
        .bind(hero.confirmed)
        .execute(&self.pool)
        .await
        .expect("hero");
        id
    }

    /// Inserts a runner straight into the table.
    pub async fn runner(&self, name: &str) -> Uuid {
        let id = Uuid::now_v7();
        sqlx::query("insert into runners (id, name, created_at, updated_at) values ($1, $2, now(), now())")
            .bind(id)
            .bind(name)
            .execute(&self.pool)
            .await
            .expect("runner");
        id
    }

    /// Inserts mile `number` straight into the table: no flag, no audit, as
    /// before flags existed.
    pub async fn mile(&self, number: i32, hero: Uuid, runner: Uuid, run_date: &str) -> Uuid {
        let id = Uuid::now_v7();
        sqlx::query(
            "insert into miles (id, number, hero_id, runner_id, run_date, place, laps, duration_seconds, form_key,
                                created_at, updated_at)
             values ($1, $2, $3, $4, $5::date, 'Track', 7, 495, gen_random_uuid(), now(), now())",
        )
        .bind(id)
        .bind(number)
        .bind(hero)
        .bind(runner)
        .bind(run_date)
        .execute(&self.pool)
        .await
        .expect("mile");
        id
    }

    /// Inserts a grant application straight into the table; the database's own
    /// rules may refuse it.
    pub async fn grant(&self, grant: NewGrant<'_>) -> sqlx::Result<Uuid> {
        let id = Uuid::now_v7();
        sqlx::query(
            "insert into grant_applications (id, reference, kind, recipient_name, service, agency, injury_date,
                                             circumstances, amount_requested_cents, nominator_name, contact_phone,
                                             status, submitted_at, updated_at, items_requested)
             values ($1, 'G-2026-' || lpad((floor(random() * 900000) + 100000)::text, 6, '0'), $2::grant_kind,
                     $3, 'police', $4, $5::date, 'Fell during a rescue.', $6, 'Pat Partner', '555-0100 x12',
                     $7::grant_status, now(), now(), $8)",
        )
        .bind(id)
        .bind(grant.kind)
        .bind(grant.recipient)
        .bind(grant.agency)
        .bind(grant.injury_date)
        .bind(grant.amount_cents)
        .bind(grant.status)
        .bind(grant.items)
        .execute(&self.pool)
        .await?;
        Ok(id)
    }
}

/// A hero for [`TestApp::hero`]; the default is a confirmed police officer.
pub struct NewHero<'a> {
    pub name: &'a str,
    pub agency: &'a str,
    pub country: &'a str,
    pub region: &'a str,
    pub service: &'a str,
    pub end_of_watch: &'a str,
    pub cause: &'a str,
    pub confirmed: bool,
}

impl Default for NewHero<'_> {
    fn default() -> Self {
        NewHero {
            name: "Ann Smith",
            agency: "Winter Springs PD",
            country: "US",
            region: "FL",
            service: "police",
            end_of_watch: "2023-01-10",
            cause: "gunfire",
            confirmed: true,
        }
    }
}

/// A grant application for [`TestApp::grant`]; the default is an injury grant
/// waiting for review.
pub struct NewGrant<'a> {
    pub kind: &'a str,
    pub status: &'a str,
    pub recipient: &'a str,
    pub agency: &'a str,
    pub injury_date: Option<&'a str>,
    pub amount_cents: i64,
    pub items: &'a str,
}

impl Default for NewGrant<'_> {
    fn default() -> Self {
        NewGrant {
            kind: "injury",
            status: "submitted",
            recipient: "Lee Morgan",
            agency: "Springfield PD",
            injury_date: Some("2026-10-01"),
            amount_cents: 300_000,
            items: "",
        }
    }
}
