//! Every setting, read once from the environment at start-up, with defaults that
//! work on a developer's machine. Any setting may instead come from a file named
//! by `<NAME>_FILE` (`DATABASE_URL_FILE`), as systemd and container credentials
//! provide secrets. A setting that makes no sense stops the start with one clear
//! line per problem instead of running half-configured.

use std::cell::RefCell;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use chrono_tz::Tz;
use url::Url;

#[derive(Clone, Debug)]
pub struct Config {
    pub database_url: String,
    /// A streaming replica of the database that public pages read from when it
    /// answers (the primary otherwise); writes and signed-in pages never use it.
    pub database_read_url: Option<String>,
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
    /// How long `serve` keeps trying while PostgreSQL does not answer yet (at boot).
    pub db_startup_wait: Duration,
    /// Handling a request, and receiving a request's headers, may take this long.
    pub request_timeout: Duration,
    pub log_json: bool,
    /// A folder served at `/static` in place of the files built into the
    /// binary, for editing them without rebuilding.
    pub static_dir: Option<PathBuf>,
    /// Uploaded photos and scans, when no S3 bucket is configured.
    pub uploads_dir: PathBuf,
    pub uploads_s3_bucket: Option<String>,
    /// How long visitors' public pages are served from memory (0 turns it off).
    pub public_cache: Duration,
    /// Each instance keeps the public honor roll in memory for visitors
    /// (`public::live_roll`); off, every roll page reads PostgreSQL.
    pub roll_in_memory: bool,
    /// Where Prometheus reads `/metrics`; none by default, and never the public listener.
    pub metrics_addr: Option<SocketAddr>,
    /// S3 credentials given as files (`AWS_SECRET_ACCESS_KEY_FILE`); the rest of
    /// the `AWS_*` variables are read by the storage client itself.
    pub s3_secrets_from_files: Vec<(&'static str, String)>,
    /// CSV downloads running at once on this instance; each holds a database connection.
    pub max_concurrent_exports: usize,
    /// A download whose reader takes nothing for this long is cut off.
    pub export_stall: Duration,
    /// Searches of the honor roll run at once at most; more wait their turn, so
    /// searches never hold the connections the other pages need.
    pub max_concurrent_searches: usize,
    /// A public page's database statement is cancelled after this long.
    pub public_statement_timeout: Duration,
    /// The mail server (`smtp://`, `smtp://…?tls=required` for STARTTLS,
    /// `smtps://` for TLS, with `user:password@` when it asks for a login).
    /// None: messages wait in the outbox, where admins read them.
    pub smtp_url: Option<String>,
    /// The sender of every message, e.g. `Honor Mile <office@example.org>`.
    pub mail_from: String,
    /// The first retry of a message the mail server did not take waits this
    /// long; each later one twice as long as the one before.
    pub mail_retry_base: Duration,
    /// How long a sender holds the messages it claimed before another may take them.
    pub mail_lease: Duration,
    /// The hour (0 to 23, in `time_zone`) from which the day's staff digest is sent.
    pub digest_hour: u32,
    /// How long an import worker holds the import it runs without renewing
    /// (it renews every third of it); an import whose server stopped is taken
    /// up again by another instance after this long.
    pub import_lease: Duration,
}

/// The S3 credentials that may come from files.
const S3_SECRETS: [&str; 3] = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"];

pub const DEFAULT_DATABASE_URL: &str = "postgres://postgres@127.0.0.1:5432/honor_mile";

/// Every problem found in the settings, one line each.
#[derive(Debug, thiserror::Error)]
#[error("{}", .0.iter().map(|p| format!("configuration: {p}")).collect::<Vec<_>>().join("\n"))]
pub struct ConfigError(Vec<String>);

impl ConfigError {
    pub fn problems(&self) -> &[String] {
        &self.0
    }
}

/// Reads settings, noting each problem and going on with the default, so that
/// every problem is reported at once.
struct Reader<'a> {
    lookup: &'a dyn Fn(&str) -> Option<String>,
    problems: RefCell<Vec<String>>,
}

