//! Validation driven by the spec: the request schemas of the five operations (`spec.json`, a
//! description-stripped extract of the OpenAPI document) decide which params exist, their
//! types, enums, lengths and required keys. The rules the schema cannot say (which flow needs
//! which sub-object) follow as a few explicit lines. `expand[]` paths are checked against the
//! spec's `x-expandableFields`, kept beside the schemas in `spec.json`.
//!
//! Form pairs are first folded into a tree by their bracket keys (`a[b][0][c]`), then the
//! tree is walked beside the schema, producing the typed JSON value the endpoints use.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde_json::{Map, Value};

use super::failure::Failure;
use super::limits::{MAX_METADATA_KEYS, MAX_METADATA_KEY_CHARS, MAX_METADATA_VALUE_CHARS};

/// The operations, their body and query schemas.
fn spec() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    SPEC.get_or_init(|| {
        serde_json::from_str(include_str!("spec.json")).expect("the embedded spec is JSON")
    })
}

/// The five operations, by their OpenAPI `operationId`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Operation {
    CreateSession,
    ListConfigurations,
    CreateConfiguration,
    RetrieveConfiguration,
    UpdateConfiguration,
}

impl Operation {
    fn id(self) -> &'static str {
        match self {
            Operation::CreateSession => "PostBillingPortalSessions",
            Operation::ListConfigurations => "GetBillingPortalConfigurations",
            Operation::CreateConfiguration => "PostBillingPortalConfigurations",
            Operation::RetrieveConfiguration => "GetBillingPortalConfigurationsConfiguration",
            Operation::UpdateConfiguration => "PostBillingPortalConfigurationsConfiguration",
        }
    }

    /// The object the answer is, as named in the spec's schemas; a list's `data` holds
    /// configurations.
    fn answer_object(self) -> &'static str {
        match self {
            Operation::CreateSession => "billing_portal.session",
            Operation::ListConfigurations => "list",
            _ => "billing_portal.configuration",
        }
    }
}

/// Stripe expands at most four levels: every dot-separated segment counts.
const MAX_EXPAND_DEPTH: usize = 4;

/// Whether `path` may be expanded in the answer to `operation`: each segment must be one of
/// the spec's `x-expandableFields` of the object the previous one leads to.
fn expandable(operation: Operation, path: &str) -> bool {
    if path.split('.').count() > MAX_EXPAND_DEPTH {
        return false;
    }
    let table = &spec()["expandable"];
    let mut segments = path.split('.');
    let mut object = operation.answer_object();
    if object == "list" {
        if segments.next() != Some("data") {
            return false;
        }
        object = "billing_portal.configuration";
    }
    let mut any = false;
    for segment in segments {
        // A field that leads to no further expandable object leads to "", where nothing is.
        match table[object].get(segment) {
            Some(next) => object = next.as_str().unwrap_or(""),
            None => return false,
        }
        any = true;
    }
    any
}

/// Whether the validated params expand `path`, or a path through it (expanding
/// `configuration.features` expands `configuration`).
pub(crate) fn expands(params: &Value, path: &str) -> bool {
    params["expand"].as_array().is_some_and(|paths| {
        paths.iter().filter_map(Value::as_str).any(|p| {
            p.strip_prefix(path)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
        })
    })
}

/// Checks the decoded pairs of a body (POST) or query (GET) against the operation's schema
/// and rules, and returns them as typed JSON.
pub(crate) fn validate(operation: Operation, pairs: &[(String, String)]) -> Result<Value, Failure> {
    let op = &spec()["operations"][operation.id()];
    let schema = match op.get("body") {
        Some(body) => body,
        None => op.get("query").unwrap_or(&Value::Null),
    };
    let tree = build_tree(pairs)?;
    let params = check_object(&tree, schema, "")?;
    if let Some(expand) = params.get("expand").and_then(Value::as_array) {
        for (i, path) in expand.iter().enumerate() {
            let path = path.as_str().unwrap_or_default();
            if !expandable(operation, path) {
                return Err(Failure::invalid(
                    format!("expand[{i}]"),
                    format!("This property cannot be expanded ({path})."),
                ));
            }
        }
    }
    match operation {
        Operation::CreateSession => session_rules(&params)?,
        Operation::CreateConfiguration | Operation::UpdateConfiguration => {
            configuration_rules(&params)?
        }
        Operation::ListConfigurations => {
            if let Some(limit) = params.get("limit").and_then(Value::as_i64) {
                if !(1..=100).contains(&limit) {
                    return Err(Failure::invalid(
                        "limit",
                        format!("Invalid limit: {limit}; it must be between 1 and 100."),
                    ));
                }
            }
        }
        Operation::RetrieveConfiguration => {}
    }
    Ok(params)
}

