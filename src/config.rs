//! Every setting, read once from the environment at start-up, with defaults that
//! work on a developer's machine. A setting that makes no sense stops the start
//! with one clear line instead of running half-configured.

use std::net::SocketAddr;
use std::time::Duration;

use chrono_tz::Tz;
use url::Url;

#[derive(Clone, Debug)]
pub struct Config {
    pub database_url: String,
    pub bind_addr: SocketAddr,
    /// The address people type; used in printed links and as the trusted origin.
    pub public_url: Url,
    pub cookie_secure: bool,
    pub session_idle: Duration,
    pub session_absolute: Duration,
    /// Calendar dates (end of watch, run dates, grant months) are in this zone.
    pub time_zone: Tz,
    /// How many proxies in front append to `X-Forwarded-For` and are trusted;
    /// 0 takes the connection's address (see `web::client`).
    pub trusted_proxy_hops: usize,
    /// Requests a minute one client may make to the API, the searches and the
    /// exports (0 turns the limit off).
    pub rate_limit_per_minute: u32,
    pub max_concurrent_hashes: usize,
    pub db_max_connections: u32,
    /// How long a request waits for a database connection before the visitor gets
    /// the "back in a moment" page; short, so an outage answers fast instead of hanging.
    pub db_acquire_timeout: Duration,
    /// Handling a request, and receiving a request's headers, may take this long.
    pub request_timeout: Duration,
    pub log_json: bool,
    /// The folder served at `/static`.
    pub static_dir: std::path::PathBuf,
    /// Uploaded photos and scans, when no S3 bucket is configured.
    pub uploads_dir: std::path::PathBuf,
    pub uploads_s3_bucket: Option<String>,
    /// How long visitors' public pages are served from memory (0 turns it off).
    pub public_cache: Duration,
    /// CSV downloads running at once on this instance; each holds a database connection.
    pub max_concurrent_exports: usize,
    /// A download whose reader takes nothing for this long is cut off.
    pub export_stall: Duration,
}

pub const DEFAULT_DATABASE_URL: &str = "postgres://postgres@127.0.0.1:5432/honor_mile";

