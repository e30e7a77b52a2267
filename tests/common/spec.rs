//! The OpenAPI extract as a set of form-key patterns, to check the encoder against the spec.
#![allow(dead_code)]

use std::collections::BTreeSet;

use serde_json::Value;

pub fn spec() -> Value {
    serde_json::from_str(include_str!("../data/billing_portal.openapi.json")).expect("spec parses")
}

/// The form-key patterns an operation accepts: `[N]` stands for an array index, `[*]` for a
/// map key. A pattern is a leaf: a key that carries a value (including the `""` that clears an
/// object or array).
pub fn operation_keys(path: &str, method: &str) -> BTreeSet<String> {
    let spec = spec();
    let operation = &spec["paths"][path][method];
    let mut keys = BTreeSet::new();
    if let Some(schema) = operation["requestBody"]["content"]["application/x-www-form-urlencoded"]
        ["schema"]
        .as_object()
    {
        for (name, property) in schema["properties"].as_object().unwrap() {
            walk(&spec, property, name.clone(), &mut keys);
        }
    }
    if let Some(parameters) = operation["parameters"].as_array() {
        for parameter in parameters.iter().filter(|p| p["in"] == "query") {
            walk(
                &spec,
                &parameter["schema"],
                parameter["name"].as_str().unwrap().to_owned(),
                &mut keys,
            );
        }
    }
    keys
}

fn resolve<'a>(spec: &'a Value, schema: &'a Value) -> &'a Value {
    match schema["$ref"].as_str() {
        Some(reference) => {
            let name = reference.trim_start_matches("#/components/schemas/");
            &spec["components"]["schemas"][name]
        }
        None => schema,
    }
}

fn walk(spec: &Value, schema: &Value, prefix: String, keys: &mut BTreeSet<String>) {
    let schema = resolve(spec, schema);
    if let Some(alternatives) = schema["anyOf"].as_array() {
        for alternative in alternatives {
            walk(spec, alternative, prefix.clone(), keys);
        }
        return;
    }
    match schema["type"].as_str() {
        Some("object") => {
            if let Some(properties) = schema["properties"].as_object() {
                for (name, property) in properties {
                    walk(spec, property, format!("{prefix}[{name}]"), keys);
                }
            }
            if let Some(values) = schema.get("additionalProperties").filter(|v| v.is_object()) {
                walk(spec, values, format!("{prefix}[*]"), keys);
            }
        }
        Some("array") => walk(spec, &schema["items"], format!("{prefix}[N]"), keys),
        _ => {
            keys.insert(prefix);
        }
    }
}

/// The pattern of an encoded key: indices become `[N]`.
pub fn pattern_of(key: &str) -> String {
    let mut out = String::new();
    for (i, segment) in key.split('[').enumerate() {
        if i == 0 {
            out.push_str(segment);
        } else if segment
            .trim_end_matches(']')
            .chars()
            .all(|c| c.is_ascii_digit())
            && segment.len() > 1
        {
            out.push_str("[N]");
        } else {
            out.push('[');
            out.push_str(segment);
        }
    }
    out
}

/// Whether an encoded key is one the spec accepts.
pub fn accepts(keys: &BTreeSet<String>, key: &str) -> bool {
    let pattern = pattern_of(key);
    keys.iter().any(|allowed| matches(allowed, &pattern))
}

fn matches(allowed: &str, pattern: &str) -> bool {
    let a: Vec<&str> = allowed.split('[').collect();
    let p: Vec<&str> = pattern.split('[').collect();
    a.len() == p.len() && a.iter().zip(&p).all(|(a, p)| a == p || *a == "*]")
}