/// The pairing rules of SPEC.md "Combinations", which the schema does not express.
fn session_rules(params: &Value) -> Result<(), Failure> {
    if params.get("customer").is_none() && params.get("customer_account").is_none() {
        return Err(Failure::missing_with(
            "customer",
            "Missing required param: customer. Send `customer` (cus_...) or `customer_account`.",
        ));
    }
    let Some(flow) = params.get("flow_data") else {
        return Ok(());
    };
    let kind = flow["type"].as_str().unwrap_or_default();
    let with_subscription = [
        "subscription_cancel",
        "subscription_pause",
        "subscription_update",
        "subscription_update_confirm",
    ];
    for sub in with_subscription {
        if flow.get(sub).is_some() && sub != kind {
            return Err(Failure::invalid(
                format!("flow_data[{sub}]"),
                format!(
                    "flow_data[{sub}] can only be sent when flow_data[type] is `{sub}`, not `{kind}`."
                ),
            ));
        }
    }
    if with_subscription.contains(&kind) && flow.get(kind).is_none() {
        return Err(Failure::missing_with(
            format!("flow_data[{kind}][subscription]"),
            format!(
                "Missing required param: flow_data[{kind}][subscription]. A `{kind}` flow needs flow_data[{kind}]."
            ),
        ));
    }
    if let Some(confirm) = flow.get("subscription_update_confirm") {
        confirm_rules(confirm)?;
    }
    if let Some(after) = flow.get("after_completion") {
        let kind = after["type"].as_str().unwrap_or_default();
        for sub in ["hosted_confirmation", "redirect"] {
            if after.get(sub).is_some() && sub != kind {
                return Err(Failure::invalid(
                    format!("flow_data[after_completion][{sub}]"),
                    format!(
                        "flow_data[after_completion][{sub}] can only be sent when flow_data[after_completion][type] is `{sub}`, not `{kind}`."
                    ),
                ));
            }
        }
        if kind == "redirect" && after.get("redirect").is_none() {
            return Err(Failure::missing(
                "flow_data[after_completion][redirect][return_url]",
            ));
        }
    }
    Ok(())
}

/// Stripe documents that the confirm flow currently takes one item and one discount, and a
/// discount is a coupon or a promotion code.
fn confirm_rules(confirm: &Value) -> Result<(), Failure> {
    const PARAM: &str = "flow_data[subscription_update_confirm]";
    for list in ["items", "discounts"] {
        if confirm[list].as_array().is_some_and(|l| l.len() > 1) {
            return Err(Failure::invalid(
                format!("{PARAM}[{list}]"),
                format!("Invalid {PARAM}[{list}]: currently only one is supported."),
            ));
        }
    }
    if let Some(discount) = confirm["discounts"].get(0) {
        let param = format!("{PARAM}[discounts][0]");
        match (discount.get("coupon"), discount.get("promotion_code")) {
            (Some(_), Some(_)) => {
                return Err(Failure::invalid(
                    format!("{param}[promotion_code]"),
                    format!("You may only specify one of these parameters: {param}[coupon], {param}[promotion_code]."),
                ))
            }
            (None, None) => return Err(Failure::missing_with(
                format!("{param}[coupon]"),
                format!("Missing required param: a discount takes {param}[coupon] or {param}[promotion_code]."),
            )),
            _ => {}
        }
    }
    Ok(())
}

/// The longest pause Stripe allows: three years, in each interval.
fn max_pause(interval: &str) -> i64 {
    match interval {
        "day" => 3 * 365,
        "week" => 3 * 52,
        "month" => 3 * 12,
        _ => 3,
    }
}

