//! A real HTTP/1.1 server on 127.0.0.1 for the tests: it records every request and answers
//! as the test scripts it, including the faults a network can produce.
#![allow(dead_code)]

pub mod spec;

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use stripe_billing_portal::Client;

/// A request as it arrived.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    /// The path without the query.
    pub path: String,
    pub query: Option<String>,
    /// Header names in lower case, in arrival order.
    pub headers: Vec<(String, String)>,
    pub body: String,
    /// When it arrived completely.
    pub at: Instant,
    /// Which connection it came on (from 0, in accept order), and how many requests that
    /// connection carried before it (0 for a new connection).
    pub connection: usize,
    pub earlier_on_connection: usize,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn header_count(&self, name: &str) -> usize {
        let name = name.to_ascii_lowercase();
        self.headers.iter().filter(|(k, _)| *k == name).count()
    }

    /// The decoded form pairs of the body.
    pub fn pairs(&self) -> Vec<(String, String)> {
        serde_urlencoded::from_str(&self.body).expect("the body is form-encoded")
    }

    /// The decoded pairs of the query string.
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        serde_urlencoded::from_str(self.query.as_deref().unwrap_or(""))
            .expect("the query is form-encoded")
    }
}

/// How the server answers one request.
#[derive(Debug, Clone)]
pub enum Reply {
    /// A normal answer; `Content-Length` is added.
    Json {
        status: u16,
        headers: Vec<(String, String)>,
        body: String,
    },
    /// Raw bytes, then the connection closes.
    Raw(Vec<u8>),
    /// The connection is reset (RST) without an answer.
    Reset,
    /// Headers and half of `body` are sent, then the connection closes.
    CutBody { status: u16, body: String },
    /// Nothing is sent for `Duration`, then the connection closes.
    Stall(Duration),
    /// The head of a 200 with a long body, then one byte of the body every `Duration`:
    /// never silent for long, never done.
    Trickle(Duration),
    /// A 200 whose head comes after `Duration`, then half the body, and the rest after
    /// another `Duration`: each step within a timeout of 1.5 times it, the whole not.
    SlowHalves(Duration),
}

impl Reply {
    pub fn json(status: u16, body: impl Into<String>) -> Reply {
        Reply::Json {
            status,
            headers: vec![("Request-Id".into(), "req_test".into())],
            body: body.into(),
        }
    }

    pub fn with_header(self, name: &str, value: &str) -> Reply {
        match self {
            Reply::Json {
                status,
                mut headers,
                body,
            } => {
                headers.push((name.into(), value.into()));
                Reply::Json {
                    status,
                    headers,
                    body,
                }
            }
            other => other,
        }
    }

    pub fn stripe_error(status: u16, kind: &str, message: &str) -> Reply {
        Reply::json(
            status,
            serde_json::json!({"error": {"type": kind, "message": message}}).to_string(),
        )
    }
}

type Handler = dyn Fn(&Recorded, usize) -> Reply + Send + Sync;

/// The server; stops when dropped.
pub struct TestServer {
    url: String,
    requests: Arc<Mutex<Vec<Recorded>>>,
    stop: Arc<AtomicBool>,
    port: u16,
}

