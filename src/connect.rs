//! How connections are made: name lookups through a cache, and the connector chain.
//!
//! This is the only file that uses ureq's `unversioned` API, which ureq may change in any
//! minor release: that is why `Cargo.toml` requires ureq `>=3.5.0, <3.6`. An upgrade of ureq
//! touches this file alone.
//!
//! ureq asks its resolver for the host's addresses before it looks in its connection pool, so
//! with its default resolver every call, even one that reuses a pooled connection, waits for a
//! lookup. [`CachingResolver`] answers from memory instead: a host is looked up at most once
//! per [`DNS_CACHE_TTL`], on a thread of its own that callers wait for no longer than their
//! connect timeout, and while a resolver fails or hangs the last addresses known keep serving.

use std::cell::Cell;
use std::collections::HashMap;
use std::fmt;
use std::io;
use std::net::{SocketAddr, ToSocketAddrs};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant};

use ureq::config::Config;
use ureq::http::Uri;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{
    ConnectProxyConnector, ConnectionDetails, Connector, NextTimeout, RustlsConnector,
    SocksConnector, TcpConnector, Transport,
};

/// How long looked-up addresses are used before the host is looked up again. Stripe's DNS
/// records live for tens of seconds; an expired entry keeps serving while the new lookup
/// runs in the background, so no call waits for it.
pub(crate) const DNS_CACHE_TTL: Duration = Duration::from_secs(30);

/// After a failed lookup, how long the addresses known before keep serving until the next try,
/// so that a resolver that is down is not asked again on every call.
const RETRY_FAILED_LOOKUP_AFTER: Duration = Duration::from_secs(5);

/// Addresses ureq keeps from one lookup.
const MAX_ADDRS: usize = 16;

/// A name lookup: `host:port` to addresses. The system resolver, except in tests.
pub(crate) type Lookup = Arc<dyn Fn(&str) -> io::Result<Vec<SocketAddr>> + Send + Sync>;

/// The system's resolver (`getaddrinfo`), with its own `resolv.conf` rules and time limits.
pub(crate) fn system_lookup() -> Lookup {
    Arc::new(|host_port: &str| host_port.to_socket_addrs().map(Iterator::collect))
}

/// Why a host has no addresses: the lookup failed and nothing was known before. Travels
/// inside an `io::Error` through ureq, so that the transport can say what happened.
#[derive(Debug)]
pub(crate) struct LookupFailed {
    pub(crate) host: String,
    pub(crate) reason: String,
}

impl fmt::Display for LookupFailed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot look up {}: {}", self.host, self.reason)
    }
}

impl std::error::Error for LookupFailed {}

/// Looked-up addresses per `host:port`, shared by a client's clones.
pub(crate) struct CachingResolver {
    entries: Mutex<HashMap<String, Entry>>,
    lookup: Lookup,
    ttl: Duration,
    /// The longest a call waits for a lookup: the client's connect timeout.
    max_wait: Duration,
}

#[derive(Default)]
struct Entry {
    /// The last addresses a lookup found, kept when a later lookup fails.
    addrs: Vec<SocketAddr>,
    /// When `addrs` stop being fresh (or, after a failure, when to look again).
    expires: Option<Instant>,
    /// A connection to these addresses failed: look again before using them.
    suspect: bool,
    lookup: Option<Arc<Pending>>,
}

/// A lookup under way, which any number of calls can wait for.
#[derive(Default)]
struct Pending {
    result: Mutex<Option<Result<Vec<SocketAddr>, String>>>,
    done: Condvar,
}

impl CachingResolver {
    pub(crate) fn new(lookup: Lookup, ttl: Duration, max_wait: Duration) -> Self {
        CachingResolver {
            entries: Mutex::default(),
            lookup,
            ttl,
            max_wait,
        }
    }

