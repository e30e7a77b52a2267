//! A local Stripe-compatible server for the Billing Portal API (feature `mock`).
//!
//! [`MockServer::start`] binds `127.0.0.1` on a free port and serves the five billing portal
//! operations the way Stripe does, in test mode: it checks the secret key, validates every
//! param against the API's schema and the flow rules the schema does not state, answers with
//! Stripe's JSON objects and errors, keeps configurations, and replays idempotent requests.
//! It can also fail on purpose, so retry logic can be tested. It stops when dropped.
//!
//! ```
//! use stripe_billing_portal::mock::MockServer;
//! use stripe_billing_portal::{Client, FlowData, SessionCreateParams};
//!
//! let server = MockServer::start()?;
//! let client = Client::builder("sk_test_123").base_url(server.url()).build()?;
//!
//! let session = client.create_session(
//!     &SessionCreateParams::for_customer("cus_123")
//!         .flow_data(FlowData::subscription_cancel("sub_123")),
//! )?;
//! assert!(session.id.starts_with("bps_"));
//!
//! let request = &server.requests()[0];
//! assert_eq!(request.path, "/v1/billing_portal/sessions");
//! assert!(request.pairs.contains(&("flow_data[type]".into(), "subscription_cancel".into())));
//! # Ok::<(), stripe_billing_portal::Error>(())
//! ```
//!
//! Everything runs on plain threads, one per connection; there is no async runtime.

mod http;
mod objects;
mod state;
mod validate;

use std::collections::VecDeque;
use std::io::BufReader;
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::Error;
use http::{HttpRequest, HttpResponse};
use state::{Replay, State};
use validate::Operation;

/// A Stripe-compatible Billing Portal server on `127.0.0.1`, for tests and offline use.
///
/// Point a client at [`MockServer::url`]. Test keys (`sk_test_...`, `rk_test_...`) are
/// accepted as Bearer or Basic auth; live keys are refused, since the server is test mode
/// only. The server stops when dropped.
pub struct MockServer {
    shared: Arc<Shared>,
    address: SocketAddr,
    url: String,
    accept: Option<JoinHandle<()>>,
}

/// One request as it arrived at a [`MockServer`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct MockRequest {
    /// `GET` or `POST` (or whatever the client sent).
    pub method: String,
    /// The path, without the query: `/v1/billing_portal/sessions`.
    pub path: String,
    /// The query string, undecoded, when there was one.
    pub query: Option<String>,
    /// The headers, names in lower case, in arrival order. The key in `authorization` is
    /// masked as Stripe masks keys in its errors (`Bearer sk_test_********1234`).
    pub headers: Vec<(String, String)>,
    /// The decoded form pairs: of the body for a POST, of the query otherwise. Empty when
    /// they were not valid form encoding.
    pub pairs: Vec<(String, String)>,
}

impl MockRequest {
    /// The first header named `name` (in any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A failure the server was told to inject.
#[derive(Debug, Clone)]
enum Fault {
    Status {
        status: u16,
        should_retry: Option<bool>,
    },
    Drop,
    Delay(Duration),
}

struct Shared {
    stop: AtomicBool,
    requests: Mutex<Vec<MockRequest>>,
    faults: Mutex<VecDeque<Fault>>,
    state: Mutex<State>,
}

/// A lock that survives a panicking test thread: the data is still consistent, since
/// nothing panics halfway through an update.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl MockServer {
    /// Starts a server on `127.0.0.1` on a free port.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Connection`](crate::ErrorKind::Connection) when no socket can be bound.
    pub fn start() -> Result<MockServer, Error> {
        MockServer::start_on_port(0)
    }

    /// Starts a server on `127.0.0.1:port`; port 0 picks a free one.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Connection`](crate::ErrorKind::Connection) when the port cannot be bound,
    /// for instance because it is in use.
    pub fn start_on_port(port: u16) -> Result<MockServer, Error> {
        let bind_error =
            |e: std::io::Error| Error::connection(format!("cannot bind 127.0.0.1:{port}: {e}"), e);
        let listener = TcpListener::bind(("127.0.0.1", port)).map_err(bind_error)?;
        let address = listener.local_addr().map_err(bind_error)?;
        let shared = Arc::new(Shared {
            stop: AtomicBool::new(false),
            requests: Mutex::new(Vec::new()),
            faults: Mutex::new(VecDeque::new()),
            state: Mutex::new(State::new()),
        });
        let accept = {
            let shared = shared.clone();
            thread::Builder::new()
                .name("stripe-mock-accept".into())
                .spawn(move || accept_loop(&listener, &shared))
                .map_err(|e| Error::connection(format!("cannot start the server thread: {e}"), e))?
        };
        Ok(MockServer {
            shared,
            address,
            url: format!("http://{address}"),
            accept: Some(accept),
        })
    }

