//! Which proxy, if any, the client's connections go through.
//!
//! A client talks to one host, its base URL's, so the choice is made once, in
//! [`ClientBuilder::build`](crate::ClientBuilder::build): an explicit
//! [`ClientBuilder::proxy`](crate::ClientBuilder::proxy) wins; otherwise the environment, as
//! curl and Python's `requests` read it.

use std::net::IpAddr;

use crate::Error;

/// What the builder was told about proxies.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) enum ProxyChoice {
    /// `HTTPS_PROXY` (or `HTTP_PROXY` for an `http` base URL), then `ALL_PROXY`, each in
    /// either case, unless `NO_PROXY` names the host.
    #[default]
    Environment,
    /// This proxy, whatever the environment says.
    Url(String),
    /// No proxy, whatever the environment says.
    Direct,
}

/// The schemes a proxy URL may have; SOCKS through ureq's `socks-proxy`, which adds no crate.
const SCHEMES: &[&str] = &[
    "http", "https", "socks4", "socks4a", "socks5", "socks5h", "socks",
];

/// The proxy for requests to `host` over `scheme` (`https`, or `http` for a loopback base
/// URL), read from the environment through `var`.
///
/// # Errors
///
/// A proxy URL that cannot be used is an error, never silently bypassed; the message names
/// where the URL came from and never repeats it, since it may carry a password.
pub(crate) fn choose(
    choice: &ProxyChoice,
    scheme: &str,
    host: &str,
    var: impl Fn(&str) -> Option<String>,
) -> Result<Option<ureq::Proxy>, Error> {
    match choice {
        ProxyChoice::Direct => Ok(None),
        ProxyChoice::Url(url) => parse(url, "the proxy URL").map(Some),
        ProxyChoice::Environment => {
            let set = |name: &str| var(name).filter(|v| !v.trim().is_empty());
            let no_proxy = set("NO_PROXY").or_else(|| set("no_proxy"));
            if no_proxy.is_some_and(|list| bypasses(&list, host)) {
                return Ok(None);
            }
            let names: &[&str] = match scheme {
                "http" => &["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"],
                _ => &["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"],
            };
            for name in names {
                if let Some(url) = set(name) {
                    return parse(&url, &format!("the proxy URL in {name}")).map(Some);
                }
            }
            Ok(None)
        }
    }
}

fn parse(url: &str, what: &str) -> Result<ureq::Proxy, Error> {
    let bad = |why: &str| Error::invalid_input(format!("{what} cannot be used: {why}"));
    let url = url.trim();
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad("it contains whitespace or control characters"));
    }
    let (scheme, rest) = url.split_once("://").unwrap_or(("http", url));
    if !SCHEMES.iter().any(|s| s.eq_ignore_ascii_case(scheme)) {
        return Err(bad(
            "the scheme must be http, https, socks4, socks4a, socks5 or socks5h",
        ));
    }
    let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
    if !path.is_empty() || rest.contains(['?', '#']) {
        return Err(bad(
            "it must be scheme://[user:password@]host[:port], with no path",
        ));
    }
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if host_port.is_empty() || host_port.starts_with(':') {
        return Err(bad("it has no host"));
    }
    ureq::Proxy::new(&format!("{scheme}://{rest}")).map_err(|_| {
        bad("it is not a valid URL (is a character in the password not percent-encoded?)")
    })
}

/// The proxy as it may be shown: scheme, host and port, never credentials.
pub(crate) fn describe(proxy: &ureq::Proxy) -> String {
    let scheme = match proxy.protocol() {
        ureq::ProxyProtocol::Http => "http",
        ureq::ProxyProtocol::Https => "https",
        ureq::ProxyProtocol::Socks4 => "socks4",
        ureq::ProxyProtocol::Socks4A => "socks4a",
        ureq::ProxyProtocol::Socks5 => "socks5",
        ureq::ProxyProtocol::Socks5h => "socks5h",
        _ => "proxy",
    };
    format!("{scheme}://{}:{}", proxy.host(), proxy.port())
}

/// Whether a `NO_PROXY` list names `host`, in the forms people write: entries separated by
/// commas and/or spaces; `*` for every host; `example.com`, `.example.com` and
/// `*.example.com` each for the domain and all its subdomains; an IP address, or a CIDR block
/// such as `10.0.0.0/8`, for addresses; a `:port` suffix is ignored. Case does not matter.
pub(crate) fn bypasses(list: &str, host: &str) -> bool {
    let host = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .trim_end_matches('.')
        .to_ascii_lowercase();
    let host_ip = host.parse::<IpAddr>().ok();
    list.split([',', ' ', '\t'])
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .any(|entry| {
            if entry == "*" {
                return true;
            }
            if let (Some(ip), Some((net, bits))) = (host_ip, entry.split_once('/')) {
                return in_block(ip, net, bits);
            }
            let entry = strip_port(entry).to_ascii_lowercase();
            let entry = entry.trim_start_matches('*').trim_start_matches('.');
            let entry = entry.trim_end_matches('.');
            if entry.is_empty() {
                return false;
            }
            match (host_ip, entry.parse::<IpAddr>()) {
                (Some(ip), Ok(other)) => ip == other,
                (None, Err(_)) => {
                    host == entry
                        || host
                            .strip_suffix(entry)
                            .is_some_and(|prefix| prefix.ends_with('.'))
                }
                _ => false,
            }
        })
}

