//! Egress rules (SPEC §5.3, seed 004 §6): which network destinations an agent may reach.
//!
//! A destination is what an agent is about to connect to — a URL, `host:port` or a bare host —
//! normalised before any rule sees it: lower case, one trailing dot dropped, international names
//! in their ASCII (punycode) form, user info in a URL ignored (`https://example.com@evil.io` is
//! `evil.io`), the port from the URL's scheme when none is written.
//!
//! A rule is one of:
//! - `example.com` — exactly that host;
//! - `*.example.com` — exactly one label before `example.com` (`a.example.com`, not
//!   `a.b.example.com`, not `example.com`);
//! - `**.example.com` — one or more labels before `example.com` (any depth, not the apex);
//! - `*` — any destination;
//! - an IP literal (`10.0.0.1`, `::1`, `[::1]`) or a CIDR block (`10.0.0.0/8`, `fd00::/8`), which
//!   match IP destinations only (a name is never resolved here);
//! - any of these with `:PORT` (`example.com:443`, `[::1]:8080`, `*.example.com:8443`): only
//!   that port; without a port, any port.
//!
//! Deny rules are checked before allow rules; a destination no rule matches gets the default
//! (deny for cloud agent kinds, allow for local ones — the caller decides which applies).

use std::net::IpAddr;

/// The most rules one list may hold, and the longest rule or destination.
pub const MAX_RULES: usize = 256;
pub const MAX_LEN: usize = 512;

/// A destination, normalised.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Destination {
    /// Lower-case ASCII host name without a trailing dot, or an IP address as text.
    pub host: String,
    pub port: u16,
    pub ip: Option<IpAddr>,
}

impl Destination {
    /// Parse a URL (`scheme://[user@]host[:port][/…]`), `host:port`, `[v6]:port` or a host.
    /// `default_port` applies when neither a port nor a known scheme gives one.
    pub fn parse(raw: &str, default_port: u16) -> Result<Destination, String> {
        let raw = raw.trim();
        if raw.is_empty() || raw.len() > MAX_LEN {
            return Err(format!("a destination is 1 to {MAX_LEN} characters"));
        }
        let (scheme_port, rest) = match raw.split_once("://") {
            Some((scheme, rest)) => (Some(scheme_port(&scheme.to_ascii_lowercase())?), rest),
            None => (None, raw),
        };
        let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
        // User info ends at the last `@`: what follows is the host the connection goes to.
        let authority = authority.rsplit_once('@').map_or(authority, |(_, host)| host);
        let (host, port) = split_port(authority)?;
        let port = match port {
            Some(p) => p,
            None => scheme_port.unwrap_or(default_port),
        };
        let (host, ip) = normalise_host(host)?;
        Ok(Destination { host, port, ip })
    }
}

fn scheme_port(scheme: &str) -> Result<u16, String> {
    match scheme {
        "http" | "ws" => Ok(80),
        "https" | "wss" => Ok(443),
        "ssh" => Ok(22),
        "ftp" => Ok(21),
        other => Err(format!("unknown URL scheme `{other}`; give host:port instead")),
    }
}

/// `host`, `host:port`, `[v6]`, `[v6]:port`, or a bare IPv6 address.
fn split_port(s: &str) -> Result<(&str, Option<u16>), String> {
    let port = |p: &str| p.parse::<u16>().map_err(|_| format!("`{p}` is not a port (0–65535)"));
    if let Some(rest) = s.strip_prefix('[') {
        let (host, after) = rest.split_once(']').ok_or("an IPv6 address in brackets lacks its `]`")?;
        return match after {
            "" => Ok((host, None)),
            _ => Ok((host, Some(port(after.strip_prefix(':').ok_or("expected `:port` after `]`")?)?))),
        };
    }
    if s.matches(':').count() > 1 {
        return Ok((s, None)); // a bare IPv6 address
    }
    match s.split_once(':') {
        Some((host, p)) => Ok((host, Some(port(p)?))),
        None => Ok((s, None)),
    }
}

