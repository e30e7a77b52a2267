//! HTTP: ureq, headers, retries, and turning responses into values or errors.
//!
//! One request is [`Transport::request`]: encode the params once, pick the idempotency key
//! once, then send attempts until one gives an answer that [`should_retry`] does not want to
//! repeat. Every decision about retrying lives in [`should_retry`]; every mapping from an HTTP
//! answer to a result lives in [`RawResponse::into_result`]; every ureq setting is made in
//! [`Transport::new`], and ureq's `unversioned` parts stay in `connect.rs`.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use ureq::http::header::{self, HeaderName, HeaderValue};

use crate::client::{RequestOptions, Response};
use crate::connect::{self, CachingResolver, LookupFailed};
use crate::error::ApiError;
use crate::{decode, form, Error};

/// Responses larger than this are refused rather than read into memory. Stripe's largest
/// billing portal answer, a page of 100 expanded configurations, is well under 1 MiB.
pub const MAX_RESPONSE_BYTES: u64 = 16 * 1024 * 1024;

/// A `Retry-After` longer than this is ignored, as Stripe's libraries do.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

/// The `log` target of the crate's records.
const LOG_TARGET: &str = "stripe_billing_portal";

/// How many bytes of an unexpected body an error quotes.
const SNIPPET_BYTES: usize = 200;

// Header names and fixed values built at compile time, the others once per client or request:
// from strings, `http` would parse and copy each of them on every request. All values are
// `HeaderValue`s, since each pair of name and value types is its own copy of `http`'s code.
const STRIPE_VERSION: HeaderName = HeaderName::from_static("stripe-version");
const IDEMPOTENCY_KEY: HeaderName = HeaderName::from_static("idempotency-key");
const STRIPE_ACCOUNT: HeaderName = HeaderName::from_static("stripe-account");
const STRIPE_CONTEXT: HeaderName = HeaderName::from_static("stripe-context");
const REQUEST_ID: HeaderName = HeaderName::from_static("request-id");
const STRIPE_SHOULD_RETRY: HeaderName = HeaderName::from_static("stripe-should-retry");
const FORM: HeaderValue = HeaderValue::from_static("application/x-www-form-urlencoded");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Method {
    Get,
    Post,
    Delete,
}

impl Method {
    /// `GET`, `POST` or `DELETE`, in any case: the methods Stripe's API has.
    pub(crate) fn from_name(name: &str) -> Result<Method, Error> {
        match name.to_ascii_uppercase().as_str() {
            "GET" => Ok(Method::Get),
            "POST" => Ok(Method::Post),
            "DELETE" => Ok(Method::Delete),
            _ => Err(Error::invalid_input(
                "the method must be GET, POST or DELETE, the methods of Stripe's API",
            )),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Delete => "DELETE",
        }
    }
}

/// When to retry, and how long to wait in between.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RetryPolicy {
    pub(crate) max_retries: u32,
    pub(crate) initial_delay: Duration,
    pub(crate) max_delay: Duration,
}

impl RetryPolicy {
    /// The wait before retry number `retry` (1 for the first):
    /// `max(initial, min(initial * 2^(retry-1), max) * jitter)` with `jitter` uniform in
    /// [0.5, 1], then at least a `Retry-After` of 60 s or less. This is the formula of
    /// Stripe's official libraries.
    pub(crate) fn delay(&self, retry: u32, retry_after: Option<Duration>) -> Duration {
        let exponent = retry.saturating_sub(1).min(31);
        let backoff = self
            .initial_delay
            .saturating_mul(1 << exponent)
            .min(self.max_delay);
        let jitter = 0.5 + 0.5 * random_unit();
        let delay = backoff.mul_f64(jitter).max(self.initial_delay);
        match retry_after {
            Some(wait) if wait <= MAX_RETRY_AFTER => delay.max(wait),
            _ => delay,
        }
    }
}

/// Idle keep-alive connections a client keeps (all to one host): enough for 16 threads sharing
/// a client to reuse their connections. Each is closed after 15 s unused.
const MAX_IDLE_CONNECTIONS: usize = 16;

/// Which certificate authorities a client trusts.
#[derive(Clone, Default, PartialEq, Eq)]
pub(crate) enum Roots {
    /// Mozilla's, built into the crate (`webpki-roots`).
    #[default]
    Mozilla,
    /// Exactly those of this PEM bundle.
    Pem(Vec<u8>),
    /// The operating system's, through `rustls-platform-verifier`.
    #[cfg(feature = "platform-verifier")]
    Platform,
}