    /// The base URL, such as `http://127.0.0.1:12111`, for
    /// [`ClientBuilder::base_url`](crate::ClientBuilder::base_url).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Every request that has arrived so far, in order, including those answered with an
    /// injected fault.
    pub fn requests(&self) -> Vec<MockRequest> {
        lock(&self.shared.requests).clone()
    }

    /// Answers the next `n` requests with `status` and a Stripe error object, before looking
    /// at them. Without a `Stripe-Should-Retry` header, a client decides on the status alone.
    pub fn fail_next(&self, n: usize, status: u16) {
        self.push_faults(
            n,
            Fault::Status {
                status,
                should_retry: None,
            },
        );
    }

    /// As [`MockServer::fail_next`], with a `Stripe-Should-Retry: true` or `false` header,
    /// which Stripe's clients obey before anything else.
    pub fn fail_next_with_should_retry(&self, n: usize, status: u16, should_retry: bool) {
        self.push_faults(
            n,
            Fault::Status {
                status,
                should_retry: Some(should_retry),
            },
        );
    }

    /// Reads each of the next `n` requests, then closes the connection without answering,
    /// as when a network drops an answer.
    pub fn drop_next_connections(&self, n: usize) {
        self.push_faults(n, Fault::Drop);
    }

    /// Waits `delay` before handling the next request, to make a client time out.
    pub fn delay_next(&self, delay: Duration) {
        self.push_faults(1, Fault::Delay(delay));
    }

    fn push_faults(&self, n: usize, fault: Fault) {
        let mut faults = lock(&self.shared.faults);
        faults.extend(std::iter::repeat_n(fault, n));
    }
}

impl std::fmt::Debug for MockServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockServer")
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag; connections see it within a poll.
        let woken = TcpStream::connect_timeout(&self.address, Duration::from_secs(1)).is_ok();
        if let Some(accept) = self.accept.take() {
            // Without the wake-up the thread would block in `accept`: leave it detached then.
            if woken {
                let _ = accept.join();
            }
        }
    }
}

fn accept_loop(listener: &TcpListener, shared: &Arc<Shared>) {
    for stream in listener.incoming() {
        if shared.stop.load(Ordering::SeqCst) {
            return;
        }
        let Ok(stream) = stream else { continue };
        let shared = shared.clone();
        let _ = thread::Builder::new()
            .name("stripe-mock-connection".into())
            .spawn(move || serve_connection(stream, &shared));
    }
}

/// Requests after requests on one connection, until it closes or the server stops.
fn serve_connection(stream: TcpStream, shared: &Shared) {
    let _ = stream.set_nodelay(true);
    let mut reader = BufReader::new(stream);
    loop {
        let request = match http::read_request(&mut reader, &shared.stop) {
            Ok(Some(request)) => request,
            Ok(None) => return,
            Err(malformed) => {
                let body = objects::error("invalid_request_error", &malformed.message, None, None);
                let response = json_response(malformed.status, &body);
                let _ = http::write_response(reader.get_mut(), &response, false);
                return;
            }
        };
        let Some(response) = handle(shared, &request) else {
            // An injected dropped connection: read, then close without a word.
            let _ = reader.get_ref().shutdown(Shutdown::Both);
            return;
        };
        let keep_alive = request.keep_alive && !shared.stop.load(Ordering::SeqCst);
        if http::write_response(reader.get_mut(), &response, keep_alive).is_err() || !keep_alive {
            return;
        }
    }
}

/// A Stripe error answer, before it becomes JSON.
#[derive(Debug, Clone)]
pub(crate) struct Failure {
    status: u16,
    kind: &'static str,
    message: String,
    param: Option<String>,
    code: Option<&'static str>,
}

