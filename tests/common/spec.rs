//! The OpenAPI extract as form-key patterns, to check what the typed API sends against what
//! the spec accepts.
#![allow(dead_code)]

use std::collections::BTreeSet;

use serde_json::{json, Value};

pub fn spec() -> Value {
    serde_json::from_str(include_str!("../data/billing_portal.openapi.json")).expect("spec parses")
}

/// What an operation accepts: its form keys as patterns (`[N]` for an array index, `[key]` for
/// a map key), and which of them also accept `""`. Such a key appears on its own too
/// (`metadata`), since that is the key a clear sends.
#[derive(Default)]
pub struct Spec {
    pub keys: BTreeSet<String>,
    pub emptyable: BTreeSet<String>,
}

pub fn spec_keys(method: &str, path: &str) -> Spec {
    let spec = spec();
    let operation = &spec["paths"][path][method];
    assert!(operation.is_object(), "no {method} {path} in the spec");
    let mut keys = Spec::default();
    let body = &operation["requestBody"]["content"]["application/x-www-form-urlencoded"]["schema"];
    if !body.is_null() {
        walk(&spec, body, "", &mut keys);
    }
    for parameter in operation["parameters"].as_array().into_iter().flatten() {
        if parameter["in"] == "query" {
            walk(
                &spec,
                &parameter["schema"],
                parameter["name"].as_str().unwrap(),
                &mut keys,
            );
        }
    }
    keys
}

fn walk(spec: &Value, schema: &Value, prefix: &str, keys: &mut Spec) {
    if let Some(reference) = schema["$ref"].as_str() {
        let name = reference.trim_start_matches("#/components/schemas/");
        return walk(spec, &spec["components"]["schemas"][name], prefix, keys);
    }
    if let Some(choices) = schema["anyOf"].as_array() {
        for choice in choices {
            if choice["enum"] == json!([""]) {
                keys.emptyable.insert(prefix.to_owned());
            }
            walk(spec, choice, prefix, keys);
        }
        return;
    }
    let nest = |name: &str| {
        if prefix.is_empty() {
            name.to_owned()
        } else {
            format!("{prefix}[{name}]")
        }
    };
    if let Some(properties) = schema["properties"].as_object() {
        for (name, property) in properties {
            walk(spec, property, &nest(name), keys);
        }
    } else if schema["type"] == "array" {
        walk(spec, &schema["items"], &nest("N"), keys);
    } else if schema["additionalProperties"].is_object() {
        keys.keys.insert(nest("key"));
    } else {
        keys.keys.insert(prefix.to_owned());
    }
}

/// `features[products][3][prices][0]` → `features[products][N][prices][N]`; a segment that
/// is not a digit is matched against a map's `[key]` when the spec has one there.
pub fn to_pattern(key: &str, spec: &BTreeSet<String>) -> String {
    let mut pattern = String::new();
    for (i, segment) in key.split('[').enumerate() {
        let segment = segment.trim_end_matches(']');
        if i == 0 {
            pattern.push_str(segment);
        } else if segment.bytes().all(|b| b.is_ascii_digit()) && !segment.is_empty() {
            pattern.push_str("[N]");
        } else if spec.contains(&format!("{pattern}[key]")) {
            pattern.push_str("[key]");
        } else {
            pattern.push_str(&format!("[{segment}]"));
        }
    }
    pattern
}

pub fn check_against_spec(
    what: &str,
    spec: &Spec,
    sent: &[(String, String)],
    unreachable: &[&str],
) {
    let keys = &spec.keys;
    let produced: BTreeSet<String> = sent.iter().map(|(k, _)| to_pattern(k, keys)).collect();
    let unknown: Vec<_> = produced.difference(keys).collect();
    assert!(
        unknown.is_empty(),
        "{what} sent keys the spec does not have: {unknown:#?}"
    );
    let missing: Vec<_> = keys
        .iter()
        .filter(|k| !produced.contains(*k) && !unreachable.contains(&k.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "{what} never sent these spec keys: {missing:#?}"
    );

    // `""` is a clear: it must reach every key that accepts one, and no other key (map
    // values aside, where `metadata[key]=` removes one key).
    let cleared: BTreeSet<String> = sent
        .iter()
        .filter(|(_, v)| v.is_empty())
        .map(|(k, _)| to_pattern(k, keys))
        .collect();
    let wrongly_cleared: Vec<_> = cleared
        .iter()
        .filter(|k| !spec.emptyable.contains(*k) && !k.ends_with("[key]"))
        .collect();
    assert!(
        wrongly_cleared.is_empty(),
        "{what} sent \"\" where the spec does not take it: {wrongly_cleared:#?}"
    );
    let never_cleared: Vec<_> = spec
        .emptyable
        .iter()
        .filter(|k| !cleared.contains(*k) && !unreachable.contains(&k.as_str()))
        .collect();
    assert!(
        never_cleared.is_empty(),
        "{what} never cleared: {never_cleared:#?}"
    );
}
