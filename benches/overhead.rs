//! What the crate costs beyond the HTTP request itself, measured in one run against the floor:
//! a bare `ureq` agent posting the same pre-encoded body to the same local server.
//!
//! ```sh
//! cargo bench --bench overhead              # everything: 88 s from a clean target on 2 cores
//! cargo bench --bench overhead -- request   # only the sections whose name contains "request"
//! OVERHEAD_PROFILE=crate cargo bench --bench overhead   # only the crate's requests, to profile
//!                                   # (or `floor`, or `encoding`: the floor encoding per call)
//! ```
//!
//! Sections: `request` (crate vs floor), `transport` (the cost of each ureq timeout setting),
//! `encode`, `decode`, `threads` (throughput of 1, 2, 4, 8 threads sharing one `Client`).
//! Every comparison alternates its contenders round by round and reports the median round, so
//! drift on a busy machine does not favour either side. Nothing here leaves 127.0.0.1, and the
//! server's threads end with the process.

use std::hint::black_box;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use stripe_billing_portal::{
    form, AfterCompletion, AfterExpiration, Client, ConfirmDiscount, ConfirmItem, FlowData, Locale,
    Session, SessionCreateParams, SubscriptionUpdateConfirmFlow, API_VERSION,
};
// For the unit tests inside `src/decode.rs`, which name them as `crate::` items; cargo compiles
// benches with `cfg(test)`, so that module is compiled (though not run) here too.
use stripe_billing_portal::{ApiError, Configuration, FlowRedirect, FlowType, List};

// The crate decodes responses through this private module; compiled in here as well, so its
// cost is measured on its own beside serde_json's.
#[path = "../src/decode.rs"]
#[allow(dead_code, unused_imports)] // its unit tests are compiled here, not run
mod decode;

const KEY: &str = "sk_test_bench";
const ROUNDS: usize = 7;

