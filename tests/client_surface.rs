//! The surface every official Stripe library has: raw requests, `Stripe-Context` and a
//! client-wide account, metadata from every call, error classes, logs and the attempt hook.
//! Against servers on 127.0.0.1, asserting what went over the wire.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::ThreadId;
use std::time::Duration;

use common::{refused_url, session_json, Recorded, Reply, TestServer};
use serde_json::{json, Value};
use stripe_billing_portal::mock::MockServer;
use stripe_billing_portal::*;

fn ok() -> Reply {
    Reply::json(200, session_json(Value::Null))
}

// ---------------------------------------------------------------------------------------------
// Raw requests
// ---------------------------------------------------------------------------------------------

#[test]
fn a_raw_get_sends_its_params_as_the_query_and_no_idempotency_key() {
    let server = TestServer::always(Reply::json(200, r#"{"id": "cus_1", "object": "customer"}"#));
    let response = server
        .client()
        .raw_request(
            "get",
            "/v1/customers/cus_1",
            &json!({"expand": ["subscriptions"]}),
            &RequestOptions::new(),
        )
        .unwrap();
    assert_eq!(response.data["id"], "cus_1");
    assert_eq!(response.idempotency_key, None);
    let request = server.single();
    assert_eq!(request.method, "GET");
    assert_eq!(request.path, "/v1/customers/cus_1");
    assert_eq!(
        request.query.as_deref(),
        Some("expand%5B0%5D=subscriptions")
    );
    assert_eq!(request.body, "");
    assert_eq!(request.header("idempotency-key"), None);
    assert_eq!(request.header("authorization"), Some("Bearer sk_test_123"));
}

#[test]
fn a_raw_post_sends_a_body_and_a_delete_a_query_each_with_one_key_over_retries() {
    for (method, in_body) in [("POST", true), ("DELETE", false)] {
        let server =
            TestServer::sequence(vec![Reply::stripe_error(503, "api_error", "busy"), ok()]);
        let response = server
            .client()
            .raw_request(
                method,
                "/v1/things/x_1",
                &json!({"a": {"b": 1}}),
                &RequestOptions::new(),
            )
            .unwrap();
        assert_eq!(response.attempts, 2, "{method}");
        let requests = server.requests();
        assert_eq!(requests.len(), 2);
        let keys: Vec<&str> = requests
            .iter()
            .map(|r| r.header("idempotency-key").expect("a key"))
            .collect();
        assert_eq!(keys[0], keys[1], "{method}: one key for both attempts");
        assert_eq!(response.idempotency_key.as_deref(), Some(keys[0]));
        for request in &requests {
            assert_eq!(request.method, method);
            let (body, query) = (request.body.as_str(), request.query.as_deref());
            match in_body {
                true => assert_eq!((body, query), ("a%5Bb%5D=1", None)),
                false => assert_eq!((body, query), ("", Some("a%5Bb%5D=1"))),
            }
        }
    }
}

#[test]
fn a_raw_request_maps_errors_as_every_call_does() {
    let server = TestServer::always(Reply::json(
        404,
        r#"{"error": {"type": "invalid_request_error", "code": "resource_missing", "param": "id", "message": "No such customer"}}"#,
    ));
    let error = server
        .client()
        .raw_request("GET", "/v1/customers/cus_x", &(), &RequestOptions::new())
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Api);
    assert_eq!(error.class(), Some(ErrorClass::InvalidRequest));
    assert_eq!(error.code(), Some("resource_missing"));
    assert_eq!(error.param(), Some("id"));
    assert_eq!(error.status(), Some(404));
    assert_eq!(error.request_id(), Some("req_test"));
}

#[test]
fn raw_paths_and_methods_that_cannot_be_right_are_refused_before_sending() {
    let server = TestServer::always(ok());
    let client = server.client();
    let bad_paths = [
        "v1/customers",
        "/customers",
        "/v2/core/accounts",
        "/v1/customers?limit=1",
        "/v1/customers#x",
        "/v1/../v2/x",
        "/v1/customers/./x",
        "/v1/%2e%2E/v2/x",
        "/v1/customers/cus 1",
        "/v1/customers/cus\r\nX-Injected: 1",
        "/v1/customers/caf\u{e9}",
        "https://api.stripe.com/v1/customers",
    ];
    for path in bad_paths {
        let error = client
            .raw_request("GET", path, &(), &RequestOptions::new())
            .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidInput, "{path:?}: {error}");
        assert_eq!(error.attempts(), 0);
    }
    for method in ["PUT", "PATCH", "", "GET "] {
        let error = client
            .raw_request(method, "/v1/customers", &(), &RequestOptions::new())
            .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidInput, "{method:?}");
    }
    assert!(server.requests().is_empty());
    // A path with ids, dashes and percent-escapes is fine.
    client
        .raw_request(
            "GET",
            "/v1/customers/cus_1-a%2Fb",
            &(),
            &RequestOptions::new(),
        )
        .unwrap();
}

