//! The [`Client`], its builder, and per-request options.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::transport::{header_value, Method, RetryPolicy, Transport};
use crate::{Error, Session, SessionCreateParams};

/// The API version this crate's types describe, sent as `Stripe-Version` on every request
/// unless the client or the request says otherwise.
pub const API_VERSION: &str = "2026-10-28.endive";

/// Where requests go unless [`ClientBuilder::base_url`] says otherwise.
pub const DEFAULT_BASE_URL: &str = "https://api.stripe.com";

const DEFAULT_MAX_NETWORK_RETRIES: u32 = 2;
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(80);
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(30);
const DEFAULT_INITIAL_RETRY_DELAY: Duration = Duration::from_millis(500);
const DEFAULT_MAX_RETRY_DELAY: Duration = Duration::from_secs(5);
/// Idle keep-alive connections a client keeps (all to one host): enough for 16 threads sharing
/// a client to reuse their connections. Each is closed after 15 s unused.
const MAX_IDLE_CONNECTIONS: usize = 16;

/// A blocking client for Stripe's Billing Portal API.
///
/// Cheap to clone: clones share one connection pool and one configuration, and a `Client` can
/// be used from many threads at once (`Send + Sync`). No call holds a lock while it waits on
/// the network.
///
/// ```no_run
/// use stripe_billing_portal::{Client, SessionCreateParams};
///
/// let client = Client::from_env()?;
/// let session = client.create_session(
///     &SessionCreateParams::for_customer("cus_123").return_url("https://example.com/account"),
/// )?;
/// println!("{}", session.url);
/// # Ok::<(), stripe_billing_portal::Error>(())
/// ```
#[derive(Clone)]
pub struct Client {
    transport: Arc<Transport>,
}

impl Client {
    /// A client with the default settings, for the secret key `sk_...` (or a restricted key
    /// `rk_...`).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidInput`](crate::ErrorKind::InvalidInput) for an empty key, a key with
    /// whitespace or control characters, or a publishable key (`pk_...`).
    pub fn new(secret_key: impl Into<String>) -> Result<Client, Error> {
        Client::builder(secret_key).build()
    }

    /// A client for the secret key in the `STRIPE_SECRET_KEY` environment variable.
    ///
    /// # Errors
    ///
    /// When the variable is not set, or as [`Client::new`].
    pub fn from_env() -> Result<Client, Error> {
        let key = std::env::var("STRIPE_SECRET_KEY").map_err(|_| {
            Error::invalid_input("the environment variable STRIPE_SECRET_KEY is not set")
        })?;
        Client::new(key)
    }

    /// A builder to change the base URL, retries, timeouts or API version.
    pub fn builder(secret_key: impl Into<String>) -> ClientBuilder {
        ClientBuilder {
            secret_key: secret_key.into(),
            base_url: DEFAULT_BASE_URL.to_owned(),
            stripe_version: API_VERSION.to_owned(),
            max_network_retries: DEFAULT_MAX_NETWORK_RETRIES,
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            initial_retry_delay: DEFAULT_INITIAL_RETRY_DELAY,
            max_retry_delay: DEFAULT_MAX_RETRY_DELAY,
        }
    }

    /// Creates a portal session: `POST /v1/billing_portal/sessions`.
    ///
    /// # Errors
    ///
    /// Whatever [`Error`] describes: Stripe's answer, a network failure after the retries, or
    /// an answer that is not Stripe's.
    pub fn create_session(&self, params: &SessionCreateParams) -> Result<Session, Error> {
        self.create_session_with(params, &RequestOptions::new())
    }

    /// [`Client::create_session`] with per-request options.
    ///
    /// # Errors
    ///
    /// As [`Client::create_session`], and [`ErrorKind::InvalidInput`](crate::ErrorKind::InvalidInput)
    /// for an option that cannot be a header value.
    pub fn create_session_with(
        &self,
        params: &SessionCreateParams,
        options: &RequestOptions,
    ) -> Result<Session, Error> {
        self.create_session_with_response(params, options)
            .map(|r| r.data)
    }

