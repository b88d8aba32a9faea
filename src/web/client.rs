//! The client's address, for sign-in throttling, rate limits and the audit trail.
//!
//! Behind `TRUSTED_PROXY_HOPS` proxies, each appending the address it saw to
//! `X-Forwarded-For`, the entry that many places from the right is the one the
//! outermost trusted proxy added: the client's. Entries further left were
//! written by the client and are never believed. Without proxies, or when the
//! header holds fewer entries than there are proxies (a request that did not
//! come through them), the connection's own address is the client's.

use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{Extensions, HeaderMap};

use crate::state::AppState;

#[derive(Clone, Debug)]
pub struct ClientIp(pub String);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let address = client_address(&parts.headers, peer(&parts.extensions), state.config.trusted_proxy_hops);
        Ok(ClientIp(
            address.map_or_else(|| "unknown".to_string(), |ip| ip.to_string()),
        ))
    }
}

/// The connection's address, when the server recorded it (the tests' in-process
/// router has none).
pub fn peer(extensions: &Extensions) -> Option<IpAddr> {
    extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip())
}

/// The client's address behind `hops` trusted proxies (see the module's notes).
pub fn client_address(headers: &HeaderMap, peer: Option<IpAddr>, hops: usize) -> Option<IpAddr> {
    if hops == 0 {
        return peer;
    }
    // Every header line in order: a proxy may add a line instead of appending.
    let entries: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    entries
        .len()
        .checked_sub(hops)
        .and_then(|i| entries.get(i))
        .and_then(|entry| parse_entry(entry))
        .or(peer)
}

/// An address as proxies write it: `192.0.2.7`, `192.0.2.7:4711`, `2001:db8::1`
/// or `[2001:db8::1]:4711`.
fn parse_entry(entry: &str) -> Option<IpAddr> {
    entry
        .parse::<IpAddr>()
        .ok()
        .or_else(|| entry.parse::<SocketAddr>().ok().map(|s| s.ip()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(lines: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for line in lines {
            headers.append("x-forwarded-for", HeaderValue::from_str(line).expect("a header value"));
        }
        headers
    }

    const PEER: Option<IpAddr> = Some(IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, 1)));

    fn ip(text: &str) -> Option<IpAddr> {
        text.parse().ok()
    }

    #[test]
    fn the_entry_the_trusted_proxy_added_is_the_client() {
        let forged = headers(&["6.6.6.6, 203.0.113.9"]);
        assert_eq!(client_address(&forged, PEER, 1), ip("203.0.113.9"));
        let two_lines = headers(&["6.6.6.6", "203.0.113.9"]);
        assert_eq!(client_address(&two_lines, PEER, 1), ip("203.0.113.9"));
        let two_proxies = headers(&["6.6.6.6, 203.0.113.9, 10.0.0.2"]);
        assert_eq!(client_address(&two_proxies, PEER, 2), ip("203.0.113.9"));
        assert_eq!(
            client_address(&headers(&["[2001:db8::7]:4711"]), PEER, 1),
            ip("2001:db8::7")
        );
    }

    #[test]
    fn without_trusted_proxies_or_enough_entries_the_peer_is_the_client() {
        assert_eq!(client_address(&headers(&["6.6.6.6"]), PEER, 0), PEER);
        assert_eq!(client_address(&headers(&["6.6.6.6"]), PEER, 2), PEER);
        assert_eq!(client_address(&headers(&[]), PEER, 1), PEER);
        assert_eq!(client_address(&headers(&["not an address"]), PEER, 1), PEER);
    }
}
