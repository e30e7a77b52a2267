//! Every bound the server keeps on time and memory, in one place, with its default. The
//! settable ones are set through [`MockServerBuilder`](super::MockServerBuilder); the docs of
//! [`MockServer`](super::MockServer) list them all.

use std::time::Duration;

/// The request head (request line and headers) is at most this many bytes: 431 beyond.
pub(crate) const MAX_HEAD_BYTES: usize = 64 * 1024;
/// A body is at most this many bytes: 413 beyond, read and discarded so the client sees it.
pub(crate) const MAX_BODY_BYTES: usize = 1024 * 1024;
/// Form pairs in one body or query: 400 beyond. Stripe's largest requests here take a few
/// hundred (50 metadata keys, 10 products with their prices).
pub(crate) const MAX_FORM_PAIRS: usize = 2_000;
/// The bytes of keys and values a [`MockRequest`](super::MockRequest) keeps of its pairs; the
/// rest is dropped and the record marked `truncated`.
pub(crate) const MAX_RECORDED_PAIR_BYTES: usize = 64 * 1024;
/// Stripe's metadata limits.
pub(crate) const MAX_METADATA_KEYS: usize = 50;
pub(crate) const MAX_METADATA_KEY_CHARS: usize = 40;
pub(crate) const MAX_METADATA_VALUE_CHARS: usize = 500;
/// Stripe's limit on an `Idempotency-Key`.
pub(crate) const MAX_IDEMPOTENCY_KEY_CHARS: usize = 255;
/// Stripe keeps an idempotent answer for 24 hours.
pub(crate) const IDEMPOTENCY_LIFETIME: Duration = Duration::from_secs(24 * 60 * 60);
/// How often an idle connection looks at the stop flag.
pub(crate) const IDLE_POLL: Duration = Duration::from_millis(200);
/// After an answer that closes the connection, what the client still sends is read and
/// dropped for at most this long (and this many bytes), so the answer is not lost to a reset.
pub(crate) const DRAIN_TIME: Duration = Duration::from_secs(2);
pub(crate) const DRAIN_BYTES: usize = 4 * 1024 * 1024;
/// Connections refused with a 503 beyond the cap are answered by at most this many threads at
/// once; beyond that they are closed unanswered.
pub(crate) const MAX_REFUSING_THREADS: usize = 16;

/// The settable limits, with their defaults.
#[derive(Debug, Clone)]
pub(crate) struct Limits {
    pub(crate) request_log: usize,
    pub(crate) idempotency_keys: usize,
    pub(crate) configurations: usize,
    pub(crate) connections: usize,
    pub(crate) head_timeout: Duration,
    pub(crate) body_timeout: Duration,
    pub(crate) write_timeout: Duration,
    pub(crate) idle_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            request_log: 1_000,
            idempotency_keys: 10_000,
            configurations: 10_000,
            connections: 256,
            head_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(10),
            write_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(120),
        }
    }
}
