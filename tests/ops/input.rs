//! Hostile or broken input: each gets a clear 4xx (never a 500), and the server
//! keeps serving everybody else meanwhile.

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::support::{Database, Server, exchange, get, read_response, request_bytes, send};

const FORM: &str = "application/x-www-form-urlencoded";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_malformed_and_mistyped_requests_get_a_clear_4xx() {
    let db = Database::create("input").await;
    let server = Server::start(&db.url, &[]);

    // Declared larger than anything accepted: refused before a byte is read.
    let huge = send(
        server.addr,
        b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 30000000\r\n\r\n",
    )
    .await;
    assert_eq!(huge.status, 413);
    assert!(huge.body.contains("Too large"), "{}", huge.body);

    // A form larger than forms may be, actually sent.
    let mut big = b"email=".to_vec();
    big.resize(300 * 1024, b'a');
    let large = send(server.addr, &request_bytes("POST", "/login", None, Some(FORM), &big)).await;
    assert_eq!(large.status, 413);
    assert!(large.body.contains("larger than this page accepts"), "{}", large.body);

    // A form that cannot be read as the form it claims to be.
    let malformed = send(
        server.addr,
        &request_bytes(
            "POST",
            "/login",
            None,
            Some(FORM),
            b"email=a%40b.org&email=c&password=x",
        ),
    )
    .await;
    assert!(matches!(malformed.status, 400 | 422), "{}", malformed.status);
    assert!(malformed.body.contains("could not be read"), "{}", malformed.body);

    // Not a form at all.
    for content_type in ["application/json", "text/plain", "multipart/form-data; boundary=x"] {
        let mistyped = send(
            server.addr,
            &request_bytes(
                "POST",
                "/login",
                None,
                Some(content_type),
                br#"{"email":"a@b.org","password":"x"}"#,
            ),
        )
        .await;
        assert!(
            matches!(mistyped.status, 400 | 415),
            "{content_type}: {}",
            mistyped.status
        );
        assert!(
            mistyped.body.contains("Honor Mile"),
            "{content_type}: an explained page, not a bare line: {}",
            mistyped.body
        );
    }
    let untyped = send(
        server.addr,
        b"POST /login HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 7\r\n\r\nemail=a",
    )
    .await;
    assert_eq!(untyped.status, 415);

    // Addresses with odd encodings or absurd lengths.
    let long_path = format!("/{}", "a".repeat(20_000));
    let long_hero = format!("/heroes/{}", "%41".repeat(3_000));
    let odd_paths = [
        "/heroes/%00",
        "/heroes/%C0%AF",
        "/heroes/%ZZ",
        "/%ZZ",
        "/%00",
        "/static/%2e%2e/%2e%2e/Cargo.toml",
        "/static/..%2f..%2fCargo.toml",
        "/static/%00",
        "/api/heroes/%C0%AF",
        "/runs/%FF%FE",
        long_path.as_str(),
        long_hero.as_str(),
    ];
    for path in odd_paths {
        let response = get(server.addr, path, None).await;
        assert!(
            (400..500).contains(&response.status),
            "{}: {}",
            &path[..path.len().min(60)],
            response.status
        );
        assert!(
            !response.body.contains("[package]"),
            "no file outside static/ is served"
        );
    }
    for path in [
        "/honor-roll?q=%ZZ%00%C0%AF&state=%FF",
        "/honor-roll?cursor=%00%00&year=99999999999999999999",
        "/api/heroes?limit=%FF",
        "/api/heroes?cursor=%C0%AF",
        "/login?next=%0d%0aLocation:%20http://evil.example",
        "/runs.ics?%%%",
    ] {
        let response = get(server.addr, path, None).await;
        assert!(response.status < 500, "{path}: {}", response.status);
    }
    // Longer than any address may be: refused or cut off by the HTTP layer, not an error.
    let absurd = format!("/{}", "b".repeat(100_000));
    if let Ok(Ok(response)) = tokio::time::timeout(
        Duration::from_secs(10),
        exchange(server.addr, &request_bytes("GET", &absurd, None, None, b"")),
    )
    .await
    {
        assert!((400..500).contains(&response.status), "{}", response.status);
    }

    assert_eq!(get(server.addr, "/", None).await.status, 200, "still serving");
    assert_eq!(get(server.addr, "/healthz", None).await.status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_clients_are_cut_off_while_others_are_served() {
    let db = Database::create("slow").await;
    let server = Server::start(&db.url, &[("REQUEST_TIMEOUT_SECONDS", "2")]);

    // Headers that never end, and a body that never ends.
    let mut slow_headers = TcpStream::connect(server.addr).await.expect("connect");
    slow_headers
        .write_all(b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        .await
        .expect("partial headers");
    let mut slow_body = TcpStream::connect(server.addr).await.expect("connect");
    slow_body
        .write_all(b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nemail=")
        .await
        .expect("partial body");
    // A connection that never sends a byte, and one that speaks HTTP/2 without
    // TLS (which would escape the header timeout): neither is kept.
    let mut silent = TcpStream::connect(server.addr).await.expect("connect");
    let mut h2c = TcpStream::connect(server.addr).await.expect("connect");
    h2c.write_all(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")
        .await
        .expect("h2 preface");
    let started = Instant::now();

    // Everybody else is served at once meanwhile.
    for _ in 0..5 {
        let quick = Instant::now();
        assert_eq!(get(server.addr, "/", None).await.status, 200);
        assert!(quick.elapsed() < Duration::from_secs(1), "{:?}", quick.elapsed());
    }

    let body_answer = tokio::time::timeout(Duration::from_secs(8), read_response(&mut slow_body))
        .await
        .expect("the slow body is cut off within the request timeout")
        .expect("an answer");
    assert_eq!(body_answer.status, 408);
    assert!(body_answer.body.contains("took too long"), "{}", body_answer.body);

    // The server closes the connection (it may say 408 first).
    let mut rest = Vec::new();
    let closed = tokio::time::timeout(Duration::from_secs(8), slow_headers.read_to_end(&mut rest))
        .await
        .expect("the slow headers are cut off within the request timeout");
    assert!(closed.is_err() || rest.is_empty() || rest.starts_with(b"HTTP/1.1 408"));
    assert!(started.elapsed() < Duration::from_secs(8), "{:?}", started.elapsed());

    let mut nothing = Vec::new();
    let closed = tokio::time::timeout(Duration::from_secs(8), silent.read_to_end(&mut nothing))
        .await
        .expect("a silent connection is closed within the request timeout");
    assert!(closed.is_err() || nothing.is_empty(), "{nothing:?}");
    let mut answer = Vec::new();
    let closed = tokio::time::timeout(Duration::from_secs(8), h2c.read_to_end(&mut answer))
        .await
        .expect("an HTTP/2 connection without TLS is refused and closed");
    assert!(
        closed.is_err() || !answer.starts_with(b"\0"),
        "no HTTP/2 frames are sent back: {answer:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(12), "{:?}", started.elapsed());

    assert_eq!(get(server.addr, "/", None).await.status, 200, "still serving");
}
