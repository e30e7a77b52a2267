//! The JSON objects the server answers with, in the shapes of the spec's response schemas.

use serde_json::{json, Map, Value};

/// A `billing_portal.session` for validated params; `configuration` is the id, or the whole
/// object when it was expanded.
pub(crate) fn session(id: String, created: i64, params: &Value, configuration: Value) -> Value {
    let token = &id["bps_".len()..];
    json!({
        "id": id,
        "object": "billing_portal.session",
        "after_expiration": params.get("after_expiration").map(after_expiration),
        "configuration": configuration,
        "created": created,
        "customer": customer(params),
        "customer_account": params.get("customer_account"),
        "flow": params.get("flow_data").map(flow),
        "livemode": false,
        "locale": params.get("locale"),
        "on_behalf_of": params.get("on_behalf_of"),
        "return_url": params.get("return_url"),
        "url": format!("https://billing.stripe.com/p/session/test_{token}"),
    })
}

/// The spec makes a session's `customer` a required string, even for a session created with
/// `customer_account` only; Stripe does not document which customer id it then shows, so
/// the mock shows one derived from the account (the same for the same account), never null.
fn customer(params: &Value) -> Value {
    if let Some(customer) = params.get("customer") {
        return customer.clone();
    }
    let account = params["customer_account"].as_str().unwrap_or_default();
    // FNV-1a: stable across runs and servers, unlike the std hasher.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in account.bytes() {
        hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
    }
    let mut id = String::from("cus_");
    super::state::push_base62(&mut id, hash, 10);
    Value::String(id)
}

fn after_expiration(params: &Value) -> Value {
    json!({
        "type": params["type"],
        "customer_login": {"expires_at": params["customer_login"].get("expires_at")},
    })
}

/// `portal_flows_flow`: the `flow_data` sent, with every sub-object of another flow null.
fn flow(params: &Value) -> Value {
    let kind = params["type"].as_str().unwrap_or_default();
    let chosen = |name: &str, value: Value| if kind == name { value } else { Value::Null };
    let sub = &params[kind];
    let subscription = || json!({"subscription": sub["subscription"]});
    let after = params.get("after_completion");
    let after_kind = after
        .and_then(|a| a["type"].as_str())
        .unwrap_or("portal_homepage");
    let after_completion = json!({
        "type": after_kind,
        "hosted_confirmation": (after_kind == "hosted_confirmation").then(|| json!({
            "custom_message": after.and_then(|a| a["hosted_confirmation"].get("custom_message")),
        })),
        "redirect": (after_kind == "redirect").then(|| json!({
            "return_url": after.map(|a| &a["redirect"]["return_url"]),
        })),
    });
    let retention = sub.get("retention").map(
        |r| json!({"type": r["type"], "coupon_offer": {"coupon": r["coupon_offer"]["coupon"]}}),
    );
    let items: Vec<Value> = sub["items"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|item| {
            let mut out = json!({"id": item["id"], "price": item.get("price")});
            if let Some(quantity) = item.get("quantity") {
                out["quantity"] = quantity.clone();
            }
            out
        })
        .collect();
    let discounts: Vec<Value> = sub["discounts"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|d| json!({"coupon": d.get("coupon"), "promotion_code": d.get("promotion_code")}))
        .collect();
    json!({
        "type": kind,
        "after_completion": after_completion,
        "customer_update": chosen("customer_update", json!({})),
        "subscription_cancel": chosen(
            "subscription_cancel",
            json!({"subscription": sub["subscription"], "retention": retention}),
        ),
        "subscription_pause": chosen("subscription_pause", subscription()),
        "subscription_update": chosen("subscription_update", subscription()),
        "subscription_update_confirm": chosen(
            "subscription_update_confirm",
            json!({"subscription": sub["subscription"], "items": items, "discounts": discounts}),
        ),
    })
}

/// A configuration with every feature in its default state, as Stripe creates one before
/// applying the params.
pub(crate) fn blank_configuration(id: String, created: i64, is_default: bool) -> Value {
    json!({
        "id": id,
        "object": "billing_portal.configuration",
        "active": true,
        "application": null,
        "business_profile": {"headline": null, "privacy_policy_url": null, "terms_of_service_url": null},
        "created": created,
        "default_return_url": null,
        "features": {
            "customer_update": {"allowed_updates": [], "enabled": false},
            "invoice_history": {"enabled": false},
            "payment_method_update": {"enabled": false, "payment_method_configuration": null},
            "subscription_cancel": {
                "cancellation_reason": {"enabled": false, "options": [], "feedback_options": null},
                "enabled": false,
                "mode": "at_period_end",
                "proration_behavior": "none",
            },
            "subscription_pause": {
                "enabled": false,
                "duration": {"type": "interval_options", "interval_options": [{"interval": "month", "interval_count": 1}]},
            },
            "subscription_update": {
                "billing_cycle_anchor": null,
                "default_allowed_updates": [],
                "enabled": false,
                "products": null,
                "proration_behavior": "none",
                "schedule_at_period_end": {"conditions": []},
                "trial_update_behavior": "end_trial",
            },
        },
        "is_default": is_default,
        "livemode": false,
        "login_page": {"enabled": false, "url": null},
        "metadata": {},
        "name": null,
        "updated": created,
    })
}

