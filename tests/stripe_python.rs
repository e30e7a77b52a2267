//! Conformance with Stripe's own Python library (stripe-python, pinned in `.ci/run`):
//! the same params in Stripe's JSON shape give the same form pairs, and stripe-python's client
//! gets Stripe's answers from the crate's local server.
//!
//! Needs `python3` with the `stripe` package, so both tests are `#[ignore]`d: `cargo test`
//! lists them as ignored, and `cargo test --all-features -- --include-ignored` (what `.ci/run`
//! runs once it has installed the package) runs them, failing if stripe-python is missing.

use std::path::Path;
use std::process::Command;

use serde::de::DeserializeOwned;
use serde::Serialize;
use stripe_billing_portal::mock::MockServer;
use stripe_billing_portal::*;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/conformance");

/// Fails the test, saying what to install, when stripe-python cannot run here.
fn require_stripe_python() {
    let available = Command::new("python3")
        .args(["-c", "import stripe"])
        .output()
        .is_ok_and(|out| out.status.success());
    assert!(
        available,
        "`python3 -c 'import stripe'` fails: pip install stripe==16.1.0"
    );
}

fn ours<T: DeserializeOwned + Serialize>(path: &Path) -> Vec<(String, String)> {
    let params: T = serde_json::from_str(&std::fs::read_to_string(path).unwrap())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    form::to_pairs(&params).unwrap()
}

#[test]
#[ignore = "needs python3 with stripe==16.1.0; run with --include-ignored"]
fn params_in_stripes_json_shape_encode_to_the_pairs_stripe_python_sends() {
    require_stripe_python();
    let mut files: Vec<_> = std::fs::read_dir(DIR)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert!(files.len() >= 6, "{files:?}");
    let output = Command::new("python3")
        .arg(Path::new(DIR).join("encode.py"))
        .args(&files)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let theirs: std::collections::BTreeMap<String, Vec<(String, String)>> =
        serde_json::from_slice(&output.stdout).unwrap();

    for path in &files {
        let name = path.file_name().unwrap().to_str().unwrap();
        let mut ours = if name.starts_with("session_create") {
            ours::<SessionCreateParams>(path)
        } else if name.starts_with("configuration_create") {
            ours::<ConfigurationCreateParams>(path)
        } else if name.starts_with("configuration_update") {
            ours::<ConfigurationUpdateParams>(path)
        } else if name.starts_with("configuration_list") {
            ours::<ConfigurationListParams>(path)
        } else {
            panic!("which params type is {name}?");
        };
        let mut theirs = theirs[path.to_str().unwrap()].clone();
        assert!(!theirs.is_empty(), "{name}");
        // Stripe reads a form as a map of keys: the order of pairs carries nothing.
        ours.sort();
        theirs.sort();
        assert_eq!(ours, theirs, "{name}: our pairs, then stripe-python's");
    }
}

#[test]
#[ignore = "needs python3 with stripe==16.1.0; run with --include-ignored"]
fn stripe_pythons_client_gets_stripes_answers_from_the_local_server() {
    require_stripe_python();
    let server = MockServer::start().unwrap();
    let output = Command::new("python3")
        .arg(Path::new(DIR).join("client.py"))
        .arg(server.url())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let requests = server.requests();
    assert!(requests.len() >= 7, "{requests:?}");
    // stripe-python sends its own idempotency keys on POSTs, as this crate does.
    assert!(requests
        .iter()
        .filter(|r| r.method == "POST")
        .all(|r| r.header("idempotency-key").is_some()));
}
