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
//! Everything runs on plain threads, one per connection; there is no async runtime. Requests
//! are parsed, validated and answered in parallel: locks are held only to read or write the
//! stored configurations, the request log and the idempotency keys.
//!
//! # Limits
//!
//! The server is meant to run for long (a CI run, a shared dev box) and to face any client,
//! so every time and memory cost has a bound. Those marked *settable* are set through
//! [`MockServer::builder`]; a timeout of [`Duration::MAX`](std::time::Duration::MAX) means none.
//!
//! | what | limit | beyond it |
//! | --- | --- | --- |
//! | request log ([`MockServer::requests`]) | the most recent 1,000 requests, settable, `0` keeps none | the oldest go |
//! | one record of the log | 64 KiB of form keys and values | `truncated` is set |
//! | idempotency keys | 24 hours each, and the 10,000 most recent, settable | forgotten |
//! | configurations | 10,000, settable | 400 on create |
//! | connections at once | 256, settable | 503 `api_error`, closed |
//! | request head | 64 KiB, within 10 s of its first byte (settable) | 431, 408; closed |
//! | body | 1 MiB, `Content-Length` only | 413 (411 for chunked); read and dropped, closed |
//! | form pairs in one request | 2,000 | 400 |
//! | metadata | 50 keys, keys of 40 characters, values of 500 (Stripe's) | 400 naming the param |
//! | `Idempotency-Key` | 255 characters (Stripe's) | 400 `idempotency_error` |
//! | a body arriving; one answer being written | within 10 s each, settable | 408 for a body; closed |
//! | idle keep-alive connection | 120 s, settable | closed |
//!
//! A request whose head could be read two ways is refused with 400 and the connection closed:
//! a repeated `Content-Length`, a CR, NUL or other control character in a header (never
//! copied into the answer), a folded header line.

mod auth;
mod connection;
mod failure;
mod http;
mod idempotency;
mod limits;
mod log;
mod objects;
mod pipeline;
mod routes;
mod state;
mod validate;

use std::collections::hash_map::RandomState;
use std::collections::VecDeque;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use crate::Error;
use limits::Limits;
use log::RequestLog;
use state::State;

pub use log::MockRequest;

/// A Stripe-compatible Billing Portal server on `127.0.0.1`, for tests and offline use.
///
/// Point a client at [`MockServer::url`]. Test keys (`sk_test_...`, `rk_test_...`) are
/// accepted as Bearer or Basic auth; live keys are refused, since the server is test mode
/// only. The server stops when dropped. Its limits are listed in the [module docs](self#limits)
/// and set with [`MockServer::builder`].
pub struct MockServer {
    shared: Arc<Shared>,
    address: SocketAddr,
    url: String,
    accept: Option<JoinHandle<()>>,
}

/// Settings of a [`MockServer`], from [`MockServer::builder`]. Each setter says its default;
/// a timeout of [`Duration::MAX`] means no limit.
///
/// ```
/// use std::time::Duration;
/// use stripe_billing_portal::mock::MockServer;
///
/// let server = MockServer::builder()
///     .request_log_capacity(100)
///     .max_connections(32)
///     .head_timeout(Duration::from_secs(2))
///     .start()?;
/// assert!(server.url().starts_with("http://127.0.0.1:"));
/// # Ok::<(), stripe_billing_portal::Error>(())
/// ```
#[must_use]
pub struct MockServerBuilder {
    port: u16,
    limits: Limits,
    on_request: Option<OnRequest>,
}

type OnRequest = Box<dyn Fn(&MockRequest) + Send + Sync>;

impl MockServerBuilder {
    /// The port on `127.0.0.1`; default 0, a free one.
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// How many of the most recent requests [`MockServer::requests`] keeps; default 1,000.
    /// `0` keeps none (an [`on_request`](Self::on_request) hook still sees every one).
    pub fn request_log_capacity(mut self, requests: usize) -> Self {
        self.limits.request_log = requests;
        self
    }

    /// How many idempotency keys are remembered at most, the oldest forgotten first; default
    /// 10,000. Each is forgotten after 24 hours in any case, as at Stripe. `0` remembers none.
    pub fn idempotency_capacity(mut self, keys: usize) -> Self {
        self.limits.idempotency_keys = keys;
        self
    }

    /// How many configurations can exist (the default one included); default 10,000. A
    /// create beyond it is answered 400.
    pub fn max_configurations(mut self, configurations: usize) -> Self {
        self.limits.configurations = configurations;
        self
    }

    /// How many connections are served at once; default 256. One beyond it is answered 503
    /// with a Stripe `api_error` and closed.
    pub fn max_connections(mut self, connections: usize) -> Self {
        self.limits.connections = connections;
        self
    }

    /// How long a request head (request line and headers) may take to arrive, from its first
    /// byte; default 10 s. A slower one is answered 408 and the connection closed.
    pub fn head_timeout(mut self, timeout: Duration) -> Self {
        self.limits.head_timeout = timeout;
        self
    }

    /// How long a body may take to arrive in all, from the end of the head; default 10 s. A
    /// slower one is answered 408 and the connection closed.
    pub fn body_timeout(mut self, timeout: Duration) -> Self {
        self.limits.body_timeout = timeout;
        self
    }

    /// How long writing one answer may take in all, for a client that does not read (or
    /// reads slowly); default 10 s. Then the connection is closed.
    pub fn write_timeout(mut self, timeout: Duration) -> Self {
        self.limits.write_timeout = timeout;
        self
    }

