//! The [`Client`], its builder, and per-request options.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;

use crate::connect::{self, Lookup};
use crate::proxy::{self, ProxyChoice};
use crate::transport::{
    header_value, Attempt, AttemptHook, Method, RetryPolicy, Roots, Settings, Transport,
};
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
            roots: Roots::default(),
            proxy: ProxyChoice::default(),
            stripe_account: None,
            stripe_context: None,
            on_attempt: None,
            lookup: connect::system_lookup(),
            dns_cache_ttl: connect::DNS_CACHE_TTL,
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
            .map(|response| response.data)
    }

    /// [`Client::create_session`] with per-request options, returning the session with what
    /// is known about the exchange: request id, status, attempts and idempotency key. Every
    /// call's `_with` form works so.
    ///
    /// # Errors
    ///
    /// As [`Client::create_session`], and [`ErrorKind::InvalidInput`](crate::ErrorKind::InvalidInput)
    /// for an option that cannot be a header value.
    pub fn create_session_with(
        &self,
        params: &SessionCreateParams,
        options: &RequestOptions,
    ) -> Result<Response<Session>, Error> {
        self.transport
            .request(Method::Post, "/v1/billing_portal/sessions", params, options)
    }

    /// The same as [`Client::create_session_with`], which now returns the response metadata
    /// itself.
    ///
    /// # Errors
    ///
    /// As [`Client::create_session_with`].
    #[deprecated(
        since = "0.2.0",
        note = "`create_session_with` returns the same `Response`"
    )]
    pub fn create_session_with_response(
        &self,
        params: &SessionCreateParams,
        options: &RequestOptions,
    ) -> Result<Response<Session>, Error> {
        self.create_session_with(params, options)
    }

    /// Calls any endpoint of Stripe's API with the client's key, version, retries,
    /// idempotency keys and error mapping: for an endpoint this crate does not model.
    ///
    /// `method` is `"GET"`, `"POST"` or `"DELETE"`, in any case. `path` starts with `/v1/`.
    /// `params` go through the crate's form encoder (any `Serialize` value, such as a
    /// `serde_json::json!` object or a params struct of this crate): as the query for GET and
    /// DELETE, as the body for POST. POST and DELETE carry an idempotency key, the same on
    /// every retry. The answer is Stripe's JSON as a [`serde_json::Value`].
    ///
    /// ```no_run
    /// use serde_json::json;
    /// use stripe_billing_portal::{Client, RequestOptions, SessionCreateParams};
    ///
    /// let client = Client::from_env()?;
    /// // Look the customer up by email, then open their portal.
    /// let found = client.raw_request(
    ///     "GET",
    ///     "/v1/customers",
    ///     &json!({"email": "jenny@example.com", "limit": 1}),
    ///     &RequestOptions::new(),
    /// )?;
    /// if let Some(id) = found.data["data"][0]["id"].as_str() {
    ///     let session = client.create_session(&SessionCreateParams::for_customer(id))?;
    ///     println!("{}", session.url);
    /// }
    /// # Ok::<(), stripe_billing_portal::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidInput`](crate::ErrorKind::InvalidInput), before anything is sent,
    /// for another method, a path that does not start with `/v1/` or has a query, a fragment,
    /// a `..` segment or characters that are not path-safe, or params with no form encoding;
    /// otherwise as every call.
    pub fn raw_request<P: Serialize + ?Sized>(
        &self,
        method: &str,
        path: &str,
        params: &P,
        options: &RequestOptions,
    ) -> Result<Response<serde_json::Value>, Error> {
        let method = Method::from_name(method)?;
        check_raw_path(path)?;
        self.transport.request(method, path, params, options)
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
            .field("proxy", &self.transport.proxy().map(proxy::describe))
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
    roots: Roots,
    proxy: ProxyChoice,
    stripe_account: Option<String>,
    stripe_context: Option<String>,
    on_attempt: Option<AttemptHook>,
    lookup: Lookup,
    dns_cache_ttl: Duration,
}

