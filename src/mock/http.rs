//! Just enough HTTP/1.1 for Stripe clients: one request at a time per connection,
//! keep-alive, `Content-Length` bodies, `Expect: 100-continue`; and strict about the rest, so
//! that no request can be read two ways (repeated `Content-Length`, bare CR, NUL) and no
//! client can hold a connection past the limits.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use super::limits::{Limits, DRAIN_BYTES, DRAIN_TIME, IDLE_POLL, MAX_BODY_BYTES, MAX_HEAD_BYTES};

/// A request as read from the wire.
pub(crate) struct HttpRequest {
    pub(crate) method: String,
    pub(crate) path: String,
    pub(crate) query: Option<String>,
    /// Names in lower case, in arrival order.
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
    pub(crate) keep_alive: bool,
}

impl HttpRequest {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// An answer to write.
#[derive(Debug, Clone)]
pub(crate) struct HttpResponse {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: String,
}

/// Why a request could not be read; the connection is answered with this status and closed.
pub(crate) struct Malformed {
    pub(crate) status: u16,
    pub(crate) message: String,
}

fn malformed(status: u16, message: impl Into<String>) -> Malformed {
    Malformed {
        status,
        message: message.into(),
    }
}

/// A time that reads or writes must not pass, `timeout` from when it was set. A timeout too
/// long to add to the clock (`Duration::MAX`, say) sets none: it means no limit, not a panic.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Deadline {
    at: Option<Instant>,
    timeout: Duration,
}

impl Deadline {
    pub(crate) fn after(timeout: Duration) -> Deadline {
        Deadline {
            at: Instant::now().checked_add(timeout),
            timeout,
        }
    }

    /// The time left, never zero; `None` once the deadline passed.
    pub(crate) fn remaining(self) -> Option<Duration> {
        match self.at {
            None => Some(Duration::MAX),
            Some(at) => Some(at.saturating_duration_since(Instant::now())).filter(|d| !d.is_zero()),
        }
    }
}

/// Sets the read timeout to what is left of `deadline`; once it passed, the 408 for the part
/// of the request (`what`) that did not arrive in time.
fn read_within(stream: &TcpStream, deadline: Deadline, what: &str) -> Result<(), Malformed> {
    let Some(remaining) = deadline.remaining() else {
        return Err(malformed(
            408,
            format!(
                "the request {what} did not arrive within {:?}",
                deadline.timeout
            ),
        ));
    };
    let _ = stream.set_read_timeout(Some(remaining));
    Ok(())
}

/// A read that timed out or was interrupted: try again, and let the deadline decide.
fn try_again(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut | io::ErrorKind::Interrupted
    )
}

