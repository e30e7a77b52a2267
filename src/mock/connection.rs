//! Connections: accepted up to the cap (a 503 beyond it), then served one request after
//! another until they close, time out or the server stops.

use std::io::BufReader;
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use super::failure::Failure;
use super::limits::MAX_REFUSING_THREADS;
use super::{http, pipeline, Shared};

/// A place among the connections served (or refused), taken before its thread is spawned and
/// given back when dropped: when the thread ends, or with its closure if it cannot start.
struct Slot {
    shared: Arc<Shared>,
    count: fn(&Shared) -> &AtomicUsize,
}

impl Slot {
    /// A place, if fewer than `cap` are taken.
    fn take(shared: &Arc<Shared>, count: fn(&Shared) -> &AtomicUsize, cap: usize) -> Option<Slot> {
        if count(shared).fetch_add(1, Ordering::SeqCst) >= cap {
            count(shared).fetch_sub(1, Ordering::SeqCst);
            return None;
        }
        Some(Slot {
            shared: shared.clone(),
            count,
        })
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        (self.count)(&self.shared).fetch_sub(1, Ordering::SeqCst);
    }
}

pub(crate) fn accept_loop(listener: &TcpListener, shared: &Arc<Shared>) {
    for stream in listener.incoming() {
        if shared.stop.load(Ordering::SeqCst) {
            return;
        }
        let Ok(stream) = stream else { continue };
        let Some(slot) = Slot::take(shared, |s| &s.connections, shared.limits.connections) else {
            refuse(stream, shared);
            continue;
        };
        let _ = thread::Builder::new()
            .name("stripe-mock-connection".into())
            .spawn(move || serve_connection(stream, &slot.shared));
    }
}

/// A connection beyond the cap: a Stripe 503, written by a thread of a small pool of their
/// own, so that the answer is not lost to a reset; beyond that pool, closed at once.
fn refuse(stream: TcpStream, shared: &Arc<Shared>) {
    let Some(slot) = Slot::take(shared, |s| &s.refusing, MAX_REFUSING_THREADS) else {
        return;
    };
    let _ = thread::Builder::new()
        .name("stripe-mock-refuse".into())
        .spawn(move || {
            let shared = &slot.shared;
            let mut reader = BufReader::new(stream);
            let mut response = Failure::plain(
                503,
                "api_error",
                format!(
                    "Too many connections: this mock server serves at most {} at once. Try again later.",
                    shared.limits.connections
                ),
            )
            .into_response();
            response
                .headers
                .push(("Stripe-Should-Retry".into(), "true".into()));
            let _ = http::write_response(reader.get_mut(), &response, false, Duration::from_secs(1));
            http::finish(&mut reader);
        });
}

/// Requests after requests on one connection, until it closes or the server stops.
fn serve_connection(stream: TcpStream, shared: &Shared) {
    let _ = stream.set_nodelay(true);
    let write_timeout = shared.limits.write_timeout;
    let mut reader = BufReader::new(stream);
    loop {
        let request = match http::read_request(&mut reader, &shared.stop, &shared.limits) {
            Ok(Some(request)) => request,
            Ok(None) => return,
            Err(malformed) => {
                let response =
                    Failure::plain(malformed.status, "invalid_request_error", malformed.message)
                        .into_response();
                if http::write_response(reader.get_mut(), &response, false, write_timeout).is_ok() {
                    http::finish(&mut reader);
                }
                return;
            }
        };
        let Some(response) = pipeline::handle(shared, &request) else {
            // An injected dropped connection: read, then close without a word.
            let _ = reader.get_ref().shutdown(Shutdown::Both);
            return;
        };
        let keep_alive = request.keep_alive && !shared.stop.load(Ordering::SeqCst);
        let written = http::write_response(reader.get_mut(), &response, keep_alive, write_timeout);
        if written.is_err() || !keep_alive {
            return;
        }
    }
}
