//! `stripe-portal`: create customer portal sessions and list portal configurations from a
//! shell or a script.
//!
//! ```text
//! cargo install stripe-billing-portal --features cli
//! stripe-portal --help
//! stripe-portal --mock --customer cus_123 --flow subscription-cancel --subscription sub_123
//! ```
//!
//! Every check of the command line happens before anything is sent: a usage error exits 2
//! without a request, a failed request exits 1.

use std::process::ExitCode;

use stripe_billing_portal::mock::MockServer;
use stripe_billing_portal::{
    AfterCompletion, Client, ConfigurationListParams, ConfirmDiscount, ConfirmItem, Error,
    ErrorKind, FlowData, RequestOptions, Retention, SessionCreateParams, SubscriptionCancelFlow,
    SubscriptionUpdateConfirmFlow,
};

const HELP: &str = "\
stripe-portal: create Stripe customer portal sessions and list portal configurations

INSTALL:
    cargo install stripe-billing-portal --features cli

USAGE:
    stripe-portal [create-session] [OPTIONS]        print the URL of a new portal session
    stripe-portal list-configurations [OPTIONS]     print the portal configurations

SESSION OPTIONS:
    --customer ID            the customer (cus_...)
    --customer-account ID    or the Accounts v2 account of the customer
    --return-url URL         where \"return to website\" goes
    --configuration ID       a portal configuration (bpc_...) instead of the default
    --locale LOCALE          the portal's language (auto, en, fr, pt-BR, ...)
    --on-behalf-of ID        the connected account (acct_...) the portal acts for
    --expand FIELD           expand a field of the session (repeatable), e.g. configuration
    --params FILE            session params from a JSON file (at most 1 MiB) in Stripe's
                             shape; the flags above and below are applied on top of it
    --idempotency-key KEY    the Idempotency-Key to send

FLOW OPTIONS (a deep link into one flow; each option only with the flows it names):
    --flow TYPE              payment-method-update, customer-update, subscription-cancel,
                             subscription-pause, subscription-update or
                             subscription-update-confirm
    --subscription ID        subscription-*: the subscription (sub_...)
    --retention-coupon ID    subscription-cancel: a coupon offered to stay
    --item ID                subscription-update-confirm: the subscription item (si_...)
    --price ID               subscription-update-confirm: the item's new price
    --quantity N             subscription-update-confirm: the item's new quantity
    --coupon ID              subscription-update-confirm: a coupon to apply
    --promotion-code ID      subscription-update-confirm: a promotion code to apply
    --after-completion WHAT  any flow: portal-homepage, hosted-confirmation[:MESSAGE] or
                             redirect:URL

LIST OPTIONS:
    --limit N                configurations per page (1-100, default 10)
    --all                    every page, not only the first; without it, a note on stderr
                             says when there are more

GENERAL OPTIONS:
    --json                   print the whole object as JSON instead of the URL (or the ids);
                             with --all, a JSON array of every configuration
    --base-url URL           the API's base URL (default: $STRIPE_BASE_URL, or Stripe's)
    --mock                   start the crate's local mock server and use it (no key needed);
                             it wins over --base-url, STRIPE_BASE_URL and STRIPE_SECRET_KEY,
                             and a note on stderr says so
    -h, --help               print this help

ENVIRONMENT:
    STRIPE_SECRET_KEY        the secret key (sk_test_..., sk_live_... or rk_...); required
                             without --mock
    STRIPE_BASE_URL          the API's base URL, when --base-url is not given

EXIT STATUS:
    0 on success, 1 when the request failed, 2 for a usage error (nothing was sent).

EXAMPLES:
    stripe-portal --mock --customer cus_123 --flow subscription-cancel --subscription sub_123
    stripe-portal --customer cus_123 --return-url https://example.com/account
    stripe-portal --customer cus_123 --flow subscription-cancel --subscription sub_123 \\
        --after-completion redirect:https://example.com/bye
    stripe-portal --params session.json --json
    stripe-portal list-configurations --all";

/// The `--flow` values, as typed on the command line.
const FLOWS: [&str; 6] = [
    "payment-method-update",
    "customer-update",
    "subscription-cancel",
    "subscription-pause",
    "subscription-update",
    "subscription-update-confirm",
];
const SUBSCRIPTION_FLOWS: &[&str] = &[
    "subscription-cancel",
    "subscription-pause",
    "subscription-update",
    "subscription-update-confirm",
];
const CONFIRM_FLOW: &[&str] = &["subscription-update-confirm"];

