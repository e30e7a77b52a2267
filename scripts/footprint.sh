#!/usr/bin/env bash
# What depending on stripe-billing-portal costs, against a hello-world built from the same four
# dependencies (ureq with rustls, serde with derive, serde_json, serde_urlencoded):
#
#   - crates in the normal dependency graph (`cargo tree -e normal`);
#   - clean release build time, each in its own fresh CARGO_TARGET_DIR, back to back;
#   - stripped release binary size: examples/create_session.rs (create a session, print its URL)
#     against the hello-world posting a hand-encoded body and parsing the answer.
#
# The crate is built with `default-features = false`, the lean dependency; the size of the same
# program with the default features (the `mock` server compiled in, unused) is reported after.
#
# Both programs are built as standalone packages in a temporary directory, so the crate's
# dev-dependencies are not part of either build, and both use this repository's Cargo.lock so
# they get the same versions. Release builds with CARGO_PROFILE_RELEASE_STRIP=symbols.
#
#   bash scripts/footprint.sh                  # one build of each, about 4-5 minutes on 2 cores
#   FOOTPRINT_ROUNDS=3 bash scripts/footprint.sh   # alternate builds, report the fastest of each
#
# Times depend on the machine and on whatever else it is doing: run it on an idle machine.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rounds="${FOOTPRINT_ROUNDS:-1}"
work="$(mktemp -d "${TMPDIR:-/tmp}/footprint.XXXXXX")"
trap 'rm -rf "$work"' EXIT
export CARGO_PROFILE_RELEASE_STRIP=symbols

ureq_req="$(sed -n 's/^ureq = { version = "\([^"]*\)".*/\1/p' "$repo/Cargo.toml")"

# --- the hello-world: the four dependencies, a hand-encoded body ---------------------------------
mkdir -p "$work/hello/src"
cat >"$work/hello/Cargo.toml" <<EOF
[package]
name = "hello"
version = "0.1.0"
edition = "2021"

[dependencies]
serde = { version = "1.0.200", features = ["derive"] }
serde_json = "1.0.100"
serde_urlencoded = "0.7.1"
ureq = { version = "$ureq_req", default-features = false, features = ["rustls"] }
EOF
cat >"$work/hello/src/main.rs" <<'EOF'
//! Creates a portal session with a bare ureq agent and a hand-encoded body.
use serde::Deserialize;

#[derive(Deserialize)]
struct Session {
    url: String,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let key = std::env::var("STRIPE_SECRET_KEY")?;
    let base = std::env::var("STRIPE_BASE_URL").unwrap_or_else(|_| "https://api.stripe.com".into());
    let agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .new_agent();
    let mut response = agent
        .post(format!("{base}/v1/billing_portal/sessions"))
        .header("authorization", format!("Bearer {key}"))
        .header("stripe-version", "2026-10-28.endive")
        .header("content-type", "application/x-www-form-urlencoded")
        .send("customer=cus_123&return_url=https%3A%2F%2Fexample.com%2Faccount")?;
    let session: Session = serde_json::from_slice(&response.body_mut().read_to_vec()?)?;
    println!("{}", session.url);
    Ok(())
}
EOF

# --- the crate: examples/create_session.rs as a standalone program -------------------------------
mkdir -p "$work/crate/src"
cat >"$work/crate/Cargo.toml" <<EOF
[package]
name = "create_session"
version = "0.1.0"
edition = "2021"

[dependencies]
stripe-billing-portal = { path = "$repo", default-features = false }
EOF
cp "$repo/examples/create_session.rs" "$work/crate/src/main.rs"

for dir in hello crate; do
    cp "$repo/Cargo.lock" "$work/$dir/Cargo.lock"
    # Fetch (from the local cache when it has everything) outside the timed build.
    (cd "$work/$dir" && cargo fetch >/dev/null 2>&1 || cargo fetch)
done

crates() {
    (cd "$work/$1" && cargo tree -e normal --prefix none | sed 's/ (\*)$//' | sort -u | wc -l)
}

# The clean build of one program, in seconds.
build() {
    local dir="$1" target="$work/target-$1-$2"
    local start end
    start=$(date +%s.%N)
    if ! (cd "$work/$dir" && CARGO_TARGET_DIR="$target" cargo build --release >"$work/build-$1-$2.log" 2>&1); then
        cat "$work/build-$1-$2.log" >&2
        return 1
    fi
    end=$(date +%s.%N)
    awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }' 
}

min() { printf '%s\n' "$@" | sort -g | head -1; }

hello_times=()
crate_times=()
for round in $(seq 1 "$rounds"); do
    hello_times+=("$(build hello "$round")")
    crate_times+=("$(build crate "$round")")
done
hello_time=$(min "${hello_times[@]}")
crate_time=$(min "${crate_times[@]}")

hello_size=$(stat -c %s "$work/target-hello-1/release/hello")
crate_size=$(stat -c %s "$work/target-crate-1/release/create_session")
hello_crates=$(crates hello)
crate_crates=$(crates crate)

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }

echo "footprint of stripe-billing-portal on $(nproc) CPUs, $(rustc --version)"
echo
echo "| | hello-world (ureq + serde + serde_json + serde_urlencoded) | stripe-billing-portal | ratio or difference | target |"
echo "| --- | ---: | ---: | ---: | ---: |"
echo "| crates in the normal graph | $hello_crates | $crate_crates | +$((crate_crates - hello_crates)) | at most +3 |"
echo "| clean release build, fastest of $rounds | ${hello_time} s | ${crate_time} s | $(ratio "$crate_time" "$hello_time") | at most 1.15 |"
echo "| stripped release binary | $hello_size B | $crate_size B (create_session) | $(ratio "$crate_size" "$hello_size") | at most 1.10 |"
echo
echo "build times, every round: hello ${hello_times[*]} s; crate ${crate_times[*]} s"

# With the default features: only the crate is rebuilt, in the first round's target directory.
(cd "$work/crate" && sed -i 's/, default-features = false//' Cargo.toml &&
    CARGO_TARGET_DIR="$work/target-crate-1" cargo build --release >"$work/build-default.log" 2>&1) ||
    { cat "$work/build-default.log" >&2; exit 1; }
echo "stripped release binary with the default features: $(stat -c %s "$work/target-crate-1/release/create_session") B"

# The quickstart embeds the crate's local server, so it is reported, not compared.
if [ -f "$repo/examples/quickstart.rs" ]; then
    (cd "$repo" && CARGO_TARGET_DIR="$work/target-quickstart" cargo build --release --example quickstart >"$work/build-quickstart.log" 2>&1) ||
        { cat "$work/build-quickstart.log" >&2; exit 1; }
    echo "stripped release quickstart example: $(stat -c %s "$work/target-quickstart/release/examples/quickstart") B"
fi