    /// How long a keep-alive connection may wait for its next request; default 120 s.
    pub fn idle_timeout(mut self, timeout: Duration) -> Self {
        self.limits.idle_timeout = timeout;
        self
    }

    /// Calls `hook` with the record of every request as it arrives, before it is answered,
    /// on the connection's thread: to log requests without copying the log.
    pub fn on_request(mut self, hook: impl Fn(&MockRequest) + Send + Sync + 'static) -> Self {
        self.on_request = Some(Box::new(hook));
        self
    }

    /// Starts the server.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Connection`](crate::ErrorKind::Connection) when the port cannot be bound,
    /// for instance because it is in use.
    pub fn start(self) -> Result<MockServer, Error> {
        let port = self.port;
        let bind_error =
            |e: std::io::Error| Error::connection(format!("cannot bind 127.0.0.1:{port}: {e}"), e);
        let listener = TcpListener::bind(("127.0.0.1", port)).map_err(bind_error)?;
        let address = listener.local_addr().map_err(bind_error)?;
        let limits = self.limits;
        let shared = Arc::new(Shared {
            stop: AtomicBool::new(false),
            log: Mutex::new(RequestLog::new(limits.request_log)),
            faults: Mutex::default(),
            state: Mutex::new(State::new(limits.configurations)),
            idempotency: Mutex::new(idempotency::Store::new(limits.idempotency_keys)),
            idempotency_hasher: RandomState::new(),
            connections: AtomicUsize::new(0),
            refusing: AtomicUsize::new(0),
            on_request: self.on_request,
            limits,
        });
        let accept = {
            let shared = shared.clone();
            thread::Builder::new()
                .name("stripe-mock-accept".into())
                .spawn(move || connection::accept_loop(&listener, &shared))
                .map_err(|e| Error::connection(format!("cannot start the server thread: {e}"), e))?
        };
        Ok(MockServer {
            shared,
            address,
            url: format!("http://{address}"),
            accept: Some(accept),
        })
    }
}

impl std::fmt::Debug for MockServerBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockServerBuilder")
            .field("port", &self.port)
            .field("limits", &self.limits)
            .field("on_request", &self.on_request.is_some())
            .finish()
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

/// The faults to inject, in order, each with the number of requests it is still for: `n`
/// requests of one fault take one entry, however large `n` (`usize::MAX`: from now on).
#[derive(Default)]
struct Faults(VecDeque<(Fault, usize)>);

impl Faults {
    fn push(&mut self, fault: Fault, n: usize) {
        if n > 0 {
            self.0.push_back((fault, n));
        }
    }

    /// The fault for the next request, if any.
    fn next(&mut self) -> Option<Fault> {
        let (fault, left) = self.0.front_mut()?;
        if *left > 1 {
            *left -= 1;
            return Some(fault.clone());
        }
        self.0.pop_front().map(|(fault, _)| fault)
    }
}

struct Shared {
    stop: AtomicBool,
    limits: Limits,
    log: Mutex<RequestLog>,
    faults: Mutex<Faults>,
    state: Mutex<State>,
    idempotency: Mutex<idempotency::Store>,
    /// Hashes idempotency scopes and params before the store's lock is taken, the same way
    /// for every request.
    idempotency_hasher: RandomState,
    /// Connections being served, against `limits.connections`.
    connections: AtomicUsize,
    /// Threads answering connections beyond the cap with a 503.
    refusing: AtomicUsize,
    on_request: Option<OnRequest>,
}

/// A lock that survives a panicking test thread: the data is still consistent, since
/// nothing panics halfway through an update.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl MockServer {
    /// Starts a server on `127.0.0.1` on a free port, with the default limits.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Connection`](crate::ErrorKind::Connection) when no socket can be bound.
    pub fn start() -> Result<MockServer, Error> {
        MockServer::builder().start()
    }

    /// Starts a server on `127.0.0.1:port`; port 0 picks a free one.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Connection`](crate::ErrorKind::Connection) when the port cannot be bound,
    /// for instance because it is in use.
    pub fn start_on_port(port: u16) -> Result<MockServer, Error> {
        MockServer::builder().port(port).start()
    }

    /// Settings beyond the defaults: the port, the size of the request log and of the
    /// idempotency store, connection and time limits, a hook on every request.
    pub fn builder() -> MockServerBuilder {
        MockServerBuilder {
            port: 0,
            limits: Limits::default(),
            on_request: None,
        }
    }

    /// The base URL, such as `http://127.0.0.1:12111`, for
    /// [`ClientBuilder::base_url`](crate::ClientBuilder::base_url).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// A copy of the most recent requests (1,000 by default, see
    /// [`MockServerBuilder::request_log_capacity`]), oldest first, including those answered
    /// with an injected fault or refused.
    pub fn requests(&self) -> Vec<MockRequest> {
        lock(&self.shared.log).copy()
    }

    /// The logged requests, oldest first, leaving the log empty.
    pub fn take_requests(&self) -> Vec<MockRequest> {
        lock(&self.shared.log).take()
    }

    /// Empties the request log.
    pub fn clear_requests(&self) {
        drop(self.take_requests());
    }

    /// Answers the next `n` requests with `status` and a Stripe error object, before looking
    /// at them (`usize::MAX`: every request from now on). Without a `Stripe-Should-Retry`
    /// header, a client decides on the status alone.
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
        lock(&self.shared.faults).push(fault, n);
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