/// Where a flag applies.
#[derive(Clone, Copy, PartialEq)]
enum Scope {
    /// Every command.
    General,
    /// `create-session`.
    Session,
    /// `create-session` with one of these flows (empty: any flow).
    Flows(&'static [&'static str]),
    /// `list-configurations`.
    List,
}

/// A flag: its name, whether it takes a value, and where it applies.
struct Flag {
    name: &'static str,
    takes_value: bool,
    scope: Scope,
}

const fn flag(name: &'static str, takes_value: bool, scope: Scope) -> Flag {
    Flag {
        name,
        takes_value,
        scope,
    }
}

/// Every flag but `--help`: the one table the parser and the checks read.
const FLAGS: &[Flag] = &[
    flag("--json", false, Scope::General),
    flag("--mock", false, Scope::General),
    flag("--base-url", true, Scope::General),
    flag("--customer", true, Scope::Session),
    flag("--customer-account", true, Scope::Session),
    flag("--return-url", true, Scope::Session),
    flag("--configuration", true, Scope::Session),
    flag("--locale", true, Scope::Session),
    flag("--on-behalf-of", true, Scope::Session),
    flag("--expand", true, Scope::Session),
    flag("--params", true, Scope::Session),
    flag("--idempotency-key", true, Scope::Session),
    flag("--flow", true, Scope::Session),
    flag("--subscription", true, Scope::Flows(SUBSCRIPTION_FLOWS)),
    flag(
        "--retention-coupon",
        true,
        Scope::Flows(&["subscription-cancel"]),
    ),
    flag("--item", true, Scope::Flows(CONFIRM_FLOW)),
    flag("--price", true, Scope::Flows(CONFIRM_FLOW)),
    flag("--quantity", true, Scope::Flows(CONFIRM_FLOW)),
    flag("--coupon", true, Scope::Flows(CONFIRM_FLOW)),
    flag("--promotion-code", true, Scope::Flows(CONFIRM_FLOW)),
    flag("--after-completion", true, Scope::Flows(&[])),
    flag("--limit", true, Scope::List),
    flag("--all", false, Scope::List),
];

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

