//! Secret keys: who may call, and how a key is shown (never whole).

use super::failure::Failure;

/// Checks `Authorization`: `Bearer sk_test_...`, or Basic with the key as the user name.
/// Returns the key, which scopes idempotency keys.
pub(crate) fn authenticate(header: Option<&str>) -> Result<String, Failure> {
    let unauthorized = |message: String| Failure::plain(401, "invalid_request_error", message);
    let Some(header) = header else {
        return Err(unauthorized(
            "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').".into(),
        ));
    };
    let key = match header.trim().split_once(' ') {
        Some((scheme, credentials)) if scheme.eq_ignore_ascii_case("bearer") => {
            credentials.trim().to_owned()
        }
        Some((scheme, credentials)) if scheme.eq_ignore_ascii_case("basic") => {
            let decoded = base64_decode(credentials.trim()).unwrap_or_default();
            let decoded = String::from_utf8_lossy(&decoded).into_owned();
            decoded.split(':').next().unwrap_or("").to_owned()
        }
        // The header is never quoted: without a scheme it may be the key itself.
        _ => {
            return Err(unauthorized(
                "Invalid Authorization header: use Bearer auth ('Authorization: Bearer YOUR_SECRET_KEY') or Basic auth with the key as the user name.".into(),
            ))
        }
    };
    let shown = redact(&key);
    if key.starts_with("sk_live_") || key.starts_with("rk_live_") {
        return Err(unauthorized(format!(
            "Live keys are refused: this is a local mock of Stripe in test mode only. Use a test key (sk_test_...) instead of {shown}."
        )));
    }
    let valid = ["sk_test_", "rk_test_"].iter().any(|prefix| {
        key.strip_prefix(prefix).is_some_and(|rest| {
            !rest.is_empty() && rest.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        })
    });
    if !valid {
        return Err(unauthorized(format!("Invalid API Key provided: {shown}")));
    }
    Ok(key)
}

/// The recorded `Authorization`: the scheme, and the key as Stripe shows it in errors, so
/// printing `requests()` never shows a whole key.
pub(crate) fn redact_authorization(value: &str) -> String {
    match value.trim().split_once(' ') {
        Some((scheme, key)) if scheme.eq_ignore_ascii_case("bearer") => {
            format!("{scheme} {}", redact(key.trim()))
        }
        Some((scheme, _)) if scheme.eq_ignore_ascii_case("basic") => format!("{scheme} ********"),
        _ => redact(value.trim()),
    }
}

/// As Stripe shows keys in errors: a known prefix (`sk_test_`) and the last four characters,
/// the rest as `*`. Only the stars are shown of a key too short to hide anything by then, and
/// no prefix of a value that is not shaped as a Stripe key.
pub(crate) fn redact(key: &str) -> String {
    let prefix_len = ["sk_", "rk_", "pk_"]
        .iter()
        .filter(|p| key.starts_with(*p))
        .find_map(|_| ["test_", "live_"].iter().find(|m| key[3..].starts_with(*m)))
        .map_or(0, |mode| 3 + mode.len());
    let rest: Vec<char> = key[prefix_len..].chars().collect();
    let stars = |n: usize| "*".repeat(n.min(32));
    if rest.len() < 12 {
        return format!("{}{}", &key[..prefix_len], stars(rest.len().max(8)));
    }
    let tail: String = rest[rest.len() - 4..].iter().collect();
    format!("{}{}{tail}", &key[..prefix_len], stars(rest.len() - 4))
}

fn base64_decode(input: &str) -> Option<Vec<u8>> {
    let value = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        } as u32)
    };
    let input = input.trim_end_matches('=').as_bytes();
    let mut out = Vec::with_capacity(input.len() * 3 / 4);
    let (mut buffer, mut bits) = (0u32, 0);
    for &c in input {
        buffer = (buffer << 6) | value(c)?;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn a_key_shows_its_prefix_and_last_four_characters_at_most() {
        assert_eq!(
            redact("sk_test_ANOTHERSECRET5678"),
            "sk_test_*************5678"
        );
        assert_eq!(redact("sk_live_123456789"), "sk_live_*********");
        assert_eq!(
            redact("abcdefghijklmnopqrstuvwxyz"),
            "**********************wxyz"
        );
        assert_eq!(redact("short"), "********");
        assert_eq!(redact(""), "********");
    }
}