/// Rules stated only in descriptions of the configuration params.
fn configuration_rules(params: &Value) -> Result<(), Failure> {
    let features = &params["features"];
    if features["subscription_cancel"]["proration_behavior"] == "always_invoice" {
        return Err(Failure::invalid(
            "features[subscription_cancel][proration_behavior]",
            "Invalid features[subscription_cancel][proration_behavior]: `always_invoice` is not supported when canceling; use `none` or `create_prorations` (with `mode=immediately`).",
        ));
    }
    if let Some(products) = features["subscription_update"]["products"].as_array() {
        if products.len() > 10 {
            return Err(Failure::invalid(
                "features[subscription_update][products]",
                format!(
                    "Invalid features[subscription_update][products]: at most 10 products (got {}).",
                    products.len()
                ),
            ));
        }
    }
    let duration = &features["subscription_pause"]["duration"];
    let options_param = "features[subscription_pause][duration][interval_options]";
    let options = duration["interval_options"].as_array();
    if duration["type"] == "interval_options" && options.is_none_or(|o| o.is_empty()) {
        return Err(Failure::missing(options_param));
    }
    for (i, option) in options.into_iter().flatten().enumerate() {
        let interval = option["interval"].as_str().unwrap_or_default();
        let count = option["interval_count"].as_i64().unwrap_or(1);
        if !(1..=max_pause(interval)).contains(&count) {
            return Err(Failure::invalid(
                format!("{options_param}[{i}][interval_count]"),
                format!(
                    "Invalid {options_param}[{i}][interval_count]: a pause lasts from 1 {interval} to three years ({} {interval}s); got {count}.",
                    max_pause(interval)
                ),
            ));
        }
    }
    Ok(())
}

/// Rules on the configuration that params produce with what it already was: prorations
/// on cancel only with `mode=immediately`.
pub(crate) fn configuration_state_rules(
    configuration: &Value,
    params: &Value,
) -> Result<(), Failure> {
    let cancel = &configuration["features"]["subscription_cancel"];
    if cancel["proration_behavior"] == "create_prorations" && cancel["mode"] != "immediately" {
        let sent = &params["features"]["subscription_cancel"];
        let param = if sent.get("proration_behavior").is_some() {
            "features[subscription_cancel][proration_behavior]"
        } else {
            "features[subscription_cancel][mode]"
        };
        return Err(Failure::invalid(
            param,
            "Invalid features[subscription_cancel]: `proration_behavior=create_prorations` is only compatible with `mode=immediately`.",
        ));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Pairs to tree
// ---------------------------------------------------------------------------------------------

/// A form value, or the keys under a bracket prefix: a map, so that folding n pairs costs
/// n log n, not n² (and errors name the first offending key in key order, deterministically).
enum Node {
    Leaf(String),
    Branch(BTreeMap<String, Node>),
}

fn build_tree(pairs: &[(String, String)]) -> Result<Node, Failure> {
    let mut root = BTreeMap::new();
    for (key, value) in pairs {
        let segments = segments(key).ok_or_else(|| {
            Failure::invalid(
                key.clone(),
                format!("Invalid param name `{key}`: use bracket notation such as `a[b][0]`."),
            )
        })?;
        insert(&mut root, "", &segments, value)?;
    }
    Ok(Node::Branch(root))
}

/// `a[b][]` into `["a", "b", ""]`; `None` for unbalanced brackets.
/// Nesting deeper than any Stripe param is refused as a malformed key, which also keeps the
/// recursive walk below far from the thread's stack limit.
const MAX_DEPTH: usize = 16;

fn segments(key: &str) -> Option<Vec<&str>> {
    let (head, mut rest) = key.split_at(key.find('[').unwrap_or(key.len()));
    if head.is_empty() || head.contains(']') {
        return None;
    }
    let mut segments = vec![head];
    while !rest.is_empty() {
        let inner = rest.strip_prefix('[')?;
        let close = inner.find(']')?;
        let segment = &inner[..close];
        if segment.contains('[') {
            return None;
        }
        segments.push(segment);
        if segments.len() > MAX_DEPTH {
            return None;
        }
        rest = &inner[close + 1..];
    }
    Some(segments)
}

fn insert(
    branch: &mut BTreeMap<String, Node>,
    prefix: &str,
    segments: &[&str],
    value: &str,
) -> Result<(), Failure> {
    let (first, rest) = segments.split_first().expect("at least one segment");
    // `x[]=v` appends: it takes the next index.
    let name = if first.is_empty() {
        if !rest.is_empty() {
            return Err(Failure::invalid(
                join(prefix, ""),
                format!(
                    "Invalid array `{}`: index arrays of objects, as `{}[0][...]`.",
                    join(prefix, ""),
                    prefix
                ),
            ));
        }
        branch.len().to_string()
    } else {
        (*first).to_owned()
    };
    let param = join(prefix, &name);
    if rest.is_empty() {
        match branch.get_mut(&name) {
            // As Stripe does, the last of repeated scalars wins.
            Some(Node::Leaf(old)) => *old = value.to_owned(),
            Some(Node::Branch(_)) => return Err(conflict(&param)),
            None => {
                branch.insert(name, Node::Leaf(value.to_owned()));
            }
        }
        return Ok(());
    }
    match branch
        .entry(name)
        .or_insert_with(|| Node::Branch(BTreeMap::new()))
    {
        Node::Branch(children) => insert(children, &param, rest, value),
        Node::Leaf(_) => Err(conflict(&param)),
    }
}

fn conflict(param: &str) -> Failure {
    Failure::invalid(
        param,
        format!("Invalid {param}: it was sent both as a value and as a hash or array."),
    )
}

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_owned()
    } else {
        format!("{prefix}[{key}]")
    }
}