// ---------------------------------------------------------------------------------------------
// Stripe-Context and Stripe-Account
// ---------------------------------------------------------------------------------------------

#[test]
fn context_and_account_come_from_the_client_unless_the_request_says_otherwise() {
    let server = TestServer::always(ok());
    let client = server
        .client_builder()
        .stripe_account("acct_client")
        .stripe_context("ctx_client")
        .build()
        .unwrap();
    let params = SessionCreateParams::for_customer("cus_1");
    client.create_session(&params).unwrap();
    let options = RequestOptions::new()
        .stripe_account("acct_request")
        .stripe_context("ctx_request");
    client.create_session_with(&params, &options).unwrap();
    server.client().create_session(&params).unwrap();
    let headers = |r: &Recorded| {
        (
            r.header("stripe-account").map(str::to_owned),
            r.header("stripe-context").map(str::to_owned),
        )
    };
    let seen: Vec<_> = server.requests().iter().map(headers).collect();
    let some = |a: &str, c: &str| (Some(a.to_owned()), Some(c.to_owned()));
    assert_eq!(
        seen,
        [
            some("acct_client", "ctx_client"),
            some("acct_request", "ctx_request"),
            (None, None)
        ]
    );
}

#[test]
fn a_context_or_account_that_cannot_be_a_header_is_refused() {
    for bad in ["", "ctx\r\nX: 1", "ctx\0"] {
        let error = Client::builder("sk_test_123")
            .stripe_context(bad)
            .build()
            .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidInput, "{bad:?}");
        let error = Client::builder("sk_test_123")
            .stripe_account(bad)
            .build()
            .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidInput, "{bad:?}");
    }
    let server = TestServer::always(ok());
    let error = server
        .client()
        .create_session_with(
            &SessionCreateParams::for_customer("cus_1"),
            &RequestOptions::new().stripe_context("a\nb"),
        )
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidInput);
    assert!(error.to_string().contains("Stripe-Context"), "{error}");
    assert!(server.requests().is_empty());
}

// ---------------------------------------------------------------------------------------------
// Metadata from every call
// ---------------------------------------------------------------------------------------------

#[test]
fn every_call_returns_its_metadata_through_its_with_form() {
    let server = MockServer::start().unwrap();
    let client = Client::builder("sk_test_123")
        .base_url(server.url())
        .build()
        .unwrap();
    let options = RequestOptions::new();
    let check = |what: &str,
                 status: u16,
                 request_id: &Option<String>,
                 attempts: u32,
                 key: &Option<String>,
                 post: bool| {
        assert_eq!(status, 200, "{what}");
        assert!(
            request_id
                .as_deref()
                .is_some_and(|id| id.starts_with("req_")),
            "{what}: {request_id:?}"
        );
        assert_eq!(attempts, 1, "{what}");
        assert_eq!(key.is_some(), post, "{what}: {key:?}");
    };
    let features = FeaturesParams::new().invoice_history(InvoiceHistoryParams::new(true));
    let created = client
        .create_configuration_with(&ConfigurationCreateParams::new(features), &options)
        .unwrap();
    check(
        "create_configuration",
        created.status,
        &created.request_id,
        created.attempts,
        &created.idempotency_key,
        true,
    );
    let id = created.data.id.clone();
    let r = client
        .retrieve_configuration_with(&id, &ConfigurationRetrieveParams::new(), &options)
        .unwrap();
    check(
        "retrieve_configuration",
        r.status,
        &r.request_id,
        r.attempts,
        &r.idempotency_key,
        false,
    );
    assert_eq!(r.data.id, id);
    let r = client
        .update_configuration_with(&id, &ConfigurationUpdateParams::new().name("n"), &options)
        .unwrap();
    check(
        "update_configuration",
        r.status,
        &r.request_id,
        r.attempts,
        &r.idempotency_key,
        true,
    );
    let r = client
        .list_configurations_with(&ConfigurationListParams::new(), &options)
        .unwrap();
    check(
        "list_configurations",
        r.status,
        &r.request_id,
        r.attempts,
        &r.idempotency_key,
        false,
    );
    assert!(r.data.data.iter().any(|c| c.id == id));
    let r = client
        .create_session_with(&SessionCreateParams::for_customer("cus_1"), &options)
        .unwrap();
    check(
        "create_session",
        r.status,
        &r.request_id,
        r.attempts,
        &r.idempotency_key,
        true,
    );
    let r = client
        .raw_request(
            "GET",
            &format!("/v1/billing_portal/configurations/{id}"),
            &(),
            &options,
        )
        .unwrap();
    check(
        "raw_request",
        r.status,
        &r.request_id,
        r.attempts,
        &r.idempotency_key,
        false,
    );
    assert_eq!(r.data["id"], id.as_str());
    // A given key comes back as given.
    let r = client
        .create_session_with(
            &SessionCreateParams::for_customer("cus_1"),
            &RequestOptions::new().idempotency_key("my-key-1"),
        )
        .unwrap();
    assert_eq!(r.idempotency_key.as_deref(), Some("my-key-1"));
}

