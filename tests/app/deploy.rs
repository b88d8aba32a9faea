//! One file to deploy: the static files built into the binary under hashed
//! names, `STATIC_DIR` for development, and `honor-mile check` with its one
//! line per problem, settings from `.env` and secrets from files.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use sqlx::PgPool;

use crate::helpers::{Role, TestApp, test_config};

/// The stylesheet's address as the home page links it.
fn stylesheet_in(html: &str) -> String {
    let start = html
        .find("<link rel=\"stylesheet\" href=\"")
        .expect("a stylesheet link")
        + 29;
    html[start..].split('"').next().unwrap_or_default().to_string()
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn pages_link_static_files_by_content_hash_kept_for_a_year(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let home = app.browser().get("/").await.text();
    let href = stylesheet_in(&home);
    assert!(
        href.starts_with("/static/css/site.") && href.ends_with(".css") && href != "/static/css/site.css",
        "{href}"
    );
    let css = app.browser().get(&href).await;
    assert_eq!(css.status_code(), 200);
    assert_eq!(css.header("content-type"), "text/css; charset=utf-8");
    assert_eq!(css.header("cache-control"), "public, max-age=31536000, immutable");
    let built_in =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/static/css/site.css")).expect("the stylesheet");
    assert_eq!(css.text(), built_in);

    // Signed-in pages are never stored, but the files they use still are.
    let (staff, _) = app.signed_in(Role::Staff).await;
    let desk = staff.get("/staff").await;
    assert_eq!(desk.header("cache-control"), "no-store");
    let from_desk = staff.get(&stylesheet_in(&desk.text())).await;
    assert_eq!(from_desk.header("cache-control"), "public, max-age=31536000, immutable");

    // The plain name answers too, checked again each time, and unchanged is 304.
    let plain = app.browser().get("/static/css/site.css").await;
    assert_eq!(plain.status_code(), 200);
    assert_eq!(plain.header("cache-control"), "no-cache");
    let etag = plain.header("etag");
    let again = app
        .browser()
        .get("/static/css/site.css")
        .add_header("if-none-match", etag)
        .await;
    assert_eq!(again.status_code(), 304);

    let htmx = app.browser().get("/static/vendor/htmx.min.js").await;
    assert_eq!(htmx.header("content-type"), "text/javascript; charset=utf-8");
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn unknown_or_escaping_static_paths_are_not_found(pool: PgPool) {
    let app = TestApp::new(pool).await;
    for path in [
        "/static/css/nothing.css",
        "/static/../Cargo.toml",
        "/static/%2e%2e/Cargo.toml",
        "/static/css/site.000000000000.css",
        "/static/",
    ] {
        assert_eq!(app.browser().get(path).await.status_code(), 404, "{path}");
    }
    assert_eq!(app.browser().post("/static/css/site.css").await.status_code(), 405);
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn static_dir_serves_the_folder_as_it_is_now(pool: PgPool) {
    let dir = temp_dir("static");
    std::fs::create_dir_all(dir.join("css")).expect("folder");
    std::fs::write(dir.join("css/site.css"), "body { color: rebeccapurple }").expect("stylesheet");
    std::fs::write(dir.join("secret.txt"), "inside").expect("file");
    let app = TestApp::with_config(
        pool,
        test_config(&[("STATIC_DIR", dir.to_str().expect("a UTF-8 path"))]),
    )
    .await;
    let href = stylesheet_in(&app.browser().get("/").await.text());
    let css = app.browser().get(&href).await;
    assert_eq!(
        css.text(),
        "body { color: rebeccapurple }",
        "the folder's copy, not the built-in one"
    );
    assert_eq!(css.header("cache-control"), "no-store");
    std::fs::write(dir.join("css/site.css"), "body { color: teal }").expect("edit");
    assert_eq!(app.browser().get(&href).await.text(), "body { color: teal }");
    assert_eq!(app.browser().get("/static/../Cargo.toml").await.status_code(), 404);
    let _ = std::fs::remove_dir_all(dir);
}

fn temp_dir(purpose: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("honor-mile-{purpose}-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    dir
}

/// `honor-mile check` in `dir` with only `env` set (and PATH).
fn check_in(dir: &Path, env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_honor-mile"));
    command.arg("check").current_dir(dir).env_clear();
    if let Some(path) = std::env::var_os("PATH") {
        command.env("PATH", path);
    }
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().expect("run honor-mile check")
}

fn problems(output: &Output) -> Vec<String> {
    String::from_utf8_lossy(&output.stderr)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_string)
        .collect()
}

#[test]
fn check_names_every_problem_in_a_line_of_its_own() {
    let dir = temp_dir("check");
    let output = check_in(
        &dir,
        &[
            ("BIND_ADDR", "port 3000"),
            ("SESSION_IDLE_MINUTES", "0"),
            ("PROGRAM_TIME_ZONE", "Mars/Olympus"),
            ("DATABASE_URL_FILE", "/nonexistent/honor-mile/database-url"),
            ("METRICS_ADDR", "everywhere"),
        ],
    );
    assert!(!output.status.success());
    let lines = problems(&output);
    assert_eq!(lines.len(), 5, "one line per problem: {lines:#?}");
    for key in [
        "BIND_ADDR",
        "SESSION_IDLE_MINUTES",
        "PROGRAM_TIME_ZONE",
        "DATABASE_URL_FILE",
        "METRICS_ADDR",
    ] {
        assert!(lines.iter().any(|l| l.contains(key)), "{key} named: {lines:#?}");
    }
    assert!(!String::from_utf8_lossy(&output.stderr).contains("panicked"));
    let _ = std::fs::remove_dir_all(dir);
}

fn test_database_url() -> String {
    std::env::var("DATABASE_URL").expect("DATABASE_URL is set for the tests")
}

#[test]
fn check_passes_with_the_database_url_from_a_file_and_the_rest_from_dot_env() {
    let dir = temp_dir("check");
    // A secret file as systemd credentials give it: the value and a line break.
    let secret = dir.join("database-url");
    std::fs::write(&secret, format!("{}\n", test_database_url())).expect("secret file");
    std::fs::write(
        dir.join(".env"),
        format!(
            "PROGRAM_TIME_ZONE=America/Chicago\nUPLOADS_DIR={}\nBIND_ADDR=127.0.0.1:0\n",
            dir.join("uploads").display()
        ),
    )
    .expect(".env");
    let output = check_in(&dir, &[("DATABASE_URL_FILE", secret.to_str().expect("UTF-8"))]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("PostgreSQL answers"), "{stdout}");
    assert!(!dir.join("uploads").exists(), "check changes nothing");

    // A wrong value in .env is named; the environment wins over .env.
    std::fs::write(
        dir.join(".env"),
        "PROGRAM_TIME_ZONE=Mars/Olympus\nBIND_ADDR=127.0.0.1:0\n",
    )
    .expect(".env");
    let from_file = check_in(&dir, &[("DATABASE_URL_FILE", secret.to_str().expect("UTF-8"))]);
    assert!(problems(&from_file).iter().any(|l| l.contains("PROGRAM_TIME_ZONE")));
    let overridden = check_in(
        &dir,
        &[
            ("DATABASE_URL_FILE", secret.to_str().expect("UTF-8")),
            ("PROGRAM_TIME_ZONE", "America/Denver"),
        ],
    );
    assert!(overridden.status.success(), "{:?}", problems(&overridden));

    // Both the value and its file: which one is meant is not guessed.
    let both = check_in(
        &dir,
        &[
            ("DATABASE_URL_FILE", secret.to_str().expect("UTF-8")),
            ("DATABASE_URL", "postgres://someone@127.0.0.1:5432/elsewhere"),
            ("PROGRAM_TIME_ZONE", "America/Denver"),
        ],
    );
    assert_eq!(problems(&both).len(), 1, "{:?}", problems(&both));
    assert!(problems(&both)[0].contains("DATABASE_URL or DATABASE_URL_FILE, not both"));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn check_says_when_postgresql_does_not_answer_without_showing_the_password() {
    let dir = temp_dir("check");
    let output = check_in(
        &dir,
        &[
            ("DATABASE_URL", "postgres://postgres:hunter2@127.0.0.1:9/honor_mile"),
            ("BIND_ADDR", "127.0.0.1:0"),
        ],
    );
    assert!(!output.status.success());
    let lines = problems(&output);
    assert_eq!(lines.len(), 1, "{lines:#?}");
    assert!(lines[0].contains("cannot reach PostgreSQL at postgres://postgres:***@127.0.0.1:9/honor_mile"));
    assert!(!lines[0].contains("hunter2"));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn check_says_when_the_read_replica_does_not_answer_without_showing_the_password() {
    let dir = temp_dir("check-replica");
    let output = check_in(
        &dir,
        &[
            ("DATABASE_URL", "postgres://postgres@127.0.0.1:9/honor_mile"),
            ("DATABASE_READ_URL", "postgres://reader:hunter2@127.0.0.1:9/honor_mile"),
            ("BIND_ADDR", "127.0.0.1:0"),
        ],
    );
    assert!(!output.status.success());
    let lines = problems(&output);
    assert_eq!(lines.len(), 2, "the primary and the replica, a line each: {lines:#?}");
    assert!(lines[1].contains("cannot reach the read replica at postgres://reader:***@127.0.0.1:9/honor_mile"));
    assert!(lines[1].contains("public pages read from the primary until it answers"));
    assert!(!lines.iter().any(|l| l.contains("hunter2")));

    let output = check_in(
        &dir,
        &[("DATABASE_READ_URL", "mysql://reader:hunter2@replica/honor_mile")],
    );
    let lines = problems(&output);
    assert!(
        lines
            .iter()
            .any(|l| l.contains("DATABASE_READ_URL must be a PostgreSQL URL")),
        "{lines:#?}"
    );
    assert!(!lines.iter().any(|l| l.contains("hunter2")));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_broken_dot_env_stops_the_start_in_one_line() {
    let dir = temp_dir("dotenv");
    std::fs::write(dir.join(".env"), "DATABASE_URL='postgres://u:hunter2@db/honor_mile\n").expect(".env");
    let output = check_in(&dir, &[]);
    assert!(!output.status.success());
    let lines = problems(&output);
    assert_eq!(lines.len(), 1, "{lines:#?}");
    assert!(
        lines[0].contains(".env") && lines[0].contains("DATABASE_URL"),
        "{lines:#?}"
    );
    assert!(
        !lines[0].contains("hunter2"),
        "the line's value is not shown: {lines:#?}"
    );
    let _ = std::fs::remove_dir_all(dir);
}
