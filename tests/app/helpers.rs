//! `TestApp`: the application over a test database, with a clock the test moves,
//! and browsers (cookie jars) that sign in as a given role.

use std::sync::{Arc, LazyLock, Mutex};

use argon2::Argon2;
use argon2::password_hash::PasswordHasher;
use axum::Router;
use axum_test::{TestResponse, TestServer};
use chrono::{DateTime, Duration, TimeZone, Utc};
use honor_mile::clock::Clock;
use honor_mile::config::Config;
use honor_mile::state::AppState;
use sqlx::PgPool;
use uuid::Uuid;

/// The password every test account has (long and unguessable enough for the rules).
pub const PASSWORD: &str = "granite lantern orchard violet 42";

/// Hashed once: argon2 is slow on purpose.
static PASSWORD_HASH: LazyLock<String> = LazyLock::new(|| {
    Argon2::default()
        .hash_password(PASSWORD.as_bytes())
        .expect("hashing a constant password")
        .to_string()
});

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
    pub clock: Arc<TestClock>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Role {
    Staff,
    Admin,
}

pub fn test_config(extra: &[(&str, &str)]) -> Config {
    let extra: Vec<(String, String)> = extra.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    Config::from_lookup(move |key| {
        extra
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .or_else(|| (key == "COOKIE_SECURE").then(|| "false".to_string()))
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
        let state = AppState::new(pool.clone(), config, clock.clone());
        TestApp {
            router: honor_mile::router(state),
            pool,
            clock,
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
        let browser = self.browser();
        let response = sign_in(&browser, email, PASSWORD).await;
        assert_eq!(response.status_code(), 303, "sign-in as {role:?} should succeed");
        (browser, id)
    }

    pub async fn count(&self, sql: &str) -> i64 {
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

pub fn location(response: &TestResponse) -> String {
    response
        .maybe_header("location")
        .and_then(|v| v.to_str().ok().map(str::to_string))
        .unwrap_or_default()
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

/// The visible text of a page, as a browser would show it (entities decoded).
pub fn page_text(html: &str) -> String {
    scraper::Html::parse_document(html).root_element().text().collect()
}
