//! Production behaviour under faults: a server on 127.0.0.1 breaks connections on purpose, and
//! the tests check attempts, idempotency keys, delays between attempts and the final result.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{refused_url, session_json, Recorded, Reply, TestServer};
use serde_json::Value;
use stripe_billing_portal::*;

fn ok() -> Reply {
    Reply::json(200, session_json(Value::Null))
}

fn params() -> SessionCreateParams {
    SessionCreateParams::for_customer("cus_1")
}

/// Every attempt carried the same, non-empty idempotency key.
fn one_key(requests: &[Recorded]) -> String {
    let keys: BTreeSet<_> = requests
        .iter()
        .map(|r| r.header("idempotency-key").unwrap_or("").to_owned())
        .collect();
    assert_eq!(keys.len(), 1, "attempts carried different keys: {keys:?}");
    let key = keys.into_iter().next().unwrap();
    assert!(!key.is_empty());
    key
}

#[test]
fn a_refused_connection_is_retried_then_reported_as_a_connection_error() {
    let client = Client::builder("sk_test_1")
        .base_url(refused_url())
        .initial_retry_delay(Duration::from_millis(5))
        .build()
        .unwrap();
    let error = client.create_session(&params()).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Connection, "{error}");
    assert_eq!(error.attempts(), 3);
    assert_eq!(error.status(), None);
    assert!(error.idempotency_key().is_some());
}

#[test]
fn a_reset_before_answering_is_retried_with_the_same_idempotency_key() {
    let server = TestServer::sequence(vec![Reply::Reset, Reply::Reset, ok()]);
    let response = server
        .client()
        .create_session_with(&params(), &RequestOptions::new())
        .unwrap();
    assert_eq!(response.attempts, 3);
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    assert_eq!(Some(one_key(&requests)), response.idempotency_key);
    assert!(requests.iter().all(|r| r.body == requests[0].body));
}

#[test]
fn a_connection_closed_in_the_middle_of_the_body_is_retried_with_the_same_key() {
    let server = TestServer::sequence(vec![
        Reply::CutBody {
            status: 200,
            body: session_json(Value::Null),
        },
        ok(),
    ]);
    let response = server
        .client()
        .create_session_with(&params(), &RequestOptions::new())
        .unwrap();
    assert_eq!(response.attempts, 2);
    one_key(&server.requests());
}

#[test]
fn a_reply_that_is_not_http_is_retried_and_then_a_connection_error() {
    let server = TestServer::always(Reply::Raw(
        b"\x00\x01garbage that is not HTTP\r\n\r\n".to_vec(),
    ));
    let error = server.client().create_session(&params()).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Connection, "{error}");
    assert_eq!(error.attempts(), 3);
    assert_eq!(server.requests().len(), 3);
    one_key(&server.requests());
}

#[test]
fn a_server_that_never_answers_ends_in_a_timeout_error_that_says_so() {
    let server = TestServer::always(Reply::Stall(Duration::from_secs(5)));
    let client = server
        .client_builder()
        .timeout(Duration::from_millis(200))
        .max_network_retries(1)
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let error = client.create_session(&params()).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Timeout, "{error}");
    assert!(error.is_timeout());
    assert!(
        error
            .to_string()
            .contains("timed out waiting for the answer"),
        "{error}"
    );
    assert_eq!(error.attempts(), 2);
    assert_eq!(server.requests().len(), 2);
    one_key(&server.requests());
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "the timeout did not cut the stall short"
    );
}

/// One attempt against a server answering `reply`, with `timeout`: its timeout error and how
/// long it took.
fn timed_out_attempt(reply: Reply, timeout: Duration) -> (Error, Duration, TestServer) {
    let server = TestServer::always(reply);
    let client = server
        .client_builder()
        .timeout(timeout)
        .max_network_retries(0)
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let error = client.create_session(&params()).unwrap_err();
    let elapsed = started.elapsed();
    assert_eq!(error.kind(), ErrorKind::Timeout, "{error}");
    assert!(
        error
            .to_string()
            .contains("timed out waiting for the answer"),
        "{error}"
    );
    (error, elapsed, server)
}