    /// A connection to looked-up addresses failed: the next call looks its host up again (and
    /// falls back on the same addresses if that lookup fails).
    pub(crate) fn connect_failed(&self) {
        for entry in self.lock().values_mut() {
            entry.suspect = true;
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Entry>> {
        // The map is consistent after any panic: each change is a single assignment.
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The addresses of `host_port`, from the cache when it can, else from a lookup waited for
    /// at most `wait`.
    fn addresses(
        self: &Arc<Self>,
        host_port: &str,
        wait: Duration,
    ) -> Result<Vec<SocketAddr>, io::Error> {
        let pending = {
            let mut entries = self.lock();
            let entry = entries.entry(host_port.to_owned()).or_default();
            let usable = !entry.addrs.is_empty() && !entry.suspect;
            let expired = entry.expires.is_none_or(|at| Instant::now() >= at);
            if usable && !expired {
                return Ok(entry.addrs.clone());
            }
            let pending = match &entry.lookup {
                Some(pending) => pending.clone(),
                None => {
                    let pending = Arc::new(Pending::default());
                    self.start_lookup(host_port, pending.clone())?;
                    entry.lookup = Some(pending.clone());
                    pending
                }
            };
            // Expired but not suspect: serve the old addresses while the lookup runs.
            if usable {
                return Ok(entry.addrs.clone());
            }
            pending
        };
        let outcome = pending.wait(wait);
        let entries = self.lock();
        let known = entries
            .get(host_port)
            .map(|e| e.addrs.clone())
            .unwrap_or_default();
        match outcome {
            Some(Ok(addrs)) => Ok(addrs),
            // Stale on error: the last addresses known are better than none.
            _ if !known.is_empty() => Ok(known),
            Some(Err(reason)) => Err(io::Error::other(LookupFailed {
                host: host_port.to_owned(),
                reason,
            })),
            None => Err(io::Error::new(
                io::ErrorKind::TimedOut,
                LookupFailed {
                    host: host_port.to_owned(),
                    reason: format!("no answer from the resolver within {} ms", wait.as_millis()),
                },
            )),
        }
    }

    /// Looks `host_port` up on a thread of its own, so that a hanging resolver holds no call
    /// past its timeout; the result lands in the cache whenever it comes.
    fn start_lookup(self: &Arc<Self>, host_port: &str, pending: Arc<Pending>) -> io::Result<()> {
        let resolver = Arc::clone(self);
        let host_port = host_port.to_owned();
        std::thread::Builder::new()
            .name("stripe-dns".to_owned())
            .spawn(move || {
                let result = (resolver.lookup)(&host_port)
                    .map_err(|e| e.to_string())
                    .and_then(|addrs| match addrs.is_empty() {
                        true => Err("no addresses".to_owned()),
                        false => Ok(addrs),
                    });
                {
                    let mut entries = resolver.lock();
                    let entry = entries.entry(host_port).or_default();
                    let now = Instant::now();
                    match &result {
                        Ok(addrs) => {
                            entry.addrs = addrs.iter().copied().take(MAX_ADDRS).collect();
                            entry.expires = Some(now + resolver.ttl);
                            entry.suspect = false;
                        }
                        Err(_) => {
                            // Looked again as asked: what was known stays the best there is.
                            entry.expires = Some(now + RETRY_FAILED_LOOKUP_AFTER);
                            entry.suspect = false;
                        }
                    }
                    entry.lookup = None;
                }
                pending.finish(result);
            })
            .map(drop)
    }
}

impl Pending {
    fn finish(&self, result: Result<Vec<SocketAddr>, String>) {
        *self.result.lock().unwrap_or_else(PoisonError::into_inner) = Some(result);
        self.done.notify_all();
    }

    /// The lookup's result, or `None` if it did not finish within `wait`.
    fn wait(&self, wait: Duration) -> Option<Result<Vec<SocketAddr>, String>> {
        let guard = self.result.lock().unwrap_or_else(PoisonError::into_inner);
        let (guard, _) = self
            .done
            .wait_timeout_while(guard, wait, |result| result.is_none())
            .unwrap_or_else(PoisonError::into_inner);
        guard.clone()
    }
}

/// The resolver ureq calls; an `Arc` so that lookup threads can outlive the call.
#[derive(Clone)]
pub(crate) struct SharedResolver(pub(crate) Arc<CachingResolver>);

impl fmt::Debug for SharedResolver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CachingResolver").finish_non_exhaustive()
    }
}

impl Resolver for SharedResolver {
    fn resolve(
        &self,
        uri: &Uri,
        _config: &Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        // `host:port` with the scheme's default port, as ureq's own resolver forms it.
        let host_port = uri
            .scheme()
            .zip(uri.authority())
            .and_then(|(scheme, authority)| DefaultResolver::host_and_port(scheme, authority))
            .ok_or(ureq::Error::HostNotFound)?;
        let mut resolved = self.empty();
        // An address needs no lookup (`[::1]:443` parses as one).
        if let Ok(addr) = host_port.parse::<SocketAddr>() {
            resolved.push(addr);
            return Ok(resolved);
        }
        let wait = match timeout.after.is_not_happening() {
            true => self.0.max_wait,
            false => (*timeout.after).min(self.0.max_wait),
        };
        let addrs = self.0.addresses(&host_port, wait)?;
        for addr in addrs.into_iter().take(MAX_ADDRS) {
            resolved.push(addr);
        }
        Ok(resolved)
    }
}

thread_local! {
    /// Set when this thread's call opened a connection, rather than reusing a pooled one.
    static OPENED: Cell<bool> = const { Cell::new(false) };
}

/// Runs `call` and says whether it opened a new connection: when it did not, it used a pooled
/// one, which a load balancer may have dropped while it was idle.
pub(crate) fn noting_new_connections<T>(call: impl FnOnce() -> T) -> (T, bool) {
    OPENED.with(|opened| opened.set(false));
    let result = call();
    (result, OPENED.with(Cell::get))
}

/// The last link of the chain: it sees every connection opened, and only those.
#[derive(Debug)]
struct NoteNewConnection;

impl<In: Transport> Connector<In> for NoteNewConnection {
    type Out = In;

