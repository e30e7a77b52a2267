//! Real networks on 127.0.0.1: TLS servers with test certificates (see `tests/tls/`), a
//! CONNECT proxy, and the proxy environment variables.

mod common;
#[path = "common/tls.rs"]
mod tls;

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use serde_json::Value;
use stripe_billing_portal::*;
use tls::{pem, ConnectProxy, Socks5Proxy, TlsServer};

fn params() -> SessionCreateParams {
    SessionCreateParams::for_customer("cus_1")
}

fn server(certificate: &str) -> TlsServer {
    TlsServer::start(certificate, common::session_json(Value::Null))
}

fn builder(url: &str) -> ClientBuilder {
    Client::builder("sk_test_123")
        .base_url(url)
        .no_proxy()
        .initial_retry_delay(Duration::from_millis(10))
        .max_retry_delay(Duration::from_millis(20))
}

#[test]
fn a_custom_root_is_trusted_instead_of_the_built_in_ones() {
    let server = server("localhost");
    for host in ["127.0.0.1", "localhost"] {
        let url = format!("https://{host}:{}", server.port);
        let client = builder(&url)
            .root_certificates(pem("ca.pem"))
            .build()
            .unwrap();
        let session = client.create_session(&params()).unwrap();
        assert_eq!(session.id, "bps_123");
    }
    assert_eq!(server.requests.load(Ordering::SeqCst), 2);

    // The built-in Mozilla roots do not know the test CA.
    let url = format!("https://127.0.0.1:{}", server.port);
    let error = builder(&url)
        .build()
        .unwrap()
        .create_session(&params())
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Tls, "{error}");
    assert!(error.to_string().contains("UnknownIssuer"), "{error}");
}

#[test]
fn certificate_failures_are_tls_errors_after_one_handshake() {
    let cases = [
        ("unknown-issuer", "UnknownIssuer"),
        ("wrong-host", "not valid for name"),
        ("expired", "expired"),
        ("self-signed", "UnknownIssuer"),
    ];
    for (certificate, reason) in cases {
        let server = server(certificate);
        let url = format!("https://localhost:{}", server.port);
        let client = builder(&url)
            .root_certificates(pem("ca.pem"))
            .max_network_retries(2)
            .build()
            .unwrap();
        let started = Instant::now();
        let error = client.create_session(&params()).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Tls, "{certificate}: {error}");
        let message = error.to_string();
        assert!(
            message.starts_with("TLS failed"),
            "{certificate}: {message}"
        );
        assert!(message.contains("certificate"), "{certificate}: {message}");
        assert!(message.contains(reason), "{certificate}: {message}");
        assert_eq!(error.attempts(), 1, "{certificate}: retried");
        assert_eq!(server.handshakes.load(Ordering::SeqCst), 1, "{certificate}");
        assert_eq!(server.requests.load(Ordering::SeqCst), 0, "{certificate}");
        assert!(started.elapsed() < Duration::from_secs(2), "{certificate}");
    }
}

#[test]
fn a_bad_root_bundle_is_refused_by_build() {
    let garbled = String::from_utf8(pem("ca.pem"))
        .unwrap()
        .replacen("MII", "MIJ", 1);
    let bundles: [(&str, Vec<u8>); 5] = [
        ("empty", Vec::new()),
        ("not PEM", b"hello".to_vec()),
        ("a key only", pem("localhost.key")),
        ("garbled", garbled.into_bytes()),
        ("cut short", pem("ca.pem")[..300].to_vec()),
    ];
    for (what, bundle) in bundles {
        let error = builder("https://api.stripe.com")
            .root_certificates(bundle)
            .build()
            .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidInput, "{what}: {error}");
        assert!(
            error.to_string().contains("root certificate bundle"),
            "{what}: {error}"
        );
    }
    // Two CAs in one bundle, and a key beside them, are fine.
    let mut both = pem("other-ca.pem");
    both.extend(pem("localhost.key"));
    both.extend(pem("ca.pem"));
    let server = server("localhost");
    let url = format!("https://localhost:{}", server.port);
    let client = builder(&url).root_certificates(both).build().unwrap();
    client.create_session(&params()).unwrap();
}

