//! The HTTP server. A client must send its request headers within the request
//! timeout or its connection is closed, so slow or silent clients cannot hold
//! connections open (axum's own `serve` sets no such limit). It speaks HTTP/1.1
//! only: TLS and HTTP/2 end at the proxy in front, and an unencrypted HTTP/2
//! connection would escape the header timeout. On SIGTERM or Ctrl-C it stops
//! accepting connections, lets the requests in flight finish, and stops waiting
//! for them after a bound.

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::Request;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;
use tower::ServiceExt;

/// Serves `app` on `listener` until `shutdown` completes, then drains.
/// `header_timeout` bounds how long a client may take to send its headers;
/// `grace` how long requests in flight get to finish after the shutdown signal.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    header_timeout: Duration,
    grace: Duration,
    shutdown: impl Future<Output = ()>,
) {
    let (stop, stopping) = watch::channel(false);
    let mut connections = JoinSet::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    connections.spawn(connection(stream, peer, app.clone(), header_timeout, stopping.clone()));
                }
                Err(e) => {
                    // Out of file descriptors, usually: wait a little rather than spin.
                    tracing::warn!(error = %e, "could not accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
            // Finished connections are collected as they end, so the set stays small.
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    // No new connections from here on; the load balancer sends them elsewhere.
    drop(listener);
    let _ = stop.send(true);
    let drained = tokio::time::timeout(grace, async { while connections.join_next().await.is_some() {} }).await;
    if drained.is_err() {
        tracing::warn!(
            connections = connections.len(),
            "stopped waiting for requests still in flight"
        );
        connections.abort_all();
    }
}

async fn connection(
    stream: TcpStream,
    peer: SocketAddr,
    app: Router,
    header_timeout: Duration,
    mut stopping: watch::Receiver<bool>,
) {
    let _ = stream.set_nodelay(true);
    let service = app.map_request(move |mut request: Request<Incoming>| {
        request.extensions_mut().insert(ConnectInfo(peer));
        request.map(Body::new)
    });
    // A connection that sends nothing at all is closed after the same bound as
    // one that sends its headers too slowly.
    if !matches!(
        tokio::time::timeout(header_timeout, stream.readable()).await,
        Ok(Ok(()))
    ) {
        return;
    }
    let mut builder = http1::Builder::new();
    builder.timer(TokioTimer::new()).header_read_timeout(header_timeout);
    let conn = builder.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
    let mut conn = std::pin::pin!(conn);
    let stop = async move {
        let _ = stopping.wait_for(|stop| *stop).await;
    };
    let result = tokio::select! {
        result = conn.as_mut() => result,
        () = stop => {
            // Finishes the request in progress, then closes; idle connections close now.
            conn.as_mut().graceful_shutdown();
            conn.await
        }
    };
    if let Err(e) = result {
        tracing::debug!(error = %e, "connection ended with an error");
    }
}