/// The account's default configuration: what a new test account's portal lets customers do.
pub(crate) fn default_configuration(id: String, created: i64) -> Value {
    let mut configuration = blank_configuration(id, created, true);
    let features = json!({
        "customer_update": {"allowed_updates": ["email", "address", "phone"], "enabled": true},
        "invoice_history": {"enabled": true},
        "payment_method_update": {"enabled": true},
        "subscription_cancel": {"enabled": true},
        "subscription_pause": {"enabled": true},
        "subscription_update": {"enabled": true, "default_allowed_updates": ["price", "quantity"]},
    });
    merge(&mut configuration["features"], &features);
    configuration
}

/// Applies validated create or update params to a configuration.
pub(crate) fn apply(configuration: &mut Value, params: &Value, updated: i64) {
    for (key, value) in params.as_object().into_iter().flatten() {
        match key.as_str() {
            "expand" => {}
            "metadata" => apply_metadata(&mut configuration["metadata"], value),
            _ => merge(&mut configuration[key.as_str()], value),
        }
    }
    // A pause `duration` is one choice: sent, it replaces the old one whole, so options of an
    // earlier `interval_options` do not outlive a switch to `indefinite`.
    if let Some(duration) = params["features"]["subscription_pause"].get("duration") {
        configuration["features"]["subscription_pause"]["duration"] = json!({"type": null});
        merge(
            &mut configuration["features"]["subscription_pause"]["duration"],
            duration,
        );
    }
    // Every product shows `adjustable_quantity`, and every pause option its count.
    let update = &mut configuration["features"]["subscription_update"];
    if let Some(products) = update["products"].as_array_mut() {
        for product in products {
            let defaults =
                json!({"adjustable_quantity": {"enabled": false, "minimum": 1, "maximum": null}});
            let mut filled = defaults.clone();
            merge(&mut filled, product);
            *product = filled;
        }
    }
    let duration = &mut configuration["features"]["subscription_pause"]["duration"];
    if let Some(options) = duration["interval_options"].as_array_mut() {
        for option in options {
            if option.get("interval_count").is_none() {
                option["interval_count"] = json!(1);
            }
        }
    }
    if duration["interval_options"].is_null() {
        duration["interval_options"] = json!([]);
    }
    let token = configuration["id"].as_str().unwrap_or_default()["bpc_".len()..].to_owned();
    let login = &mut configuration["login_page"];
    login["url"] = match login["enabled"].as_bool() {
        Some(true) => json!(format!("https://billing.stripe.com/p/login/test_{token}")),
        _ => Value::Null,
    };
    configuration["updated"] = json!(updated);
}

/// Merges params into an object: nested objects key by key, `""` clears (an empty list where
/// the object has a list, null otherwise), anything else replaces.
fn merge(target: &mut Value, params: &Value) {
    match params {
        Value::Object(fields) => {
            if !target.is_object() {
                *target = Value::Object(Map::new());
            }
            for (key, value) in fields {
                merge(&mut target[key.as_str()], value);
            }
        }
        Value::String(s) if s.is_empty() => {
            *target = if target.is_array() {
                json!([])
            } else {
                Value::Null
            }
        }
        other => *target = other.clone(),
    }
}

/// `metadata=` clears every key, `metadata[key]=` removes one.
fn apply_metadata(target: &mut Value, params: &Value) {
    if !target.is_object() {
        *target = json!({});
    }
    let Some(fields) = params.as_object() else {
        *target = json!({});
        return;
    };
    let map = target.as_object_mut().expect("an object");
    for (key, value) in fields {
        if value == "" {
            map.remove(key);
        } else {
            map.insert(key.clone(), value.clone());
        }
    }
}

/// Expands `features.subscription_cancel.cancellation_reason.feedback_options` into objects.
pub(crate) fn expand_feedback_options(configuration: &mut Value) {
    let options = &mut configuration["features"]["subscription_cancel"]["cancellation_reason"]
        ["feedback_options"];
    if let Some(list) = options.as_array_mut() {
        for option in list {
            if let Some(id) = option.as_str() {
                *option = json!({
                    "id": id,
                    "object": "billing.feedback_option",
                    "description": format!("Feedback option {id}"),
                    "livemode": false,
                    "status": "active",
                    "status_transitions": {"deactivated_at": null},
                });
            }
        }
    }
}

/// Stripe's error object, `{"error": {...}}`.
pub(crate) fn error(kind: &str, message: &str, param: Option<&str>, code: Option<&str>) -> Value {
    let mut error = json!({"type": kind, "message": message});
    if let Some(param) = param {
        error["param"] = json!(param);
    }
    if let Some(code) = code {
        error["code"] = json!(code);
        error["doc_url"] = json!(format!(
            "https://stripe.com/docs/error-codes/{}",
            code.replace('_', "-")
        ));
    }
    json!({"error": error})
}
