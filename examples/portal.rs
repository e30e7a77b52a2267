//! A small command-line tool for scripts: create customer portal sessions, list portal
//! configurations.
//!
//! ```text
//! cargo run --example portal -- --help
//! cargo run --example portal -- --mock --customer cus_123 --flow subscription-cancel --subscription sub_123
//! ```

use std::process::ExitCode;

use stripe_billing_portal::mock::MockServer;
use stripe_billing_portal::{
    AfterCompletion, Client, ConfigurationListParams, ConfirmDiscount, ConfirmItem, FlowData,
    RequestOptions, Retention, SessionCreateParams, SubscriptionCancelFlow,
    SubscriptionUpdateConfirmFlow,
};

const HELP: &str = "\
portal: create Stripe customer portal sessions and list portal configurations

USAGE:
    portal [create-session] [OPTIONS]        print the URL of a new portal session
    portal list-configurations [OPTIONS]     print the portal configurations

SESSION OPTIONS:
    --customer ID            the customer (cus_...)
    --customer-account ID    or the Accounts v2 account of the customer
    --return-url URL         where \"return to website\" goes
    --configuration ID       a portal configuration (bpc_...) instead of the default
    --locale LOCALE          the portal's language (auto, en, fr, pt-BR, ...)
    --on-behalf-of ID        the connected account (acct_...) the portal acts for
    --expand FIELD           expand a field of the session (repeatable), e.g. configuration
    --params FILE            session params from a JSON file in Stripe's shape; the flags
                             above and below are applied on top of it
    --idempotency-key KEY    the Idempotency-Key to send

FLOW OPTIONS (a deep link into one flow):
    --flow TYPE              payment-method-update, customer-update, subscription-cancel,
                             subscription-pause, subscription-update or
                             subscription-update-confirm
    --subscription ID        the subscription (sub_...) of a subscription-* flow
    --retention-coupon ID    subscription-cancel: a coupon offered to stay
    --item ID                subscription-update-confirm: the subscription item (si_...)
    --price ID               subscription-update-confirm: the item's new price
    --quantity N             subscription-update-confirm: the item's new quantity
    --coupon ID              subscription-update-confirm: a coupon to apply
    --promotion-code ID      subscription-update-confirm: a promotion code to apply
    --after-completion WHAT  portal-homepage, hosted-confirmation[:MESSAGE] or redirect:URL

LIST OPTIONS:
    --limit N                at most N configurations (1-100, default 10)

GENERAL OPTIONS:
    --json                   print the whole object as JSON instead of the URL (or the ids)
    --base-url URL           the API's base URL (default: $STRIPE_BASE_URL, or Stripe's)
    --mock                   start the crate's local mock server and use it (no key needed)
    -h, --help               print this help

ENVIRONMENT:
    STRIPE_SECRET_KEY        the secret key (sk_test_... or sk_live_...); required without --mock
    STRIPE_BASE_URL          the API's base URL, when --base-url is not given

EXIT STATUS:
    0 on success, 1 when the request failed, 2 for a usage error.

EXAMPLES:
    portal --customer cus_123 --return-url https://example.com/account
    portal --customer cus_123 --flow subscription-cancel --subscription sub_123 \\
        --after-completion redirect:https://example.com/bye
    portal --params session.json --json
    portal list-configurations --limit 3";

/// A failure: the message, and whether it was the caller's usage (exit 2) or the request (1).
struct Failure {
    message: String,
    usage: bool,
}

fn usage(message: impl Into<String>) -> Failure {
    Failure {
        message: message.into(),
        usage: true,
    }
}

fn failed(message: impl std::fmt::Display) -> Failure {
    Failure {
        message: message.to_string(),
        usage: false,
    }
}

