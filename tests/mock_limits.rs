//! `MockServer` under hostile input and load: one test per attack of issue 11, each asserting
//! the status, a generous time bound where time is the point, and the size of what the server
//! keeps (never RSS). Raw TCP where the attack is in the HTTP itself.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::Value;
use stripe_billing_portal::mock::MockServer;

mod mock_http;
use mock_http::{assert_error, get, post, post_with, start, CONFIGURATIONS, KEY, SESSIONS};

fn connect(server: &MockServer) -> TcpStream {
    let stream = TcpStream::connect(server.url().trim_start_matches("http://")).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream
}

/// Everything the server sends until it closes the connection (or 10 s of silence).
fn read_all(stream: &mut TcpStream) -> String {
    let mut out = Vec::new();
    let mut buffer = [0u8; 16 * 1024];
    loop {
        match stream.read(&mut buffer) {
            Ok(0) | Err(_) => break,
            Ok(n) => out.extend_from_slice(&buffer[..n]),
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Sends `bytes` as they are, then reads to the end.
fn raw(server: &MockServer, bytes: &[u8]) -> String {
    let mut stream = connect(server);
    stream.write_all(bytes).unwrap();
    read_all(&mut stream)
}

fn status_of(answer: &str) -> u16 {
    answer
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {answer:?}"))
}

fn json_of(answer: &str) -> Value {
    let body = answer.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {answer:?}"))
}

/// A distinct key of three letters or digits for each `i` below 238,328.
fn short_key(i: usize) -> String {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    [i % 62, i / 62 % 62, i / 3844 % 62]
        .iter()
        .map(|&d| ALPHABET[d] as char)
        .collect()
}

/// A configuration create body with only the required features.
const FEATURES: &str = "features[invoice_history][enabled]=true";

// ---------------------------------------------------------------------------------------------
// Time: big forms are answered at once, and never hold others up
// ---------------------------------------------------------------------------------------------

#[test]
fn a_form_of_140k_keys_is_refused_at_once_and_delays_no_other_request() {
    let server = start();
    let body: String = (0..140_000)
        .map(|i| format!("{}=v&", short_key(i)))
        .collect();
    assert!(body.len() > 800_000 && body.len() <= 1024 * 1024);
    let started = Instant::now();
    let ((status, other), (big, took)) = thread::scope(|scope| {
        let big = scope.spawn(|| (post(&server, SESSIONS, &body), started.elapsed()));
        thread::sleep(Duration::from_millis(20));
        let other = Instant::now();
        let (status, _) = get(&server, CONFIGURATIONS);
        ((status, other.elapsed()), big.join().unwrap())
    });
    assert_eq!(status, 200);
    assert_error(big, 400, "invalid_request_error", None);
    assert!(took < Duration::from_secs(3), "the 400 took {took:?}");
    assert!(
        other < Duration::from_secs(1),
        "the other GET took {other:?}"
    );
}

#[test]
fn a_form_just_under_the_pair_cap_is_validated_in_linear_time() {
    let server = start();
    // 1,999 distinct keys under one hash: the old scan compared each with all before it.
    let body: String = (0..1_999)
        .map(|i| format!("flow_data[k{i}]=v"))
        .collect::<Vec<_>>()
        .join("&");
    let started = Instant::now();
    let answer = post(&server, SESSIONS, &format!("customer=cus_1&{body}"));
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert_error(answer, 400, "invalid_request_error", Some("flow_data[k0]"));

    let over: String = (0..2_001).map(|i| format!("k{i}=v&")).collect();
    assert_error(
        post(&server, SESSIONS, &over),
        400,
        "invalid_request_error",
        None,
    );
}

// ---------------------------------------------------------------------------------------------
// Metadata: Stripe's limits
// ---------------------------------------------------------------------------------------------

fn metadata(keys: usize, key_chars: usize, value_chars: usize) -> String {
    (0..keys)
        .map(|i| {
            let key = format!("{i:0>width$}", width = key_chars);
            format!("metadata[{key}]={}", "v".repeat(value_chars))
        })
        .collect::<Vec<_>>()
        .join("&")
}

#[test]
fn metadata_takes_50_keys_of_40_characters_with_values_of_500() {
    let server = start();
    let create =
        |metadata: String| post(&server, CONFIGURATIONS, &format!("{FEATURES}&{metadata}"));
    let (status, body) = create(metadata(50, 40, 500));
    assert_eq!(status, 200, "{body:#}");
    assert_eq!(body["metadata"].as_object().unwrap().len(), 50);

    assert_error(
        create(metadata(51, 2, 1)),
        400,
        "invalid_request_error",
        Some("metadata"),
    );
    assert_error(
        create(metadata(1, 41, 1)),
        400,
        "invalid_request_error",
        Some("metadata"),
    );
    let long_value = format!("metadata[{}]", "0".repeat(2));
    assert_error(
        create(metadata(1, 2, 501)),
        400,
        "invalid_request_error",
        Some(long_value.as_str()),
    );
    // 62k keys: refused at once, and nothing stored.
    let started = Instant::now();
    let huge: String = (0..62_000)
        .map(|i| format!("metadata[{}]=v&", short_key(i)))
        .collect();
    assert_error(create(huge), 400, "invalid_request_error", Some("metadata"));
    assert!(started.elapsed() < Duration::from_secs(3));
    let (_, list) = get(&server, &format!("{CONFIGURATIONS}?limit=100"));
    assert_eq!(
        list["data"].as_array().unwrap().len(),
        2,
        "the default and the 50-key one"
    );
}

// ---------------------------------------------------------------------------------------------
// Memory: what is kept is bounded
// ---------------------------------------------------------------------------------------------

#[test]
fn refused_megabyte_bodies_leave_only_bounded_records() {
    let server = start();
    let body = format!("customer={}", "x".repeat(1024 * 1024 - 9));
    for _ in 0..20 {
        let (status, _) = post_with(
            &server,
            SESSIONS,
            &[("Authorization", "Bearer nope")],
            &body,
        );
        assert_eq!(status, 401);
    }
    let requests = server.requests();
    assert_eq!(requests.len(), 20, "recorded like any other request");
    for request in &requests {
        let kept: usize = request.pairs.iter().map(|(k, v)| k.len() + v.len()).sum();
        assert!(kept <= 64 * 1024, "{kept} bytes kept");
        assert!(request.truncated);
    }
    // A small request is kept whole.
    let (status, _) = post(&server, SESSIONS, "customer=cus_1");
    assert_eq!(status, 200);
    let last = server.requests().pop().unwrap();
    assert!(!last.truncated);
    assert_eq!(last.pairs, [("customer".to_owned(), "cus_1".to_owned())]);
}

#[test]
fn the_request_log_keeps_the_most_recent_n_and_can_be_taken() {
    let server = MockServer::builder()
        .request_log_capacity(50)
        .start()
        .unwrap();
    for i in 0..200 {
        let (status, _) = post(&server, SESSIONS, &format!("customer=cus_{i}"));
        assert_eq!(status, 200);
    }
    let requests = server.requests();
    assert_eq!(requests.len(), 50);
    assert_eq!(requests[0].pairs[0].1, "cus_150");
    assert_eq!(requests[49].pairs[0].1, "cus_199");
    assert_eq!(server.take_requests().len(), 50);
    assert!(server.requests().is_empty());
    post(&server, SESSIONS, "customer=cus_x");
    server.clear_requests();
    assert!(server.requests().is_empty());

    let none = MockServer::builder()
        .request_log_capacity(0)
        .start()
        .unwrap();
    let seen = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = seen.clone();
    let hooked = MockServer::builder()
        .request_log_capacity(0)
        .on_request(move |_| {
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        })
        .start()
        .unwrap();
    post(&none, SESSIONS, "customer=cus_1");
    post(&hooked, SESSIONS, "customer=cus_1");
    assert!(none.requests().is_empty());
    assert!(hooked.requests().is_empty());
    assert_eq!(seen.load(std::sync::atomic::Ordering::SeqCst), 1);
}

#[test]
fn the_idempotency_store_keeps_the_most_recent_keys_only() {
    let server = MockServer::builder()
        .idempotency_capacity(3)
        .start()
        .unwrap();
    let with_key = |key: &str, customer: &str| {
        post_with(
            &server,
            SESSIONS,
            &[("Idempotency-Key", key)],
            &format!("customer={customer}"),
        )
    };
    for key in ["k1", "k2", "k3", "k4"] {
        assert_eq!(with_key(key, "cus_1").0, 200);
    }
    // k1 was forgotten to keep three keys: other params are a new request.
    assert_eq!(with_key("k1", "cus_2").0, 200);
    // k4 is remembered.
    assert_error(with_key("k4", "cus_2"), 400, "idempotency_error", None);
}

#[test]
fn a_list_page_costs_its_page_not_the_store() {
    let server = start();
    thread::scope(|scope| {
        for _ in 0..4 {
            scope.spawn(|| {
                for _ in 0..400 {
                    assert_eq!(post(&server, CONFIGURATIONS, FEATURES).0, 200);
                }
            });
        }
    });
    let started = Instant::now();
    let mut last = Value::Null;
    for _ in 0..50 {
        let (status, page) = get(&server, &format!("{CONFIGURATIONS}?limit=1"));
        assert_eq!(status, 200);
        assert_eq!(page["data"].as_array().unwrap().len(), 1);
        assert_eq!(page["has_more"], true);
        last = page;
    }
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    // The oldest, by a cursor next to it: found by id, not by a scan of 1,601.
    let newest = last["data"][0]["id"].as_str().unwrap().to_owned();
    let (status, page) = get(
        &server,
        &format!("{CONFIGURATIONS}?limit=1&ending_before={newest}"),
    );
    assert_eq!(status, 200);
    assert_eq!(page["data"].as_array().unwrap().len(), 0);
    assert_eq!(page["has_more"], false);
}

#[test]
fn configurations_are_capped() {
    let server = MockServer::builder().max_configurations(3).start().unwrap();
    assert_eq!(post(&server, CONFIGURATIONS, FEATURES).0, 200);
    assert_eq!(post(&server, CONFIGURATIONS, FEATURES).0, 200);
    assert_error(
        post(&server, CONFIGURATIONS, FEATURES),
        400,
        "invalid_request_error",
        None,
    );
}

// ---------------------------------------------------------------------------------------------
// Secrets
// ---------------------------------------------------------------------------------------------

#[test]
fn a_key_sent_without_a_scheme_or_with_a_colon_is_never_quoted() {
    let server = start();
    for header in [
        "sk_test_SUPERSECRETvalue1234",
        "sk_live_SUPERSECRETvalue1234",
        "Bearer:sk_live_SUPERSECRETvalue1234",
        "Token sk_live_SUPERSECRETvalue1234",
        "Bearer sk_live_SUPERSECRETvalue1234",
        "Bearer sk_test_SUPERSECRET-value1234",
    ] {
        let mut stream = connect(&server);
        write!(
            stream,
            "POST {SESSIONS} HTTP/1.1\r\nHost: x\r\nAuthorization: {header}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 14\r\nConnection: close\r\n\r\ncustomer=cus_1"
        )
        .unwrap();
        let answer = read_all(&mut stream);
        assert_eq!(status_of(&answer), 401, "{answer}");
        assert!(!answer.contains("SUPERSECRET"), "{answer}");
    }
    let shown = format!("{:?}", server.requests());
    assert!(!shown.contains("SUPERSECRET"), "{shown}");
    assert!(
        shown.contains("1234"),
        "the last four characters are shown: {shown}"
    );
}

// ---------------------------------------------------------------------------------------------
// HTTP
// ---------------------------------------------------------------------------------------------

#[test]
fn two_content_lengths_are_a_400_that_closes() {
    let server = start();
    let smuggled = format!("GET {CONFIGURATIONS} HTTP/1.1\r\nAuthorization: Bearer {KEY}\r\n\r\n");
    for lengths in [
        format!(
            "Content-Length: 14\r\nContent-Length: {}",
            14 + smuggled.len()
        ),
        "Content-Length: 14\r\nContent-Length: 14".to_owned(),
        "Content-Length: 14, 14".to_owned(),
        "Content-Length: +14".to_owned(),
    ] {
        let answer = raw(
            &server,
            format!(
                "POST {SESSIONS} HTTP/1.1\r\nAuthorization: Bearer {KEY}\r\nContent-Type: application/x-www-form-urlencoded\r\n{lengths}\r\n\r\ncustomer=cus_1{smuggled}"
            )
            .as_bytes(),
        );
        assert_eq!(status_of(&answer), 400, "{answer}");
        assert!(answer.contains("Connection: close"), "{answer}");
        assert_eq!(
            answer.matches("HTTP/1.1 ").count(),
            1,
            "one answer only: {answer}"
        );
    }
    assert!(server.requests().is_empty(), "neither request was run");
}

#[test]
fn a_cr_or_nul_in_a_header_value_is_a_400_never_reflected() {
    let server = start();
    for (name, value) in [
        ("Stripe-Version", "2026-10-28.endive\rInjected: yes"),
        ("Stripe-Version", "2026\0Injected"),
        ("Idempotency-Key", "key\rInjected: yes"),
        ("Idempotency-Key", "key\0Injected"),
        ("X-Anything", "a\u{1}Injected"),
    ] {
        let answer = raw(
            &server,
            format!(
                "POST {SESSIONS} HTTP/1.1\r\nAuthorization: Bearer {KEY}\r\n{name}: {value}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 14\r\n\r\ncustomer=cus_1"
            )
            .as_bytes(),
        );
        assert_eq!(status_of(&answer), 400, "{answer:?}");
        assert!(!answer.contains("Injected"), "{answer:?}");
        assert_eq!(json_of(&answer)["error"]["type"], "invalid_request_error");
    }
}

#[test]
fn the_client_reads_the_413_for_a_2_mib_body() {
    let server = start();
    let body = vec![b'a'; 2 * 1024 * 1024];
    let mut stream = connect(&server);
    write!(
        stream,
        "POST {SESSIONS} HTTP/1.1\r\nAuthorization: Bearer {KEY}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .unwrap();
    // The whole body is sent, as a client does before it reads: the server must not reset.
    stream.write_all(&body).unwrap();
    let answer = read_all(&mut stream);
    assert_eq!(status_of(&answer), 413, "{answer}");
    assert_eq!(json_of(&answer)["error"]["type"], "invalid_request_error");

    // Through a real client as well.
    let (status, _) = post(&server, SESSIONS, &"a".repeat(2 * 1024 * 1024));
    assert_eq!(status, 413);
}

#[test]
fn a_client_that_pipelines_and_never_reads_is_cut_off_by_the_write_timeout() {
    let server = MockServer::builder()
        .max_connections(1)
        .write_timeout(Duration::from_millis(300))
        .start()
        .unwrap();
    let stuck = connect(&server);
    let request =
        format!("GET {CONFIGURATIONS}?limit=100 HTTP/1.1\r\nAuthorization: Bearer {KEY}\r\n\r\n");
    let pipelined = request.repeat(20_000);
    let writer = {
        let mut stuck = stuck.try_clone().unwrap();
        thread::spawn(move || {
            let _ = stuck.write_all(pipelined.as_bytes());
        })
    };
    // The stuck connection holds the only place until its write times out.
    let started = Instant::now();
    let served = loop {
        let (status, _) = get(&server, CONFIGURATIONS);
        if status == 200 {
            break started.elapsed();
        }
        assert_eq!(status, 503);
        assert!(started.elapsed() < Duration::from_secs(10), "never served");
        thread::sleep(Duration::from_millis(50));
    };
    assert!(served < Duration::from_secs(10), "{served:?}");
    let _ = stuck.shutdown(Shutdown::Both);
    writer.join().unwrap();
}

#[test]
fn connections_beyond_the_cap_get_a_stripe_shaped_503() {
    let server = MockServer::builder().max_connections(2).start().unwrap();
    let mut held: Vec<TcpStream> = (0..2).map(|_| connect(&server)).collect();
    for stream in &mut held {
        stream.write_all(b"GET / HTTP/1.1\r\n").unwrap();
    }
    thread::sleep(Duration::from_millis(100));
    let answer = raw(
        &server,
        format!("GET {CONFIGURATIONS} HTTP/1.1\r\nAuthorization: Bearer {KEY}\r\n\r\n").as_bytes(),
    );
    assert_eq!(status_of(&answer), 503, "{answer}");
    let body = json_of(&answer);
    assert_eq!(body["error"]["type"], "api_error", "{body:#}");
    assert!(answer.contains("Stripe-Should-Retry: true"), "{answer}");
    drop(held);
    // The places come back when the connections close.
    let started = Instant::now();
    while get(&server, CONFIGURATIONS).0 != 200 {
        assert!(started.elapsed() < Duration::from_secs(5));
        thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_head_that_trickles_in_is_cut_off_at_the_head_deadline() {
    let server = MockServer::builder()
        .head_timeout(Duration::from_millis(300))
        .start()
        .unwrap();
    assert_cut_off_with_408(&server, b"GET / HTTP/1.1\r\n");
}

/// Sends `head`, then one byte every 50 ms (never silent for long, never done): the server
/// must answer 408 and close well before the bytes run out.
#[track_caller]
fn assert_cut_off_with_408(server: &MockServer, head: &[u8]) {
    let mut stream = connect(server);
    stream.write_all(head).unwrap();
    let started = Instant::now();
    let mut dripping = stream.try_clone().unwrap();
    let dripper = thread::spawn(move || {
        for _ in 0..100 {
            if dripping.write_all(b"a").is_err() {
                return;
            }
            thread::sleep(Duration::from_millis(50));
        }
    });
    let answer = read_all(&mut stream);
    let took = started.elapsed();
    assert_eq!(status_of(&answer), 408, "{answer}");
    assert!(took < Duration::from_secs(3), "{took:?}");
    dripper.join().unwrap();
}

// ---------------------------------------------------------------------------------------------
// Idempotency keys: Stripe's length and scope
// ---------------------------------------------------------------------------------------------

#[test]
fn an_idempotency_key_is_at_most_255_characters() {
    let server = start();
    let key = |n: usize| "k".repeat(n);
    let at_most = key(255);
    assert_eq!(
        post_with(
            &server,
            SESSIONS,
            &[("Idempotency-Key", &at_most)],
            "customer=cus_1"
        )
        .0,
        200
    );
    for n in [256, 60_000] {
        let long = key(n);
        assert_error(
            post_with(
                &server,
                SESSIONS,
                &[("Idempotency-Key", &long)],
                "customer=cus_1",
            ),
            400,
            "idempotency_error",
            None,
        );
    }
}

#[test]
fn an_idempotency_key_belongs_to_one_secret_key() {
    let server = start();
    let mine = post_with(
        &server,
        SESSIONS,
        &[("Idempotency-Key", "shared")],
        "customer=cus_1",
    )
    .1;
    let again = post_with(
        &server,
        SESSIONS,
        &[("Idempotency-Key", "shared")],
        "customer=cus_1",
    )
    .1;
    assert_eq!(mine["id"], again["id"], "replayed for the same key");
    let theirs = post_with(
        &server,
        SESSIONS,
        &[
            ("Idempotency-Key", "shared"),
            ("Authorization", "Bearer sk_test_other"),
        ],
        "customer=cus_1",
    );
    assert_eq!(theirs.0, 200);
    assert_ne!(
        mine["id"], theirs.1["id"],
        "another caller's answer is not replayed"
    );
}

#[test]
fn an_idempotency_key_is_tied_to_the_endpoint_it_was_first_used_at() {
    let server = start();
    let key = [("Idempotency-Key", "one-key")];
    assert_eq!(post_with(&server, CONFIGURATIONS, &key, FEATURES).0, 200);
    assert_error(
        post_with(&server, SESSIONS, &key, "customer=cus_1"),
        400,
        "idempotency_error",
        None,
    );
}

// ---------------------------------------------------------------------------------------------
// Stripe's rules
// ---------------------------------------------------------------------------------------------

const CONFIRM: &str = "customer=cus_1&flow_data[type]=subscription_update_confirm&flow_data[subscription_update_confirm][subscription]=sub_1&flow_data[subscription_update_confirm][items][0][id]=si_1";

#[test]
fn the_confirm_flow_takes_one_item_and_one_discount() {
    let server = start();
    let p = "flow_data[subscription_update_confirm]";
    let (status, body) = post(
        &server,
        SESSIONS,
        &format!("{CONFIRM}&{p}[discounts][0][coupon]=c1"),
    );
    assert_eq!(status, 200, "{body:#}");
    assert_error(
        post(
            &server,
            SESSIONS,
            &format!("{CONFIRM}&{p}[items][1][id]=si_2"),
        ),
        400,
        "invalid_request_error",
        Some(&format!("{p}[items]")),
    );
    assert_error(
        post(
            &server,
            SESSIONS,
            &format!("{CONFIRM}&{p}[discounts][0][coupon]=c1&{p}[discounts][1][coupon]=c2"),
        ),
        400,
        "invalid_request_error",
        Some(&format!("{p}[discounts]")),
    );
    assert_error(
        post(
            &server,
            SESSIONS,
            &format!(
                "{CONFIRM}&{p}[discounts][0][coupon]=c1&{p}[discounts][0][promotion_code]=pc1"
            ),
        ),
        400,
        "invalid_request_error",
        Some(&format!("{p}[discounts][0][promotion_code]")),
    );
}

#[test]
fn expand_takes_the_spec_expandable_fields_at_every_depth() {
    let server = start();
    for path in [
        "flow",
        "configuration.features",
        "flow.subscription_cancel.retention",
        "after_expiration",
    ] {
        let (status, body) = post(
            &server,
            SESSIONS,
            &format!("customer=cus_1&expand[]={path}"),
        );
        assert_eq!(status, 200, "{path}: {body:#}");
    }
    let (_, body) = post(
        &server,
        SESSIONS,
        "customer=cus_1&expand[]=configuration.features",
    );
    assert_eq!(
        body["configuration"]["object"], "billing_portal.configuration",
        "expanding through configuration expands it"
    );
    for path in [
        "customer",
        "flow.nope",
        "configuration.features.subscription_cancel.cancellation_reason.feedback_options",
    ] {
        assert_error(
            post(
                &server,
                SESSIONS,
                &format!("customer=cus_1&expand[]={path}"),
            ),
            400,
            "invalid_request_error",
            Some("expand[0]"),
        );
    }
    let (status, _) = get(
        &server,
        &format!("{CONFIGURATIONS}?expand[]=data.features.subscription_pause.duration"),
    );
    assert_eq!(status, 200);
}

#[test]
fn a_missing_object_named_by_a_param_is_a_400_naming_it() {
    let server = start();
    for (path, param) in [
        (
            format!("{CONFIGURATIONS}?starting_after=bpc_missing"),
            "starting_after",
        ),
        (
            format!("{CONFIGURATIONS}?ending_before=bpc_missing"),
            "ending_before",
        ),
    ] {
        let (status, body) = get(&server, &path);
        assert_eq!(body["error"]["code"], "resource_missing");
        assert_error((status, body), 400, "invalid_request_error", Some(param));
    }
    let (status, body) = post(
        &server,
        SESSIONS,
        "customer=cus_1&configuration=bpc_missing",
    );
    assert_eq!(body["error"]["code"], "resource_missing");
    assert_error(
        (status, body),
        400,
        "invalid_request_error",
        Some("configuration"),
    );
    // The resource of the path is a 404.
    let (status, _) = get(&server, &format!("{CONFIGURATIONS}/bpc_missing"));
    assert_eq!(status, 404);
}

#[test]
fn a_session_for_a_customer_account_has_a_customer_string() {
    let server = start();
    let (status, first) = post(&server, SESSIONS, "customer_account=acct_1");
    assert_eq!(status, 200, "{first:#}");
    let customer = first["customer"].as_str().expect("a string, never null");
    assert!(customer.starts_with("cus_"), "{customer}");
    assert_eq!(first["customer_account"], "acct_1");
    let (_, again) = post(&server, SESSIONS, "customer_account=acct_1");
    assert_eq!(
        again["customer"], customer,
        "the same account, the same customer"
    );
    let (_, other) = post(&server, SESSIONS, "customer_account=acct_2");
    assert_ne!(other["customer"], customer);
}

#[test]
fn configuration_rules_of_the_spec_are_enforced() {
    let server = start();
    let cancel = "features[subscription_cancel]";
    let pause = "features[subscription_pause][duration]";
    let refused = |body: String, param: &str| {
        assert_error(
            post(&server, CONFIGURATIONS, &format!("{FEATURES}&{body}")),
            400,
            "invalid_request_error",
            Some(param),
        );
    };
    refused(
        format!("{cancel}[enabled]=true&{cancel}[proration_behavior]=always_invoice"),
        &format!("{cancel}[proration_behavior]"),
    );
    refused(
        format!("{cancel}[enabled]=true&{cancel}[mode]=at_period_end&{cancel}[proration_behavior]=create_prorations"),
        &format!("{cancel}[proration_behavior]"),
    );
    let products: String = (0..11)
        .map(|i| format!("&features[subscription_update][products][{i}][product]=prod_{i}&features[subscription_update][products][{i}][prices][0]=price_{i}"))
        .collect();
    refused(
        format!("features[subscription_update][enabled]=true{products}"),
        "features[subscription_update][products]",
    );
    for (interval, count) in [
        ("month", 37),
        ("year", 4),
        ("week", 157),
        ("day", 1096),
        ("month", 0),
    ] {
        refused(
            format!("{pause}[type]=interval_options&{pause}[interval_options][0][interval]={interval}&{pause}[interval_options][0][interval_count]={count}"),
            &format!("{pause}[interval_options][0][interval_count]"),
        );
    }
    refused(
        format!("{pause}[type]=interval_options"),
        &format!("{pause}[interval_options]"),
    );

    // What the rules allow.
    let (status, created) = post(
        &server,
        CONFIGURATIONS,
        &format!("{FEATURES}&{cancel}[enabled]=true&{cancel}[mode]=immediately&{cancel}[proration_behavior]=create_prorations&{pause}[type]=interval_options&{pause}[interval_options][0][interval]=month&{pause}[interval_options][0][interval_count]=36"),
    );
    assert_eq!(status, 200, "{created:#}");
    // Back to `at_period_end` with prorations kept: refused, naming the mode.
    let id = created["id"].as_str().unwrap();
    assert_error(
        post(
            &server,
            &format!("{CONFIGURATIONS}/{id}"),
            &format!("{cancel}[mode]=at_period_end"),
        ),
        400,
        "invalid_request_error",
        Some(&format!("{cancel}[mode]")),
    );
    let (_, kept) = get(&server, &format!("{CONFIGURATIONS}/{id}"));
    assert_eq!(
        kept["features"]["subscription_cancel"]["mode"], "immediately",
        "a refused update changes nothing"
    );
}

#[test]
fn an_updated_pause_duration_replaces_the_old_one_whole() {
    let server = start();
    let pause = "features[subscription_pause][duration]";
    let (status, created) = post(
        &server,
        CONFIGURATIONS,
        &format!("{FEATURES}&{pause}[type]=interval_options&{pause}[interval_options][0][interval]=week&{pause}[interval_options][0][interval_count]=2"),
    );
    assert_eq!(status, 200, "{created:#}");
    let id = created["id"].as_str().unwrap();
    let (status, updated) = post(
        &server,
        &format!("{CONFIGURATIONS}/{id}"),
        &format!("{pause}[type]=indefinite"),
    );
    assert_eq!(status, 200, "{updated:#}");
    let duration = &updated["features"]["subscription_pause"]["duration"];
    assert_eq!(duration["type"], "indefinite");
    assert_eq!(
        duration["interval_options"],
        serde_json::json!([]),
        "{duration:#}"
    );
}

#[test]
fn concurrent_requests_with_one_key_run_once() {
    let server = start();
    let answers: Vec<(u16, Value)> = thread::scope(|scope| {
        let racers: Vec<_> = (0..8)
            .map(|_| {
                scope.spawn(|| {
                    post_with(
                        &server,
                        SESSIONS,
                        &[("Idempotency-Key", "raced")],
                        "customer=cus_1",
                    )
                })
            })
            .collect();
        racers.into_iter().map(|t| t.join().unwrap()).collect()
    });
    let mut ids: Vec<&str> = answers
        .iter()
        .filter(|(status, _)| *status == 200)
        .map(|(_, body)| body["id"].as_str().unwrap())
        .collect();
    ids.dedup();
    assert_eq!(ids.len(), 1, "one session for one key: {answers:?}");
    for (status, body) in &answers {
        if *status != 200 {
            assert_eq!(*status, 409, "{body:#}");
            assert_eq!(body["error"]["type"], "idempotency_error");
        }
    }
}

#[test]
fn a_body_that_trickles_in_is_cut_off_at_its_deadline() {
    let server = MockServer::builder()
        .body_timeout(Duration::from_millis(300))
        .start()
        .unwrap();
    let head = format!(
        "POST {SESSIONS} HTTP/1.1\r\nAuthorization: Bearer {KEY}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\n"
    );
    assert_cut_off_with_408(&server, head.as_bytes());
}

#[test]
fn timeouts_too_long_to_count_mean_no_limit() {
    let server = MockServer::builder()
        .head_timeout(Duration::MAX)
        .body_timeout(Duration::MAX)
        .write_timeout(Duration::MAX)
        .idle_timeout(Duration::MAX)
        .start()
        .unwrap();
    let (status, body) = post(&server, SESSIONS, "customer=cus_1");
    assert_eq!(status, 200, "{body:#}");
}

#[test]
fn a_delay_too_long_to_count_holds_the_answer_without_closing() {
    let server = start();
    server.delay_next(Duration::MAX);
    let mut stream = connect(&server);
    stream
        .set_read_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    write!(
        stream,
        "GET {CONFIGURATIONS} HTTP/1.1\r\nAuthorization: Bearer {KEY}\r\n\r\n"
    )
    .unwrap();
    let mut byte = [0u8; 1];
    let waiting = stream.read(&mut byte).map_err(|e| e.kind());
    assert!(
        matches!(
            waiting,
            Err(std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut)
        ),
        "still delayed, not closed: {waiting:?}"
    );
    // Other connections are served meanwhile.
    assert_eq!(get(&server, CONFIGURATIONS).0, 200);
}

#[test]
fn failing_the_next_usize_max_requests_fails_every_one_from_now_on() {
    let server = start();
    server.fail_next(usize::MAX, 503);
    for _ in 0..3 {
        assert_error(get(&server, CONFIGURATIONS), 503, "api_error", None);
    }
    // Faults still come in the order they were asked for.
    let other = start();
    other.fail_next(2, 500);
    other.fail_next_with_should_retry(1, 409, false);
    let statuses: Vec<u16> = (0..4).map(|_| get(&other, CONFIGURATIONS).0).collect();
    assert_eq!(statuses, [500, 500, 409, 200]);
}