// ---------------------------------------------------------------------------------------------
// Tree against schema
// ---------------------------------------------------------------------------------------------

fn is_empty_alternative(schema: &Value) -> bool {
    schema["enum"]
        .as_array()
        .is_some_and(|e| e.len() == 1 && e[0] == "")
}

/// `anyOf [T, enum [""]]`: T, and whether `""` is allowed.
fn resolve(schema: &Value) -> (&Value, bool) {
    match schema.get("anyOf").and_then(Value::as_array) {
        Some(alternatives) => (
            alternatives
                .iter()
                .find(|s| !is_empty_alternative(s))
                .unwrap_or(&Value::Null),
            alternatives.iter().any(is_empty_alternative),
        ),
        None => (schema, false),
    }
}

fn check(node: &Node, schema: &Value, param: &str) -> Result<Value, Failure> {
    let (schema, empty_allowed) = resolve(schema);
    if let Node::Leaf(value) = node {
        if value.is_empty() {
            return if empty_allowed {
                Ok(Value::String(String::new()))
            } else {
                Err(Failure::empty(param))
            };
        }
    }
    match schema["type"].as_str().unwrap_or_default() {
        "object" => check_object(node, schema, param),
        "array" => check_array(node, schema, param),
        "string" => {
            let Node::Leaf(value) = node else {
                return Err(Failure::invalid(
                    param,
                    format!("Invalid {param}: expected a string, got a hash or array."),
                ));
            };
            if let Some(allowed) = schema["enum"].as_array() {
                if !allowed.iter().any(|a| a == value) {
                    let list: Vec<&str> = allowed.iter().filter_map(Value::as_str).collect();
                    return Err(Failure::invalid(
                        param,
                        format!("Invalid {param}: must be one of {}", list.join(", ")),
                    ));
                }
            }
            if let Some(max) = schema["maxLength"].as_u64() {
                // Stripe counts characters, not bytes.
                let length = value.chars().count() as u64;
                if length > max {
                    return Err(Failure::invalid(
                        param,
                        format!(
                            "Invalid {param}: must be at most {max} characters (got {length})."
                        ),
                    ));
                }
            }
            Ok(Value::String(value.clone()))
        }
        "integer" => match node {
            Node::Leaf(value) => value.parse::<i64>().map(Value::from).map_err(|_| {
                Failure::invalid(param, format!("Invalid integer: {value}"))
                    .code("parameter_invalid_integer")
            }),
            Node::Branch(_) => Err(Failure::invalid(param, "Invalid integer: a hash or array")
                .code("parameter_invalid_integer")),
        },
        "boolean" => match node {
            Node::Leaf(value) if value == "true" => Ok(Value::Bool(true)),
            Node::Leaf(value) if value == "false" => Ok(Value::Bool(false)),
            Node::Leaf(value) => Err(Failure::invalid(
                param,
                format!("Invalid boolean: {value}; use `true` or `false`."),
            )),
            Node::Branch(_) => Err(Failure::invalid(param, "Invalid boolean: a hash or array")),
        },
        other => Err(Failure::invalid(
            param,
            format!("the mock cannot check params of schema type {other:?}"),
        )),
    }
}