/// What [`Transport::new`] needs, checked by the builder.
pub(crate) struct Settings {
    pub(crate) base_url: String,
    pub(crate) authorization: HeaderValue,
    pub(crate) stripe_version: HeaderValue,
    pub(crate) user_agent: HeaderValue,
    pub(crate) retry: RetryPolicy,
    pub(crate) timeout: Duration,
    pub(crate) connect_timeout: Duration,
    pub(crate) roots: Roots,
    pub(crate) proxy: Option<ureq::Proxy>,
    pub(crate) lookup: connect::Lookup,
    pub(crate) dns_cache_ttl: Duration,
    pub(crate) stripe_account: Option<HeaderValue>,
    pub(crate) stripe_context: Option<HeaderValue>,
    pub(crate) on_attempt: Option<AttemptHook>,
}

/// What [`ClientBuilder::on_attempt`](crate::ClientBuilder::on_attempt) is given.
pub(crate) type AttemptHook = Arc<dyn Fn(&Attempt<'_>) + Send + Sync>;

/// What one attempt of a request did: given to the hook of
/// [`ClientBuilder::on_attempt`](crate::ClientBuilder::on_attempt) after every attempt, and
/// logged (at `debug`, target `stripe_billing_portal`) with the same facts. Never a header
/// value, a param value or the secret key.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Attempt<'a> {
    /// `GET`, `POST` or `DELETE`.
    pub method: &'a str,
    /// The path, without the query: `/v1/billing_portal/sessions`.
    pub path: &'a str,
    /// 1 for the first attempt of a request, 2 for its first retry, ...
    pub number: u32,
    /// The HTTP status, when an answer came.
    pub status: Option<u16>,
    /// Stripe's `Request-Id`, when an answer carried one.
    pub request_id: Option<&'a str>,
    /// Why no usable answer came (a connection failure, a timeout, ...), when none did.
    pub error: Option<&'a Error>,
    /// How long the attempt took.
    pub elapsed: Duration,
    /// When the attempt will be retried: after how long (zero for at once). `None` when it is
    /// the last.
    pub retry_in: Option<Duration>,
}

/// Everything a [`Client`](crate::Client) shares between its clones.
pub(crate) struct Transport {
    agent: ureq::Agent,
    resolver: Arc<CachingResolver>,
    pub(crate) base_url: String,
    /// `Bearer <key>`: the only place the secret key lives. Marked sensitive, so `http`'s
    /// `Debug` shows `Sensitive` instead.
    pub(crate) authorization: HeaderValue,
    pub(crate) stripe_version: HeaderValue,
    pub(crate) user_agent: HeaderValue,
    pub(crate) retry: RetryPolicy,
    stripe_account: Option<HeaderValue>,
    stripe_context: Option<HeaderValue>,
    on_attempt: Option<AttemptHook>,
}

/// One HTTP answer, read whole.
struct RawResponse {
    status: u16,
    request_id: Option<String>,
    should_retry: Option<bool>,
    retry_after: Option<Duration>,
    body: Vec<u8>,
}

/// An attempt that got no usable answer: the error for the caller, and what happened, for
/// [`should_retry`] to judge.
struct Failure {
    error: Error,
    cause: Cause,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cause {
    /// No answer: unresolvable, not HTTP, or a proxy that could not reach Stripe (502, 503,
    /// 504 to CONNECT).
    Network,
    /// No connection could be opened (refused, unreachable, connect timeout): the addresses
    /// connected to may be out of date.
    ConnectFailed,
    /// The connection was reset, broken or closed under the request or its answer.
    Lost,
    /// [`Cause::Lost`] before any byte of an answer, on a connection taken from the pool: the
    /// server or a load balancer dropped it while it was idle, so the request never arrived.
    DroppedIdle,
    /// A connect or attempt timeout ran out.
    Timeout,
    /// TLS failed, typically a certificate problem.
    Tls,
    /// The request cannot be sent as built, or the answer is too large to read: it would
    /// fail the same way again.
    Permanent,
}

/// What [`should_retry`] decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Retry {
    No,
    /// After the backoff, if retries are left.
    WithBackoff,
    /// At once, on a new connection; once per request, whatever the retry setting.
    AtOnce,
}