#[derive(Default)]
struct Args {
    command: Option<String>,
    json: bool,
    mock: bool,
    base_url: Option<String>,
    params_file: Option<String>,
    idempotency_key: Option<String>,
    customer: Option<String>,
    customer_account: Option<String>,
    return_url: Option<String>,
    configuration: Option<String>,
    locale: Option<String>,
    on_behalf_of: Option<String>,
    expand: Vec<String>,
    flow: Option<String>,
    subscription: Option<String>,
    retention_coupon: Option<String>,
    item: Option<String>,
    price: Option<String>,
    quantity: Option<u64>,
    coupon: Option<String>,
    promotion_code: Option<String>,
    after_completion: Option<String>,
    limit: Option<u32>,
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) if failure.usage => {
            eprintln!(
                "error: {}\n\nRun with --help for the options.",
                failure.message
            );
            ExitCode::from(2)
        }
        Err(failure) => {
            eprintln!("error: {}", failure.message);
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Failure> {
    let Some(args) = parse(std::env::args().skip(1))? else {
        say(format_args!("{HELP}"));
        return Ok(());
    };
    let _server;
    let (key, base_url) = if args.mock {
        let server = MockServer::start().map_err(failed)?;
        let url = server.url().to_owned();
        _server = server;
        ("sk_test_portal_cli".to_owned(), Some(url))
    } else {
        let key = std::env::var("STRIPE_SECRET_KEY").map_err(|_| {
            usage(
                "set STRIPE_SECRET_KEY to your secret key, or pass --mock to try the tool offline",
            )
        })?;
        let base_url = args
            .base_url
            .clone()
            .or_else(|| std::env::var("STRIPE_BASE_URL").ok());
        (key, base_url)
    };
    let mut builder = Client::builder(key);
    if let Some(url) = &base_url {
        builder = builder.base_url(url);
    }
    let client = builder.build().map_err(usage_from_input)?;

    match args.command.as_deref().unwrap_or("create-session") {
        "create-session" => create_session(&client, &args),
        "list-configurations" => list_configurations(&client, &args),
        other => Err(usage(format!("unknown command {other:?}"))),
    }
}

/// A refused input (a bad key or URL) is a usage error; anything else a failed request.
fn usage_from_input(error: stripe_billing_portal::Error) -> Failure {
    match error.kind() {
        stripe_billing_portal::ErrorKind::InvalidInput => usage(error.to_string()),
        _ => failed(error),
    }
}

fn create_session(client: &Client, args: &Args) -> Result<(), Failure> {
    let mut params = match &args.params_file {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| usage(format!("cannot read {path}: {e}")))?;
            serde_json::from_str::<SessionCreateParams>(&text)
                .map_err(|e| usage(format!("{path} is not valid session params: {e}")))?
        }
        None => SessionCreateParams::new(),
    };
    let set = |value: &Option<String>| value.clone();
    if let Some(v) = set(&args.customer) {
        params = params.customer(v);
    }
    if let Some(v) = set(&args.customer_account) {
        params = params.customer_account(v);
    }
    if let Some(v) = set(&args.return_url) {
        params = params.return_url(v);
    }
    if let Some(v) = set(&args.configuration) {
        params = params.configuration(v);
    }
    if let Some(v) = set(&args.locale) {
        params = params.locale(v.as_str());
    }
    if let Some(v) = set(&args.on_behalf_of) {
        params = params.on_behalf_of(v);
    }
    for field in &args.expand {
        params = params.expand(field.clone());
    }
    if let Some(flow) = flow_data(args)? {
        params = params.flow_data(flow);
    }
    if args.params_file.is_none() && args.customer.is_none() && args.customer_account.is_none() {
        return Err(usage(
            "a session needs --customer (or --customer-account, or --params)",
        ));
    }

    let mut options = RequestOptions::new();
    if let Some(key) = &args.idempotency_key {
        options = options.idempotency_key(key.clone());
    }
    let session = client
        .create_session_with(&params, &options)
        .map_err(|e| match e.kind() {
            stripe_billing_portal::ErrorKind::InvalidInput => usage(e.to_string()),
            _ => failed(e),
        })?;
    if args.json {
        say(format_args!(
            "{}",
            serde_json::to_string_pretty(&session).expect("JSON")
        ));
    } else {
        say(format_args!("{}", session.url));
    }
    Ok(())
}

/// The flow described by the flow flags, if any.
fn flow_data(args: &Args) -> Result<Option<FlowData>, Failure> {
    let Some(kind) = &args.flow else {
        let stray = [
            ("--subscription", args.subscription.is_some()),
            ("--after-completion", args.after_completion.is_some()),
            ("--item", args.item.is_some()),
            ("--retention-coupon", args.retention_coupon.is_some()),
        ];
        if let Some((flag, _)) = stray.iter().find(|(_, set)| *set) {
            return Err(usage(format!("{flag} needs --flow")));
        }
        return Ok(None);
    };
    let subscription = || {
        args.subscription
            .clone()
            .ok_or_else(|| usage(format!("--flow {kind} needs --subscription sub_...")))
    };
    let flow = match kind.replace('_', "-").as_str() {
        "payment-method-update" => FlowData::payment_method_update(),
        "customer-update" => FlowData::customer_update(),
        "subscription-cancel" => {
            let mut flow = SubscriptionCancelFlow::new(subscription()?);
            if let Some(coupon) = &args.retention_coupon {
                flow = flow.retention(Retention::coupon_offer(coupon.clone()));
            }
            FlowData::new(flow)
        }
        "subscription-pause" => FlowData::subscription_pause(subscription()?),
        "subscription-update" => FlowData::subscription_update(subscription()?),
        "subscription-update-confirm" => {
            let item = args
                .item
                .clone()
                .ok_or_else(|| usage("--flow subscription-update-confirm needs --item si_..."))?;
            let mut item = ConfirmItem::new(item);
            if let Some(price) = &args.price {
                item = item.price(price.clone());
            }
            if let Some(quantity) = args.quantity {
                item = item.quantity(quantity);
            }
            let mut flow = SubscriptionUpdateConfirmFlow::new(subscription()?, item);
            if let Some(coupon) = &args.coupon {
                flow = flow.discount(ConfirmDiscount::coupon(coupon.clone()));
            }
            if let Some(code) = &args.promotion_code {
                flow = flow.discount(ConfirmDiscount::promotion_code(code.clone()));
            }
            FlowData::new(flow)
        }
        other => return Err(usage(format!("unknown flow {other:?}"))),
    };
    let flow = match args.after_completion.as_deref() {
        None => flow,
        Some("portal-homepage" | "portal_homepage") => {
            flow.after_completion(AfterCompletion::portal_homepage())
        }
        Some("hosted-confirmation" | "hosted_confirmation") => {
            flow.after_completion(AfterCompletion::hosted_confirmation())
        }
        Some(other) => {
            if let Some(message) = other
                .strip_prefix("hosted-confirmation:")
                .or_else(|| other.strip_prefix("hosted_confirmation:"))
            {
                flow.after_completion(AfterCompletion::hosted_confirmation_with_message(message))
            } else if let Some(url) = other.strip_prefix("redirect:") {
                flow.after_completion(AfterCompletion::redirect(url))
            } else {
                return Err(usage(format!(
                    "--after-completion takes portal-homepage, hosted-confirmation[:MESSAGE] or redirect:URL, not {other:?}"
                )));
            }
        }
    };
    Ok(Some(flow))
}

