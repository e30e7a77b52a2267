//! Just enough HTTP/1.1 for Stripe clients: one request at a time per connection,
//! keep-alive, `Content-Length` bodies, `Expect: 100-continue`.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// How often an idle connection looks at the stop flag.
const IDLE_POLL: Duration = Duration::from_millis(200);
/// An idle keep-alive connection is closed after this long.
const IDLE_LIMIT: Duration = Duration::from_secs(120);
/// A started request must arrive whole within this long between reads.
const READ_TIMEOUT: Duration = Duration::from_secs(10);
const MAX_HEAD_BYTES: usize = 64 * 1024;
const MAX_BODY_BYTES: usize = 1024 * 1024;

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

/// Why a request could not be read; the connection is answered with 400 (or 413) and closed.
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

/// Waits for the next request on a keep-alive connection. `Ok(None)` when the peer closed it,
/// it stayed idle too long, or the server is stopping.
pub(crate) fn read_request(
    reader: &mut BufReader<TcpStream>,
    stop: &AtomicBool,
) -> Result<Option<HttpRequest>, Malformed> {
    if !wait_for_data(reader, stop) {
        return Ok(None);
    }
    let _ = reader.get_ref().set_read_timeout(Some(READ_TIMEOUT));

    let mut head = Vec::new();
    loop {
        let before = head.len();
        // Bounded, so one endless line cannot fill memory before the size check below.
        let room = (MAX_HEAD_BYTES + 1 - before) as u64;
        match reader.by_ref().take(room).read_until(b'\n', &mut head) {
            Ok(0) => return Ok(None),
            Ok(_) => {}
            Err(_) => return Ok(None),
        }
        if head.len() > MAX_HEAD_BYTES {
            return Err(malformed(431, "request headers too large"));
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
    let mut lines = head.lines();
    let request_line = lines.next().unwrap_or_default();
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
        let (name, value) = line
            .split_once(':')
            .ok_or_else(|| malformed(400, "malformed header line"))?;
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
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
    let length = match request.header("content-length") {
        None => 0,
        Some(value) => value
            .parse::<usize>()
            .map_err(|_| malformed(400, "invalid Content-Length"))?,
    };
    if length > MAX_BODY_BYTES {
        return Err(malformed(413, "request body too large"));
    }
    if length > 0
        && request
            .header("expect")
            .is_some_and(|v| v.eq_ignore_ascii_case("100-continue"))
    {
        let _ = reader.get_mut().write_all(b"HTTP/1.1 100 Continue\r\n\r\n");
    }
    request.body = vec![0; length];
    if reader.read_exact(&mut request.body).is_err() {
        return Ok(None);
    }
    Ok(Some(request))
}

/// Blocks until bytes arrive (true), or the peer closes, the server stops or the connection
/// idles too long (false).
fn wait_for_data(reader: &mut BufReader<TcpStream>, stop: &AtomicBool) -> bool {
    let _ = reader.get_ref().set_read_timeout(Some(IDLE_POLL));
    let started = Instant::now();
    loop {
        if stop.load(Ordering::SeqCst) {
            return false;
        }
        match reader.fill_buf() {
            Ok(buffer) => return !buffer.is_empty(),
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock
                        | io::ErrorKind::TimedOut
                        | io::ErrorKind::Interrupted
                ) =>
            {
                if started.elapsed() > IDLE_LIMIT {
                    return false;
                }
            }
            Err(_) => return false,
        }
    }
}

pub(crate) fn write_response(
    stream: &mut TcpStream,
    response: &HttpResponse,
    keep_alive: bool,
) -> io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {} {}\r\n",
        response.status,
        reason(response.status)
    );
    for (name, value) in &response.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!(
        "Content-Length: {}\r\nConnection: {}\r\n\r\n",
        response.body.len(),
        if keep_alive { "keep-alive" } else { "close" }
    ));
    stream.write_all(head.as_bytes())?;
    stream.write_all(response.body.as_bytes())?;
    stream.flush()
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
