//! The request log: what [`MockServer::requests`](super::MockServer::requests) shows, the most
//! recent requests only, each record bounded in size.

use std::collections::VecDeque;

use super::auth;
use super::http::HttpRequest;
use super::limits::{MAX_FORM_PAIRS, MAX_RECORDED_PAIR_BYTES};

/// One request as it arrived at a [`MockServer`](super::MockServer).
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
    /// they were not valid form encoding; cut short when `truncated`.
    pub pairs: Vec<(String, String)>,
    /// Whether `pairs` was cut short: a record keeps at most 64 KiB of keys and values, so
    /// that a log of huge requests stays small.
    pub truncated: bool,
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

    /// The record of `request`, whose form decoded to `form`. The record is made the same
    /// way for every request, answered or refused.
    pub(crate) fn new(request: &HttpRequest, form: &Form) -> MockRequest {
        let (pairs, truncated) = match form {
            Form::Pairs(pairs) => {
                let mut bytes = 0;
                let kept: Vec<(String, String)> = pairs
                    .iter()
                    .take_while(|(k, v)| {
                        bytes += k.len() + v.len();
                        bytes <= MAX_RECORDED_PAIR_BYTES
                    })
                    .cloned()
                    .collect();
                let truncated = kept.len() < pairs.len();
                (kept, truncated)
            }
            Form::TooMany { start, .. } => (start.clone(), true),
            Form::Malformed => (Vec::new(), false),
        };
        MockRequest {
            method: request.method.clone(),
            path: request.path.clone(),
            query: request.query.clone(),
            headers: request
                .headers
                .iter()
                .map(|(name, value)| match name.as_str() {
                    "authorization" => (name.clone(), auth::redact_authorization(value)),
                    _ => (name.clone(), value.clone()),
                })
                .collect(),
            pairs,
            truncated,
        }
    }
}

/// A request's form pairs (of the body for a POST, of the query otherwise).
pub(crate) enum Form {
    Pairs(Vec<(String, String)>),
    /// More than [`MAX_FORM_PAIRS`]: only the start is decoded, for the record.
    TooMany {
        count: usize,
        start: Vec<(String, String)>,
    },
    Malformed,
}

impl Form {
    /// Decodes in one pass; a form of too many pairs is counted and not decoded.
    pub(crate) fn decode(request: &HttpRequest) -> Form {
        let encoded = match request.method.as_str() {
            "POST" => String::from_utf8_lossy(&request.body),
            _ => request.query.as_deref().unwrap_or_default().into(),
        };
        let count = encoded.split('&').filter(|p| !p.is_empty()).count();
        if count > MAX_FORM_PAIRS {
            let mut cut = encoded.len().min(MAX_RECORDED_PAIR_BYTES);
            while !encoded.is_char_boundary(cut) {
                cut -= 1;
            }
            let start = encoded[..cut].rfind('&').map_or("", |end| &encoded[..end]);
            let start = serde_urlencoded::from_str(start).unwrap_or_default();
            return Form::TooMany { count, start };
        }
        match serde_urlencoded::from_str(&encoded) {
            Ok(pairs) => Form::Pairs(pairs),
            Err(_) => Form::Malformed,
        }
    }
}

/// The most recent requests, at most `capacity` of them.
pub(crate) struct RequestLog {
    records: VecDeque<MockRequest>,
    capacity: usize,
}

impl RequestLog {
    pub(crate) fn new(capacity: usize) -> RequestLog {
        RequestLog {
            records: VecDeque::with_capacity(capacity.min(1024)),
            capacity,
        }
    }

    pub(crate) fn push(&mut self, record: MockRequest) {
        if self.capacity == 0 {
            return;
        }
        if self.records.len() == self.capacity {
            self.records.pop_front();
        }
        self.records.push_back(record);
    }

    pub(crate) fn copy(&self) -> Vec<MockRequest> {
        self.records.iter().cloned().collect()
    }

    pub(crate) fn take(&mut self) -> Vec<MockRequest> {
        self.records.drain(..).collect()
    }
}