impl Transport {
    /// The ureq agent and everything around it.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidInput`](crate::ErrorKind::InvalidInput) for a PEM bundle with no
    /// usable certificate.
    pub(crate) fn new(settings: Settings) -> Result<Transport, Error> {
        let config = ureq::Agent::config_builder()
            // Stripe's JSON error body is the useful part of a 4xx.
            .http_status_as_error(false)
            // Stripe never redirects; a redirect is an error, not something to follow.
            .max_redirects(0)
            // ureq keeps 3 idle connections per host by default: with more threads than that
            // sharing a client, every request past the third opened a new connection.
            .max_idle_connections(MAX_IDLE_CONNECTIONS)
            .max_idle_connections_per_host(MAX_IDLE_CONNECTIONS)
            // Chosen by the builder (`proxy.rs`); ureq would read the environment itself.
            .proxy(settings.proxy)
            .tls_config(tls_config(&settings.roots)?);
        let config = with_timeouts!(config, settings.timeout, settings.connect_timeout).build();
        let resolver = Arc::new(CachingResolver::new(
            settings.lookup,
            settings.dns_cache_ttl,
            settings.connect_timeout,
        ));
        Ok(Transport {
            agent: connect::agent(config, resolver.clone()),
            resolver,
            base_url: settings.base_url,
            authorization: settings.authorization,
            stripe_version: settings.stripe_version,
            user_agent: settings.user_agent,
            retry: settings.retry,
            stripe_account: settings.stripe_account,
            stripe_context: settings.stripe_context,
            on_attempt: settings.on_attempt,
        })
    }

    /// The proxy every connection goes through, if any.
    pub(crate) fn proxy(&self) -> Option<&ureq::Proxy> {
        self.agent.config().proxy()
    }

