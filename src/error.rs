//! The crate's one error type.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Everything that can go wrong, from a bad key to Stripe saying no.
///
/// Match on [`Error::kind`] to tell the cases apart; [`Error::api_error`] holds Stripe's own
/// error object when Stripe sent one. The secret key never appears in an `Error`, neither in
/// its `Debug` nor its `Display`.
///
/// ```
/// use stripe_billing_portal::{Client, ErrorKind};
///
/// let err = Client::new("pk_test_123").unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::InvalidInput);
/// assert!(err.to_string().contains("publishable"));
/// ```
pub struct Error(Box<Inner>);

#[derive(Debug)]
struct Inner {
    kind: ErrorKind,
    message: String,
    status: Option<u16>,
    request_id: Option<String>,
    idempotency_key: Option<String>,
    attempts: u32,
    api_error: Option<ApiError>,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

/// What kind of failure an [`Error`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Refused before anything was sent: a bad secret key, base URL or header value, or
    /// params with no form encoding.
    InvalidInput,
    /// Stripe answered with its JSON error object; see [`Error::api_error`].
    Api,
    /// No answer: the host could not be looked up, the connection was refused, reset or
    /// closed, a proxy would not open a tunnel, or the reply was not HTTP.
    Connection,
    /// The TLS handshake failed: the server's certificate was not trusted (unknown issuer,
    /// wrong host name, expired, self-signed) or the server does not speak TLS. Never
    /// retried, since it fails the same way again; see
    /// [`ClientBuilder::root_certificates`](crate::ClientBuilder::root_certificates) for a
    /// private CA or a TLS-inspecting proxy.
    Tls,
    /// A connect or request timeout ran out.
    Timeout,
    /// An answer that is not what Stripe sends: not JSON, JSON of the wrong shape, too large,
    /// a redirect, or an unexpected status without an error object.
    InvalidResponse,
}

/// The class of a Stripe API error, as Stripe's official libraries tell them apart (each has
/// an exception class of its own there): what a program usually branches on.
///
/// ```
/// use stripe_billing_portal::{Error, ErrorClass};
///
/// fn should_back_off(error: &Error) -> bool {
///     error.class() == Some(ErrorClass::RateLimit)
/// }
/// # let _ = should_back_off;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorClass {
    /// HTTP 429, or code `rate_limit`: too many requests; slow down.
    RateLimit,
    /// HTTP 401: the secret key is wrong, expired or revoked.
    Authentication,
    /// HTTP 402: a card was declined or could not be charged.
    Card,
    /// HTTP 403: the key may not do this (a restricted key, or another account's object).
    Permission,
    /// Type `idempotency_error`: an idempotency key reused with other params or at another
    /// endpoint.
    Idempotency,
    /// Any other HTTP 400 or 404: the request's params are wrong, or name a missing object.
    InvalidRequest,
    /// Anything else Stripe answered with its error object: a problem on Stripe's side.
    Api,
}

open_enum! {
    /// The `type` of a Stripe API error.
    pub enum ApiErrorType {
        /// Something went wrong on Stripe's end.
        ApiError = "api_error",
        /// A card could not be charged.
        CardError = "card_error",
        /// An idempotency key was reused with different params.
        IdempotencyError = "idempotency_error",
        /// The request had invalid params.
        InvalidRequestError = "invalid_request_error",
    }
}

/// Stripe's error object: the `error` of an error response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ApiError {
    /// The error's type.
    #[serde(rename = "type")]
    pub kind: ApiErrorType,
    /// A short, stable string for errors a program can handle, such as `resource_missing`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// For card errors: the issuer's reason for the decline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decline_code: Option<String>,
    /// The param the error relates to, in bracket form (`flow_data[type]`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub param: Option<String>,
    /// A human-readable message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// A link to Stripe's documentation of the error code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc_url: Option<String>,
    /// For card errors: how to proceed, when the issuer said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub advice_code: Option<String>,
    /// For card errors: the failed charge.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub charge: Option<String>,
    /// For card errors: the network's advice code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_advice_code: Option<String>,
    /// For card errors: the network's decline code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_decline_code: Option<String>,
    /// For some errors: the type of payment method involved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_method_type: Option<String>,
    /// A link to this request in the Dashboard's logs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_log_url: Option<String>,
}