fn main() {
    let filters: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let wanted = |name: &str| filters.is_empty() || filters.iter().any(|f| name.contains(f));
    let requests = env_usize("OVERHEAD_REQUESTS", 2000);

    let session_json = session_json(false);
    let server = Server::start(session_json.clone());
    println!(
        "stripe-billing-portal overhead bench: {} CPUs, {ROUNDS} alternating rounds, medians",
        thread::available_parallelism().map_or(0, |n| n.get())
    );

    // For `perf record`: one contender alone, no comparison.
    if let Ok(which) = std::env::var("OVERHEAD_PROFILE") {
        let client = server.client();
        let params = full_params();
        let floor = Floor::plain(&server);
        let pairs = form::to_pairs(&params).unwrap();
        let start = Instant::now();
        for _ in 0..requests {
            match which.as_str() {
                "crate" => drop(black_box(client.create_session(&params).unwrap())),
                "encoding" => drop(black_box(floor.encoding(&pairs))),
                _ => drop(black_box(floor.typed())),
            }
        }
        println!(
            "{which}: {:?} per request",
            start.elapsed() / requests as u32
        );
        return;
    }
    if wanted("request") {
        request_overhead(&server, requests);
    }
    if wanted("transport") {
        transport_settings(&server, requests);
    }
    if wanted("encode") {
        encoding();
    }
    if wanted("decode") {
        decoding();
    }
    if wanted("threads") {
        threads(&server, env_usize("OVERHEAD_THREAD_REQUESTS", 1000));
    }
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

// ---------------------------------------------------------------------------------------------
// 1. Request overhead
// ---------------------------------------------------------------------------------------------

/// The full params of a `subscription_update_confirm` session: every top-level param, two
/// items and a discount.
fn full_params() -> SessionCreateParams {
    SessionCreateParams::for_customer("cus_QXg1o8vcGmoR32")
        .configuration("bpc_1Pgc7HB7WZ01zgkWxH2EPWRX")
        .locale(Locale::Auto)
        .on_behalf_of("acct_1Pgc7HB7WZ01zgkW")
        .return_url("https://example.com/account?tab=billing&from=portal")
        .expand("configuration")
        .after_expiration(AfterExpiration::customer_login())
        .flow_data(
            FlowData::new(
                SubscriptionUpdateConfirmFlow::new(
                    "sub_1Pgc7HB7WZ01zgkWq1Xyz",
                    ConfirmItem::new("si_QXg1o8vcGmoR32")
                        .price("price_1Pgc7HB7WZ01zgkWpro")
                        .quantity(3),
                )
                .item(ConfirmItem::new("si_QXg1o8vcGmoR33").price("price_1Pgc7HB7WZ01zgkWseat"))
                .discount(ConfirmDiscount::promotion_code("promo_1Pgc7HB7WZ01zgkW")),
            )
            .after_completion(AfterCompletion::hosted_confirmation_with_message(
                "Your plan is updated. Thank you!",
            )),
        )
}

/// A realistic answer to [`full_params`]; with `expanded`, the configuration is the whole
/// object instead of its id.
fn session_json(expanded: bool) -> String {
    let configuration = if expanded {
        let fixtures: serde_json::Value =
            serde_json::from_str(include_str!("../tests/data/fixtures.json")).unwrap();
        fixtures["billing_portal.configuration"].clone()
    } else {
        serde_json::json!("bpc_1Pgc7HB7WZ01zgkWxH2EPWRX")
    };
    serde_json::json!({
        "id": "bps_1Pgc7HB7WZ01zgkWJbyDCzTt",
        "object": "billing_portal.session",
        "after_expiration": {"type": "customer_login", "customer_login": {"expires_at": null}},
        "configuration": configuration,
        "created": 1_722_000_000,
        "customer": "cus_QXg1o8vcGmoR32",
        "customer_account": null,
        "flow": {
            "type": "subscription_update_confirm",
            "after_completion": {
                "type": "hosted_confirmation",
                "hosted_confirmation": {"custom_message": "Your plan is updated. Thank you!"},
                "redirect": null
            },
            "subscription_cancel": null,
            "subscription_update": null,
            "subscription_update_confirm": {
                "subscription": "sub_1Pgc7HB7WZ01zgkWq1Xyz",
                "items": [
                    {"id": "si_QXg1o8vcGmoR32", "price": "price_1Pgc7HB7WZ01zgkWpro", "quantity": 3},
                    {"id": "si_QXg1o8vcGmoR33", "price": "price_1Pgc7HB7WZ01zgkWseat"}
                ],
                "discounts": [{"coupon": null, "promotion_code": "promo_1Pgc7HB7WZ01zgkW"}]
            }
        },
        "livemode": false,
        "locale": "auto",
        "on_behalf_of": "acct_1Pgc7HB7WZ01zgkW",
        "return_url": "https://example.com/account?tab=billing&from=portal",
        "url": "https://billing.stripe.com/p/session/test_YWNjdF8xUGdjN0hCN1daMDF6Z2tXLF9RWGcxbzh2Y0dtb1IzMnhBQkNERUZHSElKS0xNTk9QUVJTVFVWV1hZWjAxMjM00100abcDEF"
    })
    .to_string()
}

/// A bare `ureq` agent as a careful user would set it up: keep-alive (ureq's default), status
/// codes as responses, no redirects, the same body and headers the crate sends.
struct Floor {
    agent: ureq::Agent,
    url: String,
    body: String,
    user_agent: String,
    authorization: String,
}

/// A resolver that reads the address off the URL, as the client's cache answers a warm entry:
/// the lookup costs nothing, so a deadline costs no thread.
#[derive(Debug)]
struct FromMemory;

impl ureq::unversioned::resolver::Resolver for FromMemory {
    fn resolve(
        &self,
        uri: &ureq::http::Uri,
        _: &ureq::config::Config,
        _: ureq::unversioned::transport::NextTimeout,
    ) -> Result<ureq::unversioned::resolver::ResolvedSocketAddrs, ureq::Error> {
        let mut addrs = self.empty();
        let host = uri.host().unwrap_or_default();
        let port = uri.port_u16().unwrap_or(80);
        addrs.push(
            format!("{host}:{port}")
                .parse()
                .map_err(|_| ureq::Error::HostNotFound)?,
        );
        Ok(addrs)
    }
}

impl Floor {
    fn new(
        server: &Server,
        config: ureq::config::ConfigBuilder<ureq::typestate::AgentScope>,
    ) -> Self {
        Floor::with_agent(
            server,
            config
                .http_status_as_error(false)
                .max_redirects(0)
                .build()
                .new_agent(),
        )
    }

    /// A floor on a bare agent whose lookups come from memory.
    fn from_memory(
        server: &Server,
        config: ureq::config::ConfigBuilder<ureq::typestate::AgentScope>,
    ) -> Self {
        let config = config.http_status_as_error(false).max_redirects(0).build();
        let connector = ureq::unversioned::transport::DefaultConnector::new();
        Floor::with_agent(
            server,
            ureq::Agent::with_parts(config, connector, FromMemory),
        )
    }

    fn with_agent(server: &Server, agent: ureq::Agent) -> Self {
        Floor {
            agent,
            url: format!("{}/v1/billing_portal/sessions", server.base_url),
            body: form::to_string(&full_params()).unwrap(),
            user_agent: format!("stripe-billing-portal/{} (Rust; ureq)", "0.1.0"),
            authorization: format!("Bearer {KEY}"),
        }
    }

    fn plain(server: &Server) -> Self {
        Floor::new(server, ureq::Agent::config_builder())
    }

    fn request(&self) -> ureq::RequestBuilder<ureq::typestate::WithBody> {
        self.agent
            .post(&self.url)
            .header("authorization", &self.authorization)
            .header("stripe-version", API_VERSION)
            .header("user-agent", &self.user_agent)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("idempotency-key", "6f1f7f3a-9d1e-4c52-8d0e-3b2a1c0f9e8d")
    }

    /// One exchange: the status and the body read whole, then parsed with `serde_json`.
    fn finish(response: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Vec<u8> {
        let mut response = response.expect("the floor's request");
        assert_eq!(response.status(), 200);
        response.body_mut().read_to_vec().unwrap()
    }

    fn typed(&self) -> Session {
        let body = Floor::finish(self.request().send(&self.body));
        serde_json::from_slice(&body).unwrap()
    }

    /// As [`Floor::typed`], but the body is percent-encoded on every call by
    /// `serde_urlencoded` from the flattened pairs: the least any client that encodes per call
    /// through `serde_urlencoded` can cost.
    fn encoding(&self, pairs: &[(String, String)]) -> Session {
        let body = serde_urlencoded::to_string(pairs).unwrap();
        let body = Floor::finish(self.request().send(&body));
        serde_json::from_slice(&body).unwrap()
    }

    fn value(&self) -> serde_json::Value {
        let body = Floor::finish(self.request().send(&self.body));
        serde_json::from_slice(&body).unwrap()
    }
}

fn request_overhead(server: &Server, n: usize) {
    let client = server.client();
    let params = full_params();
    let floor = Floor::plain(server);
    let pairs = form::to_pairs(&params).unwrap();
    // Warm the pools and the caches.
    for _ in 0..200 {
        black_box(client.create_session(&params).unwrap());
        black_box(floor.typed());
        black_box(floor.value());
        black_box(floor.encoding(&pairs));
    }
    let [crate_, typed, value, encoding] = alternate(
        n,
        [
            &|| drop(black_box(client.create_session(&params).unwrap())),
            &|| drop(black_box(floor.typed())),
            &|| drop(black_box(floor.value())),
            &|| drop(black_box(floor.encoding(&pairs))),
        ],
    );
    println!("\n## request: {n} sequential create_session calls per round, keep-alive, 127.0.0.1");
    row("crate: client.create_session(&params)", crate_, None);
    row(
        "floor: bare ureq, pre-encoded body, serde_json -> Session",
        typed,
        Some(("crate / floor", crate_ / typed)),
    );
    row(
        "floor: bare ureq, pre-encoded body, serde_json -> Value",
        value,
        Some(("crate / floor", crate_ / value)),
    );
    row(
        "floor + serde_urlencoded::to_string(&pairs) per call",
        encoding,
        Some(("vs floor", encoding / typed)),
    );
}

// ---------------------------------------------------------------------------------------------
// 2. Transport settings, one at a time, on a bare agent
// ---------------------------------------------------------------------------------------------

fn transport_settings(server: &Server, n: usize) {
    let t80 = Some(Duration::from_secs(80));
    let t30 = Some(Duration::from_secs(30));
    let none = Floor::plain(server);
    let per_call = Floor::new(server, ureq::Agent::config_builder().timeout_per_call(t80));
    let connect_per_call = Floor::new(
        server,
        ureq::Agent::config_builder()
            .timeout_connect(t30)
            .timeout_per_call(t80),
    );
    let global = Floor::new(server, ureq::Agent::config_builder().timeout_global(t80));
    // A budget for each phase of an attempt, none for the lookup.
    let phases_config = || {
        ureq::Agent::config_builder()
            .timeout_connect(t30)
            .timeout_send_request(t80)
            .timeout_send_body(t80)
            .timeout_recv_response(t80)
            .timeout_recv_body(t80)
    };
    let phases = Floor::new(server, phases_config());
    // The crate's setting: the same, plus a constant bound on each read and write 1 % under
    // the phases' budget, which spares ureq a setsockopt before each read and write.
    let t79 = Some(Duration::from_millis(79_200));
    let crate_setting = Floor::new(
        server,
        phases_config().timeout_per_read(t79).timeout_per_write(t79),
    );
    // Today's crate setting: one deadline for the whole attempt, connecting bounded apart,
    // the same per-read/per-write bound, and lookups from memory as the client's cache gives.
    let deadline = Floor::from_memory(
        server,
        ureq::Agent::config_builder()
            .timeout_global(t80)
            .timeout_resolve(t30)
            .timeout_connect(t30)
            .timeout_per_read(t79)
            .timeout_per_write(t79),
    );
    let per_request = |floor: &Floor| {
        let request = floor
            .request()
            .config()
            .timeout_connect(t30)
            .timeout_send_request(t80)
            .timeout_send_body(t80)
            .timeout_recv_response(t80)
            .timeout_recv_body(t80)
            .timeout_per_read(t79)
            .timeout_per_write(t79)
            .build();
        let body = Floor::finish(request.send(&floor.body));
        drop(black_box(serde_json::from_slice::<Session>(&body).unwrap()))
    };
    // Warm up, counting the connections each setting opens: a setting that defeats
    // keep-alive shows here.
    let floors = [
        &none,
        &per_call,
        &connect_per_call,
        &global,
        &phases,
        &crate_setting,
        &deadline,
    ];
    let mut opened = Vec::new();
    for floor in floors {
        let before = server.connections();
        for _ in 0..200 {
            black_box(floor.typed());
        }
        opened.push(server.connections() - before);
    }
    let before = server.connections();
    for _ in 0..200 {
        per_request(&none);
    }
    opened.push(server.connections() - before);
    let times = alternate(
        n,
        [
            &|| drop(black_box(none.typed())),
            &|| drop(black_box(per_call.typed())),
            &|| drop(black_box(connect_per_call.typed())),
            &|| drop(black_box(global.typed())),
            &|| drop(black_box(phases.typed())),
            &|| drop(black_box(crate_setting.typed())),
            &|| drop(black_box(deadline.typed())),
            &|| per_request(&none),
        ],
    );
    println!("\n## transport: the same floor request, one ureq setting at a time");
    let names = [
        "no timeout",
        "timeout_per_call(80 s)",
        "timeout_connect(30 s) + timeout_per_call(80 s)",
        "timeout_global(80 s)",
        "connect + send_request/send_body/recv_response/recv_body",
        "the same + per_read/per_write 1 % under (the crate before 0.2)",
        "global(80 s) + connect(30 s) + per-io bound, lookup from memory (the crate)",
        "the per-step setting, as a per-request configure_request",
    ];
    for ((name, time), opened) in names.iter().zip(times).zip(opened) {
        row(name, time, Some(("vs no timeout", time / times[0])));
        println!(
            "{:<62} {opened:>10}   connections opened in 200 warm-up calls",
            ""
        );
    }
}

// ---------------------------------------------------------------------------------------------
// 3. Encoding and decoding
// ---------------------------------------------------------------------------------------------

fn encoding() {
    let params = full_params();
    let pairs = form::to_pairs(&params).unwrap();
    assert_eq!(
        form::to_string(&params).unwrap(),
        serde_urlencoded::to_string(&pairs).unwrap()
    );
    let n = 20_000;
    let [ours, floor, flatten] = alternate(
        n,
        [
            &|| drop(black_box(form::to_string(black_box(&params)).unwrap())),
            &|| {
                drop(black_box(
                    serde_urlencoded::to_string(black_box(&pairs)).unwrap(),
                ))
            },
            &|| drop(black_box(form::to_pairs(black_box(&params)).unwrap())),
        ],
    );
    println!(
        "\n## encode: the full params ({} pairs, {} bytes), {n} calls per round",
        pairs.len(),
        serde_urlencoded::to_string(&pairs).unwrap().len()
    );
    row(
        "form::to_string(&params)",
        ours,
        Some(("vs floor", ours / floor)),
    );
    row("floor: serde_urlencoded::to_string(&pairs)", floor, None);
    row("form::to_pairs(&params) (flattening only)", flatten, None);
}

fn decoding() {
    let body = session_json(true);
    let session: Session = serde_json::from_str(&body).unwrap();
    assert!(session.configuration.is_object());
    let n = 10_000;
    assert_eq!(
        decode::from_slice::<Session>(body.as_bytes()).unwrap(),
        session
    );
    let [adapter, typed, value] = alternate(
        n,
        [
            &|| {
                drop(black_box(
                    decode::from_slice::<Session>(black_box(body.as_bytes())).unwrap(),
                ))
            },
            &|| {
                drop(black_box(
                    serde_json::from_str::<Session>(black_box(&body)).unwrap(),
                ))
            },
            &|| {
                drop(black_box(
                    serde_json::from_str::<serde_json::Value>(black_box(&body)).unwrap(),
                ))
            },
        ],
    );
    println!(
        "\n## decode: a session with an expanded configuration ({} bytes), {n} calls per round",
        body.len()
    );
    row(
        "the crate's decoding (src/decode.rs) into Session",
        adapter,
        Some(("vs floor", adapter / value)),
    );
    row(
        "serde_json::from_str::<Session>",
        typed,
        Some(("vs floor", typed / value)),
    );
    row(
        "floor: serde_json::from_str::<serde_json::Value>",
        value,
        None,
    );
}

// ---------------------------------------------------------------------------------------------
// 4. Threads sharing one Client
// ---------------------------------------------------------------------------------------------

fn threads(server: &Server, per_thread: usize) {
    let client = server.client();
    let params = Arc::new(full_params());
    println!("\n## threads: one shared Client, {per_thread} create_session calls per thread");
    println!("| threads | requests/s | connections opened |");
    println!("| ---: | ---: | ---: |");
    for count in [1, 2, 4, 8] {
        // Warm up as many pooled connections as there are threads.
        run_threads(&client, &params, count, 50);
        let mut rates = Vec::new();
        let opened = server.connections();
        for _ in 0..3 {
            let start = Instant::now();
            run_threads(&client, &params, count, per_thread);
            rates.push((count * per_thread) as f64 / start.elapsed().as_secs_f64());
        }
        rates.sort_by(f64::total_cmp);
        println!(
            "| {count} | {:.0} | {} |",
            rates[1],
            server.connections() - opened
        );
    }
}

fn run_threads(client: &Client, params: &Arc<SessionCreateParams>, count: usize, n: usize) {
    let handles: Vec<_> = (0..count)
        .map(|_| {
            let client = client.clone();
            let params = Arc::clone(params);
            thread::spawn(move || {
                for _ in 0..n {
                    black_box(client.create_session(&params).unwrap());
                }
            })
        })
        .collect();
    for handle in handles {
        handle.join().unwrap();
    }
}

// ---------------------------------------------------------------------------------------------
// Timing
// ---------------------------------------------------------------------------------------------

/// Runs each contender `n` times per round, contenders in turn, for [`ROUNDS`] rounds; the
/// median round's time per call, in nanoseconds.
fn alternate<const K: usize>(n: usize, contenders: [&dyn Fn(); K]) -> [f64; K] {
    let mut samples = [[0f64; K]; ROUNDS];
    for round in &mut samples {
        for (sample, f) in round.iter_mut().zip(contenders) {
            let start = Instant::now();
            for _ in 0..n {
                f();
            }
            *sample = start.elapsed().as_nanos() as f64 / n as f64;
        }
    }
    std::array::from_fn(|k| {
        let mut s = samples.map(|round| round[k]);
        s.sort_by(f64::total_cmp);
        s[ROUNDS / 2]
    })
}

fn row(name: &str, nanos: f64, ratio: Option<(&str, f64)>) {
    let time = if nanos >= 10_000.0 {
        format!("{:.1} µs", nanos / 1000.0)
    } else {
        format!("{nanos:.0} ns")
    };
    match ratio {
        Some((what, r)) => println!("{name:<62} {time:>10}   {what}: {r:.3}"),
        None => println!("{name:<62} {time:>10}"),
    }
}

// ---------------------------------------------------------------------------------------------
// The server
// ---------------------------------------------------------------------------------------------

/// A small keep-alive HTTP/1.1 server on 127.0.0.1: a thread per connection, the request head
/// and its `Content-Length` body read whole, the same answer in one write.
struct Server {
    base_url: String,
    connections: Arc<std::sync::atomic::AtomicUsize>,
}

impl Server {
    fn start(body: String) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base_url = format!("http://{}", listener.local_addr().unwrap());
        let response: Arc<[u8]> = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
             Request-Id: req_bench123\r\nStripe-Version: {API_VERSION}\r\n\r\n{body}",
            body.len()
        )
        .into_bytes()
        .into();
        let connections = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counter = Arc::clone(&connections);
        thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let response = Arc::clone(&response);
                thread::spawn(move || serve(stream, &response));
            }
        });
        Server {
            base_url,
            connections,
        }
    }

    fn client(&self) -> Client {
        Client::builder(KEY)
            .base_url(&self.base_url)
            .max_network_retries(0)
            .build()
            .unwrap()
    }

    fn connections(&self) -> usize {
        self.connections.load(std::sync::atomic::Ordering::Relaxed)
    }
}