fn check_object(node: &Node, schema: &Value, param: &str) -> Result<Value, Failure> {
    let Node::Branch(entries) = node else {
        return Err(Failure::invalid(
            param,
            format!("Invalid hash: {param} takes keys, as `{param}[key]=value`."),
        ));
    };
    let properties = schema.get("properties").and_then(Value::as_object);
    // A map such as `metadata`: any key, each value of one schema.
    let values = schema.get("additionalProperties").filter(|v| v.is_object());
    if values.is_some() {
        metadata_limits(entries, param)?;
    }
    let mut out = Map::new();
    for (key, child) in entries {
        let child_param = join(param, key);
        let value = match (properties.and_then(|p| p.get(key)), values) {
            (Some(property), _) => check(child, property, &child_param)?,
            // `metadata[key]=` removes one key.
            (None, Some(_)) if matches!(child, Node::Leaf(v) if v.is_empty()) => {
                Value::String(String::new())
            }
            (None, Some(value_schema)) => check(child, value_schema, &child_param)?,
            (None, None) => {
                return Err(Failure::invalid(
                    &child_param,
                    format!("Received unknown parameter: {child_param}"),
                )
                .code("parameter_unknown"))
            }
        };
        out.insert(key.clone(), value);
    }
    for required in schema["required"].as_array().into_iter().flatten() {
        let required = required.as_str().unwrap_or_default();
        if !out.contains_key(required) {
            let property = properties
                .and_then(|p| p.get(required))
                .unwrap_or(&Value::Null);
            return Err(Failure::missing(first_required_leaf(
                join(param, required),
                property,
            )));
        }
    }
    Ok(Value::Object(out))
}

/// Stripe's limits on a metadata map: 50 keys, keys of 40 characters, values of 500.
fn metadata_limits(entries: &BTreeMap<String, Node>, param: &str) -> Result<(), Failure> {
    if entries.len() > MAX_METADATA_KEYS {
        return Err(Failure::invalid(
            param,
            format!(
                "Invalid {param}: it can have at most {MAX_METADATA_KEYS} keys (got {}).",
                entries.len()
            ),
        ));
    }
    for (key, value) in entries {
        if key.chars().count() > MAX_METADATA_KEY_CHARS {
            return Err(Failure::invalid(
                param,
                format!("Invalid {param}: keys can be at most {MAX_METADATA_KEY_CHARS} characters long (one has {}).", key.chars().count()),
            ));
        }
        if let Node::Leaf(value) = value {
            if value.chars().count() > MAX_METADATA_VALUE_CHARS {
                return Err(Failure::invalid(
                    join(param, key),
                    format!("Invalid {}: values can be at most {MAX_METADATA_VALUE_CHARS} characters long.", join(param, key)),
                ));
            }
        }
    }
    Ok(())
}

/// For a missing object, the param inside it the caller must send first: a missing
/// `retention[coupon_offer]` is reported as `retention[coupon_offer][coupon]`.
fn first_required_leaf(param: String, schema: &Value) -> String {
    let (schema, _) = resolve(schema);
    match schema["required"].as_array().and_then(|r| r.first()) {
        Some(first) if schema["type"] == "object" => {
            let first = first.as_str().unwrap_or_default();
            first_required_leaf(join(&param, first), &schema["properties"][first])
        }
        _ => param,
    }
}

fn check_array(node: &Node, schema: &Value, param: &str) -> Result<Value, Failure> {
    let Node::Branch(entries) = node else {
        return Err(Failure::invalid(
            param,
            format!(
                "Invalid array: send {param} as `{param}[]=value` or indexed, `{param}[0]=value`."
            ),
        ));
    };
    let mut indexed = Vec::with_capacity(entries.len());
    for (key, child) in entries {
        let canonical = key.parse::<usize>().ok().filter(|i| i.to_string() == *key);
        let Some(index) = canonical else {
            return Err(Failure::invalid(
                param,
                format!("Invalid array: {param} must be indexed with integers (`{param}[0]`), not `{param}[{key}]`."),
            ));
        };
        indexed.push((index, child));
    }
    indexed.sort_by_key(|(index, _)| *index);
    let mut out = Vec::with_capacity(indexed.len());
    for (expected, (index, child)) in indexed.into_iter().enumerate() {
        if index != expected {
            return Err(Failure::invalid(
                param,
                format!(
                    "Invalid array: {param} has no index {expected}; indices must count up from 0."
                ),
            ));
        }
        out.push(check(
            child,
            &schema["items"],
            &join(param, &index.to_string()),
        )?);
    }
    Ok(Value::Array(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_bracket_keys() {
        assert_eq!(segments("a"), Some(vec!["a"]));
        assert_eq!(segments("a[b][0][c]"), Some(vec!["a", "b", "0", "c"]));
        assert_eq!(segments("expand[]"), Some(vec!["expand", ""]));
        assert_eq!(segments("a[b"), None);
        assert_eq!(segments("a]"), None);
        assert_eq!(segments("[a]"), None);
        assert_eq!(segments("a[b]c"), None);
    }
}
