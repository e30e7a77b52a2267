#![allow(dead_code)]
//! A TLS server and a CONNECT proxy on 127.0.0.1, for the network tests.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

/// The folder of the test certificates (see `tests/tls/make-certificates.sh`).
pub fn tls_file(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/tls")
        .join(name)
}

pub fn pem(name: &str) -> Vec<u8> {
    std::fs::read(tls_file(name)).expect("test certificate")
}

/// An HTTPS server that answers every request with `body` (a JSON session), presenting the
/// certificate `tests/tls/NAME.pem`.
pub struct TlsServer {
    pub port: u16,
    /// TCP connections accepted, each one handshake.
    pub handshakes: Arc<AtomicUsize>,
    /// Requests answered.
    pub requests: Arc<AtomicUsize>,
}

impl TlsServer {
    pub fn start(certificate: &str, body: String) -> TlsServer {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let chain: Vec<CertificateDer<'static>> =
            CertificateDer::pem_file_iter(tls_file(&format!("{certificate}.pem")))
                .unwrap()
                .map(Result::unwrap)
                .collect();
        let key = PrivateKeyDer::from_pem_file(tls_file(&format!("{certificate}.key"))).unwrap();
        let config = Arc::new(
            rustls::ServerConfig::builder()
                .with_no_client_auth()
                .with_single_cert(chain, key)
                .unwrap(),
        );
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let handshakes = Arc::new(AtomicUsize::new(0));
        let requests = Arc::new(AtomicUsize::new(0));
        let (counted, answered) = (handshakes.clone(), requests.clone());
        thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                counted.fetch_add(1, Ordering::SeqCst);
                let (config, answered, body) = (config.clone(), answered.clone(), body.clone());
                thread::spawn(move || {
                    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
                    let connection = rustls::ServerConnection::new(config).unwrap();
                    let tls = rustls::StreamOwned::new(connection, stream);
                    let _ = serve_http(tls, &answered, &body);
                });
            }
        });
        TlsServer {
            port,
            handshakes,
            requests,
        }
    }
}

/// Answers requests on one connection with `body` until it closes.
fn serve_http(stream: impl Read + Write, answered: &AtomicUsize, body: &str) -> io::Result<()> {
    let mut reader = BufReader::new(stream);
    loop {
        let mut length = 0;
        let mut line = String::new();
        loop {
            line.clear();
            if reader.read_line(&mut line)? == 0 {
                return Ok(());
            }
            if line == "\r\n" {
                break;
            }
            if let Some((name, value)) = line.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse().unwrap_or(0);
                }
            }
        }
        let mut request_body = vec![0; length];
        reader.read_exact(&mut request_body)?;
        answered.fetch_add(1, Ordering::SeqCst);
        let answer = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nRequest-Id: req_tls\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        reader.get_mut().write_all(answer.as_bytes())?;
        reader.get_mut().flush()?;
    }
}

/// A CONNECT proxy: each tunnel asked for is answered by `decide(n)` (from 0): `None` opens the
/// tunnel to the target asked for, `Some(status)` refuses it with that status.
pub struct ConnectProxy {
    pub url: String,
    /// The request heads the proxy received: `CONNECT host:port HTTP/1.1` and its headers.
    pub heads: Arc<Mutex<Vec<String>>>,
}

impl ConnectProxy {
    pub fn start(decide: impl Fn(usize) -> Option<u16> + Send + Sync + 'static) -> ConnectProxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
        let heads = Arc::new(Mutex::new(Vec::new()));
        let seen = heads.clone();
        let decide = Arc::new(decide);
        thread::spawn(move || {
            for (n, stream) in listener.incoming().enumerate() {
                let Ok(stream) = stream else { continue };
                let (seen, decide) = (seen.clone(), decide.clone());
                thread::spawn(move || {
                    let _ = tunnel(stream, n, &seen, &*decide);
                });
            }
        });
        ConnectProxy { url, heads }
    }

    pub fn heads(&self) -> Vec<String> {
        self.heads.lock().unwrap().clone()
    }
}