    /// Sends one logical request, retrying as [`should_retry`] says.
    pub(crate) fn request<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        params: &(impl Serialize + ?Sized),
        options: &RequestOptions,
    ) -> Result<Response<T>, Error> {
        options.check_headers()?;
        let encoded = form::to_string(params)?;
        let (url, body) = match method {
            Method::Post => (format!("{}{path}", self.base_url), encoded),
            _ if encoded.is_empty() => (format!("{}{path}", self.base_url), String::new()),
            _ => (format!("{}{path}?{encoded}", self.base_url), String::new()),
        };
        // POSTs and DELETEs change things; one key for every attempt makes a retry after a
        // lost answer safe, since Stripe replays the first result instead of acting twice.
        let idempotency_key = match method {
            Method::Post | Method::Delete => Some(
                options
                    .idempotency_key
                    .clone()
                    .unwrap_or_else(new_idempotency_key),
            ),
            Method::Get => None,
        };
        if log::log_enabled!(target: LOG_TARGET, log::Level::Trace) {
            let keys: Vec<String> = form::to_pairs(params)
                .map(|pairs| pairs.into_iter().map(|(key, _)| key).collect())
                .unwrap_or_default();
            log::trace!(target: LOG_TARGET, "{} {path} params: {}", method.name(), keys.join(" "));
        }
        let max_retries = options
            .max_network_retries
            .unwrap_or(self.retry.max_retries);

        let mut attempts = 0;
        let mut retries = 0;
        let mut retried_at_once = false;
        loop {
            attempts += 1;
            let started = Instant::now();
            let outcome = self.attempt(method, &url, &body, idempotency_key.as_deref(), options);
            let elapsed = started.elapsed();
            let retry_in = match should_retry(&outcome) {
                Retry::AtOnce if !retried_at_once => {
                    retried_at_once = true;
                    Some(Duration::ZERO)
                }
                Retry::AtOnce | Retry::WithBackoff if retries < max_retries => {
                    retries += 1;
                    let retry_after = outcome.as_ref().ok().and_then(|r| r.retry_after);
                    Some(self.retry.delay(retries, retry_after))
                }
                _ => None,
            };
            self.observe(&Attempt {
                method: method.name(),
                path,
                number: attempts,
                status: match &outcome {
                    Ok(raw) => Some(raw.status),
                    Err(failure) => failure.error.status(),
                },
                request_id: match &outcome {
                    Ok(raw) => raw.request_id.as_deref(),
                    Err(failure) => failure.error.request_id(),
                },
                error: outcome.as_ref().err().map(|failure| &failure.error),
                elapsed,
                retry_in,
            });
            if let Some(wait) = retry_in {
                std::thread::sleep(wait);
                continue;
            }
            let key = idempotency_key.as_deref();
            return match outcome {
                Ok(raw) => raw.into_result(attempts, idempotency_key),
                Err(failure) => Err(failure.error.with_attempts(attempts, key)),
            };
        }
    }

    /// Logs an attempt and gives it to the hook. A panicking hook is the caller's bug, but it
    /// must not take the request down with it: the panic is caught, and logged.
    fn observe(&self, attempt: &Attempt<'_>) {
        if log::log_enabled!(target: LOG_TARGET, log::Level::Debug) {
            let outcome = match (attempt.status, attempt.error) {
                (_, Some(error)) => format!("failed ({error})"),
                (Some(status), None) => format!("HTTP {status}"),
                (None, None) => "no answer".to_owned(),
            };
            let retry = match attempt.retry_in {
                Some(wait) => format!("retrying in {} ms", wait.as_millis()),
                None => "not retried".to_owned(),
            };
            log::debug!(
                target: LOG_TARGET,
                "{} {} attempt {}: {outcome}, request id {}, {} ms; {retry}",
                attempt.method,
                attempt.path,
                attempt.number,
                attempt.request_id.unwrap_or("none"),
                attempt.elapsed.as_millis(),
            );
        }
        if let Some(hook) = &self.on_attempt {
            let call = std::panic::AssertUnwindSafe(|| hook(attempt));
            if std::panic::catch_unwind(call).is_err() {
                log::warn!(target: LOG_TARGET, "the on_attempt hook panicked; the request goes on");
            }
        }
    }

    fn attempt(
        &self,
        method: Method,
        url: &str,
        body: &str,
        idempotency_key: Option<&str>,
        options: &RequestOptions,
    ) -> Result<RawResponse, Failure> {
        let stripe_version = match &options.stripe_version {
            Some(version) => header_value("stripe version", version).map_err(permanent)?,
            None => self.stripe_version.clone(),
        };
        // Straight into the request's parts: `http`'s builder costs a closure per header. The
        // body is attached last, so that the code before is compiled once, not per body type.
        let mut request = ureq::http::Request::new(());
        *request.method_mut() = match method {
            Method::Get => ureq::http::Method::GET,
            Method::Post => ureq::http::Method::POST,
            Method::Delete => ureq::http::Method::DELETE,
        };
        *request.uri_mut() = ureq::http::Uri::try_from(url).map_err(|e| {
            permanent(Error::invalid_input(format!(
                "cannot build the request: {e}"
            )))
        })?;
        let headers = request.headers_mut();
        headers.insert(header::AUTHORIZATION, self.authorization.clone());
        headers.insert(STRIPE_VERSION, stripe_version);
        headers.insert(header::USER_AGENT, self.user_agent.clone());
        if method == Method::Post {
            headers.insert(header::CONTENT_TYPE, FORM);
        }
        if let Some(key) = idempotency_key {
            headers.insert(
                IDEMPOTENCY_KEY,
                header_value("idempotency key", key).map_err(permanent)?,
            );
        }
        // A request's own account and context win over the client's.
        let own = [
            (
                STRIPE_ACCOUNT,
                "Stripe-Account",
                &options.stripe_account,
                &self.stripe_account,
            ),
            (
                STRIPE_CONTEXT,
                "Stripe-Context",
                &options.stripe_context,
                &self.stripe_context,
            ),
        ];
        for (name, what, request_value, client_value) in own {
            let value = match request_value {
                Some(value) => Some(header_value(what, value).map_err(permanent)?),
                None => client_value.clone(),
            };
            if let Some(value) = value {
                headers.insert(name, value);
            }
        }
        let request = self.configure(request, options);
        let (result, opened) = connect::noting_new_connections(|| match method {
            Method::Post => self.agent.run(request.map(|()| body)),
            Method::Get | Method::Delete => self.agent.run(request),
        });
        let mut response = result.map_err(|e| {
            let mut failure = map_ureq_error(e);
            match failure.cause {
                Cause::ConnectFailed => self.resolver.connect_failed(),
                // No answer had begun, since `run` returns once the head is in.
                Cause::Lost if !opened => failure.cause = Cause::DroppedIdle,
                _ => {}
            }
            failure
        })?;

        let header = |name: HeaderName| {
            response
                .headers()
                .get(name)
                .and_then(|value| value.to_str().ok())
        };
        let status = response.status().as_u16();
        let request_id = header(REQUEST_ID).map(str::to_owned);
        // Only exactly `true` or `false` says anything, as in stripe-python; any other value
        // leaves the decision to the status.
        let should_retry = header(STRIPE_SHOULD_RETRY).and_then(|v| match v {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        });
        let retry_after = header(header::RETRY_AFTER)
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let body = response
            .body_mut()
            .with_config()
            .limit(MAX_RESPONSE_BYTES)
            .read_to_vec()
            .map_err(|e| {
                let mut failure = map_ureq_error(e);
                failure.error = failure
                    .error
                    .with_response(Some(status), request_id.clone());
                failure
            })?;
        Ok(RawResponse {
            status,
            request_id,
            should_retry,
            retry_after,
            body,
        })
    }

    /// Applies the per-request timeouts, when the options have any.
    fn configure(
        &self,
        request: ureq::http::Request<()>,
        options: &RequestOptions,
    ) -> ureq::http::Request<()> {
        if options.timeout.is_none() && options.connect_timeout.is_none() {
            return request;
        }
        // A per-request config copies the agent's, so it is made only when asked for.
        let agent = self.agent.config().timeouts();
        let config = self.agent.configure_request(request);
        with_timeouts!(
            config,
            options.timeout.or(agent.global).unwrap_or_default(),
            options
                .connect_timeout
                .or(agent.connect)
                .unwrap_or_default()
        )
        .build()
    }
}