impl Failure {
    /// 400 `invalid_request_error` about `param`.
    pub(crate) fn invalid(param: impl Into<String>, message: impl Into<String>) -> Failure {
        Failure {
            status: 400,
            kind: "invalid_request_error",
            message: message.into(),
            param: Some(param.into()),
            code: None,
        }
    }

    /// 400 `parameter_missing`.
    pub(crate) fn missing(param: impl Into<String>) -> Failure {
        let param = param.into();
        Failure::missing_with(param.clone(), format!("Missing required param: {param}."))
    }

    pub(crate) fn missing_with(param: impl Into<String>, message: impl Into<String>) -> Failure {
        Failure::invalid(param, message).code("parameter_missing")
    }

    /// 400 `parameter_invalid_empty`: `""` where the param cannot be unset.
    pub(crate) fn empty(param: &str) -> Failure {
        Failure::invalid(
            param,
            format!(
                "You passed an empty string for '{param}'. We assume empty values are an attempt to unset a parameter; however '{param}' cannot be unset. You should remove '{param}' from your request or supply a non-empty value."
            ),
        )
        .code("parameter_invalid_empty")
    }

    /// 404 `resource_missing`.
    pub(crate) fn not_found(param: &str, message: String) -> Failure {
        Failure {
            status: 404,
            ..Failure::invalid(param, message).code("resource_missing")
        }
    }

    fn plain(status: u16, kind: &'static str, message: impl Into<String>) -> Failure {
        Failure {
            status,
            kind,
            message: message.into(),
            param: None,
            code: None,
        }
    }

    pub(crate) fn code(mut self, code: &'static str) -> Failure {
        self.code = Some(code);
        self
    }

    fn into_response(self) -> HttpResponse {
        let body = objects::error(self.kind, &self.message, self.param.as_deref(), self.code);
        let mut response = json_response(self.status, &body);
        if self.status == 401 {
            response
                .headers
                .push(("WWW-Authenticate".into(), "Basic realm=\"Stripe\"".into()));
        }
        response
    }
}

fn json_response(status: u16, body: &Value) -> HttpResponse {
    HttpResponse {
        status,
        headers: vec![
            ("Content-Type".into(), "application/json".into()),
            ("Request-Id".into(), state::new_id("req_")[..18].to_owned()),
        ],
        body: serde_json::to_string_pretty(body).expect("JSON values serialize"),
    }
}

/// Records the request, applies an injected fault, then answers as Stripe would. `None`
/// means: close the connection without answering.
fn handle(shared: &Shared, request: &HttpRequest) -> Option<HttpResponse> {
    let encoded = match request.method.as_str() {
        "POST" => String::from_utf8_lossy(&request.body).into_owned(),
        _ => request.query.clone().unwrap_or_default(),
    };
    let decoded = serde_urlencoded::from_str::<Vec<(String, String)>>(&encoded);
    lock(&shared.requests).push(MockRequest {
        method: request.method.clone(),
        path: request.path.clone(),
        query: request.query.clone(),
        headers: request
            .headers
            .iter()
            .map(|(name, value)| match name.as_str() {
                "authorization" => (name.clone(), redact_authorization(value)),
                _ => (name.clone(), value.clone()),
            })
            .collect(),
        pairs: decoded.clone().unwrap_or_default(),
    });

    let fault = lock(&shared.faults).pop_front();
    match fault {
        Some(Fault::Drop) => return None,
        Some(Fault::Status {
            status,
            should_retry,
        }) => {
            let kind = if status >= 500 {
                "api_error"
            } else {
                "invalid_request_error"
            };
            let mut response = Failure::plain(
                status,
                kind,
                format!("A failure injected by the mock server (HTTP {status})."),
            )
            .into_response();
            if let Some(retry) = should_retry {
                response
                    .headers
                    .push(("Stripe-Should-Retry".into(), retry.to_string()));
            }
            return Some(response);
        }
        Some(Fault::Delay(delay)) => {
            let until = Instant::now() + delay;
            while Instant::now() < until && !shared.stop.load(Ordering::SeqCst) {
                thread::sleep(Duration::from_millis(10).min(until - Instant::now()));
            }
        }
        None => {}
    }

    let mut response = answer(shared, request, decoded.ok()).unwrap_or_else(Failure::into_response);
    let version = request
        .header("stripe-version")
        .unwrap_or(crate::API_VERSION);
    response
        .headers
        .push(("Stripe-Version".into(), version.to_owned()));
    Some(response)
}

