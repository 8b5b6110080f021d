//! Percent-encoding of one URI component (a path segment or a query value), for the clients
//! that build REST URLs: the CLI and the MCP edge.

/// Encode everything but RFC 3986's unreserved characters.
pub fn encode_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn reserved_characters_are_encoded() {
        assert_eq!(super::encode_component("src/**/a b.rs"), "src%2F%2A%2A%2Fa%20b.rs");
        assert_eq!(super::encode_component("plain-Name_1.x~"), "plain-Name_1.x~");
        assert_eq!(super::encode_component("é"), "%C3%A9");
    }
}