    fn connect(
        &self,
        _: &ConnectionDetails,
        chained: Option<In>,
    ) -> Result<Option<In>, ureq::Error> {
        if chained.is_some() {
            OPENED.with(|opened| opened.set(true));
        }
        Ok(chained)
    }
}

/// An agent with the cached resolver and ureq's default connector chain (SOCKS, CONNECT
/// proxy, TCP, rustls), plus the link that notes new connections.
pub(crate) fn agent(config: Config, resolver: Arc<CachingResolver>) -> ureq::Agent {
    let connector =
        ().chain(SocksConnector::default())
            .chain(ConnectProxyConnector::default())
            .chain(TcpConnector::default())
            .chain(RustlsConnector::default())
            .chain(NoteNewConnection);
    ureq::Agent::with_parts(config, connector, SharedResolver(resolver))
}

#[cfg(all(test, feature = "mock"))]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;
    use crate::mock::MockServer;
    use crate::{Client, ErrorKind, SessionCreateParams};

    /// A lookup that counts its calls and answers with `answer(call number)`, after `delay`.
    fn counting(
        answer: impl Fn(usize) -> io::Result<Vec<SocketAddr>> + Send + Sync + 'static,
        delay: impl Fn(usize) -> Duration + Send + Sync + 'static,
    ) -> (Lookup, Arc<AtomicUsize>) {
        let calls = Arc::new(AtomicUsize::new(0));
        let counted = calls.clone();
        let lookup: Lookup = Arc::new(move |_: &str| {
            let n = counted.fetch_add(1, Ordering::SeqCst);
            std::thread::sleep(delay(n));
            answer(n)
        });
        (lookup, calls)
    }

    fn at(port: u16) -> io::Result<Vec<SocketAddr>> {
        Ok(vec![SocketAddr::from(([127, 0, 0, 1], port))])
    }

    fn port(server: &MockServer) -> u16 {
        server.url().rsplit(':').next().unwrap().parse().unwrap()
    }

    /// A client for `server` by the name `localhost`, looked up through `lookup`.
    fn client(server: &MockServer, lookup: Lookup, ttl: Duration) -> Client {
        Client::builder("sk_test_123")
            .base_url(format!("http://localhost:{}", port(server)).as_str())
            .no_proxy()
            .lookup(lookup, ttl)
            .initial_retry_delay(Duration::from_millis(5))
            .max_retry_delay(Duration::from_millis(5))
            .connect_timeout(Duration::from_millis(300))
            .build()
            .unwrap()
    }