/// The trust store of a client's TLS connections.
fn tls_config(roots: &Roots) -> Result<ureq::tls::TlsConfig, Error> {
    use ureq::tls::{PemItem, RootCerts, TlsConfig};
    let roots = match roots {
        Roots::Mozilla => RootCerts::WebPki,
        #[cfg(feature = "platform-verifier")]
        Roots::Platform => RootCerts::PlatformVerifier,
        Roots::Pem(pem) => {
            let bad = |why: String| {
                Error::invalid_input(format!("the root certificate bundle is unusable: {why}"))
            };
            let mut certs = Vec::new();
            for item in ureq::tls::parse_pem(pem) {
                match item.map_err(|e| bad(format!("it is not valid PEM ({e})")))? {
                    PemItem::Certificate(cert) if is_der_sequence(cert.der()) => certs.push(cert),
                    PemItem::Certificate(_) => {
                        return Err(bad(format!(
                            "certificate {} is not an X.509 certificate",
                            certs.len() + 1
                        )))
                    }
                    // A key or CRL in the bundle trusts nothing; it is skipped.
                    _ => {}
                }
            }
            if certs.is_empty() {
                return Err(bad(
                    "it has no \"-----BEGIN CERTIFICATE-----\" section".to_owned()
                ));
            }
            RootCerts::new_with_certs(&certs)
        }
    };
    Ok(TlsConfig::builder().root_certs(roots).build())
}

/// Whether `der` is one whole DER `SEQUENCE`, as every X.509 certificate is. rustls would
/// skip a certificate it cannot parse without a word; this catches the garbled ones.
fn is_der_sequence(der: &[u8]) -> bool {
    let [0x30, len, rest @ ..] = der else {
        return false;
    };
    let (len, rest) = match *len {
        short @ 0..=0x7f => (usize::from(short), rest),
        long @ 0x81..=0x84 => {
            let bytes = usize::from(long & 0x7f);
            if rest.len() < bytes {
                return false;
            }
            let (len, rest) = rest.split_at(bytes);
            (
                len.iter().fold(0usize, |n, b| n << 8 | usize::from(*b)),
                rest,
            )
        }
        _ => return false,
    };
    len == rest.len() && len > 0
}

/// A header value, for the client's fixed headers and a request's own; `what` names it in the
/// error, never its value, which may hold the secret key. `check_headers` has already given
/// the clearer error for a request's values that could split a header.
pub(crate) fn header_value(what: &str, value: &str) -> Result<HeaderValue, Error> {
    HeaderValue::try_from(value)
        .map_err(|_| Error::invalid_input(format!("the {what} cannot be sent in a header")))
}

/// An attempt that failed before anything was sent: it would fail the same way again.
fn permanent(error: Error) -> Failure {
    Failure {
        error,
        cause: Cause::Permanent,
    }
}

