//! Which operation a method and path name, and each operation on validated params. State is
//! locked only for its own reads and writes; the answer is built and encoded outside the lock.

use std::sync::Mutex;

use serde_json::Value;

use super::failure::{json_response, Failure};
use super::http::HttpResponse;
use super::state::{self, Named, State};
use super::validate::{self, Operation};
use super::{lock, objects};

/// The operation, and the configuration id of the path when it has one.
pub(crate) fn route<'a>(method: &str, path: &'a str) -> Option<(Operation, Option<&'a str>)> {
    let rest = path.strip_prefix("/v1/billing_portal/")?;
    match (method, rest) {
        ("POST", "sessions") => Some((Operation::CreateSession, None)),
        ("GET", "configurations") => Some((Operation::ListConfigurations, None)),
        ("POST", "configurations") => Some((Operation::CreateConfiguration, None)),
        (_, rest) => {
            let id = rest.strip_prefix("configurations/")?;
            if id.is_empty() || id.contains('/') {
                return None;
            }
            match method {
                "GET" => Some((Operation::RetrieveConfiguration, Some(id))),
                "POST" => Some((Operation::UpdateConfiguration, Some(id))),
                _ => None,
            }
        }
    }
}

/// The 404 for a method and path that name no operation.
pub(crate) fn unrecognized(method: &str, path: &str) -> Failure {
    Failure::plain(
        404,
        "invalid_request_error",
        format!(
            "Unrecognized request URL ({method}: {path}). This mock serves only the Billing Portal API: POST /v1/billing_portal/sessions, GET and POST /v1/billing_portal/configurations, GET and POST /v1/billing_portal/configurations/{{id}}."
        ),
    )
}

/// The operation on validated params.
pub(crate) fn run(
    state: &Mutex<State>,
    operation: Operation,
    id: Option<&str>,
    params: &Value,
) -> Result<HttpResponse, Failure> {
    let mut body = match operation {
        Operation::CreateSession => {
            let configuration = lock(state).configuration(
                params["configuration"].as_str(),
                Named::ByParam("configuration"),
                validate::expands(params, "configuration"),
            )?;
            objects::session(state::new_id("bps_"), state::now(), params, configuration)
        }
        Operation::ListConfigurations => lock(state).list_configurations(params)?,
        Operation::CreateConfiguration => lock(state).create_configuration(params)?,
        Operation::RetrieveConfiguration => {
            let id = id.unwrap_or_default();
            if id.chars().count() > 5000 {
                return Err(Failure::invalid(
                    "configuration",
                    "Invalid configuration: must be at most 5000 characters.",
                ));
            }
            lock(state).configuration(Some(id), Named::InPath, true)?
        }
        Operation::UpdateConfiguration => {
            lock(state).update_configuration(id.unwrap_or_default(), params)?
        }
    };
    let feedback = "features.subscription_cancel.cancellation_reason.feedback_options";
    if operation != Operation::CreateSession
        && operation != Operation::ListConfigurations
        && validate::expands(params, feedback)
    {
        objects::expand_feedback_options(&mut body);
    }
    Ok(json_response(200, &body))
}