impl TestServer {
    /// Starts a server that answers request number `n` (from 0) with `handler(request, n)`.
    pub fn start(
        handler: impl Fn(&Recorded, usize) -> Reply + Send + Sync + 'static,
    ) -> TestServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let port = listener.local_addr().unwrap().port();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let handler: Arc<Handler> = Arc::new(handler);
        let counter = Arc::new(AtomicUsize::new(0));
        let connections = AtomicUsize::new(0);
        {
            let requests = requests.clone();
            let stop = stop.clone();
            thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    let connection = connections.fetch_add(1, Ordering::SeqCst);
                    let (requests, stop, handler, counter) = (
                        requests.clone(),
                        stop.clone(),
                        handler.clone(),
                        counter.clone(),
                    );
                    thread::spawn(move || {
                        serve(stream, connection, &requests, &stop, &*handler, &counter)
                    });
                }
            });
        }
        TestServer {
            url: format!("http://127.0.0.1:{port}"),
            requests,
            stop,
            port,
        }
    }

    /// Answers every request with `reply`.
    pub fn always(reply: Reply) -> TestServer {
        TestServer::start(move |_, _| reply.clone())
    }

    /// Answers requests with `replies` in turn, then repeats the last one.
    pub fn sequence(replies: Vec<Reply>) -> TestServer {
        TestServer::start(move |_, n| replies[n.min(replies.len() - 1)].clone())
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().unwrap().clone()
    }

    /// The only request; fails the test when there was not exactly one.
    pub fn single(&self) -> Recorded {
        let requests = self.requests();
        assert_eq!(requests.len(), 1, "expected one request, got {requests:#?}");
        requests.into_iter().next().unwrap()
    }

    /// A client for this server that retries fast.
    pub fn client(&self) -> Client {
        self.client_builder().build().expect("client")
    }

    pub fn client_builder(&self) -> stripe_billing_portal::ClientBuilder {
        Client::builder("sk_test_123")
            .base_url(&self.url)
            .initial_retry_delay(Duration::from_millis(10))
            .max_retry_delay(Duration::from_millis(40))
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

/// Serves one connection, request after request (keep-alive), until it closes.
fn serve(
    mut stream: TcpStream,
    connection: usize,
    requests: &Mutex<Vec<Recorded>>,
    stop: &AtomicBool,
    handler: &Handler,
    counter: &AtomicUsize,
) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let _ = stream.set_nodelay(true);
    for earlier_on_connection in 0.. {
        // Peek rather than read, so a reset can leave the request unread: closing a socket
        // with unread data makes the kernel send RST instead of FIN.
        let Some((mut request, length)) = peek_request(&stream) else {
            return;
        };
        request.connection = connection;
        request.earlier_on_connection = earlier_on_connection;
        if stop.load(Ordering::SeqCst) {
            return;
        }
        let n = counter.fetch_add(1, Ordering::SeqCst);
        requests.lock().unwrap().push(request.clone());
        let reply = handler(&request, n);
        if let Reply::Reset = reply {
            drop(stream);
            return;
        }
        let mut consumed = vec![0; length];
        if stream.read_exact(&mut consumed).is_err() {
            return;
        }
        match reply {
            Reply::Json {
                status,
                headers,
                body,
            } => {
                let mut head = format!("HTTP/1.1 {status} {}\r\n", reason(status));
                for (name, value) in headers {
                    head.push_str(&format!("{name}: {value}\r\n"));
                }
                head.push_str(&format!(
                    "Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
                    body.len()
                ));
                // One write: a head and a body in two small writes would meet Nagle's
                // algorithm and the client's delayed ACK, 40 ms per request.
                head.push_str(&body);
                if stream.write_all(head.as_bytes()).is_err() {
                    return;
                }
            }
            Reply::Raw(bytes) => {
                let _ = stream.write_all(&bytes);
                let _ = stream.shutdown(Shutdown::Both);
                return;
            }
            Reply::CutBody { status, body } => {
                let head = format!(
                    "HTTP/1.1 {status} {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
                    reason(status),
                    body.len()
                );
                let _ = stream.write_all(head.as_bytes());
                let _ = stream.write_all(&body.as_bytes()[..body.len() / 2]);
                let _ = stream.flush();
                let _ = stream.shutdown(Shutdown::Both);
                return;
            }
            Reply::Stall(duration) => {
                let until = Instant::now() + duration;
                while Instant::now() < until && !stop.load(Ordering::SeqCst) {
                    thread::sleep(Duration::from_millis(10));
                }
                return;
            }
            Reply::Trickle(every) => {
                let length = 1_000_000;
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {length}\r\n\r\n"
                );
                let _ = stream.write_all(head.as_bytes());
                for _ in 0..length {
                    if stop.load(Ordering::SeqCst) || stream.write_all(b" ").is_err() {
                        break;
                    }
                    thread::sleep(every);
                }
                return;
            }
            Reply::SlowHalves(wait) => {
                let body = session_json(serde_json::Value::Null);
                let (first, rest) = body.split_at(body.len() / 2);
                thread::sleep(wait);
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{first}",
                    body.len()
                );
                let _ = stream.write_all(head.as_bytes());
                thread::sleep(wait);
                let _ = stream.write_all(rest.as_bytes());
            }
            Reply::Reset => unreachable!(),
        }
    }
}

