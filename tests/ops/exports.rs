//! CSV downloads on the real binary: a bounded number at once, a polite 503
//! for the rest, and a reader that stops reading is cut off, which gives its
//! slot (and its database connection) back.

use std::time::Duration;

use tokio::io::AsyncWriteExt;
use tokio::net::TcpSocket;

use crate::support::{Database, Server, create_heroes, get, read_response, request_bytes};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stalled_downloads_are_cut_off_and_extra_ones_are_asked_to_wait() {
    let db = Database::create("exports").await;
    let server = Server::start(
        &db.url,
        &[("MAX_CONCURRENT_EXPORTS", "2"), ("EXPORT_STALL_SECONDS", "2")],
    );
    let pool = db.pool().await;
    // About 9 MB of CSV: more than the server's socket buffer (4 MB at most
    // here) and the small one of a reader that stops.
    create_heroes(&pool, 60_000).await;

    let mut stalled = Vec::new();
    for _ in 0..2 {
        let socket = TcpSocket::new_v4().expect("a socket");
        socket.set_recv_buffer_size(8 * 1024).expect("a small receive buffer");
        let mut reader = socket.connect(server.addr).await.expect("connect");
        reader
            .write_all(&request_bytes("GET", "/honor-roll.csv", None, None, b""))
            .await
            .expect("send the request");
        stalled.push(reader);
    }
    tokio::time::sleep(Duration::from_millis(800)).await;

    let busy = get(server.addr, "/honor-roll.csv", None).await;
    assert_eq!(busy.status, 503, "{}", busy.body);
    assert!(busy.header("retry-after").is_some(), "says when to come back");
    assert!(busy.body.contains("Too many downloads"), "{}", busy.body);
    let page = get(server.addr, "/honor-roll", None).await;
    assert_eq!(page.status, 200, "pages are served meanwhile");

    // Past the stall, the two downloads are cut: read late, neither is complete.
    tokio::time::sleep(Duration::from_secs(4)).await;
    for mut reader in stalled {
        let answer = tokio::time::timeout(Duration::from_secs(10), read_response(&mut reader))
            .await
            .expect("the connection ends");
        assert!(answer.is_err(), "a cut-off download never looks complete");
    }

    let full = get(server.addr, "/honor-roll.csv", None).await;
    assert_eq!(full.status, 200, "the slots came back");
    assert_eq!(full.body.lines().count(), 60_001, "a header and every hero");
}
