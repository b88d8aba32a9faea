//! What the operational tests share: databases of their own, the real binary as
//! a child process, a raw HTTP client (so a test can send exactly the bytes it
//! means, slowly or malformed), and a private PostgreSQL cluster to stop and start.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, LazyLock, Mutex};
use std::time::{Duration, Instant};

use argon2::Argon2;
use argon2::password_hash::PasswordHasher;
use nix::sys::signal::Signal;
use nix::unistd::Pid;
use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use uuid::Uuid;

pub const BIN: &str = env!("CARGO_BIN_EXE_honor-mile");

/// The password of every account the tests create.
pub const PASSWORD: &str = "granite lantern orchard violet 42";

static PASSWORD_HASH: LazyLock<String> = LazyLock::new(|| {
    Argon2::default()
        .hash_password(PASSWORD.as_bytes())
        .expect("hashing a constant password")
        .to_string()
});

/// The server the tests create their databases in (scripts/test sets DATABASE_URL).
pub fn admin_url() -> String {
    std::env::var("DATABASE_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_string())
}

/// The URL of database `name` on the same server as `base`.
pub fn url_for(base: &str, name: &str) -> String {
    let mut url = url::Url::parse(base).expect("DATABASE_URL is a URL");
    url.set_path(&format!("/{name}"));
    url.to_string()
}

/// A database name of a test's own, on the shared server; dropped when the test ends.
pub struct Database {
    pub name: String,
    pub url: String,
}

impl Database {
    /// A name nobody uses yet; the database itself is not created.
    pub fn fresh(purpose: &str) -> Database {
        let name = format!("honor_mile_ops_{purpose}_{}", Uuid::new_v4().simple());
        let url = url_for(&admin_url(), &name);
        Database { name, url }
    }

    /// A new, empty database.
    pub async fn create(purpose: &str) -> Database {
        let db = Database::fresh(purpose);
        let admin = connect(&admin_url()).await;
        sqlx::query(sqlx::AssertSqlSafe(format!("create database {}", db.name)))
            .execute(&admin)
            .await
            .expect("create a test database");
        admin.close().await;
        db
    }

    pub async fn pool(&self) -> PgPool {
        connect(&self.url).await
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        let name = self.name.clone();
        // Drop cannot await: a thread of its own runs the statement.
        let _ = std::thread::spawn(move || {
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread().enable_all().build() else {
                return;
            };
            runtime.block_on(async {
                if let Ok(admin) = PgPoolOptions::new().max_connections(1).connect(&admin_url()).await {
                    let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                        "drop database if exists {name} with (force)"
                    )))
                    .execute(&admin)
                    .await;
                    admin.close().await;
                }
            });
        })
        .join();
    }
}

pub async fn connect(url: &str) -> PgPool {
    PgPoolOptions::new()
        .max_connections(2)
        .acquire_timeout(Duration::from_secs(10))
        .connect(url)
        .await
        .unwrap_or_else(|e| panic!("cannot connect to {url}: {e}"))
}

pub async fn create_user(pool: &PgPool, email: &str, name: &str, role: &str) -> Uuid {
    sqlx::query_scalar(
        "insert into users (id, email, display_name, role, password_hash, created_at, updated_at)
         values ($1, $2, $3, $4::user_role, $5, now(), now()) returning id",
    )
    .bind(Uuid::now_v7())
    .bind(email)
    .bind(name)
    .bind(role)
    .bind(PASSWORD_HASH.as_str())
    .fetch_one(pool)
    .await
    .expect("insert a user")
}

pub async fn create_runner(pool: &PgPool, name: &str) -> Uuid {
    sqlx::query_scalar(
        "insert into runners (id, name, created_at, updated_at) values ($1, $2, now(), now()) returning id",
    )
    .bind(Uuid::now_v7())
    .bind(name)
    .fetch_one(pool)
    .await
    .expect("insert a runner")
}