#[test]
fn an_answer_that_trickles_in_is_cut_off_by_the_timeout() {
    // Each byte arrives well within the timeout, so only a deadline for the whole attempt
    // can end this.
    let trickle = Reply::Trickle(Duration::from_millis(20));
    let (_, elapsed, _) = timed_out_attempt(trickle, Duration::from_millis(300));
    assert!(
        elapsed >= Duration::from_millis(290) && elapsed < Duration::from_secs(3),
        "ended after {elapsed:?}"
    );
}

#[test]
fn the_timeout_bounds_the_whole_attempt_not_each_step() {
    // The head after 400 ms, the rest 400 ms later: each step is within the 600 ms timeout,
    // the attempt is not.
    let halves = Reply::SlowHalves(Duration::from_millis(400));
    let (_, elapsed, server) = timed_out_attempt(halves, Duration::from_millis(600));
    assert!(
        elapsed >= Duration::from_millis(550) && elapsed < Duration::from_millis(790),
        "ended after {elapsed:?}"
    );
    // With room for both steps, the same answer is fine.
    let client = server
        .client_builder()
        .timeout(Duration::from_secs(3))
        .build()
        .unwrap();
    client.create_session(&params()).unwrap();
}

#[test]
fn a_pooled_connection_dropped_while_idle_is_retried_at_once_even_without_retries() {
    // Like a load balancer that forgot an idle connection: any request on a connection that
    // already carried one is reset before an answer.
    let server = TestServer::start(|request, _| match request.earlier_on_connection {
        0 => ok(),
        _ => Reply::Reset,
    });
    let client = server
        .client_builder()
        .max_network_retries(0)
        .initial_retry_delay(Duration::from_secs(2))
        .build()
        .unwrap();
    client.create_session(&params()).unwrap();
    let started = std::time::Instant::now();
    let response = client
        .create_session_with(&params(), &RequestOptions::new())
        .unwrap();
    assert!(
        started.elapsed() < Duration::from_millis(500),
        "waited {:?}: the retry slept a backoff",
        started.elapsed()
    );
    assert_eq!(response.attempts, 2);
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    // The retry went on a new connection, with the same idempotency key.
    assert_eq!(requests[1].connection, requests[0].connection);
    assert_ne!(requests[2].connection, requests[1].connection);
    one_key(&requests[1..]);
    assert_eq!(
        response.idempotency_key.as_deref(),
        requests[2].header("idempotency-key")
    );
}

#[test]
fn only_one_retry_is_free_and_a_new_connection_reset_waits_the_backoff() {
    // Every request is reset: the first attempt's connection is new, so its retry waits, and
    // counts against `max_network_retries`.
    let server = TestServer::always(Reply::Reset);
    let client = server
        .client_builder()
        .max_network_retries(1)
        .initial_retry_delay(Duration::from_millis(300))
        .max_retry_delay(Duration::from_millis(300))
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let error = client.create_session(&params()).unwrap_err();
    assert_eq!(error.attempts(), 2, "{error}");
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert!(server
        .requests()
        .iter()
        .all(|r| r.earlier_on_connection == 0));
}

#[test]
fn the_per_request_timeout_overrides_the_clients() {
    let server = TestServer::always(Reply::Stall(Duration::from_secs(5)));
    let client = server
        .client_builder()
        .max_network_retries(0)
        .build()
        .unwrap();
    let options = RequestOptions::new().timeout(Duration::from_millis(150));
    let error = client.create_session_with(&params(), &options).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Timeout, "{error}");
}

#[test]
fn conflicts_and_server_errors_are_retried_and_the_last_answer_is_returned() {
    for status in [409, 500, 502, 503] {
        let server = TestServer::always(Reply::stripe_error(status, "api_error", "try later"));
        let error = server.client().create_session(&params()).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Api);
        assert_eq!(error.status(), Some(status));
        assert_eq!(error.attempts(), 3, "{status}");
        assert_eq!(server.requests().len(), 3, "{status}");
        one_key(&server.requests());
    }
}

#[test]
fn a_server_error_then_success_succeeds() {
    let server = TestServer::sequence(vec![Reply::stripe_error(503, "api_error", "busy"), ok()]);
    let response = server
        .client()
        .create_session_with(&params(), &RequestOptions::new())
        .unwrap();
    assert_eq!(response.attempts, 2);
    assert_eq!(response.data.id, "bps_123");
}

