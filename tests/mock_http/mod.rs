//! Raw HTTP to a `MockServer` through ureq, for the tests that look at the server's own
//! answers (tests/mock.rs, tests/mock_limits.rs): the status and JSON body of each exchange.
#![allow(dead_code)]

use serde_json::Value;
use stripe_billing_portal::mock::MockServer;

pub const SESSIONS: &str = "/v1/billing_portal/sessions";
pub const CONFIGURATIONS: &str = "/v1/billing_portal/configurations";
/// The test key every helper sends unless told otherwise.
pub const KEY: &str = "sk_test_123";

pub fn start() -> MockServer {
    MockServer::start().expect("the mock server starts")
}

/// A client that hands back error statuses as answers.
pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into()
}

/// A raw exchange: the status and the JSON body (up to 16 MiB).
pub fn read(response: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> (u16, Value) {
    let mut response = response.expect("an HTTP answer");
    let status = response.status().as_u16();
    assert!(
        response.headers().get("request-id").is_some(),
        "every answer has a Request-Id"
    );
    let body = response
        .body_mut()
        .with_config()
        .limit(16 * 1024 * 1024)
        .read_to_string()
        .expect("a body");
    (status, serde_json::from_str(&body).expect("a JSON body"))
}

/// A form POST with `headers` (the key's `Authorization` among them unless given).
pub fn post_with(
    server: &MockServer,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, Value) {
    let mut request = agent()
        .post(format!("{}{path}", server.url()))
        .header("Content-Type", "application/x-www-form-urlencoded");
    if !headers.iter().any(|(k, _)| *k == "Authorization") {
        request = request.header("Authorization", format!("Bearer {KEY}"));
    }
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    read(request.send(body))
}

/// A form POST with the test key.
pub fn post(server: &MockServer, path: &str, body: &str) -> (u16, Value) {
    post_with(server, path, &[], body)
}

/// A GET with the test key; `path` may carry a query.
pub fn get(server: &MockServer, path: &str) -> (u16, Value) {
    read(
        agent()
            .get(format!("{}{path}", server.url()))
            .header("Authorization", format!("Bearer {KEY}"))
            .call(),
    )
}

/// Asserts a Stripe error answer: status, `error.type`, `error.param` and a message.
#[track_caller]
pub fn assert_error(answer: (u16, Value), status: u16, kind: &str, param: Option<&str>) {
    let (got_status, body) = answer;
    assert_eq!(got_status, status, "status of {body:#}");
    assert_eq!(body["error"]["type"], kind, "type of {body:#}");
    assert_eq!(body["error"]["param"].as_str(), param, "param of {body:#}");
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "a message in {body:#}"
    );
}