/// `count` confirmed heroes, each waiting for a mile.
pub async fn create_heroes(pool: &PgPool, count: i32) -> Vec<Uuid> {
    sqlx::query_scalar(
        "insert into heroes (id, full_name, agency, country, region, service, end_of_watch, cause,
                             confirmed_at, confirmation_source, created_at, updated_at)
         select gen_random_uuid(), 'Hero ' || $2 || ' ' || g, 'Springfield PD', 'US', 'IL', 'police',
                date '2020-01-01' + g, 'gunfire', now(), 'test', now(), now()
         from generate_series(1, $1) g
         returning id",
    )
    .bind(count)
    // A batch name of its own, so later batches are not duplicates of earlier ones.
    .bind(Uuid::new_v4().simple().to_string())
    .fetch_all(pool)
    .await
    .expect("insert heroes")
}

/// A hero's full name, as pages show it.
pub async fn hero_name(pool: &PgPool, id: Uuid) -> String {
    sqlx::query_scalar("select full_name from heroes where id = $1")
        .bind(id)
        .fetch_one(pool)
        .await
        .expect("the hero's name")
}

/// The mile form as a phone at the track posts it.
pub fn mile_form(hero: Uuid, runner: Uuid) -> Vec<(&'static str, String)> {
    vec![
        ("form_key", Uuid::new_v4().to_string()),
        ("hero_id", hero.to_string()),
        ("runner_id", runner.to_string()),
        ("run_date", "2026-01-15".into()),
        ("place", "Layer Elementary School track".into()),
        ("laps", "7".into()),
        ("duration", "8:15".into()),
        ("weather", "Rain".into()),
        ("flag_carried", "on".into()),
    ]
}

pub async fn mile_numbers(pool: &PgPool) -> Vec<i32> {
    sqlx::query_scalar("select number from miles order by number")
        .fetch_all(pool)
        .await
        .expect("mile numbers")
}

// ---------------------------------------------------------------------------
// The binary as a child process.

pub struct Server {
    child: Child,
    pub addr: SocketAddr,
    output: Arc<Mutex<String>>,
    uploads: PathBuf,
}

/// A server that has been started but may not be listening yet.
pub struct Starting {
    child: Child,
    address: mpsc::Receiver<SocketAddr>,
    output: Arc<Mutex<String>>,
    uploads: PathBuf,
}

impl Server {
    /// Starts `honor-mile serve` against `database_url` and waits until it listens.
    pub fn start(database_url: &str, env: &[(&str, &str)]) -> Server {
        Server::spawn(database_url, env).ready()
    }

    /// Starts the process without waiting, so that several can start together.
    pub fn spawn(database_url: &str, env: &[(&str, &str)]) -> Starting {
        Server::spawn_program(Path::new(BIN), database_url, env)
    }

    /// Starts `program` (a copy of the binary) the same way.
    pub fn spawn_program(program: &Path, database_url: &str, env: &[(&str, &str)]) -> Starting {
        let uploads = std::env::temp_dir().join(format!("honor-mile-ops-{}", Uuid::new_v4().simple()));
        let mut command = Command::new(program);
        // A folder of its own, so no `.env` of the checkout reaches the server.
        std::fs::create_dir_all(&uploads).expect("create the server's folder");
        command
            .current_dir(&uploads)
            .arg("serve")
            .env("DATABASE_URL", database_url)
            // Port 0: the system picks a free port, and the server logs which.
            .env("BIND_ADDR", "127.0.0.1:0")
            .env("PUBLIC_URL", "http://127.0.0.1:3000")
            .env("COOKIE_SECURE", "false")
            .env("PUBLIC_CACHE_SECONDS", "0")
            .env("UPLOADS_DIR", &uploads)
            .env("LOG_FORMAT", "json")
            .env("RUST_LOG", "warn,honor_mile=info")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (key, value) in env {
            command.env(key, value);
        }
        let mut child = command.spawn().expect("start the honor-mile binary");
        let output = Arc::new(Mutex::new(String::new()));
        let (found, address) = mpsc::channel();
        let stdout = child.stdout.take().expect("piped stdout");
        let stderr = child.stderr.take().expect("piped stderr");
        for (stream, found) in [
            (Box::new(stdout) as Box<dyn std::io::Read + Send>, Some(found)),
            (Box::new(stderr), None),
        ] {
            let output = output.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    if let (Some(found), Some(addr)) = (&found, serving_address(&line)) {
                        let _ = found.send(addr);
                    }
                    let mut output = output.lock().expect("output lock");
                    output.push_str(&line);
                    output.push('\n');
                }
            });
        }
        Starting {
            child,
            address,
            output,
            uploads,
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sends `signal` (SIGTERM, SIGINT) from this process: no `kill` program is
    /// needed on the machine.
    pub fn signal(&self, signal: Signal) {
        let pid = Pid::from_raw(i32::try_from(self.pid()).expect("a process id fits an i32"));
        nix::sys::signal::kill(pid, signal).unwrap_or_else(|e| panic!("sending {signal} failed: {e}"));
    }

    /// SIGKILL: the process gets no chance to finish anything.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Waits for the process to exit, at most `within`.
    pub fn wait_exit(&mut self, within: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + within;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        None
    }

    pub fn output(&self) -> String {
        self.output.lock().expect("output lock").clone()
    }
}