impl Error {
    fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error(Box::new(Inner {
            kind,
            message: message.into(),
            status: None,
            request_id: None,
            idempotency_key: None,
            attempts: 0,
            api_error: None,
            source: None,
        }))
    }

    pub(crate) fn invalid_input(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidInput, message)
    }

    pub(crate) fn connection(
        message: impl Into<String>,
        source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Self {
        Self::new(ErrorKind::Connection, message).with_source(source)
    }

    pub(crate) fn tls(
        message: impl Into<String>,
        source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Self {
        Self::new(ErrorKind::Tls, message).with_source(source)
    }

    pub(crate) fn timeout(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Timeout, message)
    }

    pub(crate) fn invalid_response(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidResponse, message)
    }

    pub(crate) fn api(api_error: ApiError) -> Self {
        let mut error = Self::new(ErrorKind::Api, "");
        error.0.api_error = Some(api_error);
        error
    }

    pub(crate) fn with_source(
        mut self,
        source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Self {
        self.0.source = Some(source.into());
        self
    }

    /// Adds what is known about the HTTP exchange the error came from.
    pub(crate) fn with_response(mut self, status: Option<u16>, request_id: Option<String>) -> Self {
        self.0.status = status.or(self.0.status);
        self.0.request_id = request_id.or(self.0.request_id.take());
        self
    }

    pub(crate) fn with_attempts(mut self, attempts: u32, idempotency_key: Option<&str>) -> Self {
        self.0.attempts = attempts;
        self.0.idempotency_key = idempotency_key.map(str::to_owned);
        self
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }

    /// The HTTP status of the response, when there was one.
    pub fn status(&self) -> Option<u16> {
        self.0.status
    }

    /// Stripe's `Request-Id` header of the response, when there was one: quote it to Stripe's
    /// support.
    pub fn request_id(&self) -> Option<&str> {
        self.0.request_id.as_deref()
    }

    /// Stripe's error object, for [`ErrorKind::Api`].
    pub fn api_error(&self) -> Option<&ApiError> {
        self.0.api_error.as_ref()
    }

    /// Stripe's error code (`resource_missing`, ...), when there is one.
    pub fn code(&self) -> Option<&str> {
        self.api_error()?.code.as_deref()
    }

    /// The param Stripe's error is about, in bracket form (`flow_data[type]`), when it says.
    pub fn param(&self) -> Option<&str> {
        self.api_error()?.param.as_deref()
    }

    /// The class of Stripe's error, by the rules of Stripe's official libraries, in this order:
    /// 429 or code `rate_limit`, 401, 402, 403, type `idempotency_error`, other 400 and 404,
    /// the rest. `None` when Stripe did not answer with its error object
    /// ([`ErrorKind::Api`]).
    pub fn class(&self) -> Option<ErrorClass> {
        let api = self.api_error()?;
        let status = self.0.status.unwrap_or_default();
        Some(match status {
            429 => ErrorClass::RateLimit,
            _ if api.code.as_deref() == Some("rate_limit") => ErrorClass::RateLimit,
            401 => ErrorClass::Authentication,
            402 => ErrorClass::Card,
            403 => ErrorClass::Permission,
            _ if api.kind == ApiErrorType::IdempotencyError => ErrorClass::Idempotency,
            400 | 404 => ErrorClass::InvalidRequest,
            _ => ErrorClass::Api,
        })
    }

    /// How many HTTP attempts were made: 0 when the request was refused before sending,
    /// more than 1 when it was retried.
    pub fn attempts(&self) -> u32 {
        self.0.attempts
    }

    /// The `Idempotency-Key` every attempt carried, for POST requests.
    pub fn idempotency_key(&self) -> Option<&str> {
        self.0.idempotency_key.as_deref()
    }

    /// Whether this is a timeout.
    pub fn is_timeout(&self) -> bool {
        self.0.kind == ErrorKind::Timeout
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.0;
        let mut debug = f.debug_struct("Error");
        debug.field("kind", &inner.kind);
        if !inner.message.is_empty() {
            debug.field("message", &inner.message);
        }
        if let Some(api_error) = &inner.api_error {
            debug.field("api_error", api_error);
        }
        if let Some(status) = inner.status {
            debug.field("status", &status);
        }
        if let Some(request_id) = &inner.request_id {
            debug.field("request_id", request_id);
        }
        if inner.attempts > 0 {
            debug.field("attempts", &inner.attempts);
        }
        if let Some(source) = &inner.source {
            debug.field("source", source);
        }
        debug.finish()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.0;
        match &inner.api_error {
            Some(api) => {
                write!(f, "stripe {}", api.kind)?;
                if let Some(code) = &api.code {
                    write!(f, " ({code})")?;
                }
                if let Some(param) = &api.param {
                    write!(f, " on param `{param}`")?;
                }
                if let Some(message) = &api.message {
                    write!(f, ": {message}")?;
                }
            }
            None => f.write_str(&inner.message)?,
        }
        if let Some(status) = inner.status {
            write!(f, " [HTTP {status}")?;
            if let Some(request_id) = &inner.request_id {
                write!(f, ", request {request_id}")?;
            }
            f.write_str("]")?;
        }
        if inner.attempts > 1 {
            write!(f, " after {} attempts", inner.attempts)?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0
            .source
            .as_deref()
            .map(|source| source as &(dyn std::error::Error + 'static))
    }
}