impl Reader<'_> {
    fn problem(&self, text: String) {
        self.problems.borrow_mut().push(text);
    }

    /// The value of `key`, from `<key>_FILE` when that is set (its last line
    /// break dropped, as editors add one).
    fn raw(&self, key: &str) -> Option<String> {
        let file_key = format!("{key}_FILE");
        let Some(path) = (self.lookup)(&file_key).filter(|p| !p.trim().is_empty()) else {
            return (self.lookup)(key).filter(|v| !v.trim().is_empty());
        };
        if (self.lookup)(key).is_some_and(|v| !v.trim().is_empty()) {
            self.problem(format!("set {key} or {file_key}, not both"));
        }
        match std::fs::read_to_string(&path) {
            Ok(text) => Some(text.trim_end_matches(['\n', '\r']).to_string()),
            Err(e) => {
                self.problem(format!("{file_key}: cannot read {path} ({e})"));
                None
            }
        }
    }

    fn text(&self, key: &str, default: &str) -> String {
        self.raw(key).unwrap_or_else(|| default.to_string())
    }

    /// A whole number of at least `min` (0 or 1).
    fn number(&self, key: &str, default: u64, min: u64) -> u64 {
        let Some(raw) = self.raw(key) else {
            return default;
        };
        match raw.trim().parse::<u64>() {
            Ok(n) if n >= min => n,
            _ => {
                let kind = if min == 0 {
                    "a whole number"
                } else {
                    "a positive whole number"
                };
                self.problem(format!("{key} must be {kind}, got {raw:?}"));
                default
            }
        }
    }

    fn flag(&self, key: &str, default: bool) -> bool {
        let Some(raw) = self.raw(key) else {
            return default;
        };
        match raw.trim() {
            "1" | "true" | "yes" | "on" => true,
            "0" | "false" | "no" | "off" => false,
            other => {
                self.problem(format!("{key} must be true or false, got {other:?}"));
                default
            }
        }
    }

    fn address(&self, key: &str) -> Option<SocketAddr> {
        let raw = self.raw(key)?;
        let parsed = raw.trim().parse().ok();
        if parsed.is_none() {
            self.problem(format!("{key} must look like 127.0.0.1:3000, got {raw:?}"));
        }
        parsed
    }

    /// An optional `postgres://` URL (its password never repeated in a message).
    fn postgres_url(&self, key: &str) -> Option<String> {
        let raw = self.raw(key)?;
        match Url::parse(raw.trim()) {
            Ok(url) if matches!(url.scheme(), "postgres" | "postgresql") => Some(raw.trim().to_string()),
            _ => {
                self.problem(format!(
                    "{key} must be a PostgreSQL URL like postgres://user:password@replica-host:5432/honor_mile"
                ));
                None
            }
        }
    }
}

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|key| std::env::var(key).ok())
    }

    /// Reads settings through `lookup`, so tests can build a configuration without
    /// touching the process environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let (config, problems) = Self::read(lookup);
        if problems.is_empty() {
            Ok(config)
        } else {
            Err(ConfigError(problems))
        }
    }

    /// Every setting, with the default in place of each one that makes no sense,
    /// and the problems found (`honor-mile check` reports them all).
    pub fn read(lookup: impl Fn(&str) -> Option<String>) -> (Self, Vec<String>) {
        let reader = Reader {
            lookup: &lookup,
            problems: RefCell::new(Vec::new()),
        };
        let config = Self::read_with(&reader);
        (config, reader.problems.into_inner())
    }

    fn read_with(r: &Reader<'_>) -> Self {
        let default_bind: SocketAddr = ([127, 0, 0, 1], 3000).into();
        let bind_addr = r.address("BIND_ADDR").unwrap_or(default_bind);
        let public_url = r
            .raw("PUBLIC_URL")
            .and_then(|raw| {
                let parsed = Url::parse(&raw)
                    .ok()
                    .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some());
                if parsed.is_none() {
                    r.problem(format!("PUBLIC_URL must be an http(s) address, got {raw:?}"));
                }
                parsed
            })
            .or_else(|| Url::parse(&format!("http://{bind_addr}")).ok())
            .unwrap_or_else(|| Url::parse("http://127.0.0.1:3000").expect("a constant URL"));
        let https = public_url.scheme() == "https";
        let cookie_secure = r.flag("COOKIE_SECURE", https);
        if https && !cookie_secure {
            r.problem(
                "COOKIE_SECURE=false is refused when PUBLIC_URL is https: session cookies would travel unprotected"
                    .into(),
            );
        }
        let tz_raw = r.text("PROGRAM_TIME_ZONE", "America/New_York");
        let time_zone = tz_raw.parse::<Tz>().unwrap_or_else(|_| {
            r.problem(format!(
                "PROGRAM_TIME_ZONE must be a zone like America/New_York, got {tz_raw:?}"
            ));
            chrono_tz::America::New_York
        });
        let cpus = std::thread::available_parallelism().map_or(2, usize::from);
        let log_format = r.text("LOG_FORMAT", "text");
        if !matches!(log_format.as_str(), "text" | "json") {
            r.problem(format!("LOG_FORMAT must be text or json, got {log_format:?}"));
        }
        let db_max_connections = u32::try_from(r.number("DB_MAX_CONNECTIONS", 10, 1)).unwrap_or_else(|_| {
            r.problem("DB_MAX_CONNECTIONS is too large".into());
            10
        });
        let metrics_addr = r.address("METRICS_ADDR");
        if metrics_addr.is_some_and(|m| m.port() != 0 && m == bind_addr) {
            r.problem("METRICS_ADDR must differ from BIND_ADDR: the metrics are not for the public".into());
        }
        let smtp_url = r.raw("SMTP_URL").filter(|raw| {
            let valid = lettre::AsyncSmtpTransport::<lettre::Tokio1Executor>::from_url(raw).is_ok();
            if !valid {
                r.problem("SMTP_URL must be smtp://host:port or smtps://user:password@host:port".into());
            }
            valid
        });
        let mail_from = r.text("MAIL_FROM", "Honor Mile <honor-mile@localhost>");
        if mail_from.parse::<lettre::message::Mailbox>().is_err() {
            r.problem(format!(
                "MAIL_FROM must be an address like Honor Mile <office@example.org>, got {mail_from:?}"
            ));
        }
        let digest_hour = match r.number("DIGEST_HOUR", 7, 0) {
            hour @ 0..=23 => hour as u32,
            other => {
                r.problem(format!("DIGEST_HOUR must be an hour from 0 to 23, got {other}"));
                7
            }
        };
        Config {
            database_url: r.text("DATABASE_URL", DEFAULT_DATABASE_URL),
            database_read_url: r.postgres_url("DATABASE_READ_URL"),
            bind_addr,
            public_url,
            cookie_secure,
            session_idle: Duration::from_secs(60 * r.number("SESSION_IDLE_MINUTES", 30, 1)),
            session_absolute: Duration::from_secs(3600 * r.number("SESSION_ABSOLUTE_HOURS", 12, 1)),
            time_zone,
            trusted_proxy_hops: match r.raw("TRUSTED_PROXY_HOPS") {
                Some(raw) => raw
                    .trim()
                    .parse::<usize>()
                    .ok()
                    .filter(|n| *n <= 10)
                    .unwrap_or_else(|| {
                        r.problem(format!(
                            "TRUSTED_PROXY_HOPS must be a whole number from 0 to 10, got {raw:?}"
                        ));
                        0
                    }),
                // The older switch: one proxy.
                None => usize::from(r.flag("TRUST_PROXY_HEADERS", false)),
            },
            rate_limit_per_minute: u32::try_from(r.number("RATE_LIMIT_PER_MINUTE", 120, 0)).unwrap_or_else(|_| {
                r.problem("RATE_LIMIT_PER_MINUTE is too large".into());
                120
            }),
            // Half the cores at most, so a burst of sign-ins leaves the rest to pages.
            max_concurrent_hashes: usize::try_from(r.number("MAX_CONCURRENT_HASHES", (cpus / 2).max(1) as u64, 1))
                .unwrap_or(1),
            db_max_connections,
            db_acquire_timeout: Duration::from_secs(r.number("DB_ACQUIRE_TIMEOUT_SECONDS", 3, 1)),
            db_startup_wait: Duration::from_secs(r.number("DB_STARTUP_WAIT_SECONDS", 60, 0)),
            request_timeout: Duration::from_secs(r.number("REQUEST_TIMEOUT_SECONDS", 30, 1)),
            log_json: log_format == "json",
            static_dir: r.raw("STATIC_DIR").map(Into::into),
            uploads_dir: r.text("UPLOADS_DIR", "data/uploads").into(),
            uploads_s3_bucket: r.raw("UPLOADS_S3_BUCKET"),
            public_cache: Duration::from_secs(r.number("PUBLIC_CACHE_SECONDS", 2, 0)),
            roll_in_memory: r.flag("ROLL_IN_MEMORY", true),
            // Half the pool at most, so hero pages always find a connection.
            max_concurrent_searches: usize::try_from(r.number(
                "MAX_CONCURRENT_SEARCHES",
                (u64::from(db_max_connections) / 2).max(1),
                1,
            ))
            .unwrap_or(1),
            public_statement_timeout: Duration::from_millis(r.number("PUBLIC_STATEMENT_TIMEOUT_MS", 2000, 1)),
            metrics_addr,
            s3_secrets_from_files: S3_SECRETS
                .into_iter()
                .filter(|key| (r.lookup)(&format!("{key}_FILE")).is_some())
                .filter_map(|key| Some((key, r.raw(key)?)))
                .collect(),
            max_concurrent_exports: usize::try_from(r.number("MAX_CONCURRENT_EXPORTS", 4, 1)).unwrap_or(4),
            export_stall: Duration::from_secs(r.number("EXPORT_STALL_SECONDS", 20, 1)),
            smtp_url,
            mail_from,
            mail_retry_base: Duration::from_secs(r.number("MAIL_RETRY_SECONDS", 30, 1)),
            // Longer than a round of sending takes (4 messages, 15 s each at worst).
            mail_lease: Duration::from_secs(r.number("MAIL_LEASE_SECONDS", 120, 1)),
            digest_hour,
            import_lease: Duration::from_secs(r.number("IMPORT_LEASE_SECONDS", 30, 1)),
        }
    }

    /// The public URL without its trailing slash, for building links.
    pub fn base_url(&self) -> String {
        self.public_url.as_str().trim_end_matches('/').to_string()
    }

    /// The database URL with any password hidden, for messages.
    pub fn database_url_for_display(&self) -> String {
        url_for_display(&self.database_url)
    }
}

/// A database URL with any password hidden, for messages.
pub fn url_for_display(database_url: &str) -> String {
    match Url::parse(database_url) {
        Ok(mut url) if url.password().is_some() => {
            let _ = url.set_password(Some("***"));
            url.to_string()
        }
        _ => database_url.to_string(),
    }
}