/// Header names are tokens (RFC 9110): no spaces, no separators.
fn is_token(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// Waits for the next request on a keep-alive connection. `Ok(None)` when the peer closed it,
/// it stayed idle too long, or the server is stopping.
pub(crate) fn read_request(
    reader: &mut BufReader<TcpStream>,
    stop: &AtomicBool,
    limits: &Limits,
) -> Result<Option<HttpRequest>, Malformed> {
    if !wait_for_data(reader, stop, limits) {
        return Ok(None);
    }
    // The whole head must arrive within the head deadline, however slowly it trickles.
    let deadline = Deadline::after(limits.head_timeout);
    let mut head = Vec::new();
    loop {
        let before = head.len();
        if !read_line(reader, &mut head, deadline)? {
            // The peer closed, perhaps in the middle of a line.
            return Ok(None);
        }
        let line = &head[before..];
        if line == b"\r\n" || line == b"\n" {
            // Tolerate stray blank lines before a request line.
            if before == 0 {
                head.clear();
                continue;
            }
            break;
        }
    }
    let head = String::from_utf8(head).map_err(|_| malformed(400, "request head is not UTF-8"))?;
    let mut lines = head
        .split('\n')
        .map(|line| line.strip_suffix('\r').unwrap_or(line));
    let request_line = lines.next().unwrap_or_default();
    // A CR, NUL or other control character anywhere in the head could be read two ways (or
    // be copied into an answer): the request is refused, and its bytes are never quoted.
    let controls = |line: &str| line.bytes().any(|b| (b < 0x20 && b != b'\t') || b == 0x7f);
    if controls(request_line) {
        return Err(malformed(400, "control character in the request line"));
    }
    let mut parts = request_line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(malformed(400, "malformed request line"));
    };
    if !version.starts_with("HTTP/1.") {
        return Err(malformed(400, "only HTTP/1.x is supported"));
    }
    let mut headers = Vec::new();
    for line in lines.filter(|l| !l.is_empty()) {
        if controls(line) {
            return Err(malformed(
                400,
                "invalid header value: CR, LF, NUL and other control characters are not allowed",
            ));
        }
        if line.starts_with([' ', '\t']) {
            return Err(malformed(400, "folded header lines are not supported"));
        }
        let (name, value) = line
            .split_once(':')
            .ok_or_else(|| malformed(400, "malformed header line"))?;
        if !is_token(name) {
            return Err(malformed(400, "malformed header name"));
        }
        headers.push((name.to_ascii_lowercase(), value.trim().to_owned()));
    }
    let (path, query) = match target.split_once('?') {
        Some((path, query)) => (path.to_owned(), Some(query.to_owned())),
        None => (target.to_owned(), None),
    };
    let mut request = HttpRequest {
        method: method.to_owned(),
        path,
        query,
        headers,
        body: Vec::new(),
        keep_alive: false,
    };
    let connection = request
        .header("connection")
        .unwrap_or("")
        .to_ascii_lowercase();
    request.keep_alive = if version == "HTTP/1.0" {
        connection.contains("keep-alive")
    } else {
        !connection.contains("close")
    };
    if request.header("transfer-encoding").is_some() {
        return Err(malformed(
            411,
            "chunked request bodies are not supported: send Content-Length",
        ));
    }
    // Two lengths would let the body be read two ways: refuse, whatever they say.
    let mut lengths = request
        .headers
        .iter()
        .filter(|(k, _)| k == "content-length");
    let length = match (lengths.next(), lengths.next()) {
        (None, _) => 0,
        (Some(_), Some(_)) => return Err(malformed(400, "repeated Content-Length")),
        (Some((_, value)), None) => match value.parse::<usize>() {
            // Digits only: `parse` would also take a sign.
            Ok(length) if value.bytes().all(|b| b.is_ascii_digit()) => length,
            _ => return Err(malformed(400, "invalid Content-Length")),
        },
    };
    if length > MAX_BODY_BYTES {
        return Err(malformed(
            413,
            format!("request body too large: at most {MAX_BODY_BYTES} bytes"),
        ));
    }
    if length > 0
        && request
            .header("expect")
            .is_some_and(|v| v.eq_ignore_ascii_case("100-continue"))
    {
        let _ = reader.get_mut().write_all(b"HTTP/1.1 100 Continue\r\n\r\n");
    }
    // The body, too, must arrive whole in time: a byte now and then cannot hold the connection.
    let deadline = Deadline::after(limits.body_timeout);
    request.body = vec![0; length];
    let mut read = 0;
    while read < length {
        read_within(reader.get_ref(), deadline, "body")?;
        match reader.read(&mut request.body[read..]) {
            Ok(0) => return Ok(None),
            Ok(n) => read += n,
            Err(e) if try_again(&e) => {}
            Err(_) => return Ok(None),
        }
    }
    Ok(Some(request))
}