/// Auth, routing, content type, idempotency, validation, then the operation itself.
fn answer(
    shared: &Shared,
    request: &HttpRequest,
    pairs: Option<Vec<(String, String)>>,
) -> Result<HttpResponse, Failure> {
    authenticate(request.header("authorization"))?;
    let (operation, id) = route(&request.method, &request.path).ok_or_else(|| {
        Failure::plain(
            404,
            "invalid_request_error",
            format!(
                "Unrecognized request URL ({}: {}). This mock serves only the Billing Portal API: POST /v1/billing_portal/sessions, GET and POST /v1/billing_portal/configurations, GET and POST /v1/billing_portal/configurations/{{id}}.",
                request.method, request.path
            ),
        )
    })?;
    if request.method == "POST" && !request.body.is_empty() {
        let content_type = request.header("content-type").unwrap_or("");
        let media_type = content_type.split(';').next().unwrap_or("").trim();
        if !media_type.eq_ignore_ascii_case("application/x-www-form-urlencoded") {
            return Err(Failure::plain(
                400,
                "invalid_request_error",
                format!(
                    "Invalid request: the body must be form-encoded, with `Content-Type: application/x-www-form-urlencoded` (got {content_type:?})."
                ),
            ));
        }
    }
    let pairs = pairs.ok_or_else(|| {
        Failure::plain(
            400,
            "invalid_request_error",
            "Invalid request: the form encoding is malformed.",
        )
    })?;

    // One lock for the whole exchange, so two requests with one key cannot both run.
    let mut state = lock(&shared.state);
    let idempotency = request
        .header("idempotency-key")
        .filter(|_| request.method == "POST")
        .map(|key| {
            let account = request.header("stripe-account").unwrap_or_default();
            (
                key.to_owned(),
                account.to_owned(),
                request.method.clone(),
                request.path.clone(),
            )
        });
    if let Some(key) = &idempotency {
        match state.replay(key, &pairs) {
            Replay::New => {}
            Replay::Same(mut response) => {
                response
                    .headers
                    .push(("Idempotent-Replayed".into(), "true".into()));
                return Ok(response);
            }
            Replay::Conflict => {
                return Err(Failure::plain(
                    400,
                    "idempotency_error",
                    format!(
                        "Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '{}' if you meant to execute a different request.",
                        key.0
                    ),
                ))
            }
        }
    }

    // Stripe remembers an answer only once the endpoint ran: not for invalid params.
    let params = validate::validate(operation, &pairs)?;
    let mut response =
        run(&mut state, operation, id, &params).unwrap_or_else(Failure::into_response);
    if let Some(key) = idempotency {
        response
            .headers
            .push(("Idempotency-Key".into(), key.0.clone()));
        state.remember(key, pairs, response.clone());
    }
    Ok(response)
}

/// `Authorization: Bearer sk_test_...`, or Basic with the key as the user name.
fn authenticate(header: Option<&str>) -> Result<(), Failure> {
    let unauthorized = |message: String| Failure::plain(401, "invalid_request_error", message);
    let Some(header) = header else {
        return Err(unauthorized(
            "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').".into(),
        ));
    };
    let (scheme, credentials) = header.trim().split_once(' ').unwrap_or((header, ""));
    let key = if scheme.eq_ignore_ascii_case("bearer") {
        credentials.trim().to_owned()
    } else if scheme.eq_ignore_ascii_case("basic") {
        let decoded = base64_decode(credentials.trim()).unwrap_or_default();
        let decoded = String::from_utf8_lossy(&decoded).into_owned();
        decoded.split(':').next().unwrap_or("").to_owned()
    } else {
        return Err(unauthorized(format!(
            "Invalid Authorization header scheme {scheme:?}: use Bearer auth ('Authorization: Bearer YOUR_SECRET_KEY') or Basic auth with the key as the user name."
        )));
    };
    let shown = redact(&key);
    if key.starts_with("sk_live_") || key.starts_with("rk_live_") {
        return Err(unauthorized(format!(
            "Live keys are refused: this is a local mock of Stripe in test mode only. Use a test key (sk_test_...) instead of {shown}."
        )));
    }
    let valid = ["sk_test_", "rk_test_"].iter().any(|prefix| {
        key.strip_prefix(prefix).is_some_and(|rest| {
            !rest.is_empty() && rest.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        })
    });
    if !valid {
        return Err(unauthorized(format!("Invalid API Key provided: {shown}")));
    }
    Ok(())
}

