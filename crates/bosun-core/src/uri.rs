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

/// Decode `%XX` escapes (the inverse of [`encode_component`]); `None` for a malformed escape or
/// bytes that are not UTF-8.
pub fn decode_component(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    #[test]
    fn reserved_characters_are_encoded() {
        assert_eq!(super::encode_component("src/**/a b.rs"), "src%2F%2A%2A%2Fa%20b.rs");
        assert_eq!(super::encode_component("plain-Name_1.x~"), "plain-Name_1.x~");
        assert_eq!(super::encode_component("é"), "%C3%A9");
        for s in ["src/**/a b.rs", "é", "plain", ""] {
            assert_eq!(super::decode_component(&super::encode_component(s)).as_deref(), Some(s));
        }
        assert_eq!(super::decode_component("%zz"), None);
        assert_eq!(super::decode_component("%4"), None);
    }
}