// ---------------------------------------------------------------------------------------------
// Error classes
// ---------------------------------------------------------------------------------------------

#[test]
fn errors_are_classed_as_stripes_libraries_class_them() {
    let cases = [
        (429, "invalid_request_error", None, ErrorClass::RateLimit),
        (
            400,
            "invalid_request_error",
            Some("rate_limit"),
            ErrorClass::RateLimit,
        ),
        (
            401,
            "invalid_request_error",
            None,
            ErrorClass::Authentication,
        ),
        (402, "card_error", Some("card_declined"), ErrorClass::Card),
        (403, "invalid_request_error", None, ErrorClass::Permission),
        (400, "idempotency_error", None, ErrorClass::Idempotency),
        (409, "idempotency_error", None, ErrorClass::Idempotency),
        (
            400,
            "invalid_request_error",
            Some("parameter_missing"),
            ErrorClass::InvalidRequest,
        ),
        (
            404,
            "invalid_request_error",
            Some("resource_missing"),
            ErrorClass::InvalidRequest,
        ),
        (409, "api_error", None, ErrorClass::Api),
        (500, "api_error", None, ErrorClass::Api),
    ];
    for (status, kind, code, class) in cases {
        let body =
            json!({"error": {"type": kind, "code": code, "param": "customer", "message": "m"}});
        let server = TestServer::always(Reply::json(status, body.to_string()));
        let client = server
            .client_builder()
            .max_network_retries(0)
            .build()
            .unwrap();
        let error = client
            .create_session(&SessionCreateParams::for_customer("cus_1"))
            .unwrap_err();
        assert_eq!(error.class(), Some(class), "{status} {kind} {code:?}");
        assert_eq!(error.param(), Some("customer"));
        assert_eq!(error.code(), code);
    }
    // No error object, no class.
    let error = Client::builder("sk_test_123")
        .base_url(refused_url())
        .max_network_retries(0)
        .build()
        .unwrap()
        .create_session(&SessionCreateParams::for_customer("cus_1"))
        .unwrap_err();
    assert_eq!(
        (error.kind(), error.class(), error.param()),
        (ErrorKind::Connection, None, None)
    );
}

// ---------------------------------------------------------------------------------------------
// Logs and the attempt hook
// ---------------------------------------------------------------------------------------------

/// Records every log record with the thread that made it, so that each test reads its own.
struct TestLogger(Mutex<Vec<(ThreadId, log::Level, String, String)>>);

impl log::Log for TestLogger {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        true
    }
    fn log(&self, record: &log::Record<'_>) {
        let line = (
            std::thread::current().id(),
            record.level(),
            record.target().to_owned(),
            record.args().to_string(),
        );
        self.0.lock().unwrap().push(line);
    }
    fn flush(&self) {}
}

/// This thread's records of the crate's target, from the first call on.
fn crate_records() -> Vec<(log::Level, String)> {
    static LOGGER: OnceLock<&'static TestLogger> = OnceLock::new();
    let logger = LOGGER.get_or_init(|| {
        let logger = Box::leak(Box::new(TestLogger(Mutex::default())));
        log::set_logger(logger).unwrap();
        log::set_max_level(log::LevelFilter::Trace);
        logger
    });
    let me = std::thread::current().id();
    logger
        .0
        .lock()
        .unwrap()
        .iter()
        .filter(|(thread, _, target, _)| {
            *thread == me && target.starts_with("stripe_billing_portal")
        })
        .map(|(_, level, _, message)| (*level, message.clone()))
        .collect()
}