/// Answers every request on one connection until the client closes it.
fn serve(mut stream: TcpStream, response: &[u8]) {
    stream.set_nodelay(true).unwrap();
    let mut buf = vec![0u8; 16 * 1024];
    let mut filled = 0;
    loop {
        // The head.
        let head_end = loop {
            if let Some(i) = buf[..filled].windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
            if filled == buf.len() {
                buf.resize(buf.len() * 2, 0);
            }
            match stream.read(&mut buf[filled..]) {
                Ok(0) | Err(_) => return,
                Ok(read) => filled += read,
            }
        };
        let length = content_length(&buf[..head_end]);
        // The body.
        let end = head_end + length;
        if buf.len() < end {
            buf.resize(end, 0);
        }
        while filled < end {
            match stream.read(&mut buf[filled..]) {
                Ok(0) | Err(_) => return,
                Ok(read) => filled += read,
            }
        }
        black_box(&buf[head_end..end]);
        if stream.write_all(response).is_err() {
            return;
        }
        // Keep whatever of a next request has arrived already.
        buf.copy_within(end..filled, 0);
        filled -= end;
    }
}

fn content_length(head: &[u8]) -> usize {
    let head = std::str::from_utf8(head).expect("an ASCII request head");
    assert!(
        !head.to_ascii_lowercase().contains("transfer-encoding"),
        "the bench server reads Content-Length bodies only"
    );
    head.split("\r\n")
        .filter_map(|line| line.split_once(':'))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("content-length"))
        .map_or(0, |(_, value)| value.trim().parse().unwrap())
}