impl ClientBuilder {
    /// Where requests go, such as a local test server: the URL that `/v1/...` is appended to,
    /// so without `/v1` itself. It must be `https`, except for a loopback host (`localhost`,
    /// `127.0.0.1`, `[::1]`). Default: `https://api.stripe.com`.
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = base_url.into();
        self
    }

    /// How many times a failed request is retried (so up to `retries + 1` attempts).
    /// Default: 2. See the crate docs on retries for what is retried.
    pub fn max_network_retries(mut self, retries: u32) -> Self {
        self.max_network_retries = retries;
        self
    }

    /// The longest one attempt may take, end to end: looking the host up, connecting,
    /// sending the request and reading the whole answer. An attempt past it fails with
    /// [`ErrorKind::Timeout`](crate::ErrorKind::Timeout) (and is retried, as any timeout is).
    /// Default: 80 s, as in Stripe's libraries. Connecting also has its own, shorter
    /// [`connect_timeout`](ClientBuilder::connect_timeout).
    ///
    /// A request's whole time is bounded by `(retries + 1) * timeout` plus the waits
    /// between retries.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The longest a host lookup may keep an attempt waiting, and then the longest connecting
    /// may take. Default: 30 s. Looked-up addresses are cached (see the crate docs on
    /// [networks](crate#networks)), so most calls make no lookup at all.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Trusts exactly the certificate authorities of this PEM bundle, instead of the Mozilla
    /// roots built into the crate: for a private CA, or a TLS-inspecting corporate proxy whose
    /// CA the company hands out. The bundle is the contents of a `.pem` or `.crt` file with
    /// one or more `-----BEGIN CERTIFICATE-----` sections; other sections are skipped. To trust
    /// a private CA on top of the usual ones, append it to a copy of your system's bundle
    /// (such as `/etc/ssl/certs/ca-certificates.crt`).
    ///
    /// ```no_run
    /// let pem = std::fs::read("/etc/ssl/certs/corporate-ca.pem")?;
    /// let client = stripe_billing_portal::Client::builder("sk_test_...")
    ///     .root_certificates(pem)
    ///     .build()?;
    /// # let _ = client;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// [`build`](ClientBuilder::build) fails with
    /// [`ErrorKind::InvalidInput`](crate::ErrorKind::InvalidInput) for a bundle that is not
    /// PEM, holds no certificate, or holds one that is not X.509.
    pub fn root_certificates(mut self, pem: impl AsRef<[u8]>) -> Self {
        self.roots = Roots::Pem(pem.as_ref().to_vec());
        self
    }

    /// Verifies certificates with the operating system's trust store and verifier
    /// (`rustls-platform-verifier`), instead of the Mozilla roots built into the crate: what
    /// an administrator installed there, such as a corporate CA, is trusted. Needs the
    /// `platform-verifier` feature.
    #[cfg(feature = "platform-verifier")]
    #[cfg_attr(docsrs, doc(cfg(feature = "platform-verifier")))]
    pub fn platform_verifier(mut self) -> Self {
        self.roots = Roots::Platform;
        self
    }

    /// Sends every request through this proxy, whatever the environment says:
    /// `http://[user:password@]host[:port]` for an HTTP proxy (a `CONNECT` tunnel; TLS to
    /// Stripe stays end to end), `https://...` for one reached over TLS, or `socks5://`,
    /// `socks5h://` (the proxy resolves the name), `socks4://`, `socks4a://`. A URL without a
    /// scheme is `http://`. Credentials in the URL are percent-decoded, and never shown in
    /// `Debug` or errors.
    ///
    /// Without this call the environment decides, as for curl: `HTTPS_PROXY` (`HTTP_PROXY` for
    /// an `http` base URL), else `ALL_PROXY`, each in upper or lower case, unless `NO_PROXY`
    /// names the base URL's host. `NO_PROXY` entries are separated by commas and/or spaces:
    /// `*` for every host; `example.com`, `.example.com` or `*.example.com` for the domain and
    /// its subdomains; IP addresses and CIDR blocks (`10.0.0.0/8`); a `:port` is ignored.
    ///
    /// [`build`](ClientBuilder::build) fails with
    /// [`ErrorKind::InvalidInput`](crate::ErrorKind::InvalidInput) for a proxy URL it cannot
    /// use, from here or from the environment: such a proxy is never silently bypassed.
    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        self.proxy = ProxyChoice::Url(url.into());
        self
    }

    /// Connects directly, ignoring the proxy environment variables.
    pub fn no_proxy(mut self) -> Self {
        self.proxy = ProxyChoice::Direct;
        self
    }

    /// Looks host names up with `lookup` instead of the system's resolver, keeping what it
    /// finds for `ttl`: the seam that tests count lookups through.
    #[cfg(all(test, feature = "mock"))]
    pub(crate) fn lookup(mut self, lookup: Lookup, ttl: Duration) -> Self {
        self.lookup = lookup;
        self.dns_cache_ttl = ttl;
        self
    }

    /// The `Stripe-Version` sent with every request. Default: [`API_VERSION`], the version
    /// this crate's types describe.
    pub fn stripe_version(mut self, version: impl Into<String>) -> Self {
        self.stripe_version = version.into();
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

    /// Acts for the connected account `acct_...` on every request (the `Stripe-Account`
    /// header), unless a request's [`RequestOptions::stripe_account`] says otherwise.
    pub fn stripe_account(mut self, account: impl Into<String>) -> Self {
        self.stripe_account = Some(account.into());
        self
    }

    /// The `Stripe-Context` header of every request (Accounts v2, organization keys), unless a
    /// request's [`RequestOptions::stripe_context`] says otherwise.
    pub fn stripe_context(mut self, context: impl Into<String>) -> Self {
        self.stripe_context = Some(context.into());
        self
    }

    /// Calls `hook` after every attempt of every request, retries and failures included, with
    /// the facts the crate also logs: method, path, attempt number, status or failure,
    /// request id, elapsed time, and whether and after how long it is retried. For metrics
    /// without parsing logs. The hook runs on the calling thread, between attempts, so it
    /// should be quick; a panic in it is caught and logged, and the request goes on.
    ///
    /// ```
    /// use std::sync::atomic::{AtomicU64, Ordering};
    /// use std::sync::Arc;
    ///
    /// let failed = Arc::new(AtomicU64::new(0));
    /// let counter = failed.clone();
    /// let client = stripe_billing_portal::Client::builder("sk_test_123")
    ///     .on_attempt(move |attempt| {
    ///         if attempt.status.is_none_or(|s| s >= 500) {
    ///             counter.fetch_add(1, Ordering::Relaxed);
    ///         }
    ///     })
    ///     .build()?;
    /// # let _ = client;
    /// # Ok::<(), stripe_billing_portal::Error>(())
    /// ```
    pub fn on_attempt(mut self, hook: impl Fn(&Attempt<'_>) + Send + Sync + 'static) -> Self {
        self.on_attempt = Some(Arc::new(hook));
        self
    }

    /// Checks the settings and builds the client.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidInput`](crate::ErrorKind::InvalidInput) for a bad secret key, a base
    /// URL that is not `https` (or `http` on a loopback host) or that ends in `/v1`, a
    /// Stripe version, account or context that cannot be a header value, a root certificate
    /// bundle with no usable certificate, or a proxy URL that cannot be used.
    pub fn build(self) -> Result<Client, Error> {
        check_secret_key(&self.secret_key)?;
        let base_url = check_base_url(&self.base_url)?;
        check_header_value("stripe version", &self.stripe_version)?;
        let optional_header = |what: &str, value: &Option<String>| {
            value
                .as_deref()
                .map(|v| check_header_value(what, v).and_then(|()| header_value(what, v)))
                .transpose()
        };
        let stripe_account = optional_header("Stripe-Account", &self.stripe_account)?;
        let stripe_context = optional_header("Stripe-Context", &self.stripe_context)?;
        let user_agent = format!(
            "stripe-billing-portal/{} (Rust; ureq)",
            env!("CARGO_PKG_VERSION")
        );
        // The key was checked above, so this fails only for reasons that do not show it.
        let mut authorization = header_value("secret key", &format!("Bearer {}", self.secret_key))?;
        authorization.set_sensitive(true);
        let uri = ureq::http::Uri::try_from(base_url.as_str())
            .map_err(|_| Error::invalid_input("invalid base URL: it is not a valid URL"))?;
        let proxy = proxy::choose(
            &self.proxy,
            uri.scheme_str().unwrap_or("https"),
            uri.host().unwrap_or_default(),
            |name| std::env::var(name).ok(),
        )?;
        let transport = Transport::new(Settings {
            base_url,
            authorization,
            stripe_version: header_value("stripe version", &self.stripe_version)?,
            user_agent: header_value("user agent", &user_agent)?,
            retry: RetryPolicy {
                max_retries: self.max_network_retries,
                initial_delay: self.initial_retry_delay,
                max_delay: self.max_retry_delay.max(self.initial_retry_delay),
            },
            timeout: self.timeout,
            connect_timeout: self.connect_timeout,
            roots: self.roots,
            proxy,
            lookup: self.lookup,
            dns_cache_ttl: self.dns_cache_ttl,
            stripe_account,
            stripe_context,
            on_attempt: self.on_attempt,
        })?;
        Ok(Client {
            transport: Arc::new(transport),
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
            .field("stripe_account", &self.stripe_account)
            .field("stripe_context", &self.stripe_context)
            .field("on_attempt", &self.on_attempt.is_some())
            .field(
                "custom_root_certificates",
                &(self.roots != Roots::default()),
            )
            .field(
                "proxy",
                &match &self.proxy {
                    ProxyChoice::Environment => "from the environment",
                    ProxyChoice::Url(_) => "set",
                    ProxyChoice::Direct => "none",
                },
            )
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
    // Every path starts with `/v1/`: `https://api.stripe.com/v1` would send `/v1/v1/...`.
    let path = rest[authority.len()..].trim_end_matches('/');
    if path.to_ascii_lowercase().ends_with("/v1") {
        return Err(bad(
            "it ends in /v1, which the client adds to every path: leave /v1 out (https://api.stripe.com, not https://api.stripe.com/v1)",
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
    pub(crate) stripe_context: Option<String>,
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

    /// Acts for the connected account `acct_...` (the `Stripe-Account` header), instead of
    /// the client's [`ClientBuilder::stripe_account`].
    pub fn stripe_account(mut self, account: impl Into<String>) -> Self {
        self.stripe_account = Some(account.into());
        self
    }

    /// The `Stripe-Context` header: the account (or organization context) a request acts
    /// in, for Accounts v2 and organization keys, instead of the client's
    /// [`ClientBuilder::stripe_context`].
    pub fn stripe_context(mut self, context: impl Into<String>) -> Self {
        self.stripe_context = Some(context.into());
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

    /// The longest one attempt of this request may take, end to end; see
    /// [`ClientBuilder::timeout`].
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The longest a lookup, then connecting, may take for this request; see
    /// [`ClientBuilder::connect_timeout`].
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    pub(crate) fn check_headers(&self) -> Result<(), Error> {
        let headers = [
            ("idempotency key", &self.idempotency_key),
            ("Stripe-Account", &self.stripe_account),
            ("Stripe-Context", &self.stripe_context),
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
    /// The `Idempotency-Key` every attempt carried, for POST and DELETE requests.
    pub idempotency_key: Option<String>,
}

/// Paths that `raw_request` sends: `/v1/` and then path-safe characters only, so that a
/// path can never add a query, leave `/v1/` or smuggle a header.
fn check_raw_path(path: &str) -> Result<(), Error> {
    let bad = |why: &str| Error::invalid_input(format!("cannot request that path: {why}"));
    if !path.starts_with("/v1/") {
        return Err(bad("it must start with /v1/"));
    }
    if path.contains(['?', '#']) {
        return Err(bad(
            "it must not have a query or fragment: pass the params instead",
        ));
    }
    // `%2e` is a dot to a server that decodes before it normalizes.
    let dots = |segment: &str| segment.replace("%2e", ".").replace("%2E", ".");
    if path
        .split('/')
        .map(dots)
        .any(|segment| segment == ".." || segment == ".")
    {
        return Err(bad("it must not have . or .. segments"));
    }
    let safe = |b: u8| b.is_ascii_alphanumeric() || b"-._~/:@!$&'()*+,;=%".contains(&b);
    if !path.bytes().all(safe) {
        return Err(bad(
            "it has characters that are not path-safe (percent-encode them)",
        ));
    }
    Ok(())
}