#[test]
fn other_client_errors_and_429_are_not_retried_without_stripe_saying_so() {
    for status in [400, 401, 402, 403, 404, 429] {
        let server = TestServer::always(Reply::stripe_error(status, "invalid_request_error", "no"));
        let error = server.client().create_session(&params()).unwrap_err();
        assert_eq!(error.attempts(), 1, "{status}");
        assert_eq!(server.requests().len(), 1, "{status}");
    }
}

/// The attempts a request makes against a server that always answers `status` with
/// `Stripe-Should-Retry: header`; every attempt reached the server with the same key.
fn attempts_with_should_retry(status: u16, header: &str) -> u32 {
    let server = TestServer::always(
        Reply::stripe_error(status, "api_error", "x").with_header("Stripe-Should-Retry", header),
    );
    let error = server.client().create_session(&params()).unwrap_err();
    let requests = server.requests();
    assert_eq!(requests.len(), error.attempts() as usize);
    one_key(&requests);
    error.attempts()
}

#[test]
fn stripe_should_retry_decides_before_the_status() {
    let cases = [
        (429, "true", 3),
        (400, "true", 3),
        (503, "false", 1),
        (409, "false", 1),
        (500, "true", 3),
    ];
    for (status, header, attempts) in cases {
        assert_eq!(
            attempts_with_should_retry(status, header),
            attempts,
            "{status} with Stripe-Should-Retry: {header}"
        );
    }
}

#[test]
fn stripe_should_retry_other_than_true_or_false_leaves_the_decision_to_the_status() {
    // As stripe-python: only exactly `true` or `false` decides; anything else is as if the
    // header were absent (409 and 5xx retried, other 4xx not).
    for header in ["1", "0", "TRUE", "False", "yes", ""] {
        for (status, attempts) in [(503, 3), (409, 3), (400, 1), (429, 1)] {
            assert_eq!(
                attempts_with_should_retry(status, header),
                attempts,
                "{status} with Stripe-Should-Retry: {header:?}"
            );
        }
    }
}

#[test]
fn max_network_retries_is_settable_per_client_and_per_request() {
    let server = TestServer::always(Reply::stripe_error(503, "api_error", "busy"));
    let client = server
        .client_builder()
        .max_network_retries(4)
        .build()
        .unwrap();
    assert_eq!(client.create_session(&params()).unwrap_err().attempts(), 5);
    let options = RequestOptions::new().max_network_retries(0);
    assert_eq!(
        client
            .create_session_with(&params(), &options)
            .unwrap_err()
            .attempts(),
        1
    );
    assert_eq!(server.requests().len(), 6);
}

#[test]
fn a_redirect_is_not_followed() {
    let server = TestServer::always(
        Reply::json(302, "").with_header("Location", "http://127.0.0.1:1/elsewhere"),
    );
    let error = server.client().create_session(&params()).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidResponse);
    assert_eq!(error.status(), Some(302));
    assert!(error.to_string().contains("redirect"), "{error}");
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn a_body_over_the_size_limit_is_refused() {
    let big = format!(
        "{{\"pad\": \"{}\"}}",
        "x".repeat(MAX_RESPONSE_BYTES as usize)
    );
    let server = TestServer::always(Reply::json(200, big));
    let error = server.client().create_session(&params()).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidResponse, "{error}");
    assert!(error.to_string().contains("larger than"), "{error}");
    assert_eq!(error.attempts(), 1);
}

#[test]
fn invalid_utf8_in_a_body_is_an_invalid_response() {
    let mut body = session_json(Value::Null).into_bytes();
    let at = body.iter().position(|&b| b == b'b').unwrap();
    body[at] = 0xff;
    let mut raw = format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n", body.len()).into_bytes();
    raw.extend(body);
    let server = TestServer::always(Reply::Raw(raw));
    let error = server.client().create_session(&params()).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidResponse, "{error}");
}

