//! Redaction of secrets before anything is stored, logged or answered (SPEC §4).
//! Two nets: keys whose name says "secret", and string values that look like credentials
//! wherever they appear.

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::Regex;
use serde_json::Value;

pub const REDACTED: &str = "[REDACTED]";

/// True when a JSON key names a secret: password, secret, token, api_key, authorization,
/// cookie, private_key, credential — in any case, with any separator.
pub fn is_secret_key(key: &str) -> bool {
    let norm: String = key.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_lowercase()).collect();
    const CONTAINS: [&str; 9] =
        ["password", "passwd", "passphrase", "secret", "apikey", "authorization", "cookie", "privatekey", "credential"];
    // "token" only as the end of a name (access_token, id_token), so counts like
    // `max_tokens` or `tokens_used` stay readable.
    CONTAINS.iter().any(|w| norm.contains(w)) || norm.ends_with("token")
}

static SECRET_VALUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i:bearer|basic)\s+[A-Za-z0-9\-._~+/]{8,}=*",
        r"|eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*",
        r"|(?s:-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----.*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|\z))",
        r"|\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[0-9A-Z]{16}\b",
        r"|\bgh[pousr]_[A-Za-z0-9]{20,}",
        r"|\bgithub_pat_[A-Za-z0-9_]{20,}",
        r"|\bglpat-[A-Za-z0-9_-]{20,}",
        r"|\bxox[abposr]-[A-Za-z0-9-]{10,}",
        r"|\bsk-(?:ant-|proj-)?[A-Za-z0-9_-]{20,}",
        r"|\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}",
        r"|\bAIza[0-9A-Za-z_-]{35}",
        r"|\bbsn_[A-Za-z0-9_]{8,}",
    ))
    .expect("secret patterns compile")
});

/// Replace every secret-looking part of a text with `[REDACTED]`.
pub fn redact_text(text: &str) -> Cow<'_, str> {
    SECRET_VALUE.replace_all(text, REDACTED)
}

/// Redact a JSON value in place: secret keys lose their value, secret-looking strings are masked.
pub fn redact_value(value: &mut Value) {
    match value {
        Value::String(s) => {
            if let Cow::Owned(clean) = redact_text(s) {
                *s = clean;
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact_value),
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                if is_secret_key(key) {
                    *v = Value::String(REDACTED.to_owned());
                } else {
                    redact_value(v);
                }
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn secret_keys_in_any_spelling() {
        for k in [
            "password",
            "Password",
            "db-password",
            "API_KEY",
            "apiKey",
            "x-api-key",
            "Authorization",
            "set-cookie",
            "private_key",
            "privateKey",
            "aws_credentials",
            "client_secret",
            "access_token",
            "token",
        ] {
            assert!(is_secret_key(k), "{k}");
        }
        for k in ["name", "role", "max_tokens", "tokens_used", "description", "keyword"] {
            assert!(!is_secret_key(k), "{k}");
        }
    }

    #[test]
    fn secret_values_are_masked_wherever_they_are() {
        let cases = [
            "Bearer abcdefghijklmnop.qrstu",
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
            "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----",
            "AKIAIOSFODNN7EXAMPLE",
            "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789",
            "xoxb-1234567890-abcdefghij",
            "sk-ant-api03-abcdefghijklmnopqrstuvwxyz",
            "bsn_0123456789ab_0123456789abcdef",
        ];
        for secret in cases {
            let text = format!("before {secret} after");
            let out = redact_text(&text);
            assert_eq!(out, format!("before {REDACTED} after"), "{secret}");
        }
        assert_eq!(redact_text("nothing to see here"), "nothing to see here");
    }

    #[test]
    fn values_nested_in_json() {
        let mut v = json!({
            "name": "deploy",
            "config": {"Password": "hunter2", "list": ["AKIAIOSFODNN7EXAMPLE", 3]},
            "max_tokens": 10
        });
        redact_value(&mut v);
        assert_eq!(
            v,
            json!({
                "name": "deploy",
                "config": {"Password": REDACTED, "list": [REDACTED, 3]},
                "max_tokens": 10
            })
        );
    }
}
