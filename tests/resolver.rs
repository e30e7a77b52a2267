//! The client against the system's own resolver (glibc, `/etc/resolv.conf`) and a DNS server
//! of the test's, on 127.0.0.53, in a network and mount namespace of the test's own: nothing
//! leaves the namespace, whose only interface is its loopback. The DNS server counts the
//! queries and can answer late or not at all.
//!
//! Needs root, `unshare` and `ip`, so it is ignored by default; `.ci/run` runs it with
//! `--include-ignored`, where a missing tool fails it rather than skipping it.

mod common;
#[path = "common/tls.rs"]
mod tls;

use std::net::UdpSocket;
use std::process::Command;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::Value;
use stripe_billing_portal::*;
use tls::{pem, TlsServer};

const INSIDE: &str = "STRIPE_BILLING_PORTAL_RESOLVER_TEST_INSIDE";
const NAME: &str = "api.stripe.test";

#[test]
#[ignore = "needs root, unshare and ip for a namespace of its own; .ci/run runs it"]
fn the_system_resolver_is_asked_once_per_host_not_once_per_call() {
    if std::env::var_os(INSIDE).is_none() {
        // Run this same test again in new network and mount namespaces.
        let status = Command::new("unshare")
            .args(["--mount", "--net", "--"])
            .arg(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "the_system_resolver_is_asked_once_per_host_not_once_per_call",
                "--include-ignored",
                "--nocapture",
            ])
            .env(INSIDE, "1")
            .status()
            .expect("unshare (util-linux) runs");
        assert!(status.success(), "the test failed in its namespace");
        return;
    }
    inside_the_namespace();
}

fn inside_the_namespace() {
    let up = Command::new("ip")
        .args(["link", "set", "lo", "up"])
        .status();
    assert!(up.expect("ip (iproute2) runs").success());
    let resolv_conf = std::env::temp_dir().join(format!("resolv-{}.conf", std::process::id()));
    let write_conf = |extra: &str| {
        let conf = format!("nameserver 127.0.0.53\n{extra}options timeout:1 attempts:1\n");
        std::fs::write(&resolv_conf, conf).unwrap();
    };
    write_conf("");
    let mounted = Command::new("mount")
        .arg("--bind")
        .arg(&resolv_conf)
        .arg("/etc/resolv.conf")
        .status();
    assert!(mounted.expect("mount runs").success());

    let dns = Dns::start();
    let server = TlsServer::start(NAME, common::session_json(Value::Null));
    let client = || {
        Client::builder("sk_test_123")
            .base_url(format!("https://{NAME}:{}", server.port))
            .root_certificates(pem("ca.pem"))
            .connect_timeout(Duration::from_millis(500))
            .max_network_retries(0)
            .build()
            .unwrap()
    };
    let calls = |client: &Client, n: usize| {
        let started = Instant::now();
        for _ in 0..n {
            client
                .create_session(&SessionCreateParams::for_customer("cus_1"))
                .unwrap();
        }
        started.elapsed() / n as u32
    };

    // A resolver that answers at once: 200 calls, one lookup (an A and an AAAA query).
    let c = client();
    let per_call = calls(&c, 200);
    let queries = dns.take();
    println!(
        "200 calls: {} queries, {per_call:?} per call",
        queries.len()
    );
    assert!(matches!(queries.len(), 1 | 2), "{queries:?}");

    // A resolver that takes 20 ms: only the first call waits for it.
    dns.delay_ms.store(20, Ordering::SeqCst);
    let c = client();
    let per_call = calls(&c, 50);
    let queries = dns.take();
    println!(
        "resolver answering in 20 ms, 50 calls: {} queries, {per_call:?} per call",
        queries.len()
    );
    assert!(matches!(queries.len(), 1 | 2), "{queries:?}");
    assert!(
        per_call < Duration::from_millis(10),
        "{per_call:?} per call"
    );
    dns.delay_ms.store(0, Ordering::SeqCst);

    // A Kubernetes resolv.conf: each search domain is tried first, once for the host.
    write_conf("search ns.svc.cluster.local svc.cluster.local cluster.local\noptions ndots:5\n");
    let c = client();
    let per_call = calls(&c, 50);
    let queries = dns.take();
    println!(
        "ndots:5 and 3 search domains, 50 calls: {} queries, {per_call:?} per call",
        queries.len()
    );
    assert!((4..=8).contains(&queries.len()), "{queries:?}");
    assert!(
        queries.iter().any(|q| q.ends_with(".cluster.local")),
        "{queries:?}"
    );
    write_conf("");

    // The resolver stops answering after a warm-up call: calls go on.
    let c = client();
    calls(&c, 1);
    dns.take();
    dns.delay_ms.store(u64::MAX, Ordering::SeqCst);
    let per_call = calls(&c, 50);
    println!("resolver silent after a warm-up call, 50 calls: all answered, {per_call:?} per call");

    // With nothing known, a silent resolver is an error at the connect timeout.
    let started = Instant::now();
    let error = client()
        .create_session(&SessionCreateParams::for_customer("cus_1"))
        .unwrap_err();
    let elapsed = started.elapsed();
    println!("resolver silent, nothing known: {error} after {elapsed:?}");
    assert_eq!(error.kind(), ErrorKind::Timeout, "{error}");
    assert!(error.to_string().contains("cannot look up"), "{error}");
    assert!(elapsed < Duration::from_millis(1500), "{elapsed:?}");
}