    /// [`Client::create_session_with`], also returning what is known about the exchange:
    /// request id, status, attempts and idempotency key.
    ///
    /// # Errors
    ///
    /// As [`Client::create_session_with`].
    pub fn create_session_with_response(
        &self,
        params: &SessionCreateParams,
        options: &RequestOptions,
    ) -> Result<Response<Session>, Error> {
        self.transport
            .request(Method::Post, "/v1/billing_portal/sessions", params, options)
    }

    pub(crate) fn transport(&self) -> &Transport {
        &self.transport
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.transport.base_url)
            .field(
                "stripe_version",
                &self.transport.stripe_version.to_str().unwrap_or_default(),
            )
            .field("max_network_retries", &self.transport.retry.max_retries)
            .finish_non_exhaustive()
    }
}

/// Builds a [`Client`]; see [`Client::builder`].
///
/// ```
/// use std::time::Duration;
/// use stripe_billing_portal::Client;
///
/// let client = Client::builder("sk_test_123")
///     .base_url("http://127.0.0.1:12111")
///     .max_network_retries(4)
///     .timeout(Duration::from_secs(20))
///     .build()?;
/// # let _ = client;
/// # Ok::<(), stripe_billing_portal::Error>(())
/// ```
#[derive(Clone)]
pub struct ClientBuilder {
    secret_key: String,
    base_url: String,
    stripe_version: String,
    max_network_retries: u32,
    timeout: Duration,
    connect_timeout: Duration,
    initial_retry_delay: Duration,
    max_retry_delay: Duration,
}

impl ClientBuilder {
    /// Where requests go, such as a local test server. It must be `https`, except for a
    /// loopback host (`localhost`, `127.0.0.1`, `[::1]`). Default: `https://api.stripe.com`.
    pub fn base_url(mut self, base_url: &str) -> Self {
        base_url.clone_into(&mut self.base_url);
        self
    }

    /// How many times a failed request is retried (so up to `retries + 1` attempts).
    /// Default: 2. See the crate docs on retries for what is retried.
    pub fn max_network_retries(mut self, retries: u32) -> Self {
        self.max_network_retries = retries;
        self
    }

    /// The longest an attempt may wait at any one step: sending the request, waiting for the
    /// answer to begin, reading the rest of it. A server that accepts and never answers fails
    /// with [`ErrorKind::Timeout`](crate::ErrorKind::Timeout) after this long (exactly: each
    /// single read or write may wait 99 % of it, which lets the socket's timeout be set once
    /// per connection instead of before every read and write). Default: 80 s,
    /// as in Stripe's libraries. Connecting has its own
    /// [`connect_timeout`](ClientBuilder::connect_timeout); host names are looked up by the
    /// system's resolver, within its own time limits.
    ///
    /// Each step, rather than the attempt as a whole, has the budget because ureq bounds a
    /// whole call by looking the host up on a new thread for every request, which doubled
    /// the cost of a request on a fast network (see the README's "Performance").
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The longest connecting may take. Default: 30 s.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The `Stripe-Version` sent with every request. Default: [`API_VERSION`], the version
    /// this crate's types describe.
    pub fn stripe_version(mut self, version: &str) -> Self {
        version.clone_into(&mut self.stripe_version);
        self
    }

    /// The wait before the first retry, and the least any retry waits. Default: 500 ms.
    pub fn initial_retry_delay(mut self, delay: Duration) -> Self {
        self.initial_retry_delay = delay;
        self
    }

    /// The longest wait between retries, before jitter. Default: 5 s. A value below the
    /// [initial delay](ClientBuilder::initial_retry_delay) is raised to it.
    pub fn max_retry_delay(mut self, delay: Duration) -> Self {
        self.max_retry_delay = delay;
        self
    }