/// Appends one line, through its `\n`, to `head`. The deadline is checked between reads, so
/// a line that trickles in byte by byte is cut off as well. `Ok(false)` when the peer closed.
fn read_line(
    reader: &mut BufReader<TcpStream>,
    head: &mut Vec<u8>,
    deadline: Deadline,
) -> Result<bool, Malformed> {
    loop {
        read_within(reader.get_ref(), deadline, "head")?;
        let available = match reader.fill_buf() {
            Ok([]) => return Ok(false),
            Ok(available) => available,
            Err(e) if try_again(&e) => continue,
            Err(_) => return Ok(false),
        };
        let (length, done) = match available.iter().position(|&b| b == b'\n') {
            Some(end) => (end + 1, true),
            None => (available.len(), false),
        };
        // Bounded, so one endless line cannot fill memory before the size check.
        let length = length.min(MAX_HEAD_BYTES + 1 - head.len());
        head.extend_from_slice(&available[..length]);
        reader.consume(length);
        if head.len() > MAX_HEAD_BYTES {
            return Err(malformed(431, "request headers too large"));
        }
        if done {
            return Ok(true);
        }
    }
}

/// Ends a connection after its last answer: stops writing, then reads and drops what the
/// client still sends (bounded in time and bytes), so that closing with unread bytes does not
/// reset the connection and destroy the answer before the client reads it.
pub(crate) fn finish(reader: &mut BufReader<TcpStream>) {
    let _ = reader.get_ref().shutdown(Shutdown::Write);
    let deadline = Deadline::after(DRAIN_TIME);
    let mut drained = reader.buffer().len();
    reader.consume(drained);
    let mut sink = [0u8; 16 * 1024];
    while drained < DRAIN_BYTES {
        let Some(remaining) = deadline.remaining() else {
            break;
        };
        let _ = reader.get_ref().set_read_timeout(Some(remaining));
        match reader.get_mut().read(&mut sink) {
            Ok(0) | Err(_) => break,
            Ok(n) => drained += n,
        }
    }
}

/// Blocks until bytes arrive (true), or the peer closes, the server stops or the connection
/// idles too long (false).
fn wait_for_data(reader: &mut BufReader<TcpStream>, stop: &AtomicBool, limits: &Limits) -> bool {
    let _ = reader.get_ref().set_read_timeout(Some(IDLE_POLL));
    let started = Instant::now();
    loop {
        if stop.load(Ordering::SeqCst) {
            return false;
        }
        match reader.fill_buf() {
            Ok(buffer) => return !buffer.is_empty(),
            Err(e) if try_again(&e) => {
                if started.elapsed() > limits.idle_timeout {
                    return false;
                }
            }
            Err(_) => return false,
        }
    }
}

/// Writes an answer within `timeout` in all: a client that reads a byte now and then cannot
/// stretch it, as it could a timeout on each write.
pub(crate) fn write_response(
    stream: &mut TcpStream,
    response: &HttpResponse,
    keep_alive: bool,
    timeout: Duration,
) -> io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {} {}\r\n",
        response.status,
        reason(response.status)
    );
    // Every value reflected from a request was checked on the way in; this is the last guard.
    let clean = |v: &str| !v.bytes().any(|b| b < 0x20 || b == 0x7f);
    for (name, value) in response.headers.iter().filter(|(_, v)| clean(v)) {
        head.push_str(name);
        head.push_str(": ");
        head.push_str(value);
        head.push_str("\r\n");
    }
    head.push_str(&format!(
        "Content-Length: {}\r\nConnection: {}\r\n\r\n",
        response.body.len(),
        if keep_alive { "keep-alive" } else { "close" }
    ));
    let deadline = Deadline::after(timeout);
    let mut answer = head.into_bytes();
    answer.extend_from_slice(response.body.as_bytes());
    let mut written = 0;
    while written < answer.len() {
        let remaining = deadline.remaining().ok_or(io::ErrorKind::TimedOut)?;
        stream.set_write_timeout(Some(remaining))?;
        match stream.write(&answer[written..]) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(n) => written += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        402 => "Request Failed",
        403 => "Forbidden",
        404 => "Not Found",
        409 => "Conflict",
        411 => "Length Required",
        408 => "Request Timeout",
        413 => "Payload Too Large",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Unknown",
    }
}