fn tunnel(
    mut client: TcpStream,
    n: usize,
    seen: &Mutex<Vec<String>>,
    decide: &(dyn Fn(usize) -> Option<u16> + Send + Sync),
) -> io::Result<()> {
    let mut reader = BufReader::new(client.try_clone()?);
    let mut head = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        if line == "\r\n" {
            break;
        }
        head.push_str(&line);
    }
    seen.lock().unwrap().push(head.clone());
    if let Some(status) = decide(n) {
        let answer = format!("HTTP/1.1 {status} Refused\r\nContent-Length: 0\r\n\r\n");
        client.write_all(answer.as_bytes())?;
        return Ok(());
    }
    let target = head
        .split_whitespace()
        .nth(1)
        .unwrap_or_default()
        .replace("localhost", "127.0.0.1");
    let server = TcpStream::connect(target)?;
    client.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")?;
    let (mut to_server, mut from_server) = (server.try_clone()?, server);
    let mut from_client = client.try_clone()?;
    let upstream = thread::spawn(move || {
        let _ = io::copy(&mut reader, &mut to_server);
        let _ = to_server.shutdown(Shutdown::Write);
    });
    let _ = io::copy(&mut from_server, &mut from_client);
    let _ = client.shutdown(Shutdown::Write);
    let _ = upstream.join();
    Ok(())
}

/// A SOCKS5 proxy without authentication (RFC 1928): it records the target of each
/// `CONNECT` (`host:port`, as the client sent it) and pipes the tunnel through.
pub struct Socks5Proxy {
    pub url: String,
    pub targets: Arc<Mutex<Vec<String>>>,
}

impl Socks5Proxy {
    pub fn start() -> Socks5Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!(
            "socks5://127.0.0.1:{}",
            listener.local_addr().unwrap().port()
        );
        let targets = Arc::new(Mutex::new(Vec::new()));
        let seen = targets.clone();
        thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let seen = seen.clone();
                thread::spawn(move || {
                    let _ = socks5(stream, &seen);
                });
            }
        });
        Socks5Proxy { url, targets }
    }

    pub fn targets(&self) -> Vec<String> {
        self.targets.lock().unwrap().clone()
    }
}

fn socks5(mut client: TcpStream, seen: &Mutex<Vec<String>>) -> io::Result<()> {
    let mut greeting = [0u8; 2];
    client.read_exact(&mut greeting)?;
    let mut methods = vec![0u8; usize::from(greeting[1])];
    client.read_exact(&mut methods)?;
    client.write_all(&[5, 0])?; // version 5, no authentication
    let mut request = [0u8; 4];
    client.read_exact(&mut request)?;
    let host = match request[3] {
        1 => {
            let mut ip = [0u8; 4];
            client.read_exact(&mut ip)?;
            std::net::Ipv4Addr::from(ip).to_string()
        }
        3 => {
            let mut len = [0u8; 1];
            client.read_exact(&mut len)?;
            let mut name = vec![0u8; usize::from(len[0])];
            client.read_exact(&mut name)?;
            String::from_utf8_lossy(&name).into_owned()
        }
        _ => return Ok(()),
    };
    let mut port = [0u8; 2];
    client.read_exact(&mut port)?;
    let port = u16::from_be_bytes(port);
    seen.lock().unwrap().push(format!("{host}:{port}"));
    let server = TcpStream::connect((host.replace("localhost", "127.0.0.1").as_str(), port))?;
    client.write_all(&[5, 0, 0, 1, 127, 0, 0, 1, 0, 0])?;
    let (mut to_server, mut from_server) = (server.try_clone()?, server);
    let (mut from_client, mut to_client) = (client.try_clone()?, client);
    let upstream = thread::spawn(move || {
        let _ = io::copy(&mut from_client, &mut to_server);
        let _ = to_server.shutdown(Shutdown::Write);
    });
    let _ = io::copy(&mut from_server, &mut to_client);
    let _ = to_client.shutdown(Shutdown::Write);
    let _ = upstream.join();
    Ok(())
}