#[test]
fn requests_go_through_an_explicit_proxy_with_its_credentials() {
    let server = server("localhost");
    let proxy = ConnectProxy::start(|_| None);
    let url = format!("https://localhost:{}", server.port);
    let with_credentials = proxy.url.replace("http://", "http://alice:s%3Acret@");
    let client = builder(&url)
        .root_certificates(pem("ca.pem"))
        .proxy(with_credentials)
        .build()
        .unwrap();
    let shown = format!("{client:?}");
    assert!(
        !shown.contains("alice") && !shown.contains("cret"),
        "{shown}"
    );
    for _ in 0..3 {
        client.create_session(&params()).unwrap();
    }
    let heads = proxy.heads();
    // One tunnel, kept alive for all three requests.
    assert_eq!(heads.len(), 1, "{heads:?}");
    let target = format!("CONNECT localhost:{} HTTP/1.1", server.port);
    assert!(heads[0].starts_with(&target), "{heads:?}");
    // base64("alice:s:cret")
    assert!(
        heads[0].contains("Proxy-Authorization: Basic YWxpY2U6czpjcmV0"),
        "{heads:?}"
    );
    assert_eq!(server.requests.load(Ordering::SeqCst), 3);
}

#[test]
fn a_proxy_that_cannot_reach_stripe_is_retried_and_one_that_wants_credentials_is_not() {
    let server = server("localhost");
    let url = format!("https://localhost:{}", server.port);
    for status in [502, 503, 504] {
        let proxy = ConnectProxy::start(move |n| (n < 2).then_some(status));
        let client = builder(&url)
            .root_certificates(pem("ca.pem"))
            .proxy(&proxy.url)
            .build()
            .unwrap();
        let response = client
            .create_session_with(&params(), &RequestOptions::new())
            .unwrap();
        assert_eq!(response.attempts, 3, "{status}");
        assert_eq!(proxy.heads().len(), 3, "{status}");
    }
    let proxy = ConnectProxy::start(|_| Some(407));
    let client = builder(&url)
        .root_certificates(pem("ca.pem"))
        .proxy(&proxy.url)
        .build()
        .unwrap();
    let error = client.create_session(&params()).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Connection, "{error}");
    assert!(error.to_string().contains("407"), "{error}");
    assert!(error.to_string().contains("credentials"), "{error}");
    assert_eq!(error.attempts(), 1);
    assert_eq!(proxy.heads().len(), 1);
}

#[test]
fn requests_go_through_a_socks5_proxy() {
    let server = server("localhost");
    let url = format!("https://localhost:{}", server.port);
    for (scheme, target) in [
        // socks5h: the proxy looks the name up.
        ("socks5h", format!("localhost:{}", server.port)),
        // socks5: the client does, and sends the address.
        ("socks5", format!("127.0.0.1:{}", server.port)),
    ] {
        let proxy = Socks5Proxy::start();
        let client = builder(&url)
            .root_certificates(pem("ca.pem"))
            .proxy(proxy.url.replace("socks5", scheme))
            .build()
            .unwrap();
        client.create_session(&params()).unwrap();
        client.create_session(&params()).unwrap();
        assert_eq!(proxy.targets(), [target], "{scheme}");
    }
    assert_eq!(server.requests.load(Ordering::SeqCst), 4);
}

#[test]
fn a_proxy_url_the_client_cannot_use_is_an_error_from_build() {
    for url in [
        "ftp://proxy.test",
        "http://proxy.test/path",
        "http://",
        "http://a b",
    ] {
        let error = builder("https://api.stripe.com")
            .proxy(url)
            .build()
            .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidInput, "{url}: {error}");
        assert!(error.to_string().contains("proxy URL"), "{url}: {error}");
    }
    for url in [
        "socks5://127.0.0.1:1080",
        "socks5h://u:p@proxy.test",
        "proxy.test:3128",
        "https://proxy.test",
    ] {
        builder("https://api.stripe.com")
            .proxy(url)
            .build()
            .unwrap();
    }
}

#[cfg(feature = "platform-verifier")]
#[test]
fn the_platform_verifier_uses_the_system_store_which_does_not_know_the_test_ca() {
    let server = server("localhost");
    let url = format!("https://localhost:{}", server.port);
    let client = builder(&url).platform_verifier().build().unwrap();
    let error = client.create_session(&params()).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Tls, "{error}");
    assert_eq!(error.attempts(), 1);
    assert_eq!(server.handshakes.load(Ordering::SeqCst), 1);
}
