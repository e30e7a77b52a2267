//! The standalone local server under load and under the attacks of issue 11: throughput with 1
//! and 8 client threads, the server's RSS after 10k and after 1M requests, and what each
//! attack costs. It runs the release build of `examples/mock_server` as a child process, so
//! the RSS is the server's alone, and talks to it on 127.0.0.1 only.
//!
//! ```sh
//! cargo build --release --example mock_server
//! cargo bench --bench mock_load                  # load and attacks, about 2-3 minutes
//! cargo bench --bench mock_load -- load          # only the load
//! MOCK_LOAD_REQUESTS=100000 cargo bench --bench mock_load -- load   # a shorter run
//! ```
//!
//! RSS is read from `/proc/PID/status` (Linux); elsewhere it shows as `?`. Every loop is
//! bounded in count, and the server is killed when the bench ends.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use stripe_billing_portal::{Client, FlowData, SessionCreateParams};

const KEY: &str = "sk_test_bench";
const SESSIONS: &str = "/v1/billing_portal/sessions";
const CONFIGURATIONS: &str = "/v1/billing_portal/configurations";

/// The standalone server, killed on drop.
struct Server {
    child: Child,
    url: String,
}

impl Server {
    fn start(args: &[&str]) -> Server {
        // target/release/deps/mock_load-... → target/release/examples/mock_server
        let exe = std::env::current_exe().expect("the bench's path");
        let release = exe.parent().and_then(|d| d.parent()).expect("a target dir");
        let binary = release.join("examples").join("mock_server");
        assert!(
            binary.exists(),
            "{} is not built: run `cargo build --release --example mock_server` first",
            binary.display()
        );
        let mut child = Command::new(binary)
            .args(["--quiet"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the server starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        Server {
            child,
            url: line.trim().to_owned(),
        }
    }

    fn address(&self) -> &str {
        self.url.trim_start_matches("http://")
    }

    /// The resident set in MiB, from `/proc`.
    fn rss(&self) -> String {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()));
        status
            .ok()
            .and_then(|s| {
                s.lines()
                    .find_map(|l| l.strip_prefix("VmRSS:"))
                    .and_then(|v| v.trim().trim_end_matches(" kB").parse::<f64>().ok())
            })
            .map_or("?".into(), |kb| format!("{:.1} MiB", kb / 1024.0))
    }