#[derive(Debug, thiserror::Error)]
#[error("configuration: {0}")]
pub struct ConfigError(String);

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|key| std::env::var(key).ok())
    }

    /// Reads settings through `lookup`, so tests can build a configuration without
    /// touching the process environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |key: &str, default: &str| {
            lookup(key)
                .filter(|v| !v.trim().is_empty())
                .unwrap_or_else(|| default.to_string())
        };
        let number = |key: &str, default: u64| -> Result<u64, ConfigError> {
            let raw = get(key, &default.to_string());
            raw.trim()
                .parse::<u64>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| ConfigError(format!("{key} must be a positive whole number, got {raw:?}")))
        };
        let flag = |key: &str, default: bool| -> Result<bool, ConfigError> {
            match get(key, if default { "true" } else { "false" }).trim() {
                "1" | "true" | "yes" | "on" => Ok(true),
                "0" | "false" | "no" | "off" => Ok(false),
                other => Err(ConfigError(format!("{key} must be true or false, got {other:?}"))),
            }
        };

        let bind_raw = get("BIND_ADDR", "127.0.0.1:3000");
        let bind_addr = bind_raw
            .parse()
            .map_err(|_| ConfigError(format!("BIND_ADDR must look like 127.0.0.1:3000, got {bind_raw:?}")))?;
        let public_raw = get("PUBLIC_URL", &format!("http://{bind_raw}"));
        let public_url = Url::parse(&public_raw)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
            .ok_or_else(|| ConfigError(format!("PUBLIC_URL must be an http(s) address, got {public_raw:?}")))?;
        let https = public_url.scheme() == "https";
        let cookie_secure = flag("COOKIE_SECURE", https)?;
        if https && !cookie_secure {
            return Err(ConfigError(
                "COOKIE_SECURE=false is refused when PUBLIC_URL is https: session cookies would travel unprotected"
                    .into(),
            ));
        }
        let tz_raw = get("PROGRAM_TIME_ZONE", "America/New_York");
        let time_zone = tz_raw.parse::<Tz>().map_err(|_| {
            ConfigError(format!(
                "PROGRAM_TIME_ZONE must be a zone like America/New_York, got {tz_raw:?}"
            ))
        })?;
        let cpus = std::thread::available_parallelism().map_or(2, usize::from);
        let log_format = get("LOG_FORMAT", "text");
        if !matches!(log_format.as_str(), "text" | "json") {
            return Err(ConfigError(format!(
                "LOG_FORMAT must be text or json, got {log_format:?}"
            )));
        }

        Ok(Config {
            database_url: get("DATABASE_URL", DEFAULT_DATABASE_URL),
            bind_addr,
            public_url,
            cookie_secure,
            session_idle: Duration::from_secs(60 * number("SESSION_IDLE_MINUTES", 30)?),
            session_absolute: Duration::from_secs(3600 * number("SESSION_ABSOLUTE_HOURS", 12)?),
            time_zone,
            trusted_proxy_hops: match lookup("TRUSTED_PROXY_HOPS").filter(|v| !v.trim().is_empty()) {
                Some(raw) => raw.trim().parse::<usize>().ok().filter(|n| *n <= 10).ok_or_else(|| {
                    ConfigError(format!(
                        "TRUSTED_PROXY_HOPS must be a whole number from 0 to 10, got {raw:?}"
                    ))
                })?,
                // The older switch: one proxy.
                None => usize::from(flag("TRUST_PROXY_HEADERS", false)?),
            },
            rate_limit_per_minute: match get("RATE_LIMIT_PER_MINUTE", "120").trim() {
                "0" => 0,
                _ => u32::try_from(number("RATE_LIMIT_PER_MINUTE", 120)?)
                    .map_err(|_| ConfigError("RATE_LIMIT_PER_MINUTE is too large".into()))?,
            },
            // Half the cores at most, so a burst of sign-ins leaves the rest to pages.
            max_concurrent_hashes: usize::try_from(number("MAX_CONCURRENT_HASHES", (cpus / 2).max(1) as u64)?)
                .unwrap_or(1),
            db_max_connections: u32::try_from(number("DB_MAX_CONNECTIONS", 10)?)
                .map_err(|_| ConfigError("DB_MAX_CONNECTIONS is too large".into()))?,
            db_acquire_timeout: Duration::from_secs(number("DB_ACQUIRE_TIMEOUT_SECONDS", 3)?),
            request_timeout: Duration::from_secs(number("REQUEST_TIMEOUT_SECONDS", 30)?),
            log_json: log_format == "json",
            static_dir: get("STATIC_DIR", concat!(env!("CARGO_MANIFEST_DIR"), "/static")).into(),
            uploads_dir: get("UPLOADS_DIR", "data/uploads").into(),
            uploads_s3_bucket: lookup("UPLOADS_S3_BUCKET").filter(|b| !b.trim().is_empty()),
            public_cache: Duration::from_secs(match get("PUBLIC_CACHE_SECONDS", "2").trim() {
                "0" => 0,
                _ => number("PUBLIC_CACHE_SECONDS", 2)?,
            }),
            max_concurrent_exports: usize::try_from(number("MAX_CONCURRENT_EXPORTS", 4)?).unwrap_or(4),
            export_stall: Duration::from_secs(number("EXPORT_STALL_SECONDS", 20)?),
        })
    }

    /// The public URL without its trailing slash, for building links.
    pub fn base_url(&self) -> String {
        self.public_url.as_str().trim_end_matches('/').to_string()
    }

    /// The database URL with any password hidden, for messages.
    pub fn database_url_for_display(&self) -> String {
        match Url::parse(&self.database_url) {
            Ok(mut url) if url.password().is_some() => {
                let _ = url.set_password(Some("***"));
                url.to_string()
            }
            _ => self.database_url.clone(),
        }
    }
}