impl Starting {
    /// What the process has printed so far.
    pub fn output(&self) -> String {
        self.output.lock().expect("output lock").clone()
    }

    /// Waits for the process to exit, at most `within`.
    pub fn wait_exit(&mut self, within: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + within;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        None
    }

    /// Waits until the server logs the address it listens on.
    pub fn ready(mut self) -> Server {
        match self.address.recv_timeout(Duration::from_secs(60)) {
            Ok(addr) => Server {
                child: self.child,
                addr,
                output: self.output,
                uploads: self.uploads,
            },
            Err(_) => {
                let _ = self.child.kill();
                let _ = self.child.wait();
                let _ = std::fs::remove_dir_all(&self.uploads);
                // Let the reader threads collect the last lines.
                std::thread::sleep(Duration::from_millis(100));
                panic!(
                    "the server did not start; its output:\n{}",
                    self.output.lock().expect("output lock")
                );
            }
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if self.is_running() {
            self.kill();
        }
        let _ = std::fs::remove_dir_all(&self.uploads);
    }
}

fn serving_address(line: &str) -> Option<SocketAddr> {
    let value: serde_json::Value = serde_json::from_str(line).ok()?;
    let fields = value.get("fields")?;
    if fields.get("message")?.as_str()? != "Honor Mile is serving" {
        return None;
    }
    fields.get("address")?.as_str()?.parse().ok()
}

// ---------------------------------------------------------------------------
// HTTP, byte for byte.

#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn location(&self) -> &str {
        self.header("location").unwrap_or_default()
    }

    /// `honor_mile_session=...` from Set-Cookie, ready for a Cookie header.
    pub fn session_cookie(&self) -> Option<String> {
        self.headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case("set-cookie"))
            .filter_map(|(_, v)| v.split(';').next())
            .find(|pair| pair.starts_with("honor_mile_session=") && pair.len() > "honor_mile_session=".len())
            .map(str::to_string)
    }

    /// The id of the mile a confirmed save redirected to.
    pub fn saved_mile(&self) -> Option<Uuid> {
        if self.status != 303 {
            return None;
        }
        self.location().strip_prefix("/staff/miles/")?.parse().ok()
    }
}

/// The bytes of a request; `Connection: close` so the answer ends with the connection.
pub fn request_bytes(
    method: &str,
    path: &str,
    cookie: Option<&str>,
    content_type: Option<&str>,
    body: &[u8],
) -> Vec<u8> {
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
    if let Some(cookie) = cookie {
        head.push_str(&format!("Cookie: {cookie}\r\n"));
    }
    if let Some(content_type) = content_type {
        head.push_str(&format!("Content-Type: {content_type}\r\n"));
    }
    if method == "POST" {
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    head.push_str("\r\n");
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

pub fn form_body(fields: &[(&str, String)]) -> Vec<u8> {
    let mut serializer = url::form_urlencoded::Serializer::new(String::new());
    for (key, value) in fields {
        serializer.append_pair(key, value);
    }
    serializer.finish().into_bytes()
}

/// Sends `bytes` and reads the answer to the end of the connection.
pub async fn exchange(addr: SocketAddr, bytes: &[u8]) -> std::io::Result<Response> {
    let mut stream = TcpStream::connect(addr).await?;
    stream.write_all(bytes).await?;
    read_response(&mut stream).await
}

/// Reads one answer from a connection the server closes after it.
pub async fn read_response(stream: &mut TcpStream) -> std::io::Result<Response> {
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await?;
    parse_response(&raw).ok_or_else(|| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("not an HTTP response: {:?}", String::from_utf8_lossy(&raw)),
        )
    })
}