#[test]
fn each_attempt_is_logged_with_its_facts_and_never_a_secret_header_or_param_value() {
    crate_records(); // installs the logger
    let secret = "sk_test_51TopSecretKeyValue";
    let server = TestServer::sequence(vec![
        Reply::stripe_error(503, "api_error", "busy").with_header("Retry-After", "0"),
        ok(),
    ]);
    let client = Client::builder(secret)
        .base_url(server.url())
        .initial_retry_delay(Duration::from_millis(10))
        .max_retry_delay(Duration::from_millis(10))
        .stripe_context("ctx_hidden_value")
        .build()
        .unwrap();
    let options = RequestOptions::new()
        .idempotency_key("idem-hidden-value")
        .stripe_account("acct_hidden_value");
    let params = SessionCreateParams::for_customer("cus_hidden_value")
        .return_url("https://hidden.example/value");
    client.create_session_with(&params, &options).unwrap();

    let records = crate_records();
    let debug: Vec<&String> = records
        .iter()
        .filter(|(level, _)| *level == log::Level::Debug)
        .map(|(_, message)| message)
        .collect();
    assert_eq!(debug.len(), 2, "{records:#?}");
    let first = debug[0];
    assert!(
        first.starts_with("POST /v1/billing_portal/sessions attempt 1: HTTP 503"),
        "{first}"
    );
    assert!(first.contains("request id req_test"), "{first}");
    assert!(first.contains(" ms; retrying in "), "{first}");
    let second = debug[1];
    assert!(
        second.starts_with("POST /v1/billing_portal/sessions attempt 2: HTTP 200"),
        "{second}"
    );
    assert!(second.ends_with("not retried"), "{second}");
    // A trace record lists the param keys, not their values.
    let trace: Vec<&String> = records
        .iter()
        .filter(|(level, _)| *level == log::Level::Trace)
        .map(|(_, message)| message)
        .collect();
    assert!(
        trace
            .iter()
            .any(|m| m.contains("customer") && m.contains("return_url")),
        "{trace:?}"
    );
    for (_, message) in &records {
        for hidden in [
            secret,
            "TopSecret",
            "idem-hidden",
            "acct_hidden",
            "ctx_hidden",
            "cus_hidden",
            "hidden.example",
        ] {
            assert!(!message.contains(hidden), "{hidden} in {message}");
        }
    }
}

#[test]
fn the_hook_sees_every_attempt_retries_and_failures_included() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = seen.clone();
    let hook = move |attempt: &Attempt<'_>| {
        record.lock().unwrap().push((
            attempt.method.to_owned(),
            attempt.path.to_owned(),
            attempt.number,
            attempt.status,
            attempt.request_id.map(str::to_owned),
            attempt.error.map(Error::kind),
            attempt.retry_in.is_some(),
        ));
    };
    let server = TestServer::sequence(vec![
        Reply::stripe_error(503, "api_error", "busy"),
        Reply::stripe_error(500, "api_error", "busy"),
        ok(),
    ]);
    let client = server
        .client_builder()
        .on_attempt(hook.clone())
        .build()
        .unwrap();
    client
        .create_session(&SessionCreateParams::for_customer("cus_1"))
        .unwrap();
    let path = "/v1/billing_portal/sessions".to_owned();
    let rid = Some("req_test".to_owned());
    assert_eq!(
        std::mem::take(&mut *seen.lock().unwrap()),
        [
            (
                "POST".to_owned(),
                path.clone(),
                1,
                Some(503),
                rid.clone(),
                None,
                true
            ),
            (
                "POST".to_owned(),
                path.clone(),
                2,
                Some(500),
                rid.clone(),
                None,
                true
            ),
            (
                "POST".to_owned(),
                path.clone(),
                3,
                Some(200),
                rid.clone(),
                None,
                false
            ),
        ]
    );
    // A failure without an answer.
    let client = Client::builder("sk_test_123")
        .base_url(refused_url())
        .max_network_retries(1)
        .initial_retry_delay(Duration::from_millis(1))
        .on_attempt(hook)
        .build()
        .unwrap();
    client
        .create_session(&SessionCreateParams::for_customer("cus_1"))
        .unwrap_err();
    let failures = std::mem::take(&mut *seen.lock().unwrap());
    assert_eq!(failures.len(), 2);
    for (n, failure) in failures.iter().enumerate() {
        assert_eq!(
            (failure.2, failure.3, failure.5),
            (n as u32 + 1, None, Some(ErrorKind::Connection))
        );
    }
    assert_eq!((failures[0].6, failures[1].6), (true, false));
}

#[test]
fn a_panicking_hook_does_not_take_the_request_or_the_client_down() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counted = calls.clone();
    let server = TestServer::always(ok());
    let client = server
        .client_builder()
        .on_attempt(move |_| {
            counted.fetch_add(1, Ordering::SeqCst);
            panic!("a bug in the caller's metrics");
        })
        .build()
        .unwrap();
    for _ in 0..3 {
        let session = client
            .create_session(&SessionCreateParams::for_customer("cus_1"))
            .unwrap();
        assert_eq!(session.id, "bps_123");
    }
    let clone = client.clone();
    std::thread::spawn(move || clone.create_session(&SessionCreateParams::for_customer("cus_1")))
        .join()
        .unwrap()
        .unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 4);
}