    /// Checks the settings and builds the client.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidInput`](crate::ErrorKind::InvalidInput) for a bad secret key, a base
    /// URL that is not `https` (or `http` on a loopback host), or a Stripe version that cannot
    /// be a header value.
    pub fn build(self) -> Result<Client, Error> {
        check_secret_key(&self.secret_key)?;
        let base_url = check_base_url(&self.base_url)?;
        check_header_value("stripe version", &self.stripe_version)?;
        let user_agent = format!(
            "stripe-billing-portal/{} (Rust; ureq)",
            env!("CARGO_PKG_VERSION")
        );
        // The key was checked above, so this fails only for reasons that do not show it.
        let mut authorization = header_value("secret key", &format!("Bearer {}", self.secret_key))?;
        authorization.set_sensitive(true);
        let agent = ureq::Agent::config_builder()
            // Stripe's JSON error body is the useful part of a 4xx.
            .http_status_as_error(false)
            // Stripe never redirects; a redirect is an error, not something to follow.
            .max_redirects(0)
            // ureq keeps 3 idle connections per host by default: with more threads than that
            // sharing a client, every request past the third opened a new connection.
            .max_idle_connections(MAX_IDLE_CONNECTIONS)
            .max_idle_connections_per_host(MAX_IDLE_CONNECTIONS);
        let agent = with_step_timeouts!(
            agent.timeout_connect(Some(self.connect_timeout)),
            self.timeout
        )
        .build()
        .new_agent();
        Ok(Client {
            transport: Arc::new(Transport {
                agent,
                base_url,
                authorization,
                stripe_version: header_value("stripe version", &self.stripe_version)?,
                user_agent: header_value("user agent", &user_agent)?,
                retry: RetryPolicy {
                    max_retries: self.max_network_retries,
                    initial_delay: self.initial_retry_delay,
                    max_delay: self.max_retry_delay.max(self.initial_retry_delay),
                },
            }),
        })
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("secret_key", &redacted(&self.secret_key))
            // Only a URL `build` would accept: swapped arguments put the key here.
            .field(
                "base_url",
                &check_base_url(&self.base_url).unwrap_or_else(|_| "<invalid, not shown>".into()),
            )
            .field("stripe_version", &self.stripe_version)
            .field("max_network_retries", &self.max_network_retries)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .finish_non_exhaustive()
    }
}

/// The key's kind and mode (`sk_test_***`), never the key.
fn redacted(key: &str) -> String {
    let prefix = ["sk_test_", "sk_live_", "rk_test_", "rk_live_"]
        .into_iter()
        .find(|p| key.starts_with(p))
        .unwrap_or("");
    format!("{prefix}***")
}

fn check_secret_key(key: &str) -> Result<(), Error> {
    if key.is_empty() {
        return Err(Error::invalid_input("the secret key is empty"));
    }
    if key.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Error::invalid_input(
            "the secret key contains whitespace or control characters; check for a stray newline",
        ));
    }
    if !key.is_ascii() {
        return Err(Error::invalid_input(
            "the secret key contains non-ASCII characters",
        ));
    }
    if key.contains("://") {
        return Err(Error::invalid_input(
            "the secret key looks like a URL: are the key and the base URL swapped?",
        ));
    }
    if key.starts_with("pk_") {
        return Err(Error::invalid_input(
            "a publishable key (pk_...) cannot call this API: use a secret key (sk_...) or a restricted key (rk_...)",
        ));
    }
    Ok(())
}

