//! The proxy environment variables, read by `ClientBuilder::build`. The only test of its
//! binary, since it changes the process's environment.

mod common;
#[path = "common/tls.rs"]
mod tls;

use std::sync::atomic::Ordering;

use serde_json::Value;
use stripe_billing_portal::*;
use tls::{pem, ConnectProxy, Socks5Proxy, TlsServer};

const VARIABLES: [&str; 8] = [
    "HTTPS_PROXY",
    "https_proxy",
    "ALL_PROXY",
    "all_proxy",
    "NO_PROXY",
    "no_proxy",
    "HTTP_PROXY",
    "http_proxy",
];

#[test]
fn https_proxy_all_proxy_and_no_proxy_are_honoured_in_the_forms_people_write() {
    let server = TlsServer::start("localhost", common::session_json(Value::Null));
    let url = format!("https://localhost:{}", server.port);
    let proxy = ConnectProxy::start(|_| None);
    let call = |expect_tunnel: bool, case: &str| {
        let before = proxy.heads().len();
        let client = Client::builder("sk_test_123")
            .base_url(&url)
            .root_certificates(pem("ca.pem"))
            .build()
            .unwrap_or_else(|e| panic!("{case}: {e}"));
        client
            .create_session(&SessionCreateParams::for_customer("cus_1"))
            .unwrap_or_else(|e| panic!("{case}: {e}"));
        let tunnels = proxy.heads().len() - before;
        assert_eq!(tunnels, usize::from(expect_tunnel), "{case}");
    };
    let set = |vars: &[(&str, &str)]| {
        for name in VARIABLES {
            std::env::remove_var(name);
        }
        for (name, value) in vars {
            std::env::set_var(name, value);
        }
    };
    let p = proxy.url.as_str();

    set(&[("HTTPS_PROXY", p)]);
    call(true, "HTTPS_PROXY");
    set(&[("https_proxy", p)]);
    call(true, "https_proxy");
    set(&[("ALL_PROXY", p)]);
    call(true, "ALL_PROXY");
    set(&[("HTTP_PROXY", p)]);
    call(false, "HTTP_PROXY is for http URLs");
    for no_proxy in [
        "example.com, localhost",
        "localhost:443",
        ".localhost",
        "*",
        "EXAMPLE.com LOCALHOST",
    ] {
        set(&[("HTTPS_PROXY", p), ("NO_PROXY", no_proxy)]);
        call(false, no_proxy);
        set(&[("https_proxy", p), ("no_proxy", no_proxy)]);
        call(false, no_proxy);
    }
    set(&[
        ("HTTPS_PROXY", p),
        ("NO_PROXY", "example.com, localhost.test"),
    ]);
    call(true, "NO_PROXY naming other hosts");
    assert!(server.requests.load(Ordering::SeqCst) >= 15);

    // `ALL_PROXY=socks5h://...` is used, not ignored.
    let socks = Socks5Proxy::start();
    set(&[("ALL_PROXY", socks.url.replace("socks5", "socks5h").as_str())]);
    call(false, "ALL_PROXY=socks5h");
    assert_eq!(socks.targets(), [format!("localhost:{}", server.port)]);

    // A proxy the client cannot use is never bypassed in silence.
    for bad in ["ftp://proxy.test:21", "http://proxy.test/path"] {
        set(&[("ALL_PROXY", bad)]);
        let error = Client::builder("sk_test_123").build().unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidInput, "{error}");
        assert!(error.to_string().contains("ALL_PROXY"), "{error}");
        // `no_proxy()` ignores the environment.
        Client::builder("sk_test_123").no_proxy().build().unwrap();
    }
    set(&[]);
}
