//! Conformance with Stripe's own Python library (stripe-python, pinned in `.ci/run`):
//! the same params in Stripe's JSON shape give the same form pairs, and stripe-python's client
//! gets Stripe's answers from the crate's local server.
//!
//! Needs `python3` with the `stripe` package. When it is missing the tests say so and pass,
//! unless `CONFORMANCE_REQUIRED=1` (set by `.ci/run` once it has installed the package).

use std::path::Path;
use std::process::Command;

use serde::de::DeserializeOwned;
use serde::Serialize;
use stripe_billing_portal::mock::MockServer;
use stripe_billing_portal::*;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/conformance");

/// Whether stripe-python can run here; fails the test when it is required and cannot.
fn stripe_python_available() -> bool {
    let available = Command::new("python3")
        .args(["-c", "import stripe"])
        .output()
        .is_ok_and(|out| out.status.success());
    if !available {
        assert!(
            std::env::var("CONFORMANCE_REQUIRED").as_deref() != Ok("1"),
            "CONFORMANCE_REQUIRED=1 but `python3 -c 'import stripe'` fails"
        );
        eprintln!("skipped: python3 with the stripe package is not installed (pip install stripe==16.1.0)");
    }
    available
}

fn ours<T: DeserializeOwned + Serialize>(path: &Path) -> Vec<(String, String)> {
    let params: T = serde_json::from_str(&std::fs::read_to_string(path).unwrap())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    form::to_pairs(&params).unwrap()
}

#[test]
fn params_in_stripes_json_shape_encode_to_the_pairs_stripe_python_sends() {
    if !stripe_python_available() {
        return;
    }
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
fn stripe_pythons_client_gets_stripes_answers_from_the_local_server() {
    if !stripe_python_available() {
        return;
    }
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
