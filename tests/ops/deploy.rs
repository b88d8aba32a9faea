//! Deploying: the binary copied alone into an empty folder serves every page
//! with its styles; the start waits for PostgreSQL; `/metrics` on its own
//! address; each request's id in its answer and its log line.

use std::collections::{BTreeSet, VecDeque};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use uuid::Uuid;

use crate::support::{Cluster, Database, Server, create_heroes, create_user, get, send, sign_in, sign_in_attempt};

fn empty_folder(purpose: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("honor-mile-{purpose}-{}", Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).expect("an empty folder");
    dir
}

/// Same-site links of a page that lead to other pages (not files, feeds or actions).
fn page_links(html: &str) -> Vec<String> {
    let document = scraper::Html::parse_document(html);
    let anchors = scraper::Selector::parse("a[href]").expect("a selector");
    document
        .select(&anchors)
        .filter_map(|a| a.value().attr("href"))
        .map(|href| href.split('#').next().unwrap_or_default().to_string())
        .filter(|href| href.starts_with('/') && !href.starts_with("//"))
        .filter(|href| {
            ![".csv", ".ics", ".atom", ".json", "/scan"]
                .iter()
                .any(|end| href.split('?').next().unwrap_or_default().ends_with(end))
        })
        .filter(|href| !href.starts_with("/api/") && !href.starts_with("/photos/") && !href.starts_with("/static/"))
        .collect()
}