/// A DNS server on 127.0.0.53:53 that knows one name, `api.stripe.test` (A 127.0.0.1, no
/// AAAA), answers every other name with NXDOMAIN, and records the names asked.
struct Dns {
    queries: Arc<Mutex<Vec<String>>>,
    /// How long to wait before answering; `u64::MAX` never answers.
    delay_ms: Arc<AtomicU64>,
}

impl Dns {
    fn start() -> Dns {
        let socket = UdpSocket::bind("127.0.0.53:53").expect("bind 127.0.0.53:53 (root)");
        let queries = Arc::new(Mutex::new(Vec::new()));
        let delay_ms = Arc::new(AtomicU64::new(0));
        let (seen, delay) = (queries.clone(), delay_ms.clone());
        thread::spawn(move || {
            let mut buffer = [0u8; 512];
            while let Ok((n, from)) = socket.recv_from(&mut buffer) {
                let Some((name, question_end)) = question(&buffer[..n]) else {
                    continue;
                };
                let qtype =
                    u16::from_be_bytes([buffer[question_end - 4], buffer[question_end - 3]]);
                seen.lock().unwrap().push(name.clone());
                let wait = delay.load(Ordering::SeqCst);
                if wait == u64::MAX {
                    continue;
                }
                thread::sleep(Duration::from_millis(wait));
                let known = name.eq_ignore_ascii_case(NAME);
                let mut answer = buffer[..question_end].to_vec();
                answer[2] = 0x81; // a response, recursion desired
                answer[3] = if known { 0x80 } else { 0x83 }; // recursion available; NXDOMAIN
                answer[6..12].copy_from_slice(&[0, 0, 0, 0, 0, 0]);
                if known && qtype == 1 {
                    answer[7] = 1; // one answer: A 127.0.0.1, 60 s
                    answer.extend_from_slice(&[
                        0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 127, 0, 0, 1,
                    ]);
                }
                let _ = socket.send_to(&answer, from);
            }
        });
        Dns { queries, delay_ms }
    }

    fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.queries.lock().unwrap())
    }
}

/// The name of a query's one question, and where the question ends.
fn question(packet: &[u8]) -> Option<(String, usize)> {
    let mut labels = Vec::new();
    let mut at = 12;
    loop {
        let len = usize::from(*packet.get(at)?);
        at += 1;
        if len == 0 {
            break;
        }
        labels.push(String::from_utf8_lossy(packet.get(at..at + len)?).into_owned());
        at += len;
    }
    let end = at + 4;
    (packet.len() >= end).then(|| (labels.join("."), end))
}
