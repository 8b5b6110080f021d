//! The API key format: `bsn_<prefix>_<secret>`. The 12-hex-digit prefix is stored in clear to
//! find the key; the whole key is stored only as an argon2id hash (done by the server).

/// A key split into its lookup prefix and the whole text.
#[derive(Debug, PartialEq, Eq)]
pub struct ParsedKey<'a> {
    pub prefix: &'a str,
    pub full: &'a str,
}

const PREFIX_LEN: usize = 12;
const SECRET_LEN: usize = 48;

/// Compose a key from 30 random bytes; returns (key, prefix).
pub fn compose(random: &[u8; 30]) -> (String, String) {
    let hex: String = random.iter().map(|b| format!("{b:02x}")).collect();
    let (prefix, secret) = hex.split_at(PREFIX_LEN);
    (format!("bsn_{prefix}_{secret}"), prefix.to_owned())
}

/// Parse a presented key; `None` when it does not have the shape of a Bosun key.
pub fn parse(key: &str) -> Option<ParsedKey<'_>> {
    let rest = key.strip_prefix("bsn_")?;
    let (prefix, secret) = rest.split_once('_')?;
    let hex = |s: &str| s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    (prefix.len() == PREFIX_LEN && secret.len() == SECRET_LEN && hex(prefix) && hex(secret))
        .then_some(ParsedKey { prefix, full: key })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compose_then_parse() {
        let (key, prefix) = compose(&[7u8; 30]);
        assert!(key.starts_with("bsn_0707"));
        assert_eq!(parse(&key), Some(ParsedKey { prefix: &prefix, full: &key }));
        assert_eq!(parse("bsn_short_x"), None);
        assert_eq!(parse("Bearer whatever"), None);
        assert_eq!(parse(&key.to_uppercase()), None);
    }
}