/// `GET /v1/billing_portal/configurations` with plain HTTP.
///
/// One page of configurations: the ids (with default/active flags and names), or the page as
/// JSON with `--json`.
fn list_configurations(client: &Client, args: &Args) -> Result<(), Failure> {
    let mut params = ConfigurationListParams::new();
    if let Some(limit) = args.limit {
        params = params.limit(limit);
    }
    let page = client
        .list_configurations(&params)
        .map_err(usage_from_input)?;
    if args.json {
        say(format_args!(
            "{}",
            serde_json::to_string_pretty(&page).expect("a page is JSON")
        ));
        return Ok(());
    }
    for configuration in &page.data {
        say(format_args!(
            "{}\t{}\t{}\t{}",
            configuration.id,
            if configuration.is_default {
                "default"
            } else {
                ""
            },
            if configuration.active {
                "active"
            } else {
                "inactive"
            },
            configuration.name.as_deref().unwrap_or_default(),
        ));
    }
    Ok(())
}

/// Prints a line; a closed stdout (`portal ... | head -1`) ends the program quietly instead of
/// panicking as `println!` would.
fn say(line: std::fmt::Arguments<'_>) {
    use std::io::Write;
    if writeln!(std::io::stdout().lock(), "{line}").is_err() {
        std::process::exit(0);
    }
}

/// `Ok(None)` for `--help`.
fn parse(raw: impl Iterator<Item = String>) -> Result<Option<Args>, Failure> {
    let mut args = Args::default();
    let mut raw = raw.peekable();
    while let Some(arg) = raw.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => {
                (flag.to_owned(), Some(value.to_owned()))
            }
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| -> Result<String, Failure> {
            match inline.clone().or_else(|| raw.next()) {
                Some(v) if !v.is_empty() => Ok(v),
                _ => Err(usage(format!("{name} needs a value"))),
            }
        };
        match flag.as_str() {
            "-h" | "--help" => return Ok(None),
            "--json" => args.json = true,
            "--mock" => args.mock = true,
            "--base-url" => args.base_url = Some(value("--base-url")?),
            "--params" => args.params_file = Some(value("--params")?),
            "--idempotency-key" => args.idempotency_key = Some(value("--idempotency-key")?),
            "--customer" => args.customer = Some(value("--customer")?),
            "--customer-account" => args.customer_account = Some(value("--customer-account")?),
            "--return-url" => args.return_url = Some(value("--return-url")?),
            "--configuration" => args.configuration = Some(value("--configuration")?),
            "--locale" => args.locale = Some(value("--locale")?),
            "--on-behalf-of" => args.on_behalf_of = Some(value("--on-behalf-of")?),
            "--expand" => args.expand.push(value("--expand")?),
            "--flow" => args.flow = Some(value("--flow")?),
            "--subscription" => args.subscription = Some(value("--subscription")?),
            "--retention-coupon" => args.retention_coupon = Some(value("--retention-coupon")?),
            "--item" => args.item = Some(value("--item")?),
            "--price" => args.price = Some(value("--price")?),
            "--quantity" => {
                let v = value("--quantity")?;
                args.quantity =
                    Some(v.parse().map_err(|_| {
                        usage(format!("--quantity takes a whole number, not {v:?}"))
                    })?);
            }
            "--coupon" => args.coupon = Some(value("--coupon")?),
            "--promotion-code" => args.promotion_code = Some(value("--promotion-code")?),
            "--after-completion" => args.after_completion = Some(value("--after-completion")?),
            "--limit" => {
                let v = value("--limit")?;
                args.limit = Some(
                    v.parse()
                        .map_err(|_| usage(format!("--limit takes a whole number, not {v:?}")))?,
                );
            }
            command @ ("create-session" | "list-configurations") if args.command.is_none() => {
                args.command = Some(command.to_owned())
            }
            other if other.starts_with('-') => {
                return Err(usage(format!("unknown option {other:?}")))
            }
            other => return Err(usage(format!("unexpected argument {other:?}"))),
        }
    }
    Ok(Some(args))
}