/// A refused input (a bad key, URL or param, found before sending) is a usage error; anything
/// else is a failed request.
fn failed(error: Error) -> Failure {
    Failure {
        usage: error.kind() == ErrorKind::InvalidInput,
        message: error.to_string(),
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Command {
    CreateSession,
    ListConfigurations,
}

/// The command line: the command, and each flag given with its value (`""` for a switch), in
/// order.
struct Args {
    command: Command,
    given: Vec<(&'static Flag, String)>,
}

impl Args {
    fn has(&self, name: &str) -> bool {
        self.given.iter().any(|(flag, _)| flag.name == name)
    }

    /// The last value of `name`: a later flag overrides an earlier one.
    fn value<'a>(&'a self, name: &'a str) -> Option<&'a str> {
        self.values(name).last()
    }

    fn values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.given
            .iter()
            .filter(move |(flag, _)| flag.name == name)
            .map(|(_, value)| value.as_str())
    }

    fn number<T: std::str::FromStr>(&self, name: &str) -> Result<Option<T>, Failure> {
        self.value(name)
            .map(|v| {
                v.parse()
                    .map_err(|_| usage(format!("{name} takes a whole number, not {v:?}")))
            })
            .transpose()
    }
}

/// What to do once connected: everything is checked before the client exists.
enum Request {
    Session(Box<SessionCreateParams>, RequestOptions),
    List(ConfigurationListParams),
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) if failure.usage => {
            eprintln!(
                "error: {}\n\nRun stripe-portal --help for the options.",
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
    check_scopes(&args)?;
    let request = match args.command {
        Command::CreateSession => {
            let (params, options) = session_request(&args)?;
            Request::Session(Box::new(params), options)
        }
        Command::ListConfigurations => Request::List(list_params(&args)?),
    };
    let (client, _server) = connect(&args)?;
    match request {
        Request::Session(params, options) => create_session(&client, &params, &options, &args),
        Request::List(params) => list_configurations(&client, &params, &args),
    }
}

/// `Ok(None)` for `--help`.
fn parse(raw: impl Iterator<Item = String>) -> Result<Option<Args>, Failure> {
    let mut command = None;
    let mut given = Vec::new();
    let mut raw = raw.peekable();
    while let Some(arg) = raw.next() {
        if arg == "-h" || arg == "--help" {
            return Ok(None);
        }
        if !arg.starts_with('-') {
            let parsed = match arg.as_str() {
                "create-session" => Command::CreateSession,
                "list-configurations" => Command::ListConfigurations,
                other => {
                    return Err(usage(format!(
                        "unknown command {other:?}: the commands are create-session (the default) and list-configurations"
                    )))
                }
            };
            if command.replace(parsed).is_some() {
                return Err(usage(format!(
                    "unexpected argument {arg:?}: one command at a time"
                )));
            }
            continue;
        }
        let (name, inline) = match arg.split_once('=') {
            Some((name, value)) => (name, Some(value.to_owned())),
            None => (arg.as_str(), None),
        };
        let flag = FLAGS
            .iter()
            .find(|flag| flag.name == name)
            .ok_or_else(|| usage(format!("unknown option {name:?}")))?;
        let value = match (flag.takes_value, inline) {
            (false, None) => String::new(),
            (false, Some(_)) => return Err(usage(format!("{name} takes no value"))),
            (true, inline) => match inline.or_else(|| raw.next()) {
                Some(v) if !v.is_empty() => v,
                _ => return Err(usage(format!("{name} needs a value"))),
            },
        };
        given.push((flag, value));
    }
    Ok(Some(Args {
        command: command.unwrap_or(Command::CreateSession),
        given,
    }))
}

/// The `--flow` value in its command-line spelling; `snake_case` is accepted too.
fn flow_name(args: &Args) -> Result<Option<&'static str>, Failure> {
    let Some(value) = args.value("--flow") else {
        return Ok(None);
    };
    let spelled = value.replace('_', "-");
    FLOWS
        .into_iter()
        .find(|flow| *flow == spelled)
        .map(Some)
        .ok_or_else(|| {
            usage(format!(
                "unknown flow {value:?}: the flows are {}",
                FLOWS.join(", ")
            ))
        })
}

/// Refuses every flag that would be silently ignored: a session flag with
/// `list-configurations`, a list flag with `create-session`, a flow flag without `--flow` or
/// with a flow it does not apply to.
fn check_scopes(args: &Args) -> Result<(), Failure> {
    let flow = flow_name(args)?;
    for (flag, _) in &args.given {
        let name = flag.name;
        match (flag.scope, args.command) {
            (Scope::General, _)
            | (Scope::Session, Command::CreateSession)
            | (Scope::List, Command::ListConfigurations) => {}
            (Scope::Session | Scope::Flows(_), Command::ListConfigurations) => {
                return Err(usage(format!(
                    "{name} applies to create-session, not list-configurations"
                )))
            }
            (Scope::List, Command::CreateSession) => {
                return Err(usage(format!(
                    "{name} applies to list-configurations, not create-session"
                )))
            }
            (Scope::Flows(flows), Command::CreateSession) => match flow {
                None => return Err(usage(format!("{name} needs --flow"))),
                Some(flow) if !flows.is_empty() && !flows.contains(&flow) => {
                    return Err(usage(format!(
                        "{name} does not apply to --flow {flow}; it applies to {}",
                        flows.join(", ")
                    )))
                }
                Some(_) => {}
            },
        }
    }
    Ok(())
}

fn session_request(args: &Args) -> Result<(SessionCreateParams, RequestOptions), Failure> {
    let mut params = match args.value("--params") {
        Some(path) => serde_json::from_slice::<SessionCreateParams>(&read_params_file(path)?)
            .map_err(|e| usage(format!("{path} is not valid session params: {e}")))?,
        None => SessionCreateParams::new(),
    };
    type Setter = fn(SessionCreateParams, &str) -> SessionCreateParams;
    let setters: [(&str, Setter); 6] = [
        ("--customer", |params, v| params.customer(v)),
        ("--customer-account", |params, v| params.customer_account(v)),
        ("--return-url", |params, v| params.return_url(v)),
        ("--configuration", |params, v| params.configuration(v)),
        ("--locale", |params, v| params.locale(v)),
        ("--on-behalf-of", |params, v| params.on_behalf_of(v)),
    ];
    for (name, set) in setters {
        if let Some(v) = args.value(name) {
            params = set(params, v);
        }
    }
    for field in args.values("--expand") {
        params = params.expand(field);
    }
    if let Some(flow) = flow_data(args)? {
        params = params.flow_data(flow);
    }
    if !args.has("--params") && !args.has("--customer") && !args.has("--customer-account") {
        return Err(usage(
            "a session needs --customer (or --customer-account, or --params)",
        ));
    }
    let mut options = RequestOptions::new();
    if let Some(key) = args.value("--idempotency-key") {
        options = options.idempotency_key(key);
    }
    Ok((params, options))
}

/// The most of a `--params` file that is read: session params take a few hundred bytes, and
/// a wrong path (`/dev/zero`, a log) must not fill memory.
const MAX_PARAMS_FILE: u64 = 1 << 20;

fn read_params_file(path: &str) -> Result<Vec<u8>, Failure> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|file| file.take(MAX_PARAMS_FILE + 1).read_to_end(&mut bytes))
        .map_err(|e| usage(format!("cannot read {path}: {e}")))?;
    if bytes.len() as u64 > MAX_PARAMS_FILE {
        return Err(usage(format!(
            "{path} is larger than 1 MiB, too large for session params"
        )));
    }
    Ok(bytes)
}