/// `example.com:8080` → `example.com`, `[::1]:80` → `::1`, `::1` stays.
fn strip_port(entry: &str) -> &str {
    if let Some(v6) = entry.strip_prefix('[') {
        return v6.split(']').next().unwrap_or_default();
    }
    match entry.rsplit_once(':') {
        Some((host, port)) if !host.contains(':') && port.bytes().all(|b| b.is_ascii_digit()) => {
            host
        }
        _ => entry,
    }
}

fn in_block(ip: IpAddr, net: &str, bits: &str) -> bool {
    let (Ok(net), Ok(bits)) = (net.parse::<IpAddr>(), bits.parse::<u32>()) else {
        return false;
    };
    let (ip, net, width) = match (ip, net) {
        (IpAddr::V4(a), IpAddr::V4(b)) => (u128::from(u32::from(a)), u128::from(u32::from(b)), 32),
        (IpAddr::V6(a), IpAddr::V6(b)) => (u128::from(a), u128::from(b), 128),
        _ => return false,
    };
    if bits > width {
        return false;
    }
    let shift = width - bits;
    shift == width || ip >> shift == net >> shift
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_proxy_takes_the_forms_people_write() {
        let list =
            "example.com, localhost,.internal.test  *.corp.test,10.0.0.0/8,[::1],host.test:8080";
        for host in [
            "example.com",
            "api.example.com",
            "EXAMPLE.com",
            "localhost",
            "a.internal.test",
            "internal.test",
            "x.y.corp.test",
            "10.1.2.3",
            "::1",
            "[::1]",
            "host.test",
        ] {
            assert!(bypasses(list, host), "{host} should bypass the proxy");
        }
        for host in [
            "notexample.com",
            "example.com.evil.test",
            "api.stripe.com",
            "11.0.0.1",
            "127.0.0.1",
            "::2",
            "corp.tests",
        ] {
            assert!(!bypasses(list, host), "{host} should use the proxy");
        }
        assert!(bypasses("*", "api.stripe.com"));
        assert!(bypasses("0.0.0.0/0", "192.0.2.1"));
        assert!(!bypasses("", "api.stripe.com"));
        assert!(!bypasses(" , ", "api.stripe.com"));
    }

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            vars.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    fn chosen(vars: &[(&str, &str)], scheme: &str, host: &str) -> Option<String> {
        choose(&ProxyChoice::Environment, scheme, host, env(vars))
            .unwrap()
            .map(|p| describe(&p))
    }

    #[test]
    fn the_environment_is_read_as_curl_reads_it() {
        let https = [
            ("HTTPS_PROXY", "http://a.test:1"),
            ("ALL_PROXY", "socks5://b.test:2"),
        ];
        assert_eq!(
            chosen(&https, "https", "api.stripe.com").as_deref(),
            Some("http://a.test:1")
        );
        let all = [("all_proxy", "socks5h://u:p@b.test")];
        assert_eq!(
            chosen(&all, "https", "api.stripe.com").as_deref(),
            Some("socks5h://b.test:1080")
        );
        let lower = [("https_proxy", "c.test:3128")];
        assert_eq!(
            chosen(&lower, "https", "api.stripe.com").as_deref(),
            Some("http://c.test:3128")
        );
        // HTTP_PROXY is for http URLs only.
        let http = [("HTTP_PROXY", "http://d.test:1")];
        assert_eq!(chosen(&http, "https", "api.stripe.com"), None);
        assert_eq!(
            chosen(&http, "http", "localhost").as_deref(),
            Some("http://d.test:1")
        );
        let bypassed = [
            ("HTTPS_PROXY", "http://a.test:1"),
            ("no_proxy", "stripe.com"),
        ];
        assert_eq!(chosen(&bypassed, "https", "api.stripe.com"), None);
        let empty = [("HTTPS_PROXY", ""), ("ALL_PROXY", "http://e.test:1")];
        assert_eq!(
            chosen(&empty, "https", "api.stripe.com").as_deref(),
            Some("http://e.test:1")
        );
    }

    #[test]
    fn a_proxy_that_cannot_be_used_is_an_error_that_hides_the_url() {
        let secret = "hunter2secret";
        for url in [
            format!("ftp://user:{secret}@proxy.test"),
            format!("http://user:{secret}@proxy.test/path"),
            format!("http://user:{secret}@"),
            format!("http://user:{secret} @proxy.test"),
        ] {
            let vars = [("HTTPS_PROXY", url.as_str())];
            let err = choose(
                &ProxyChoice::Environment,
                "https",
                "api.stripe.com",
                env(&vars),
            )
            .unwrap_err();
            let shown = format!("{err} {err:?}");
            assert!(shown.contains("HTTPS_PROXY"), "{shown}");
            assert!(!shown.contains(secret), "{shown}");
            let err = choose(&ProxyChoice::Url(url.clone()), "https", "x", env(&[])).unwrap_err();
            assert!(!format!("{err} {err:?}").contains(secret));
        }
        // Explicit wins over the environment, and Direct ignores it.
        let vars = [("HTTPS_PROXY", "ftp://bad")];
        let explicit = ProxyChoice::Url("http://p.test:8".into());
        let proxy = choose(&explicit, "https", "api.stripe.com", env(&vars)).unwrap();
        assert_eq!(describe(&proxy.unwrap()), "http://p.test:8");
        assert!(choose(&ProxyChoice::Direct, "https", "x", env(&vars))
            .unwrap()
            .is_none());
    }
}