/// Lower case, no trailing dot, punycode; an IP literal in its canonical text.
fn normalise_host(host: &str) -> Result<(String, Option<IpAddr>), String> {
    if let Ok(ip) = host.parse::<IpAddr>() {
        return Ok((ip.to_string(), Some(ip)));
    }
    let host = host.strip_suffix('.').unwrap_or(host);
    if host.is_empty() {
        return Err("the destination has no host".into());
    }
    let ascii = idna::domain_to_ascii(host).map_err(|_| format!("`{host}` is not a valid host name"))?;
    let valid_label = |l: &str| {
        !l.is_empty() && l.len() <= 63 && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    if ascii.is_empty() || ascii.len() > 253 || !ascii.split('.').all(valid_label) {
        return Err(format!("`{host}` is not a valid host name"));
    }
    Ok((ascii, None))
}

/// One rule, parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    /// The rule as written (named in decisions).
    pub text: String,
    host: HostPattern,
    port: Option<u16>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum HostPattern {
    Any,
    Exact(String),
    /// `*.suffix`: exactly one label before the suffix.
    OneLabel(String),
    /// `**.suffix`: one or more labels before the suffix.
    AnyDepth(String),
    Cidr(IpAddr, u8),
}

impl Rule {
    pub fn parse(text: &str) -> Result<Rule, String> {
        let bad = |why: &str| format!("egress rule `{text}`: {why}");
        if text.is_empty() || text.len() > MAX_LEN {
            return Err(bad(&format!("a rule is 1 to {MAX_LEN} characters")));
        }
        let lower = text.trim().to_ascii_lowercase();
        if lower == "*" {
            return Ok(Rule { text: text.into(), host: HostPattern::Any, port: None });
        }
        // A CIDR block (its `/` would read as a path).
        if let Some((addr, bits)) = lower.split_once('/') {
            let addr = addr.trim_start_matches('[').trim_end_matches(']');
            let ip: IpAddr = addr.parse().map_err(|_| bad("a CIDR block needs an IP address before `/`"))?;
            let max = if ip.is_ipv4() { 32 } else { 128 };
            let bits: u8 = bits.parse().ok().filter(|b| *b <= max).ok_or_else(|| bad("bad prefix length"))?;
            return Ok(Rule { text: text.into(), host: HostPattern::Cidr(ip, bits), port: None });
        }
        let (host, port) = split_port(&lower).map_err(|e| bad(&e))?;
        if let Ok(ip) = host.parse::<IpAddr>() {
            let bits = if ip.is_ipv4() { 32 } else { 128 };
            return Ok(Rule { text: text.into(), host: HostPattern::Cidr(ip, bits), port });
        }
        let suffix = |s: &str| -> Result<String, String> {
            if s.contains('*') {
                return Err(bad("`*` and `**` stand only for whole leading labels"));
            }
            normalise_host(s).map(|(h, _)| h).map_err(|e| bad(&e))
        };
        let pattern = if let Some(rest) = host.strip_prefix("**.") {
            HostPattern::AnyDepth(suffix(rest)?)
        } else if let Some(rest) = host.strip_prefix("*.") {
            HostPattern::OneLabel(suffix(rest)?)
        } else {
            HostPattern::Exact(suffix(host)?)
        };
        Ok(Rule { text: text.into(), host: pattern, port })
    }

    pub fn matches(&self, d: &Destination) -> bool {
        if self.port.is_some_and(|p| p != d.port) {
            return false;
        }
        match (&self.host, d.ip) {
            (HostPattern::Any, _) => true,
            (HostPattern::Cidr(net, bits), Some(ip)) => in_block(ip, *net, *bits),
            (HostPattern::Cidr(..), None) => false,
            (_, Some(_)) => false, // name rules never match an IP destination
            (HostPattern::Exact(h), None) => d.host == *h,
            (HostPattern::OneLabel(s), None) => {
                leading_labels(&d.host, s).is_some_and(|lead| !lead.is_empty() && !lead.contains('.'))
            }
            (HostPattern::AnyDepth(s), None) => leading_labels(&d.host, s).is_some_and(|lead| !lead.is_empty()),
        }
    }
}

/// What precedes `.suffix` in `host`, if `host` ends with it on a label boundary.
fn leading_labels<'a>(host: &'a str, suffix: &str) -> Option<&'a str> {
    host.strip_suffix(suffix)?.strip_suffix('.')
}

fn in_block(ip: IpAddr, net: IpAddr, bits: u8) -> bool {
    match (ip, net) {
        (IpAddr::V4(a), IpAddr::V4(n)) => {
            let mask = if bits == 0 { 0 } else { u32::MAX << (32 - u32::from(bits)) };
            u32::from(a) & mask == u32::from(n) & mask
        }
        (IpAddr::V6(a), IpAddr::V6(n)) => {
            let mask = if bits == 0 { 0 } else { u128::MAX << (128 - u32::from(bits)) };
            u128::from(a) & mask == u128::from(n) & mask
        }
        _ => false,
    }
}

/// A profile's egress rules, parsed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Rules {
    pub allow: Vec<Rule>,
    pub deny: Vec<Rule>,
}

/// What the rules say about one destination.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    pub allowed: bool,
    /// `deny:RULE`, `allow:RULE`, or `default:cloud` / `default:local` when no rule matched.
    pub rule: String,
}

impl Rules {
    pub fn parse(allow: &[String], deny: &[String]) -> Result<Rules, String> {
        if allow.len() > MAX_RULES || deny.len() > MAX_RULES {
            return Err(format!("at most {MAX_RULES} egress rules per list"));
        }
        let parse = |list: &[String]| list.iter().map(|r| Rule::parse(r)).collect::<Result<Vec<_>, _>>();
        Ok(Rules { allow: parse(allow)?, deny: parse(deny)? })
    }