/// The one place that decides whether an attempt is worth repeating.
///
/// A pooled connection that failed before any byte of an answer was dropped while idle: the
/// request never arrived, so it is sent again at once on a new connection. Stripe's
/// `Stripe-Should-Retry` header decides next, when it is exactly `true` or `false` (any other
/// value counts as no header). Without it: connection failures and
/// timeouts are retried (the idempotency key makes that safe even when the request did
/// arrive), and so are 409 (a conflict, often a concurrent request with the same key) and
/// every 5xx. Other 4xx are the caller's to fix, and a 2xx is done. A TLS failure (a
/// certificate problem does not go away), a request that cannot be sent and an answer too
/// large to read would fail the same way again.
fn should_retry(outcome: &Result<RawResponse, Failure>) -> Retry {
    let backoff_if = |retry: bool| if retry { Retry::WithBackoff } else { Retry::No };
    match outcome {
        Err(failure) => match failure.cause {
            Cause::DroppedIdle => Retry::AtOnce,
            Cause::Network | Cause::ConnectFailed | Cause::Lost | Cause::Timeout => {
                Retry::WithBackoff
            }
            Cause::Tls | Cause::Permanent => Retry::No,
        },
        Ok(response) if (200..300).contains(&response.status) => Retry::No,
        Ok(response) => backoff_if(match response.should_retry {
            Some(decided) => decided,
            None => response.status == 409 || response.status >= 500,
        }),
    }
}

/// Says what happened; whether to retry is [`should_retry`]'s call.
fn map_ureq_error(error: ureq::Error) -> Failure {
    use std::io::ErrorKind as K;
    use ureq::Error as E;
    let (error, cause) = match error {
        E::Timeout(which) => {
            // Named by what was under way: ureq's own names include the per-read and
            // per-write bounds, which only the client sets, and only as a shortcut.
            let step = match which {
                ureq::Timeout::Connect | ureq::Timeout::Resolve => "connecting",
                ureq::Timeout::SendRequest | ureq::Timeout::SendBody | ureq::Timeout::PerWrite => {
                    "sending the request"
                }
                // The attempt's deadline, reading or waiting for the answer.
                _ => "waiting for the answer",
            };
            let cause = match which {
                ureq::Timeout::Connect => Cause::ConnectFailed,
                _ => Cause::Timeout,
            };
            (Error::timeout(format!("request timed out {step}")), cause)
        }
        E::Io(io) if io.get_ref().is_some_and(|e| e.is::<LookupFailed>()) => {
            let timed_out = io.kind() == K::TimedOut;
            let message = io.get_ref().map(ToString::to_string).unwrap_or_default();
            match timed_out {
                true => (
                    Error::timeout(format!("request timed out: {message}")),
                    Cause::Timeout,
                ),
                false => (Error::connection(message, io), Cause::Network),
            }
        }
        E::Io(io) if is_rustls_error(&io) => {
            let message = io.get_ref().map(ToString::to_string).unwrap_or_default();
            (Error::tls(format!("TLS failed: {message}"), io), Cause::Tls)
        }
        E::Io(io) => match io.kind() {
            K::TimedOut | K::WouldBlock => (
                Error::timeout(format!("request timed out: {io}")),
                Cause::Timeout,
            ),
            kind => {
                let cause = match kind {
                    K::ConnectionRefused
                    | K::HostUnreachable
                    | K::NetworkUnreachable
                    | K::NetworkDown
                    | K::AddrNotAvailable => Cause::ConnectFailed,
                    K::ConnectionReset
                    | K::ConnectionAborted
                    | K::BrokenPipe
                    | K::UnexpectedEof => Cause::Lost,
                    _ => Cause::Network,
                };
                (
                    Error::connection(format!("connection failed: {io}"), io),
                    cause,
                )
            }
        },
        E::HostNotFound => (
            Error::connection("connection failed: host not found", "host not found"),
            Cause::Network,
        ),
        E::ConnectionFailed => (
            Error::connection("connection failed", "connection failed"),
            Cause::ConnectFailed,
        ),
        E::Protocol(e) => (
            Error::connection(
                format!("the server's reply is not valid HTTP: {e}"),
                e.to_string(),
            ),
            Cause::Network,
        ),
        E::ConnectProxyFailed(reason) => {
            // ureq says "proxy server responded 502/Bad Gateway", or that it did not respond.
            let status = reason
                .split_once("responded ")
                .and_then(|(_, rest)| rest.get(..3))
                .and_then(|code| code.parse::<u16>().ok());
            let cause = match status {
                // The proxy could not reach Stripe, or is overloaded: like a 5xx from Stripe.
                Some(502..=504) | None => Cause::Network,
                _ => Cause::Permanent,
            };
            let hint = match status {
                Some(407) => {
                    " (it wants credentials: put them in the proxy URL, user:password@host)"
                }
                _ => "",
            };
            let message = format!("the proxy did not open a tunnel to Stripe: {reason}{hint}");
            (Error::connection(message, reason), cause)
        }
        e @ (E::Tls(_) | E::Rustls(_) | E::Pem(_) | E::TlsRequired) => (
            Error::tls(format!("TLS failed: {e}"), e.to_string()),
            Cause::Tls,
        ),
        E::BodyExceedsLimit(limit) => (
            Error::invalid_response(format!("the response body is larger than {limit} bytes")),
            Cause::Permanent,
        ),
        E::LargeResponseHeader(..) => (
            Error::invalid_response("the response headers are too large"),
            Cause::Permanent,
        ),
        e @ (E::BadUri(_) | E::Http(_) | E::RequireHttpsOnly(_) | E::InvalidProxyUrl) => (
            Error::invalid_input(format!("cannot send the request: {e}")),
            Cause::Permanent,
        ),
        e => (
            Error::connection(format!("request failed: {e}"), e.to_string()),
            Cause::Permanent,
        ),
    };
    Failure { error, cause }
}