/// Waits until a whole request is buffered, and parses it without consuming it.
fn peek_request(stream: &TcpStream) -> Option<(Recorded, usize)> {
    let mut buffer = vec![0u8; 64 * 1024];
    loop {
        let n = stream.peek(&mut buffer).ok()?;
        if n == 0 {
            return None;
        }
        let data = &buffer[..n];
        if let Some(end) = find(data, b"\r\n\r\n") {
            let head = std::str::from_utf8(&data[..end]).ok()?;
            let mut lines = head.split("\r\n");
            let mut parts = lines.next()?.split(' ');
            let method = parts.next()?.to_owned();
            let target = parts.next()?.to_owned();
            let headers: Vec<(String, String)> = lines
                .filter_map(|line| line.split_once(':'))
                .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
                .collect();
            let length: usize = headers
                .iter()
                .find(|(k, _)| k == "content-length")
                .and_then(|(_, v)| v.parse().ok())
                .unwrap_or(0);
            let total = end + 4 + length;
            if n >= total {
                let body = String::from_utf8_lossy(&data[end + 4..total]).into_owned();
                let (path, query) = match target.split_once('?') {
                    Some((p, q)) => (p.to_owned(), Some(q.to_owned())),
                    None => (target, None),
                };
                let request = Recorded {
                    method,
                    path,
                    query,
                    headers,
                    body,
                    at: Instant::now(),
                    connection: 0,
                    earlier_on_connection: 0,
                };
                return Some((request, total));
            }
            if total > buffer.len() {
                buffer.resize(total, 0);
            }
        }
        // Not all there yet: peek returns at once while anything is buffered, so wait a bit.
        thread::sleep(Duration::from_micros(100));
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        302 => "Found",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        409 => "Conflict",
        418 => "I'm a teapot",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

/// A session object as Stripe returns it, with `id` and the given `flow`.
pub fn session_json(flow: serde_json::Value) -> String {
    serde_json::json!({
        "id": "bps_123",
        "object": "billing_portal.session",
        "configuration": "bpc_123",
        "created": 1_700_000_000,
        "customer": "cus_123",
        "customer_account": null,
        "flow": flow,
        "livemode": false,
        "locale": null,
        "on_behalf_of": null,
        "return_url": "https://example.com/account",
        "url": "https://billing.stripe.com/p/session/test_123"
    })
    .to_string()
}

/// A port on 127.0.0.1 where nothing listens: connecting is refused.
pub fn refused_url() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    format!("http://127.0.0.1:{port}")
}

/// Pairs as `(&str, &str)` for readable assertions.
pub fn pairs<'a>(list: &[(&'a str, &'a str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// `program` as a user starts it: without the caller's `STRIPE_SECRET_KEY` and
/// `STRIPE_BASE_URL`, so a test never reaches Stripe by accident.
pub fn user_command(program: impl AsRef<std::ffi::OsStr>) -> std::process::Command {
    let mut command = std::process::Command::new(program);
    command
        .env_remove("STRIPE_SECRET_KEY")
        .env_remove("STRIPE_BASE_URL");
    command
}

/// Runs `command` to the end: its exit status, stdout and stderr.
pub fn run(command: &mut std::process::Command) -> (i32, String, String) {
    let output = command.output().unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}