    fn client(&self) -> Client {
        Client::builder(KEY)
            .base_url(&self.url)
            .max_network_retries(0)
            .build()
            .unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `requests` session creates over `threads` threads (each its own client, keep-alive):
/// requests per second and the slowest request.
fn drive(server: &Server, threads: usize, requests: usize) -> (f64, Duration) {
    let params = Arc::new(
        SessionCreateParams::for_customer("cus_bench")
            .flow_data(FlowData::subscription_cancel("sub_bench")),
    );
    let started = Instant::now();
    let workers: Vec<_> = (0..threads)
        .map(|t| {
            let client = server.client();
            let params = params.clone();
            let share = requests / threads + usize::from(t < requests % threads);
            thread::spawn(move || {
                let mut worst = Duration::ZERO;
                for _ in 0..share {
                    let one = Instant::now();
                    client.create_session(&params).expect("a session");
                    worst = worst.max(one.elapsed());
                }
                worst
            })
        })
        .collect();
    let worst = workers.into_iter().map(|w| w.join().unwrap()).max();
    let rate = requests as f64 / started.elapsed().as_secs_f64();
    (rate, worst.unwrap_or_default())
}

fn load() {
    let total: usize = std::env::var("MOCK_LOAD_REQUESTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let server = Server::start(&[]);
    println!("## load: session creates, each with its own idempotency key");
    println!("server RSS at start: {}", server.rss());
    let (rate, worst) = drive(&server, 1, 10_000);
    println!(
        "1 thread,  requests 1-10k:   {rate:>8.0} req/s, slowest {worst:?}; RSS {}",
        server.rss()
    );
    let mut done = 10_000;
    let window = 100_000.min(total.saturating_sub(done).max(1));
    let mut first = true;
    while done < total {
        let n = window.min(total - done);
        let (rate, worst) = drive(&server, 8, n);
        done += n;
        if first || done >= total || done % 250_000 < window {
            println!(
                "8 threads, requests to {:>5}k: {rate:>8.0} req/s, slowest {worst:?}; RSS {}",
                done / 1000,
                server.rss()
            );
        }
        first = false;
    }
    let (rate, worst) = drive(&server, 1, 10_000);
    println!(
        "1 thread,  after {}k:         {rate:>8.0} req/s, slowest {worst:?}; RSS {}",
        done / 1000,
        server.rss()
    );
}

/// Sends `bytes` and reads until the server closes (or 30 s of silence): the answer and how
/// long it took.
fn exchange(server: &Server, bytes: &[u8]) -> (String, Duration) {
    let started = Instant::now();
    let mut stream = TcpStream::connect(server.address()).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let _ = stream.write_all(bytes);
    let mut out = Vec::new();
    let _ = stream.read_to_end(&mut out);
    (
        String::from_utf8_lossy(&out).into_owned(),
        started.elapsed(),
    )
}

fn post_bytes(path: &str, headers: &str, body: &str) -> Vec<u8> {
    format!(
        "POST {path} HTTP/1.1\r\nAuthorization: Bearer {KEY}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n{headers}\r\n{body}",
        body.len()
    )
    .into_bytes()
}

fn status(answer: &str) -> &str {
    answer.split(' ').nth(1).unwrap_or("none")
}

fn short_key(i: usize) -> String {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    [i % 62, i / 62 % 62, i / 3844 % 62]
        .iter()
        .map(|&d| ALPHABET[d] as char)
        .collect()
}

fn attacks() {
    println!("## attacks (issue 11), against a fresh server each");
    let get_list = |server: &Server, query: &str| {
        exchange(
            server,
            format!("GET {CONFIGURATIONS}{query} HTTP/1.1\r\nAuthorization: Bearer {KEY}\r\nConnection: close\r\n\r\n")
                .as_bytes(),
        )
    };

    {
        let server = Server::start(&[]);
        let body: String = (0..140_000)
            .map(|i| format!("{}=v&", short_key(i)))
            .collect();
        let request = post_bytes(SESSIONS, "", &body);
        let big = {
            let address = server.address().to_owned();
            thread::spawn(move || {
                let started = Instant::now();
                let mut stream = TcpStream::connect(address).unwrap();
                stream.write_all(&request).unwrap();
                let mut out = String::new();
                let _ = stream.read_to_string(&mut out);
                (out, started.elapsed())
            })
        };
        thread::sleep(Duration::from_millis(5));
        let (other, other_took) = get_list(&server, "");
        let (answer, took) = big.join().unwrap();
        println!(
            "140k form keys in {} KiB: {} in {took:?}; a GET sent 5 ms after: {} in {other_took:?}",
            body.len() / 1024,
            status(&answer),
            status(&other)
        );
    }
    {
        let server = Server::start(&[]);
        let metadata: String = (0..62_000)
            .map(|i| format!("&metadata[{}]=v", short_key(i)))
            .collect();
        let body = format!("features[invoice_history][enabled]=true{metadata}");
        let (answer, took) = exchange(&server, &post_bytes(CONFIGURATIONS, "", &body));
        let param = answer.contains("\"param\": \"metadata\"");
        println!(
            "62k metadata keys: {} in {took:?}, param metadata: {param}",
            status(&answer)
        );
        let body = format!(
            "features[invoice_history][enabled]=true{}",
            (0..51)
                .map(|i| format!("&metadata[k{i}]=v"))
                .collect::<String>()
        );
        let (answer, _) = exchange(&server, &post_bytes(CONFIGURATIONS, "", &body));
        println!("51 metadata keys: {}", status(&answer));
    }
    {
        let server = Server::start(&[]);
        let before = server.rss();
        let body = format!("customer={}", "x".repeat(1024 * 1024 - 9));
        let mut statuses = Vec::new();
        for _ in 0..50 {
            let request = format!(
                "POST {SESSIONS} HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let (answer, _) = exchange(&server, request.as_bytes());
            statuses.push(status(&answer).to_owned());
        }
        statuses.dedup();
        println!(
            "50 unauthenticated 1 MiB bodies: {statuses:?}; RSS {before} before, {} after",
            server.rss()
        );
    }
    {
        let server = Server::start(&["--max-configurations", "20001"]);
        let started = Instant::now();
        for _ in 0..100 {
            get_list(&server, "?limit=1");
        }
        let small = started.elapsed() / 100;
        let workers: Vec<_> = (0..4)
            .map(|_| {
                let url = format!("{}{CONFIGURATIONS}", server.url);
                thread::spawn(move || {
                    let agent = ureq::Agent::new_with_defaults();
                    for _ in 0..5_000 {
                        agent
                            .post(&url)
                            .header("Authorization", format!("Bearer {KEY}"))
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .send("features[invoice_history][enabled]=true")
                            .expect("created");
                    }
                })
            })
            .collect();
        for worker in workers {
            worker.join().unwrap();
        }
        let started = Instant::now();
        for _ in 0..100 {
            get_list(&server, "?limit=1");
        }
        let page = started.elapsed() / 100;
        println!("list?limit=1: {small:?} with 1 configuration (one new connection each), {page:?} with 20,001");
    }
    {
        let server = Server::start(&[]);
        for header in [
            "sk_test_SECRETkey1234567",
            "Bearer:sk_live_SECRETkey1234567",
            "sk_live_SECRETkey1234567",
        ] {
            let request = post_bytes(SESSIONS, "", "customer=cus_1");
            let request = String::from_utf8(request)
                .unwrap()
                .replace(&format!("Bearer {KEY}"), header);
            let (answer, _) = exchange(&server, request.as_bytes());
            println!(
                "Authorization: {header}: {}, key in the answer: {}",
                status(&answer),
                answer.contains("SECRETkey")
            );
        }
    }
    {
        let server = Server::start(&[]);
        let smuggled =
            format!("GET {CONFIGURATIONS} HTTP/1.1\r\nAuthorization: Bearer {KEY}\r\n\r\n");
        let request = format!(
            "POST {SESSIONS} HTTP/1.1\r\nAuthorization: Bearer {KEY}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 14\r\nContent-Length: {}\r\n\r\ncustomer=cus_1{smuggled}",
            14 + smuggled.len()
        );
        let (answer, _) = exchange(&server, request.as_bytes());
        println!(
            "two Content-Length: {}, answers: {}, closed: {}",
            status(&answer),
            answer.matches("HTTP/1.1 ").count(),
            answer.contains("Connection: close")
        );
        for (name, value) in [
            ("Stripe-Version", "x\rInjected: 1"),
            ("Idempotency-Key", "x\0Injected"),
        ] {
            let (answer, _) = exchange(
                &server,
                &post_bytes(SESSIONS, &format!("{name}: {value}\r\n"), "customer=cus_1"),
            );
            println!(
                "a CR or NUL in {name}: {}, reflected: {}",
                status(&answer),
                answer.contains("Injected")
            );
        }
        let body = "a".repeat(2 * 1024 * 1024);
        let (answer, took) = exchange(&server, &post_bytes(SESSIONS, "", &body));
        println!(
            "a 2 MiB body: the client reads {} after {took:?}",
            status(&answer)
        );
        for n in [256, 60_000] {
            let key = "k".repeat(n);
            let (answer, _) = exchange(
                &server,
                &post_bytes(
                    SESSIONS,
                    &format!("Idempotency-Key: {key}\r\n"),
                    "customer=cus_1",
                ),
            );
            println!("Idempotency-Key of {n} characters: {}", status(&answer));
        }
    }
    {
        let server = Server::start(&[]);
        let started = Instant::now();
        let mut stream = TcpStream::connect(server.address()).unwrap();
        let request = format!(
            "GET {CONFIGURATIONS}?limit=100 HTTP/1.1\r\nAuthorization: Bearer {KEY}\r\n\r\n"
        );
        let pipelined = request.repeat(100_000);
        // Writes until the server, blocked on answers nobody reads, gives up and closes.
        let cut = stream.write_all(pipelined.as_bytes()).is_err();
        println!(
            "a client that pipelines and never reads: cut off: {cut}, after {:?}",
            started.elapsed()
        );
    }
    {
        let server = Server::start(&[]);
        let mut held = Vec::new();
        for _ in 0..256 {
            let mut stream = TcpStream::connect(server.address()).unwrap();
            stream.write_all(b"GET / HTTP/1.1\r\n").unwrap();
            held.push(stream);
        }
        thread::sleep(Duration::from_millis(200));
        let (answer, _) = get_list(&server, "");
        println!(
            "a connection beyond 256 slow ones: {} ({})",
            status(&answer),
            if answer.contains("api_error") {
                "Stripe api_error"
            } else {
                "?"
            }
        );
        drop(held);
        let started = Instant::now();
        let mut stream = TcpStream::connect(server.address()).unwrap();
        stream.write_all(b"GET / HTTP/1.1\r\n").unwrap();
        stream
            .set_read_timeout(Some(Duration::from_millis(500)))
            .unwrap();
        let mut answer = Vec::new();
        let mut byte = [0u8; 1024];
        for _ in 0..60 {
            if stream.write_all(b"X").is_err() {
                break;
            }
            match stream.read(&mut byte) {
                Ok(0) => break,
                Ok(n) => answer.extend_from_slice(&byte[..n]),
                Err(_) => {}
            }
        }
        let answer = String::from_utf8_lossy(&answer);
        println!(
            "a head sent one byte every 0.5 s: {} after {:?}",
            status(&answer),
            started.elapsed()
        );
    }
}

fn main() {
    let filter: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let wanted = |name: &str| filter.is_empty() || filter.iter().any(|f| name.contains(f.as_str()));
    if wanted("attacks") {
        attacks();
    }
    if wanted("load") {
        load();
    }
}