/// Whether ureq's I/O error carries a rustls error: a handshake or certificate failure, which
/// ureq passes on as an `io::Error` of kind `InvalidData`. rustls' type is named through
/// ureq's `Error::Rustls` variant, so the crate needs no dependency of its own on rustls.
fn is_rustls_error(io: &std::io::Error) -> bool {
    fn carries<T: std::error::Error + 'static>(
        _variant: fn(T) -> ureq::Error,
        error: &(dyn std::error::Error + Send + Sync + 'static),
    ) -> bool {
        error.is::<T>()
    }
    io.get_ref()
        .is_some_and(|e| carries(ureq::Error::Rustls, e))
}

/// Stripe's error envelope: `{"error": {...}}`.
#[derive(Deserialize)]
struct ErrorEnvelope {
    pub(crate) error: ApiError,
}

impl RawResponse {
    /// The one place that maps an HTTP answer to a value or an error.
    fn into_result<T: DeserializeOwned>(
        self,
        attempts: u32,
        idempotency_key: Option<String>,
    ) -> Result<Response<T>, Error> {
        let context = |error: Error| {
            error
                .with_response(Some(self.status), self.request_id.clone())
                .with_attempts(attempts, idempotency_key.as_deref())
        };
        if (200..300).contains(&self.status) {
            return match decode::from_slice::<T>(&self.body) {
                Ok(data) => Ok(Response {
                    data,
                    status: self.status,
                    request_id: self.request_id,
                    attempts,
                    idempotency_key,
                }),
                // Some proxies and test servers wrap an error in a 200.
                Err(decode_error) => Err(context(
                    match decode::from_slice::<ErrorEnvelope>(&self.body) {
                        Ok(envelope) => Error::api(envelope.error),
                        Err(_) => self.unexpected_body(&decode_error.to_string()),
                    },
                )),
            };
        }
        let error = match decode::from_slice::<ErrorEnvelope>(&self.body) {
            Ok(envelope) => Error::api(envelope.error),
            Err(_) if (300..400).contains(&self.status) => Error::invalid_response(format!(
                "unexpected redirect (HTTP {}); Stripe never redirects, so it was not followed",
                self.status
            )),
            Err(decode_error) => self.unexpected_body(&decode_error.to_string()),
        };
        Err(context(error))
    }

    fn unexpected_body(&self, why: &str) -> Error {
        if self.body.is_empty() {
            return Error::invalid_response(format!(
                "empty response body with HTTP {}",
                self.status
            ));
        }
        let end = self.body.len().min(SNIPPET_BYTES);
        let mut snippet = String::from_utf8_lossy(&self.body[..end]).into_owned();
        snippet.retain(|c| !c.is_control() || c == ' ');
        let more = if self.body.len() > end { "..." } else { "" };
        Error::invalid_response(format!(
            "the response is not the JSON expected ({why}); it begins: {snippet:?}{more}"
        ))
    }
}

