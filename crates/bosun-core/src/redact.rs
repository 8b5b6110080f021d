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
        // No word boundaries: `uAKIA…` or `AKIA…x` must not slip through.
        r"|(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[0-9A-Z]{16}",
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

/// `password=hunter2`, `token: abc`, `AWS_SECRET_ACCESS_KEY="…"` in free text: a name ending in
/// a secret word, `=` or `:`, and a value (quoted, or up to a space, comma, semicolon or `&`).
/// The name stays readable; the value goes. (`max_tokens: 5` keeps its value: the name must end
/// in the secret word. Words that are common in prose — credential, authorization, cookie — are
/// left to the key-name and value-shape rules, or "missing credential: send …" would lose its
/// advice.)
static SECRET_PAIR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i)(?P<name>\b[A-Za-z0-9_.-]*?(?:password|passwd|passphrase|pwd|secret|token|api[_-]?key|",
        r"(?:access|secret|private|client|signing)[_-]?key))",
        r#"(?P<sep>["']?\s*[:=]\s*)(?P<value>"[^"]*"|'[^']*'|[^\s,;&"']+)"#,
    ))
    .expect("secret pair pattern compiles")
});

/// Candidates for AWS secret access keys: 40 characters of base64 alphabet standing alone.
static FORTY: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"[A-Za-z0-9/+]{40,}").expect("forty pattern compiles"));

/// An AWS secret access key is 40 characters of `A-Za-z0-9/+` mixing cases and digits; a git
/// commit id (lowercase hex) or a word is not.
fn is_aws_secret(s: &str) -> bool {
    s.len() == 40
        && s.bytes().any(|b| b.is_ascii_uppercase())
        && s.bytes().any(|b| b.is_ascii_lowercase())
        && s.bytes().any(|b| b.is_ascii_digit() || b == b'/' || b == b'+')
}

/// Replace every secret-looking part of a text with `[REDACTED]`.
pub fn redact_text(text: &str) -> Cow<'_, str> {
    let mut out = SECRET_VALUE.replace_all(text, REDACTED);
    if let Cow::Owned(o) = SECRET_PAIR.replace_all(&out, |c: &regex::Captures<'_>| {
        if &c["value"] == REDACTED { c[0].to_owned() } else { format!("{}{}{REDACTED}", &c["name"], &c["sep"]) }
    }) {
        out = Cow::Owned(o);
    }
    if FORTY.find_iter(&out).any(|m| is_aws_secret(m.as_str())) {
        let o = FORTY.replace_all(
            &out,
            |c: &regex::Captures<'_>| {
                if is_aws_secret(&c[0]) { REDACTED.to_owned() } else { c[0].to_owned() }
            },
        );
        out = Cow::Owned(o.into_owned());
    }
    out
}

/// A parser's error message without the rejected values in it: quoted strings become `"…"` and
/// an unknown variant is not repeated. Errors say what was expected, never echo what was sent.
pub fn without_values(message: &str) -> String {
    static QUOTED: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r#""(?:[^"\\]|\\.)*"|unknown variant `[^`]*`"#).expect("quoted pattern compiles"));
    QUOTED
        .replace_all(
            message,
            |c: &regex::Captures<'_>| {
                if c[0].starts_with('"') { "\"…\"".to_owned() } else { "unknown variant".to_owned() }
            },
        )
        .into_owned()
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
    fn free_text_secrets_and_embedded_keys() {
        let cases = [
            ("uAKIAIOSFODNN7EXAMPLE", "u[REDACTED]"),
            ("AKIAIOSFODNN7EXAMPLEx", "[REDACTED]x"),
            ("login with password=hunter2 now", "login with password=[REDACTED] now"),
            ("token: abc123, next", "token: [REDACTED], next"),
            ("db_password = 'x y z'", "db_password = [REDACTED]"),
            ("AWS_SECRET_ACCESS_KEY=\"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\"", "AWS_SECRET_ACCESS_KEY=[REDACTED]"),
            ("key wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY here", "key [REDACTED] here"),
            ("{\"client_secret\": \"s3cr3t\"}", "{\"client_secret\": [REDACTED]}"),
        ];
        for (text, want) in cases {
            assert_eq!(redact_text(text), want, "{text}");
        }
        // Not secrets: counts, commit ids, words, our own advice.
        for text in [
            "missing credential: send `Authorization: Bearer <API key>`",
            "max_tokens: 500",
            "tokens_used=12",
            "commit 9fceb02d0ae598e95dc970b74767f19372d61af8",
            "the password policy",
            "keyword=value",
        ] {
            assert_eq!(redact_text(text), text);
        }
    }

    #[test]
    fn parser_errors_lose_the_values() {
        assert_eq!(
            without_values("invalid type: string \"password=hunter2\", expected u32 at line 1 column 9"),
            "invalid type: string \"…\", expected u32 at line 1 column 9"
        );
        assert_eq!(
            without_values("unknown variant `AKIAIOSFODNN7EXAMPLE`, expected one of `admin`, `viewer`"),
            "unknown variant, expected one of `admin`, `viewer`"
        );
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