/// The recorded `Authorization`: the scheme, and the key as Stripe shows it in errors, so
/// printing `requests()` never shows a whole key.
fn redact_authorization(value: &str) -> String {
    match value.trim().split_once(' ') {
        Some((scheme, key)) if scheme.eq_ignore_ascii_case("bearer") => {
            format!("{scheme} {}", redact(key.trim()))
        }
        Some((scheme, _)) => format!("{scheme} ********"),
        None => "********".to_owned(),
    }
}

/// As Stripe shows keys in errors: the prefix and the last four characters.
fn redact(key: &str) -> String {
    let chars: Vec<char> = key.chars().collect();
    if chars.len() <= 12 {
        return "*".repeat(chars.len().min(8));
    }
    let head: String = chars[..8].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 12))
}

fn base64_decode(input: &str) -> Option<Vec<u8>> {
    let value = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        } as u32)
    };
    let input = input.trim_end_matches('=').as_bytes();
    let mut out = Vec::with_capacity(input.len() * 3 / 4);
    let (mut buffer, mut bits) = (0u32, 0);
    for &c in input {
        buffer = (buffer << 6) | value(c)?;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    Some(out)
}

fn route<'a>(method: &str, path: &'a str) -> Option<(Operation, Option<&'a str>)> {
    let rest = path.strip_prefix("/v1/billing_portal/")?;
    match (method, rest) {
        ("POST", "sessions") => Some((Operation::CreateSession, None)),
        ("GET", "configurations") => Some((Operation::ListConfigurations, None)),
        ("POST", "configurations") => Some((Operation::CreateConfiguration, None)),
        (_, rest) => {
            let id = rest.strip_prefix("configurations/")?;
            if id.is_empty() || id.contains('/') {
                return None;
            }
            match method {
                "GET" => Some((Operation::RetrieveConfiguration, Some(id))),
                "POST" => Some((Operation::UpdateConfiguration, Some(id))),
                _ => None,
            }
        }
    }
}

/// The operation on validated params.
fn run(
    state: &mut State,
    operation: Operation,
    id: Option<&str>,
    params: &Value,
) -> Result<HttpResponse, Failure> {
    let expanded = |path: &str| {
        params["expand"]
            .as_array()
            .is_some_and(|e| e.iter().any(|p| p == path))
    };
    let feedback = "features.subscription_cancel.cancellation_reason.feedback_options";
    let body = match operation {
        Operation::CreateSession => {
            let configuration = match params["configuration"].as_str() {
                Some(id) => state.configuration(id, "configuration")?,
                None => state.default_configuration(),
            };
            let configuration =
                if expanded("configuration") || expanded("configuration.application") {
                    configuration.clone()
                } else {
                    configuration["id"].clone()
                };
            objects::session(state::new_id("bps_"), state::now(), params, configuration)
        }
        Operation::ListConfigurations => state.list_configurations(params)?,
        Operation::CreateConfiguration => state.create_configuration(params),
        Operation::RetrieveConfiguration => {
            let id = id.unwrap_or_default();
            if id.chars().count() > 5000 {
                return Err(Failure::invalid(
                    "configuration",
                    "Invalid configuration: must be at most 5000 characters.",
                ));
            }
            state.configuration(id, "configuration")?.clone()
        }
        Operation::UpdateConfiguration => {
            state.update_configuration(id.unwrap_or_default(), params)?
        }
    };
    let mut body = body;
    if matches!(
        operation,
        Operation::CreateConfiguration
            | Operation::RetrieveConfiguration
            | Operation::UpdateConfiguration
    ) && expanded(feedback)
    {
        objects::expand_feedback_options(&mut body);
    }
    Ok(json_response(200, &body))
}