fn parse_response(raw: &[u8]) -> Option<Response> {
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&raw[..end]).ok()?;
    let mut lines = head.split("\r\n");
    let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let mut body = raw[end + 4..].to_vec();
    let chunked = headers
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    if chunked {
        body = dechunk(&body)?;
    }
    Some(Response {
        status,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}

fn dechunk(mut raw: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line_end = raw.windows(2).position(|w| w == b"\r\n")?;
        let size_text = std::str::from_utf8(&raw[..line_end]).ok()?;
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        raw = &raw[line_end + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(raw.get(..size)?);
        raw = raw.get(size + 2..)?;
    }
}

/// A request that must be answered within ten seconds.
pub async fn send(addr: SocketAddr, bytes: &[u8]) -> Response {
    match tokio::time::timeout(Duration::from_secs(10), exchange(addr, bytes)).await {
        Ok(Ok(response)) => response,
        Ok(Err(e)) => panic!("request to {addr} failed: {e}"),
        Err(_) => panic!("request to {addr} got no answer within 10 seconds"),
    }
}

pub async fn get(addr: SocketAddr, path: &str, cookie: Option<&str>) -> Response {
    send(addr, &request_bytes("GET", path, cookie, None, b"")).await
}

pub async fn post_form(addr: SocketAddr, path: &str, cookie: Option<&str>, fields: &[(&str, String)]) -> Response {
    let body = form_body(fields);
    send(
        addr,
        &request_bytes("POST", path, cookie, Some("application/x-www-form-urlencoded"), &body),
    )
    .await
}

pub async fn sign_in_attempt(addr: SocketAddr, email: &str, password: &str) -> Response {
    post_form(
        addr,
        "/login",
        None,
        &[
            ("email", email.to_string()),
            ("password", password.to_string()),
            ("next", "/staff".to_string()),
        ],
    )
    .await
}

/// Signs in and returns the session cookie.
pub async fn sign_in(addr: SocketAddr, email: &str) -> String {
    let response = sign_in_attempt(addr, email, PASSWORD).await;
    assert_eq!(response.status, 303, "sign-in as {email}: {}", response.body);
    response.session_cookie().expect("a session cookie")
}

// ---------------------------------------------------------------------------
// A private PostgreSQL cluster, for the tests that stop and start PostgreSQL.

pub struct Cluster {
    dir: PathBuf,
    data: PathBuf,
    bin: PathBuf,
    pub port: u16,
    as_postgres: bool,
}

impl Cluster {
    /// initdb and pg_ctl start in a temporary folder, on a free port.
    pub fn start() -> Cluster {
        let cluster = Cluster::empty();
        cluster.run(
            "initdb",
            &[
                "-D",
                &cluster.data.to_string_lossy(),
                "-U",
                "postgres",
                "--auth=trust",
                "--no-sync",
                "-E",
                "UTF8",
            ],
        );
        cluster.resume();
        cluster
    }

    /// A streaming replica of `primary` (a hot standby), copied with
    /// `pg_basebackup` into a folder of its own and started on its own port.
    pub fn replica_of(primary: &Cluster) -> Cluster {
        let replica = Cluster::empty();
        replica.run(
            "pg_basebackup",
            &[
                "-h",
                "127.0.0.1",
                "-p",
                &primary.port.to_string(),
                "-U",
                "postgres",
                "-D",
                &replica.data.to_string_lossy(),
                // Writes standby.signal and the connection to the primary.
                "--write-recovery-conf",
                "--wal-method=stream",
                "--checkpoint=fast",
                "--no-sync",
            ],
        );
        replica.resume();
        replica
    }

    /// A folder and a port for a cluster, nothing in them yet.
    fn empty() -> Cluster {
        let bin = postgres_bin_dir().unwrap_or_else(|| {
            panic!(
                "the fault tests need PostgreSQL's server programs (initdb, pg_ctl) on PATH or in /usr/lib/postgresql/*/bin: install Debian's postgresql package (scripts/ensure-postgres does)"
            )
        });
        let as_postgres = is_root();
        let dir = std::env::temp_dir().join(format!("honor-mile-pg-{}", Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).expect("create the cluster's folder");
        if as_postgres {
            // PostgreSQL refuses to run as root: the cluster belongs to `postgres`.
            let status = Command::new("chown")
                .args(["postgres:postgres", &dir.to_string_lossy()])
                .status()
                .expect("run chown");
            assert!(status.success(), "chown of the cluster's folder failed");
        }
        Cluster {
            data: dir.join("data"),
            dir,
            bin,
            port: free_port(),
            as_postgres,
        }
    }

    pub fn url(&self, database: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{database}", self.port)
    }

    /// Stops PostgreSQL as an administrator would for a restart (fast: sessions cut).
    pub fn stop(&self) {
        self.run(
            "pg_ctl",
            &["-D", &self.data.to_string_lossy(), "-m", "fast", "-w", "stop"],
        );
    }

    /// Starts PostgreSQL (again), waiting until it accepts connections.
    pub fn resume(&self) {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off",
            self.port,
            self.dir.display()
        );
        self.run(
            "pg_ctl",
            &[
                "-D",
                &self.data.to_string_lossy(),
                "-l",
                &self.dir.join("log").to_string_lossy(),
                "-o",
                &options,
                "-w",
                "-t",
                "60",
                "start",
            ],
        );
    }

    fn run(&self, program: &str, args: &[&str]) {
        let program = self.bin.join(program);
        let output = if self.as_postgres {
            Command::new("runuser")
                .args(["-u", "postgres", "--"])
                .arg(&program)
                .args(args)
                .current_dir(&self.dir)
                .output()
        } else {
            Command::new(&program).args(args).current_dir(&self.dir).output()
        }
        .unwrap_or_else(|e| {
            let runner = if self.as_postgres { "runuser" } else { "" };
            panic!("cannot run {runner} {}: {e}", program.display())
        });
        assert!(
            output.status.success(),
            "{} {args:?} failed: {}{}",
            program.display(),
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let program = self.bin.join("pg_ctl");
        let data = self.data.to_string_lossy().into_owned();
        let args = ["-D", data.as_str(), "-m", "immediate", "-w", "stop"];
        let _ = if self.as_postgres {
            Command::new("runuser")
                .args(["-u", "postgres", "--"])
                .arg(&program)
                .args(args)
                .output()
        } else {
            Command::new(&program).args(args).output()
        };
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The folder of initdb and pg_ctl: from PATH, else Debian's newest version.
fn postgres_bin_dir() -> Option<PathBuf> {
    let on_path = std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .map(|dir| dir.join("initdb"))
            .find(|candidate| candidate.is_file())
            .and_then(|initdb| std::fs::canonicalize(initdb).ok())
            .and_then(|initdb| initdb.parent().map(Path::to_path_buf))
    });
    let debian = || {
        let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
            .ok()?
            .filter_map(Result::ok)
            .filter_map(|entry| {
                let version = entry.file_name().to_string_lossy().parse::<u32>().ok()?;
                Some((version, entry.path().join("bin")))
            })
            .filter(|(_, bin)| bin.join("initdb").is_file())
            .collect();
        versions.sort();
        versions.pop().map(|(_, bin)| bin)
    };
    on_path.filter(|dir| dir.join("pg_ctl").is_file()).or_else(debian)
}

fn is_root() -> bool {
    nix::unistd::Uid::effective().is_root()
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}
