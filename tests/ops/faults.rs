//! Faults: PostgreSQL restarting under load, the server killed with SIGKILL while
//! staff log miles, and SIGTERM with requests in flight.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use nix::sys::signal::Signal;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use uuid::Uuid;

use crate::support::{
    Cluster, Database, Server, connect, create_heroes, create_runner, create_user, exchange, form_body, get, hero_name,
    mile_form, mile_numbers, post_form, read_response, request_bytes, sign_in,
};

struct Sample {
    at: Instant,
    path: &'static str,
    status: u16,
    took: Duration,
    friendly: bool,
    retry_after: bool,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn while_postgresql_restarts_pages_say_back_in_a_moment_the_roll_answers_and_all_recover_alone() {
    let cluster = Cluster::start();
    let url = cluster.url("honor_mile");
    // The visitors below are one address asking fifty times a second: the
    // per-client rate limit (tested in limits.rs) would answer them instead.
    let mut server = Server::start(
        &url,
        &[("DB_ACQUIRE_TIMEOUT_SECONDS", "1"), ("RATE_LIMIT_PER_MINUTE", "0")],
    );
    let pool = connect(&url).await;
    create_user(&pool, "sam@example.org", "Sam Staff", "staff").await;
    pool.close().await;
    let cookie = sign_in(server.addr, "sam@example.org").await;

    // Visitors and a signed-in member of staff keep asking for pages throughout.
    let samples = Arc::new(Mutex::new(Vec::<Sample>::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let mut load = Vec::new();
    for worker in 0..3 {
        let (samples, stop, cookie, addr) = (samples.clone(), stop.clone(), cookie.clone(), server.addr);
        load.push(tokio::spawn(async move {
            // Each worker keeps to one page, so every page is asked throughout.
            let pages: [(&'static str, Option<&str>); 3] =
                [("/", None), ("/honor-roll", None), ("/staff", Some(cookie.as_str()))];
            let (path, cookie) = pages[worker % pages.len()];
            while !stop.load(Ordering::Relaxed) {
                let started = Instant::now();
                let response = tokio::time::timeout(
                    Duration::from_secs(20),
                    exchange(addr, &request_bytes("GET", path, cookie, None, b"")),
                )
                .await;
                let (status, friendly, retry_after) = match response {
                    Ok(Ok(r)) => (
                        r.status,
                        r.body.contains("Back in a moment") && r.body.contains("cannot reach its records"),
                        r.header("retry-after").is_some(),
                    ),
                    // No answer at all: recorded as status 0, which fails the test below.
                    _ => (0, false, false),
                };
                samples.lock().expect("samples").push(Sample {
                    at: started,
                    path,
                    status,
                    took: started.elapsed(),
                    friendly,
                    retry_after,
                });
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }));
    }

    tokio::time::sleep(Duration::from_millis(800)).await;
    tokio::task::block_in_place(|| cluster.stop());
    let down = Instant::now();
    // A load balancer sees the instance as not ready, but alive.
    assert_eq!(get(server.addr, "/readyz", None).await.status, 503);
    assert_eq!(get(server.addr, "/healthz", None).await.status, 200);
    tokio::time::sleep(Duration::from_secs(4).saturating_sub(down.elapsed())).await;
    let back = Instant::now();
    tokio::task::block_in_place(|| cluster.resume());
    let back_done = Instant::now();

    // Recovery without any help: the visitor's page and the signed-in page answer again.
    let mut recovered = None;
    while back_done.elapsed() < Duration::from_secs(20) {
        let home = get(server.addr, "/", None).await;
        let desk = get(server.addr, "/staff", Some(&cookie)).await;
        if home.status == 200 && desk.status == 200 {
            recovered = Some(back_done.elapsed());
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    stop.store(true, Ordering::Relaxed);
    for task in load {
        task.await.expect("load task");
    }

    let recovered = recovered.expect("pages answer again within 20 seconds of PostgreSQL's return");
    assert!(
        recovered < Duration::from_secs(10),
        "recovered {recovered:?} after PostgreSQL was back"
    );
    assert!(server.is_running(), "the server did not crash:\n{}", server.output());
    assert_eq!(get(server.addr, "/readyz", None).await.status, 200);

    {
        let samples = samples.lock().expect("samples");
        assert!(samples.len() > 30, "the load ran ({} requests)", samples.len());
        for s in samples.iter() {
            assert!(
                s.status == 200 || s.status == 503,
                "{} answered {} after {:?}",
                s.path,
                s.status,
                s.took
            );
            assert!(s.took < Duration::from_secs(5), "{} hung for {:?}", s.path, s.took);
            if s.status == 503 {
                assert!(
                    s.friendly && s.retry_after,
                    "{}: the 503 is the friendly page with Retry-After",
                    s.path
                );
            }
        }
        // Requests begun well inside the outage all got the page, visitors' and staff's alike.
        let during: Vec<&Sample> = samples.iter().filter(|s| s.at > down && s.at + s.took < back).collect();
        let seen: Vec<String> = during
            .iter()
            .map(|s| format!("{} {} in {:?}", s.path, s.status, s.took))
            .collect();
        assert!(
            during
                .iter()
                .filter(|s| s.path != "/honor-roll")
                .all(|s| s.status == 503),
            "every page that reads PostgreSQL during the outage is a 503: {seen:?}"
        );
        assert!(
            during
                .iter()
                .filter(|s| s.path == "/honor-roll")
                .all(|s| s.status == 200),
            "a visitor's honor roll, read from memory, answers throughout: {seen:?}"
        );
        for path in ["/", "/honor-roll", "/staff"] {
            assert!(
                during.iter().any(|s| s.path == path),
                "{path} was asked during the outage: {seen:?}"
            );
        }
    }

    // The roll in memory listens again: a hero confirmed after the restart reaches it.
    let pool = connect(&url).await;
    let hero = create_heroes(&pool, 1).await[0];
    let name = hero_name(&pool, hero).await;
    pool.close().await;
    let started = Instant::now();
    while !get(server.addr, "/honor-roll", None).await.body.contains(&name) {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the roll in memory did not follow changes after the restart:\n{}",
            server.output()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn after_sigkill_during_mile_logging_every_confirmed_mile_is_kept_and_numbers_stay_gapless() {
    let db = Database::create("sigkill").await;
    let mut server = Server::start(&db.url, &[]);
    let pool = db.pool().await;
    create_user(&pool, "sam@example.org", "Sam Staff", "staff").await;
    let runner = create_runner(&pool, "Zechariah").await;
    let heroes = Arc::new(create_heroes(&pool, 400).await);
    let cookie = sign_in(server.addr, "sam@example.org").await;

    // Four phones logging miles as fast as they can.
    let confirmed = Arc::new(Mutex::new(Vec::<Uuid>::new()));
    let next = Arc::new(AtomicUsize::new(0));
    let mut phones = Vec::new();
    for _ in 0..4 {
        let (confirmed, next, heroes, cookie, addr) = (
            confirmed.clone(),
            next.clone(),
            heroes.clone(),
            cookie.clone(),
            server.addr,
        );
        phones.push(tokio::spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(hero) = heroes.get(i) else { break };
                let body = form_body(&mile_form(*hero, runner));
                let bytes = request_bytes(
                    "POST",
                    "/staff/miles",
                    Some(&cookie),
                    Some("application/x-www-form-urlencoded"),
                    &body,
                );
                match tokio::time::timeout(Duration::from_secs(10), exchange(addr, &bytes)).await {
                    Ok(Ok(response)) => match response.saved_mile() {
                        Some(id) => confirmed.lock().expect("confirmed").push(id),
                        None => panic!("a save was refused: {} {}", response.status, response.body),
                    },
                    // The server is gone.
                    _ => break,
                }
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    server.kill();
    for phone in phones {
        phone.await.expect("phone task");
    }

    let confirmed = confirmed.lock().expect("confirmed").clone();
    assert!(
        confirmed.len() >= 5,
        "miles were logged before the kill ({})",
        confirmed.len()
    );
    assert!(
        confirmed.len() < heroes.len(),
        "the kill came in the middle of the stream"
    );
    let kept: i64 = sqlx::query_scalar("select count(*) from miles where id = any($1)")
        .bind(&confirmed)
        .fetch_one(&pool)
        .await
        .expect("count confirmed miles");
    assert_eq!(
        kept,
        confirmed.len() as i64,
        "every mile confirmed to the browser is in the database"
    );
    let numbers = mile_numbers(&pool).await;
    let n = numbers.len() as i32;
    assert_eq!(numbers, (1..=n).collect::<Vec<_>>(), "numbers are gapless");
    let (flags, logged, counter): (i64, i64, i32) = sqlx::query_as(
        "select (select count(*) from flags), (select count(*) from audit_log where action = 'mile.logged'),
                (select last_value from mile_counters where name = 'mile')",
    )
    .fetch_one(&pool)
    .await
    .expect("counts");
    assert_eq!(
        (flags, logged, counter),
        (i64::from(n), i64::from(n), n),
        "each mile has its flag and audit entry"
    );

    // Started again, the same session logs the next mile with the next number.
    let server = Server::start(&db.url, &[]);
    let hero = create_heroes(&pool, 1).await[0];
    let saved = post_form(server.addr, "/staff/miles", Some(&cookie), &mile_form(hero, runner)).await;
    let id = saved.saved_mile().expect("the mile is saved after the restart");
    let number: i32 = sqlx::query_scalar("select number from miles where id = $1")
        .bind(id)
        .fetch_one(&pool)
        .await
        .expect("the new mile");
    assert_eq!(number, n + 1);
    pool.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_finishes_the_request_in_flight_and_then_exits() {
    let db = Database::create("sigterm").await;
    let mut server = Server::start(&db.url, &[("REQUEST_TIMEOUT_SECONDS", "3")]);
    let pool = db.pool().await;
    create_user(&pool, "sam@example.org", "Sam Staff", "staff").await;
    let runner = create_runner(&pool, "Zechariah").await;
    let hero = create_heroes(&pool, 1).await[0];
    let cookie = sign_in(server.addr, "sam@example.org").await;

    // A phone on a poor connection: the mile's form arrives in two parts.
    let request = request_bytes(
        "POST",
        "/staff/miles",
        Some(&cookie),
        Some("application/x-www-form-urlencoded"),
        &form_body(&mile_form(hero, runner)),
    );
    let (first, rest) = request.split_at(request.len() - 40);
    let mut phone = TcpStream::connect(server.addr).await.expect("connect");
    phone.write_all(first).await.expect("first part");
    // And a client that never finishes its request.
    let mut stalled = TcpStream::connect(server.addr).await.expect("connect");
    stalled
        .write_all(b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 500\r\n\r\nemail=")
        .await
        .expect("stalled request");
    tokio::time::sleep(Duration::from_millis(300)).await;

    server.signal(Signal::SIGTERM);
    let signalled = Instant::now();
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(server.is_running(), "still finishing the requests in flight");
    assert!(
        TcpStream::connect(server.addr).await.is_err(),
        "no new connections are accepted once stopping"
    );

    phone.write_all(rest).await.expect("the rest of the form");
    let answer = tokio::time::timeout(Duration::from_secs(5), read_response(&mut phone))
        .await
        .expect("an answer")
        .expect("a response");
    let id = answer.saved_mile().expect("the mile in flight was saved and confirmed");
    let kept: i64 = sqlx::query_scalar("select count(*) from miles where id = $1")
        .bind(id)
        .fetch_one(&pool)
        .await
        .expect("the mile");
    assert_eq!(kept, 1);

    // The stalled request ends at the request timeout, then the process exits cleanly.
    let status = tokio::task::block_in_place(|| server.wait_exit(Duration::from_secs(15)))
        .expect("the server exits within its bound");
    assert!(status.success(), "exit status {status}");
    assert!(
        signalled.elapsed() < Duration::from_secs(3 + 5 + 2),
        "stopped after {:?}",
        signalled.elapsed()
    );
    pool.close().await;
}