#[test]
fn the_delays_double_from_the_initial_delay_up_to_the_cap_with_jitter() {
    let server = TestServer::always(Reply::stripe_error(503, "api_error", "busy"));
    let initial = Duration::from_millis(60);
    let cap = Duration::from_millis(150);
    let client = server
        .client_builder()
        .initial_retry_delay(initial)
        .max_retry_delay(cap)
        .max_network_retries(4)
        .build()
        .unwrap();
    client.create_session(&params()).unwrap_err();
    let requests = server.requests();
    assert_eq!(requests.len(), 5);
    let gaps: Vec<Duration> = requests.windows(2).map(|w| w[1].at - w[0].at).collect();
    // Retry n waits max(initial, min(initial * 2^(n-1), cap) * U[0.5, 1]).
    let bounds = [(60, 60), (60, 120), (75, 150), (75, 150)];
    let slack = Duration::from_millis(250);
    for (n, (gap, (low, high))) in gaps.iter().zip(bounds).enumerate() {
        assert!(
            *gap >= Duration::from_millis(low),
            "retry {}: waited {gap:?}, less than {low} ms",
            n + 1
        );
        assert!(
            *gap <= Duration::from_millis(high) + slack,
            "retry {}: waited {gap:?}",
            n + 1
        );
    }
}

#[test]
fn every_logical_request_gets_its_own_key_and_a_callers_key_is_used_as_is() {
    let server = TestServer::always(ok());
    let client = server.client();
    client.create_session(&params()).unwrap();
    client.create_session(&params()).unwrap();
    client
        .create_session_with(&params(), &RequestOptions::new().idempotency_key("mine"))
        .unwrap();
    let keys: Vec<_> = server
        .requests()
        .iter()
        .map(|r| r.header("idempotency-key").unwrap().to_owned())
        .collect();
    assert_ne!(keys[0], keys[1]);
    assert_eq!(keys[2], "mine");
}

#[test]
fn eight_threads_sharing_a_client_through_random_faults_lose_nothing_and_share_no_key() {
    const THREADS: usize = 8;
    const PER_THREAD: usize = 200;
    // A deterministic pseudo-random fifth of the requests fail: half resets, half 503s.
    let seed = AtomicU64::new(0x9e37_79b9_7f4a_7c15);
    let successes: Arc<Mutex<BTreeMap<String, usize>>> = Arc::default();
    let server = TestServer::start({
        let successes = successes.clone();
        move |request, _| {
            let x = seed.fetch_add(0x9e37_79b9_7f4a_7c15, Ordering::SeqCst);
            let x = (x ^ (x >> 31)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            match (x >> 40) % 10 {
                0 => Reply::Reset,
                1 => Reply::stripe_error(503, "api_error", "busy"),
                _ => {
                    let key = request.header("idempotency-key").unwrap_or("").to_owned();
                    *successes.lock().unwrap().entry(key).or_default() += 1;
                    ok()
                }
            }
        }
    });
    let client = server
        .client_builder()
        .max_network_retries(12)
        .initial_retry_delay(Duration::from_millis(1))
        .max_retry_delay(Duration::from_millis(4))
        .build()
        .unwrap();
    std::thread::scope(|scope| {
        for thread in 0..THREADS {
            let client = client.clone();
            scope.spawn(move || {
                for i in 0..PER_THREAD {
                    let params = SessionCreateParams::for_customer(format!("cus_{thread}_{i}"));
                    client
                        .create_session(&params)
                        .expect("every logical request succeeds");
                }
            });
        }
    });

    let requests = server.requests();
    let mut by_customer: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut by_key: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for request in &requests {
        let customer = request.pairs()[0].1.clone();
        let key = request.header("idempotency-key").unwrap().to_owned();
        by_customer
            .entry(customer.clone())
            .or_default()
            .insert(key.clone());
        by_key.entry(key).or_default().insert(customer);
    }
    assert_eq!(
        by_customer.len(),
        THREADS * PER_THREAD,
        "a logical request was lost"
    );
    assert!(
        by_customer.values().all(|keys| keys.len() == 1),
        "a request changed its key between attempts"
    );
    assert!(
        by_key.values().all(|customers| customers.len() == 1),
        "two logical requests shared a key"
    );
    assert!(
        requests.len() > THREADS * PER_THREAD,
        "the server injected no faults"
    );
    let successes = successes.lock().unwrap();
    assert_eq!(successes.len(), THREADS * PER_THREAD);
    assert!(
        successes.values().all(|&n| n == 1),
        "a logical request succeeded more than once"
    );
}