    /// Deny rules first, then allow rules, then the default (`cloud`: deny, else allow).
    pub fn decide(&self, d: &Destination, cloud: bool) -> Verdict {
        if let Some(r) = self.deny.iter().find(|r| r.matches(d)) {
            return Verdict { allowed: false, rule: format!("deny:{}", r.text) };
        }
        if let Some(r) = self.allow.iter().find(|r| r.matches(d)) {
            return Verdict { allowed: true, rule: format!("allow:{}", r.text) };
        }
        match cloud {
            true => Verdict { allowed: false, rule: "default:cloud".into() },
            false => Verdict { allowed: true, rule: "default:local".into() },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (destination, rule, expected): the rule as the profile's only allow rule, for a cloud
    /// agent (so "no match" is a deny).
    const CASES: &[(&str, &str, bool)] = &[
        // Exact names.
        ("example.com", "example.com", true),
        ("EXAMPLE.COM", "example.com", true),
        ("example.com.", "example.com", true),
        ("example.com", "Example.COM.", true),
        ("https://example.com/path?q=1", "example.com", true),
        ("www.example.com", "example.com", false),
        ("evilexample.com", "example.com", false),
        ("example.com.evil.io", "example.com", false),
        ("example.co", "example.com", false),
        ("https://example.com@evil.io/", "example.com", false),
        ("https://user:pw@example.com/", "example.com", true),
        // One label.
        ("api.example.com", "*.example.com", true),
        ("a.b.example.com", "*.example.com", false),
        ("example.com", "*.example.com", false),
        ("api.example.com.evil.io", "*.example.com", false),
        ("apiexample.com", "*.example.com", false),
        ("API.Example.Com.", "*.example.com", true),
        // Any depth.
        ("a.b.c.example.com", "**.example.com", true),
        ("api.example.com", "**.example.com", true),
        ("example.com", "**.example.com", false),
        ("xexample.com", "**.example.com", false),
        ("example.com.attacker.net", "**.example.com", false),
        // International names: Unicode and its punycode are one host; a look-alike is not.
        ("bücher.example", "xn--bcher-kva.example", true),
        ("xn--bcher-kva.example", "bücher.example", true),
        ("BÜCHER.example", "bücher.example", true),
        ("xn--exmple-cua.com", "example.com", false), // `exämple.com`
        ("еxample.com", "example.com", false),        // Cyrillic `е`
        // Ports.
        ("example.com:443", "example.com:443", true),
        ("https://example.com", "example.com:443", true),
        ("http://example.com", "example.com:443", false),
        ("example.com:8443", "example.com:443", false),
        ("example.com:8443", "example.com", true),
        ("api.example.com:8443", "*.example.com:8443", true),
        // IP literals and blocks: names never match them, nor they names.
        ("10.1.2.3", "10.0.0.0/8", true),
        ("11.1.2.3", "10.0.0.0/8", false),
        ("10.0.0.1", "10.0.0.1", true),
        ("10.0.0.2", "10.0.0.1", false),
        ("http://10.0.0.1:8080/x", "10.0.0.1:8080", true),
        ("10.0.0.1:9090", "10.0.0.1:8080", false),
        ("[::1]:8080", "::1", true),
        ("::1", "[::1]", true),
        ("fd00::1", "fd00::/8", true),
        ("fe80::1", "fd00::/8", false),
        ("10.0.0.1", "example.com", false),
        ("169.254.169.254", "*", true),
        ("example.com", "10.0.0.0/8", false),
        ("1.2.3.4.nip.io", "1.2.3.4", false),
    ];

    #[test]
    fn the_rule_table() {
        assert!(CASES.len() >= 40);
        for (dest, rule, expected) in CASES {
            let d = Destination::parse(dest, 443).unwrap_or_else(|e| panic!("{dest}: {e}"));
            let rules = Rules::parse(&[(*rule).to_owned()], &[]).unwrap_or_else(|e| panic!("{rule}: {e}"));
            let v = rules.decide(&d, true);
            assert_eq!(v.allowed, *expected, "{dest} against {rule}: {v:?} ({d:?})");
            if *expected {
                assert_eq!(v.rule, format!("allow:{rule}"));
            } else {
                assert_eq!(v.rule, "default:cloud");
            }
        }
    }

    #[test]
    fn deny_wins_and_defaults_follow_the_kind() {
        let rules = Rules::parse(&["**.example.com".into()], &["secret.example.com".into()]).unwrap();
        let d = |s| Destination::parse(s, 443).unwrap();
        assert_eq!(rules.decide(&d("secret.example.com"), false).rule, "deny:secret.example.com");
        assert!(rules.decide(&d("api.example.com"), true).allowed);
        assert!(!rules.decide(&d("other.org"), true).allowed);
        assert_eq!(rules.decide(&d("other.org"), false), Verdict { allowed: true, rule: "default:local".into() });
    }

    #[test]
    fn bad_rules_and_destinations_are_refused() {
        for rule in ["ex*mple.com", "*.*.example.com", "10.0.0.0/33", "example.com:99999", "", "a..b"] {
            assert!(Rule::parse(rule).is_err(), "{rule}");
        }
        for dest in ["", "gopher://x", "example.com:http", "[::1", "exa mple.com", "."] {
            assert!(Destination::parse(dest, 443).is_err(), "{dest}");
        }
    }
}
