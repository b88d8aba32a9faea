//! A real SMTP server on loopback for the tests: it speaks SMTP over TCP
//! (EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT), keeps every message it accepts,
//! and can be told to refuse mail for a while, as a mail server having trouble does.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// One message as the server received it.
#[derive(Clone, Debug)]
pub struct Received {
    pub to: Vec<String>,
    /// The message as sent (headers and body), dot-stuffing undone.
    pub data: String,
}

impl Received {
    /// The first header called `name`, unfolded.
    pub fn header(&self, name: &str) -> Option<String> {
        let head = self.data.split("\r\n\r\n").next()?;
        let unfolded = head.replace("\r\n ", " ").replace("\r\n\t", " ");
        unfolded.lines().find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name).then(|| value.trim().to_string())
        })
    }

    /// The decoded body of the part of type `kind` (`text/plain`, `text/html`).
    pub fn part(&self, kind: &str) -> Option<String> {
        let start = self.data.find(&format!("Content-Type: {kind}"))?;
        let rest = &self.data[start..];
        let (head, body) = rest.split_once("\r\n\r\n")?;
        let body = body.split("\r\n--").next()?;
        let encoding = head
            .lines()
            .find_map(|l| l.strip_prefix("Content-Transfer-Encoding: "))
            .unwrap_or("7bit")
            .trim();
        let bytes = match encoding {
            "quoted-printable" => quoted_printable::decode(body, quoted_printable::ParseMode::Robust).ok()?,
            "base64" => base64::engine::general_purpose::STANDARD
                .decode(body.replace("\r\n", ""))
                .ok()?,
            _ => body.as_bytes().to_vec(),
        };
        String::from_utf8(bytes).ok()
    }

    /// The plain-text body.
    pub fn text(&self) -> String {
        self.part("text/plain").expect("a text/plain part")
    }

    /// The first link in the plain text that starts with `prefix` (a path or a URL).
    pub fn link(&self, prefix: &str) -> Option<String> {
        self.text()
            .split_whitespace()
            .find(|w| w.starts_with("http") && w.contains(prefix))
            .map(str::to_string)
    }
}

/// The server; it stops when dropped.
pub struct SmtpSink {
    pub addr: SocketAddr,
    received: Arc<Mutex<Vec<Received>>>,
    refusing: Arc<AtomicBool>,
    /// Milliseconds each message waits before it is accepted.
    pause: Arc<AtomicU64>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl SmtpSink {
    pub async fn start() -> SmtpSink {
        SmtpSink::start_on("127.0.0.1:0".parse().expect("an address")).await
    }

    /// A server on `addr`: a mail server coming back where it was.
    pub async fn start_on(addr: SocketAddr) -> SmtpSink {
        let listener = TcpListener::bind(addr).await.expect("a loopback port");
        let addr = listener.local_addr().expect("its address");
        let received = Arc::new(Mutex::new(Vec::new()));
        let refusing = Arc::new(AtomicBool::new(false));
        let pause = Arc::new(AtomicU64::new(0));
        let (keep, refuse, wait) = (received.clone(), refusing.clone(), pause.clone());
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(conversation(stream, keep.clone(), refuse.clone(), wait.clone()));
            }
        });
        SmtpSink {
            addr,
            received,
            refusing,
            pause,
            task,
        }
    }

    /// A free loopback address with no mail server on it (yet).
    pub fn unused_addr() -> SocketAddr {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a loopback port");
        listener.local_addr().expect("its address")
    }

    /// Each message takes this long to accept, as a busy mail server's do.
    pub fn slow(&self, per_message: Duration) {
        let millis = u64::try_from(per_message.as_millis()).unwrap_or(u64::MAX);
        self.pause.store(millis, Ordering::SeqCst);
    }

    /// Each distinct `Message-ID` received, and how many times it came.
    pub fn message_ids(&self) -> std::collections::HashMap<String, usize> {
        let mut seen = std::collections::HashMap::new();
        for m in self.received() {
            *seen.entry(m.header("Message-ID").unwrap_or_default()).or_insert(0) += 1;
        }
        seen
    }

    /// The `SMTP_URL` that reaches this server.
    pub fn url(&self) -> String {
        format!("smtp://{}", self.addr)
    }

    /// Every message received so far.
    pub fn received(&self) -> Vec<Received> {
        self.received.lock().expect("sink lock").clone()
    }

    /// The messages to `address`.
    pub fn to(&self, address: &str) -> Vec<Received> {
        self.received()
            .into_iter()
            .filter(|m| m.to.iter().any(|t| t == address))
            .collect()
    }

    /// While set, every message is refused with a temporary error.
    pub fn refuse(&self, refusing: bool) {
        self.refusing.store(refusing, Ordering::SeqCst);
    }

    /// Waits until at least `n` messages arrived (at most `limit`).
    pub async fn wait_for(&self, n: usize, limit: Duration) -> Vec<Received> {
        let until = tokio::time::Instant::now() + limit;
        loop {
            let got = self.received();
            if got.len() >= n || tokio::time::Instant::now() > until {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

async fn conversation(
    stream: TcpStream,
    keep: Arc<Mutex<Vec<Received>>>,
    refusing: Arc<AtomicBool>,
    pause: Arc<AtomicU64>,
) {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read);
    let mut to = Vec::new();
    if write.write_all(b"220 sink ESMTP\r\n").await.is_err() {
        return;
    }
    let mut line = String::new();
    loop {
        line.clear();
        match lines.read_line(&mut line).await {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        let command = line.trim_end().to_ascii_uppercase();
        let answer: String = if command.starts_with("EHLO") {
            "250-sink\r\n250 8BITMIME\r\n".into()
        } else if command.starts_with("HELO") || command.starts_with("NOOP") {
            "250 ok\r\n".into()
        } else if command.starts_with("RSET") {
            to.clear();
            "250 ok\r\n".into()
        } else if command.starts_with("MAIL FROM") {
            if refusing.load(Ordering::SeqCst) {
                "451 try again later\r\n".into()
            } else {
                to.clear();
                "250 ok\r\n".into()
            }
        } else if command.starts_with("RCPT TO") {
            let address = line
                .trim_end()
                .get(8..)
                .unwrap_or("")
                .trim()
                .trim_start_matches('<')
                .trim_end_matches('>');
            to.push(address.to_string());
            "250 ok\r\n".into()
        } else if command == "DATA" {
            if write.write_all(b"354 go on\r\n").await.is_err() {
                return;
            }
            let mut data = String::new();
            loop {
                line.clear();
                match lines.read_line(&mut line).await {
                    Ok(0) | Err(_) => return,
                    Ok(_) => {}
                }
                if line == ".\r\n" {
                    break;
                }
                data.push_str(line.strip_prefix('.').unwrap_or(&line));
            }
            let wait = pause.load(Ordering::SeqCst);
            if wait > 0 {
                tokio::time::sleep(Duration::from_millis(wait)).await;
            }
            keep.lock().expect("sink lock").push(Received {
                to: std::mem::take(&mut to),
                data,
            });
            "250 queued\r\n".into()
        } else if command.starts_with("QUIT") {
            let _ = write.write_all(b"221 bye\r\n").await;
            return;
        } else {
            "502 not here\r\n".into()
        };
        if write.write_all(answer.as_bytes()).await.is_err() {
            return;
        }
    }
}