/// The flow described by the flow flags, if any; [`check_scopes`] has already refused the
/// flags that do not apply to it.
fn flow_data(args: &Args) -> Result<Option<FlowData>, Failure> {
    let Some(flow) = flow_name(args)? else {
        return Ok(None);
    };
    let subscription = || {
        args.value("--subscription")
            .ok_or_else(|| usage(format!("--flow {flow} needs --subscription sub_...")))
    };
    let data = match flow {
        "payment-method-update" => FlowData::payment_method_update(),
        "customer-update" => FlowData::customer_update(),
        "subscription-cancel" => {
            let mut cancel = SubscriptionCancelFlow::new(subscription()?);
            if let Some(coupon) = args.value("--retention-coupon") {
                cancel = cancel.retention(Retention::coupon_offer(coupon));
            }
            FlowData::new(cancel)
        }
        "subscription-pause" => FlowData::subscription_pause(subscription()?),
        "subscription-update" => FlowData::subscription_update(subscription()?),
        _ => {
            let item = args
                .value("--item")
                .ok_or_else(|| usage(format!("--flow {flow} needs --item si_...")))?;
            let mut item = ConfirmItem::new(item);
            if let Some(price) = args.value("--price") {
                item = item.price(price);
            }
            if let Some(quantity) = args.number("--quantity")? {
                item = item.quantity(quantity);
            }
            let mut confirm = SubscriptionUpdateConfirmFlow::new(subscription()?, item);
            if let Some(coupon) = args.value("--coupon") {
                confirm = confirm.discount(ConfirmDiscount::coupon(coupon));
            }
            if let Some(code) = args.value("--promotion-code") {
                confirm = confirm.discount(ConfirmDiscount::promotion_code(code));
            }
            FlowData::new(confirm)
        }
    };
    let Some(after) = args.value("--after-completion") else {
        return Ok(Some(data));
    };
    // Only the kind before the first `:` may be spelled with `_`: a message or URL is kept as
    // it is.
    let (kind, detail) = match after.split_once(':') {
        Some((kind, detail)) => (kind, Some(detail)),
        None => (after, None),
    };
    let after = match (kind.replace('_', "-").as_str(), detail) {
        ("portal-homepage", None) => AfterCompletion::portal_homepage(),
        ("hosted-confirmation", None) => AfterCompletion::hosted_confirmation(),
        ("hosted-confirmation", Some(message)) => {
            AfterCompletion::hosted_confirmation_with_message(message)
        }
        ("redirect", Some(url)) => AfterCompletion::redirect(url),
        _ => {
            return Err(usage(format!(
                "--after-completion takes portal-homepage, hosted-confirmation[:MESSAGE] or redirect:URL, not {after:?}"
            )))
        }
    };
    Ok(Some(data.after_completion(after)))
}