/// A fresh idempotency key, formatted as a UUID v4: 122 random bits.
pub(crate) fn new_idempotency_key() -> String {
    let high = random_u64();
    let low = random_u64();
    let bytes: [u8; 16] = {
        let mut b = [0u8; 16];
        b[..8].copy_from_slice(&high.to_be_bytes());
        b[8..].copy_from_slice(&low.to_be_bytes());
        b[6] = (b[6] & 0x0f) | 0x40; // version 4
        b[8] = (b[8] & 0x3f) | 0x80; // RFC 4122 variant
        b
    };
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut key = String::with_capacity(36);
    for (i, byte) in bytes.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            key.push('-');
        }
        key.push(char::from(HEX[usize::from(byte >> 4)]));
        key.push(char::from(HEX[usize::from(byte & 0x0f)]));
    }
    key
}

/// 64 unpredictable bits without a dependency: std seeds each `RandomState` from the
/// operating system's randomness, and SipHash keyed that way over a process-wide counter
/// never gives two callers the same input, across threads too.
fn random_u64() -> u64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    hasher.finish()
}

/// Uniform in [0, 1).
fn random_unit() -> f64 {
    (random_u64() >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_authorization_header_is_sensitive_and_never_shown() {
        let key = "sk_test_51DoNotShowThisKey";
        let client = crate::Client::new(key).unwrap();
        let authorization = &client.transport().authorization;
        assert!(authorization.is_sensitive());
        assert_eq!(authorization.as_bytes(), format!("Bearer {key}").as_bytes());
        let mut request = ureq::http::Request::new(());
        request
            .headers_mut()
            .insert(header::AUTHORIZATION, authorization.clone());
        let shown = format!("{request:?} {client:?}");
        assert!(
            !shown.contains(key) && shown.contains("Sensitive"),
            "{shown}"
        );
    }

    fn policy() -> RetryPolicy {
        RetryPolicy {
            max_retries: 2,
            initial_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(5),
        }
    }

    #[test]
    fn delays_double_from_half_a_second_to_five_with_jitter_and_never_below_half_a_second() {
        // (retry, backoff before jitter)
        let cases = [
            (1, 500),
            (2, 1000),
            (3, 2000),
            (4, 4000),
            (5, 5000),
            (9, 5000),
            (40, 5000),
        ];
        for (retry, backoff) in cases {
            let samples: Vec<Duration> = (0..2000).map(|_| policy().delay(retry, None)).collect();
            let low = Duration::from_millis(backoff / 2).max(Duration::from_millis(500));
            let high = Duration::from_millis(backoff);
            let min = *samples.iter().min().unwrap();
            let max = *samples.iter().max().unwrap();
            assert!(
                min >= low && max <= high,
                "retry {retry}: {min:?}..{max:?} not in {low:?}..{high:?}"
            );
            if backoff >= 1000 {
                // The jitter spreads over the whole range.
                let spread = (high - low).mul_f64(0.05);
                assert!(
                    min <= low + spread && max >= high - spread,
                    "retry {retry}: {min:?}..{max:?}"
                );
            }
        }
    }

    #[test]
    fn a_short_retry_after_is_honoured_and_a_long_one_ignored() {
        let wait = policy().delay(1, Some(Duration::from_secs(7)));
        assert_eq!(wait, Duration::from_secs(7));
        let wait = policy().delay(1, Some(Duration::from_secs(600)));
        assert!(wait <= Duration::from_millis(500), "{wait:?}");
    }

    #[test]
    fn idempotency_keys_are_uuid_v4_and_unique() {
        let keys: std::collections::HashSet<String> =
            (0..20_000).map(|_| new_idempotency_key()).collect();
        assert_eq!(keys.len(), 20_000);
        for key in keys.iter().take(100) {
            assert_eq!(key.len(), 36);
            for (i, c) in key.char_indices() {
                if matches!(i, 8 | 13 | 18 | 23) {
                    assert_eq!(c, '-', "{key}");
                } else {
                    assert!(matches!(c, '0'..='9' | 'a'..='f'), "{key}");
                }
            }
            assert_eq!(&key[14..15], "4", "{key}");
            assert!("89ab".contains(&key[19..20]), "{key}");
        }
    }
}