/// Accepts `https://host[:port][/path]`, and `http://` only for loopback hosts; returns it
/// without a trailing slash, ready for `/v1/...` to be appended.
fn check_base_url(url: &str) -> Result<String, Error> {
    // The URL itself is not echoed: a swapped key and base URL would put the key in the error.
    let bad = |why: &str| Error::invalid_input(format!("invalid base URL: {why}"));
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad("it contains whitespace or control characters"));
    }
    let (scheme, rest) = url
        .split_once("://")
        .ok_or_else(|| bad("it has no scheme"))?;
    let https = scheme.eq_ignore_ascii_case("https");
    if !https && !scheme.eq_ignore_ascii_case("http") {
        return Err(bad("the scheme must be https"));
    }
    if rest.contains(['?', '#']) {
        return Err(bad("it must not have a query or fragment"));
    }
    let authority = rest.split('/').next().unwrap_or_default();
    if authority.contains('@') {
        return Err(bad("it must not carry credentials"));
    }
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => authority.split(':').next().unwrap_or_default(),
    };
    if host.is_empty() {
        return Err(bad("it has no host"));
    }
    let loopback = host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    if !https && !loopback {
        return Err(bad(
            "it must be https (plain http is allowed only for a loopback host)",
        ));
    }
    Ok(url.trim_end_matches('/').to_owned())
}

/// Header values are refused before sending when they could split or end a header.
fn check_header_value(what: &str, value: &str) -> Result<(), Error> {
    if value.is_empty() {
        return Err(Error::invalid_input(format!("the {what} is empty")));
    }
    if value.chars().any(char::is_control) {
        return Err(Error::invalid_input(format!(
            "the {what} contains control characters (such as CR or LF), which cannot be sent in a header"
        )));
    }
    Ok(())
}

/// Options for one request: idempotency key, Connect account, API version, retries and
/// timeouts.
///
/// ```
/// use stripe_billing_portal::RequestOptions;
///
/// let options = RequestOptions::new()
///     .idempotency_key("order-1234-portal")
///     .stripe_account("acct_123");
/// # let _ = options;
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestOptions {
    pub(crate) idempotency_key: Option<String>,
    pub(crate) stripe_account: Option<String>,
    pub(crate) stripe_version: Option<String>,
    pub(crate) max_network_retries: Option<u32>,
    pub(crate) timeout: Option<Duration>,
    pub(crate) connect_timeout: Option<Duration>,
}

impl RequestOptions {
    /// No options: the client's settings and a generated idempotency key.
    pub fn new() -> Self {
        Self::default()
    }

    /// The `Idempotency-Key` for this request, instead of a generated one. Stripe replays the
    /// first answer for a key it has seen with the same params. Only POSTs carry a key: GETs
    /// change nothing, so they are sent without one.
    pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
        self.idempotency_key = Some(key.into());
        self
    }

    /// Acts for the connected account `acct_...` (the `Stripe-Account` header).
    pub fn stripe_account(mut self, account: impl Into<String>) -> Self {
        self.stripe_account = Some(account.into());
        self
    }

    /// The `Stripe-Version` for this request.
    pub fn stripe_version(mut self, version: impl Into<String>) -> Self {
        self.stripe_version = Some(version.into());
        self
    }

    /// How many times this request is retried, instead of the client's setting.
    pub fn max_network_retries(mut self, retries: u32) -> Self {
        self.max_network_retries = Some(retries);
        self
    }

    /// The longest an attempt of this request may wait at any one step; see
    /// [`ClientBuilder::timeout`].
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The longest connecting may take for this request.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    pub(crate) fn check_headers(&self) -> Result<(), Error> {
        let headers = [
            ("idempotency key", &self.idempotency_key),
            ("Stripe-Account", &self.stripe_account),
            ("stripe version", &self.stripe_version),
        ];
        for (what, value) in headers {
            if let Some(value) = value {
                check_header_value(what, value)?;
            }
        }
        Ok(())
    }
}

/// A value with what is known about the exchange that produced it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Response<T> {
    /// The decoded answer.
    pub data: T,
    /// The HTTP status.
    pub status: u16,
    /// Stripe's `Request-Id` header.
    pub request_id: Option<String>,
    /// How many attempts were made (1 when nothing was retried).
    pub attempts: u32,
    /// The `Idempotency-Key` every attempt carried, for POST requests.
    pub idempotency_key: Option<String>,
}