    fn call(client: &Client) -> Result<crate::Session, crate::Error> {
        client.create_session(&SessionCreateParams::for_customer("cus_1"))
    }

    #[test]
    fn two_hundred_calls_make_one_lookup() {
        let server = MockServer::start().unwrap();
        let p = port(&server);
        let (lookup, calls) = counting(move |_| at(p), |_| Duration::ZERO);
        let client = client(&server, lookup, DNS_CACHE_TTL);
        for _ in 0..200 {
            call(&client).unwrap();
        }
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn an_expired_entry_is_looked_up_again_in_the_background() {
        let server = MockServer::start().unwrap();
        let p = port(&server);
        // Every lookup after the first takes 300 ms; no call may wait for one.
        let (lookup, calls) = counting(move |_| at(p), |n| Duration::from_millis(300 * n as u64));
        let client = client(&server, lookup, Duration::ZERO);
        call(&client).unwrap();
        let started = Instant::now();
        for _ in 0..20 {
            call(&client).unwrap();
        }
        assert!(
            started.elapsed() < Duration::from_millis(250),
            "{:?}",
            started.elapsed()
        );
        // One lookup at a time, however many calls found the entry expired.
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn a_connect_failure_looks_the_host_up_again_at_once() {
        let server = MockServer::start().unwrap();
        let p = port(&server);
        let refused = {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            listener.local_addr().unwrap().port()
        };
        // The first answer is out of date: nothing listens there any more.
        let (lookup, calls) = counting(
            move |n| if n == 0 { at(refused) } else { at(p) },
            |_| Duration::ZERO,
        );
        let client = client(&server, lookup, DNS_CACHE_TTL);
        call(&client).unwrap();
        assert_eq!(calls.load(Ordering::SeqCst), 2);
        for _ in 0..10 {
            call(&client).unwrap();
        }
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn a_failing_or_hanging_resolver_leaves_calls_on_the_last_addresses_known() {
        let server = MockServer::start().unwrap();
        let p = port(&server);
        for hang in [false, true] {
            let (lookup, calls) = counting(
                move |n| match n {
                    0 => at(p),
                    _ => Err(io::Error::other("the resolver is down")),
                },
                move |n| match (n, hang) {
                    (1.., true) => Duration::from_secs(3),
                    _ => Duration::ZERO,
                },
            );
            let client = client(&server, lookup, Duration::ZERO);
            call(&client).unwrap();
            let started = Instant::now();
            for _ in 0..50 {
                call(&client).unwrap();
            }
            assert!(
                started.elapsed() < Duration::from_millis(500),
                "hang {hang}: {:?}",
                started.elapsed()
            );
            // The failed lookup is not repeated on every call.
            assert!(calls.load(Ordering::SeqCst) <= 2, "hang {hang}");
        }
    }

    #[test]
    fn with_nothing_known_a_failed_or_hanging_lookup_is_the_error() {
        let server = MockServer::start().unwrap();
        let (lookup, _) = counting(
            |_| Err(io::Error::other("no such host")),
            |_| Duration::ZERO,
        );
        let error = call(&client(&server, lookup, DNS_CACHE_TTL)).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Connection, "{error}");
        assert!(
            error.to_string().contains("cannot look up localhost:"),
            "{error}"
        );
        assert!(error.to_string().contains("no such host"), "{error}");

        // A hanging lookup ends at the connect timeout (300 ms), on each of the 3 attempts.
        let (lookup, _) = counting(|_| at(1), |_| Duration::from_secs(5));
        let started = Instant::now();
        let error = call(&client(&server, lookup, DNS_CACHE_TTL)).unwrap_err();
        let elapsed = started.elapsed();
        assert_eq!(error.kind(), ErrorKind::Timeout, "{error}");
        assert!(
            error.to_string().contains("cannot look up localhost:"),
            "{error}"
        );
        assert_eq!(error.attempts(), 3);
        assert!(
            elapsed >= Duration::from_millis(850) && elapsed < Duration::from_secs(2),
            "{elapsed:?}"
        );
    }
}