fn list_params(args: &Args) -> Result<ConfigurationListParams, Failure> {
    let mut params = ConfigurationListParams::new();
    if let Some(limit) = args.number::<u32>("--limit")? {
        if !(1..=100).contains(&limit) {
            return Err(usage(format!("--limit takes 1 to 100, not {limit}")));
        }
        params = params.limit(limit);
    }
    Ok(params)
}

/// The client, and the local server it talks to with `--mock` (kept alive until the end).
fn connect(args: &Args) -> Result<(Client, Option<MockServer>), Failure> {
    let key = std::env::var("STRIPE_SECRET_KEY").ok();
    let env_base_url = std::env::var("STRIPE_BASE_URL").ok();
    if args.has("--mock") {
        let ignored: Vec<&str> = [
            (args.has("--base-url"), "--base-url"),
            (env_base_url.is_some(), "STRIPE_BASE_URL"),
            (key.is_some(), "STRIPE_SECRET_KEY"),
        ]
        .into_iter()
        .filter_map(|(set, name)| set.then_some(name))
        .collect();
        if !ignored.is_empty() {
            eprintln!(
                "note: --mock wins: requests go to the local mock server with a test key; {} {} ignored",
                ignored.join(" and "),
                if ignored.len() == 1 { "is" } else { "are" }
            );
        }
        let server = MockServer::start().map_err(failed)?;
        let client = Client::builder("sk_test_stripe_portal")
            .base_url(server.url())
            .build()
            .map_err(failed)?;
        return Ok((client, Some(server)));
    }
    let key = key.ok_or_else(|| {
        usage("set STRIPE_SECRET_KEY to your secret key, or pass --mock to try the tool offline")
    })?;
    let mut builder = Client::builder(key);
    if let Some(url) = args.value("--base-url").map(str::to_owned).or(env_base_url) {
        builder = builder.base_url(url);
    }
    Ok((builder.build().map_err(failed)?, None))
}

fn create_session(
    client: &Client,
    params: &SessionCreateParams,
    options: &RequestOptions,
    args: &Args,
) -> Result<(), Failure> {
    let session = client
        .create_session_with(params, options)
        .map_err(failed)?
        .data;
    if args.has("--json") {
        say(format_args!("{}", to_json(&session)));
    } else {
        say(format_args!("{}", session.url));
    }
    Ok(())
}

/// One page of configurations, or every page with `--all`: a line per configuration (id,
/// default, active, name), or JSON with `--json`.
fn list_configurations(
    client: &Client,
    params: &ConfigurationListParams,
    args: &Args,
) -> Result<(), Failure> {
    let json = args.has("--json");
    if args.has("--all") {
        let mut all = Vec::new();
        for configuration in client.iter_configurations(params) {
            let configuration = configuration.map_err(failed)?;
            if json {
                all.push(configuration);
            } else {
                say_configuration(&configuration);
            }
        }
        if json {
            say(format_args!("{}", to_json(&all)));
        }
        return Ok(());
    }
    let page = client.list_configurations(params).map_err(failed)?;
    if json {
        say(format_args!("{}", to_json(&page)));
    } else {
        page.data.iter().for_each(say_configuration);
    }
    if page.has_more {
        eprintln!(
            "note: there are more configurations than these {}: pass --all for every page",
            page.data.len()
        );
    }
    Ok(())
}

fn say_configuration(configuration: &stripe_billing_portal::Configuration) {
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

fn to_json(value: &impl serde::Serialize) -> String {
    // The crate's response types are plain data: serializing them cannot fail.
    serde_json::to_string_pretty(value).expect("a response is JSON")
}

/// Prints a line; a closed stdout (`stripe-portal ... | head -1`) ends the program quietly
/// instead of panicking as `println!` would.
fn say(line: std::fmt::Arguments<'_>) {
    use std::io::Write;
    if writeln!(std::io::stdout().lock(), "{line}").is_err() {
        std::process::exit(0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_help_describes_every_flag_and_every_flow() {
        for flag in FLAGS {
            assert!(
                HELP.contains(&format!("    {} ", flag.name)),
                "{}",
                flag.name
            );
        }
        for flow in FLOWS {
            assert!(HELP.contains(flow), "{flow}");
        }
    }

    #[test]
    fn every_flow_a_flag_names_exists() {
        for flag in FLAGS {
            if let Scope::Flows(flows) = flag.scope {
                assert!(flows.iter().all(|f| FLOWS.contains(f)), "{}", flag.name);
            }
        }
    }
}
