//! One request, from its record to its answer: the log, injected faults, auth, routing,
//! idempotency, validation, then the operation. Locks are taken only around the state they
//! guard.

use std::sync::atomic::Ordering;
use std::thread;
use std::time::Duration;

use super::failure::Failure;
use super::http::{Deadline, HttpRequest, HttpResponse};
use super::idempotency::{self, Claim};
use super::limits::{MAX_FORM_PAIRS, MAX_IDEMPOTENCY_KEY_CHARS};
use super::log::{Form, MockRequest};
use super::{auth, lock, routes, validate, Fault, Shared};

/// Records the request, applies an injected fault, then answers as Stripe would. `None`
/// means: close the connection without answering.
pub(crate) fn handle(shared: &Shared, request: &HttpRequest) -> Option<HttpResponse> {
    let form = Form::decode(request);
    let record = MockRequest::new(request, &form);
    if let Some(hook) = &shared.on_request {
        hook(&record);
    }
    lock(&shared.log).push(record);

    let fault = lock(&shared.faults).next();
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
            let deadline = Deadline::after(delay);
            while let Some(left) = deadline.remaining() {
                if shared.stop.load(Ordering::SeqCst) {
                    break;
                }
                thread::sleep(left.min(Duration::from_millis(10)));
            }
        }
        None => {}
    }

    let mut response = answer(shared, request, form).unwrap_or_else(Failure::into_response);
    let version = request
        .header("stripe-version")
        .unwrap_or(crate::API_VERSION);
    response
        .headers
        .push(("Stripe-Version".into(), version.to_owned()));
    Some(response)
}

/// Auth, routing, content type, idempotency, validation, then the operation itself.
fn answer(shared: &Shared, request: &HttpRequest, form: Form) -> Result<HttpResponse, Failure> {
    let secret = auth::authenticate(request.header("authorization"))?;
    let (operation, id) = routes::route(&request.method, &request.path)
        .ok_or_else(|| routes::unrecognized(&request.method, &request.path))?;
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
    let pairs = match form {
        Form::Pairs(pairs) => pairs,
        Form::TooMany { count, start } => return Err(too_many_pairs(count, &start)),
        Form::Malformed => {
            return Err(Failure::plain(
                400,
                "invalid_request_error",
                "Invalid request: the form encoding is malformed.",
            ))
        }
    };

    let key = request
        .header("idempotency-key")
        .filter(|_| request.method == "POST");
    let scope = match key {
        None => None,
        Some(key) => match claim(shared, request, &secret, key, &pairs)? {
            Claim::Run(scope) => Some(scope),
            Claim::Replay(mut response) => {
                response
                    .headers
                    .push(("Idempotent-Replayed".into(), "true".into()));
                return Ok(response);
            }
        },
    };

    // Stripe remembers an answer only once the endpoint ran: not for invalid params.
    let params = validate::validate(operation, &pairs).inspect_err(|_| {
        if let Some(scope) = &scope {
            lock(&shared.idempotency).release(scope);
        }
    })?;
    let mut response =
        routes::run(&shared.state, operation, id, &params).unwrap_or_else(Failure::into_response);
    if let (Some(scope), Some(key)) = (scope, key) {
        response
            .headers
            .push(("Idempotency-Key".into(), key.to_owned()));
        lock(&shared.idempotency).remember(&scope, response.clone());
    }
    Ok(response)
}

/// The 400 for a form beyond [`MAX_FORM_PAIRS`], naming the param most of them are under
/// (`metadata` for thousands of metadata keys), going by the start of the form.
fn too_many_pairs(count: usize, start: &[(String, String)]) -> Failure {
    let mut counts = std::collections::HashMap::new();
    for (key, _) in start {
        let name = key.split('[').next().unwrap_or_default();
        *counts.entry(name).or_insert(0usize) += 1;
    }
    let message = format!(
        "Invalid request: {count} params sent; this server takes at most {MAX_FORM_PAIRS} in one request."
    );
    match counts.into_iter().max_by_key(|(_, n)| *n) {
        Some((name, n)) if n * 2 > start.len() => Failure::invalid(name, message),
        _ => Failure::plain(400, "invalid_request_error", message),
    }
}

/// Looks an `Idempotency-Key` up, in the scope of the secret key and account, for this
/// endpoint and these params.
fn claim(
    shared: &Shared,
    request: &HttpRequest,
    secret: &str,
    key: &str,
    pairs: &[(String, String)],
) -> Result<Claim, Failure> {
    let length = key.chars().count();
    if length > MAX_IDEMPOTENCY_KEY_CHARS {
        return Err(Failure::idempotency(format!(
            "Keys for idempotent requests can be at most {MAX_IDEMPOTENCY_KEY_CHARS} characters long (got {length})."
        )));
    }
    let account = request.header("stripe-account").unwrap_or_default();
    let endpoint = format!("{} {}", request.method, request.path);
    let hasher = &shared.idempotency_hasher;
    let scope = idempotency::Scope::new(hasher, secret, account, key);
    let params = std::hash::BuildHasher::hash_one(hasher, pairs);
    lock(&shared.idempotency).claim(scope, &endpoint, params)
}
