//! Stripe's error answers, and the one place a JSON body becomes an HTTP answer.

use serde_json::Value;

use super::http::HttpResponse;
use super::{objects, state};

/// A Stripe error answer, before it becomes JSON.
#[derive(Debug, Clone)]
pub(crate) struct Failure {
    pub(crate) status: u16,
    kind: &'static str,
    message: String,
    param: Option<String>,
    code: Option<&'static str>,
}

impl Failure {
    /// 400 `invalid_request_error` about `param`.
    pub(crate) fn invalid(param: impl Into<String>, message: impl Into<String>) -> Failure {
        Failure {
            status: 400,
            kind: "invalid_request_error",
            message: message.into(),
            param: Some(param.into()),
            code: None,
        }
    }

    /// 400 `parameter_missing`.
    pub(crate) fn missing(param: impl Into<String>) -> Failure {
        let param = param.into();
        Failure::missing_with(param.clone(), format!("Missing required param: {param}."))
    }

    pub(crate) fn missing_with(param: impl Into<String>, message: impl Into<String>) -> Failure {
        Failure::invalid(param, message).code("parameter_missing")
    }

    /// 400 `parameter_invalid_empty`: `""` where the param cannot be unset.
    pub(crate) fn empty(param: &str) -> Failure {
        Failure::invalid(
            param,
            format!(
                "You passed an empty string for '{param}'. We assume empty values are an attempt to unset a parameter; however '{param}' cannot be unset. You should remove '{param}' from your request or supply a non-empty value."
            ),
        )
        .code("parameter_invalid_empty")
    }

    /// `resource_missing`: 404 for the object the path names, 400 (with the param) for an
    /// object another param names, as Stripe answers them.
    pub(crate) fn no_such(param: &str, message: String, in_path: bool) -> Failure {
        Failure {
            status: if in_path { 404 } else { 400 },
            ..Failure::invalid(param, message).code("resource_missing")
        }
    }

    /// An error without a param.
    pub(crate) fn plain(status: u16, kind: &'static str, message: impl Into<String>) -> Failure {
        Failure {
            status,
            kind,
            message: message.into(),
            param: None,
            code: None,
        }
    }

    /// 400 `idempotency_error`.
    pub(crate) fn idempotency(message: impl Into<String>) -> Failure {
        Failure::plain(400, "idempotency_error", message)
    }

    pub(crate) fn code(mut self, code: &'static str) -> Failure {
        self.code = Some(code);
        self
    }

    pub(crate) fn into_response(self) -> HttpResponse {
        let body = objects::error(self.kind, &self.message, self.param.as_deref(), self.code);
        let mut response = json_response(self.status, &body);
        if self.status == 401 {
            response
                .headers
                .push(("WWW-Authenticate".into(), "Basic realm=\"Stripe\"".into()));
        }
        response
    }
}

/// A JSON answer with Stripe's `Request-Id`.
pub(crate) fn json_response(status: u16, body: &Value) -> HttpResponse {
    HttpResponse {
        status,
        headers: vec![
            ("Content-Type".into(), "application/json".into()),
            ("Request-Id".into(), state::new_id("req_")[..18].to_owned()),
        ],
        body: serde_json::to_string_pretty(body).expect("JSON values serialize"),
    }
}