fn assets_of(html: &str) -> Vec<String> {
    let document = scraper::Html::parse_document(html);
    let selector = scraper::Selector::parse("link[rel=stylesheet][href], script[src]").expect("a selector");
    document
        .select(&selector)
        .filter_map(|e| e.value().attr("href").or_else(|| e.value().attr("src")))
        .map(str::to_string)
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_binary_alone_in_an_empty_folder_serves_every_page_with_its_styles() {
    let folder = empty_folder("alone");
    let program = folder.join("honor-mile");
    std::fs::copy(crate::support::BIN, &program).expect("copy the binary");
    let db = Database::fresh("alone");
    // No STATIC_DIR, and the source tree out of reach: only what is inside the binary.
    let server = Server::spawn_program(&program, &db.url, &[]).ready();
    let pool = db.pool().await;
    create_user(&pool, "sam@example.org", "Sam Staff", "staff").await;
    create_heroes(&pool, 3).await;
    let cookie = sign_in(server.addr, "sam@example.org").await;

    let mut seen = BTreeSet::new();
    let mut assets = BTreeSet::new();
    // The mile form loads htmx; it is asked first, as the crawl's 80 pages may
    // fill with public ones (in both languages) before it.
    let mut queue: VecDeque<(String, Option<&str>)> = VecDeque::from([
        ("/staff/miles/new".to_string(), Some(cookie.as_str())),
        ("/".to_string(), None),
        ("/staff".to_string(), Some(cookie.as_str())),
    ]);
    while let Some((path, who)) = queue.pop_front() {
        if seen.len() >= 80 || !seen.insert((path.clone(), who.is_some())) {
            continue;
        }
        let page = get(server.addr, &path, who).await;
        assert!(page.status < 500, "{path}: {}", page.body);
        // Redirects and refusals (an admin page for staff) are not pages to style.
        if page.status != 200 {
            continue;
        }
        let found = assets_of(&page.body);
        assert!(
            found.iter().any(|a| a.starts_with("/static/css/site.")),
            "{path} links its stylesheet"
        );
        assets.extend(found);
        for link in page_links(&page.body) {
            if link != "/logout" {
                queue.push_back((link, who));
            }
        }
    }
    assert!(seen.len() > 15, "the crawl reached the pages: {seen:?}");
    for asset in &assets {
        let file = get(server.addr, asset, None).await;
        assert_eq!(file.status, 200, "{asset}");
        assert!(file.body.len() > 100, "{asset} has content");
        assert_eq!(
            file.header("cache-control"),
            Some("public, max-age=31536000, immutable")
        );
    }
    assert!(assets.iter().any(|a| a.contains("htmx")), "{assets:?}");
    drop(server);
    let _ = std::fs::remove_dir_all(folder);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_start_waits_for_postgresql_with_growing_delays() {
    let cluster = tokio::task::block_in_place(Cluster::start);
    tokio::task::block_in_place(|| cluster.stop());
    let url = cluster.url("honor_mile");
    let mut starting = Server::spawn(&url, &[("DB_STARTUP_WAIT_SECONDS", "120")]);
    tokio::time::sleep(Duration::from_secs(4)).await;
    let waiting = starting.output();
    let waits: Vec<u64> = waiting
        .lines()
        .filter(|l| l.contains("PostgreSQL does not answer yet"))
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v["fields"]["retry_in_ms"].as_u64())
        .collect();
    assert!(waits.len() >= 3, "each try is logged: {waiting}");
    assert!(waits.windows(2).all(|w| w[1] > w[0]), "the delays grow: {waits:?}");
    assert!(
        tokio::task::block_in_place(|| starting.wait_exit(Duration::from_millis(200))).is_none(),
        "still waiting, not exited: {waiting}"
    );

    tokio::task::block_in_place(|| cluster.resume());
    let server = tokio::task::block_in_place(|| starting.ready());
    assert_eq!(get(server.addr, "/readyz", None).await.status, 200);
    assert!(server.output().contains("PostgreSQL answers"));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_start_gives_up_at_its_limit_in_one_line() {
    let cluster = tokio::task::block_in_place(Cluster::start);
    tokio::task::block_in_place(|| cluster.stop());
    let mut starting = Server::spawn(&cluster.url("honor_mile"), &[("DB_STARTUP_WAIT_SECONDS", "2")]);
    let status = tokio::task::block_in_place(|| starting.wait_exit(Duration::from_secs(20)));
    assert!(
        status.is_some_and(|s| !s.success()),
        "exits with failure after the limit"
    );
    let output = starting.output();
    let errors: Vec<&str> = output.lines().filter(|l| l.starts_with("honor-mile:")).collect();
    assert_eq!(errors.len(), 1, "{output}");
    assert!(errors[0].contains("cannot reach PostgreSQL"), "{output}");
}

fn metrics_address(output: &str) -> SocketAddr {
    output
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find(|v| v["fields"]["message"] == "metrics at /metrics")
        .and_then(|v| v["fields"]["address"].as_str()?.parse().ok())
        .unwrap_or_else(|| panic!("the metrics address is logged: {output}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn metrics_are_on_their_own_address_and_count_what_happened() {
    let db = Database::fresh("metrics");
    let server = Server::start(
        &db.url,
        &[
            ("METRICS_ADDR", "127.0.0.1:0"),
            ("PUBLIC_CACHE_SECONDS", "30"),
            ("RUST_LOG", "warn,honor_mile=info,tower_http=info"),
        ],
    );
    let pool = db.pool().await;
    create_user(&pool, "sam@example.org", "Sam Staff", "staff").await;
    let hero = create_heroes(&pool, 1).await[0];
    let metrics = metrics_address(&server.output());

    assert_eq!(
        get(server.addr, "/metrics", None).await.status,
        404,
        "not on the public listener"
    );
    for _ in 0..3 {
        assert_eq!(get(server.addr, &format!("/heroes/{hero}"), None).await.status, 200);
    }
    assert_eq!(
        sign_in_attempt(server.addr, "sam@example.org", "wrong password here")
            .await
            .status,
        422
    );
    assert_eq!(get(server.addr, "/no/such/page", None).await.status, 404);

    let page = get(metrics, "/metrics", None).await;
    assert_eq!(page.status, 200);
    let text = page.body;
    for expected in [
        r#"http_requests_total{method="GET",route="/heroes/{id}",status="200"} 1"#,
        r#"http_requests_total{method="POST",route="/login",status="422"} 1"#,
        r#"http_requests_total{method="GET",route="unrouted",status="404"}"#,
        r#"http_request_duration_seconds_bucket{method="GET",route="/heroes/{id}",le="0.005"}"#,
        r#"sign_in_failures_total{step="password"} 1"#,
        "page_cache_hits_total 2",
        "db_pool_connections ",
        "db_pool_idle_connections ",
        "outbox_waiting_messages 0",
        "outbox_failed_messages 0",
        "import_jobs_running 0",
        "import_jobs_failed 0",
    ] {
        assert!(text.contains(expected), "{expected} in:\n{text}");
    }
    assert!(!text.contains(&hero.to_string()), "no ids in the labels");
    assert_eq!(
        get(metrics, "/", None).await.status,
        404,
        "the metrics address serves nothing else"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn each_request_id_is_in_its_answer_and_its_log_line() {
    let db = Database::fresh("request_id");
    let server = Server::start(&db.url, &[("RUST_LOG", "warn,honor_mile=info,tower_http=info")]);
    let answer = get(server.addr, "/honor-roll", None).await;
    let id = answer.header("x-request-id").expect("a request id").to_string();
    assert!(Uuid::parse_str(&id).is_ok(), "{id}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let logged = server
        .output()
        .lines()
        .find(|l| l.contains(&id) && l.contains("finished processing request"))
        .map(str::to_string);
    let line = logged.unwrap_or_else(|| panic!("a log line with {id}:\n{}", server.output()));
    assert!(line.contains("/honor-roll") && line.contains("200"), "{line}");

    // A proxy's plain id is kept for following a request across logs; anything
    // else a client sends there is replaced.
    let mut request = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n".to_vec();
    request.extend_from_slice(b"x-request-id: from-the-proxy-42\r\n\r\n");
    assert_eq!(
        send(server.addr, &request).await.header("x-request-id"),
        Some("from-the-proxy-42")
    );
    let mut hostile = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n".to_vec();
    hostile.extend_from_slice(b"x-request-id: <script>alert(1)</script>\r\n\r\n");
    let replaced = send(server.addr, &hostile).await;
    let replaced = replaced.header("x-request-id").expect("a request id");
    assert!(Uuid::parse_str(replaced).is_ok(), "{replaced}");
}
