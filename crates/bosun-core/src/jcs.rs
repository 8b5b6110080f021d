//! RFC 8785 JSON Canonicalization Scheme, via `serde_json_canonicalizer` (we do not hand-write
//! number formatting). Tested here on the RFC's own examples.

use serde::Serialize;
use serde_json::Value;

/// The canonical bytes of a value. Fails only for values JSON cannot hold (non-string map keys).
pub fn canonicalize<T: Serialize>(value: &T) -> Result<Vec<u8>, String> {
    serde_json_canonicalizer::to_vec(value).map_err(|e| e.to_string())
}

/// The canonical bytes of a JSON value, appended to `out`. Same output as [`canonicalize`]
/// (a property test holds it to that) without the general encoder's per-entry buffering; number
/// formatting, the subtle part of RFC 8785, is still the crate's, except for integers that a
/// double holds exactly, whose text is their decimal digits.
pub fn write_value(out: &mut Vec<u8>, value: &Value) -> Result<(), String> {
    match value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Value::Number(n) => {
            const EXACT: u64 = 1 << 53;
            match (n.as_u64(), n.as_i64()) {
                (Some(u), _) if u <= EXACT => out.extend_from_slice(u.to_string().as_bytes()),
                (_, Some(i)) if i.unsigned_abs() <= EXACT => out.extend_from_slice(i.to_string().as_bytes()),
                _ => out.extend(canonicalize(n)?),
            }
        }
        // serde_json escapes exactly the characters JCS escapes, the same way.
        Value::String(s) => serde_json::to_writer(&mut *out, s).map_err(|e| e.to_string())?,
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_value(out, item)?;
            }
            out.push(b']');
        }
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            // Property names sort by their UTF-16 code units.
            entries.sort_by(|a, b| a.0.encode_utf16().cmp(b.0.encode_utf16()));
            out.push(b'{');
            for (i, (k, v)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                serde_json::to_writer(&mut *out, k).map_err(|e| e.to_string())?;
                out.push(b':');
                write_value(out, v)?;
            }
            out.push(b'}');
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::canonicalize;
    use proptest::prelude::*;
    use serde_json::Value;

    fn jcs(input: &str) -> String {
        let v: Value = serde_json::from_str(input).unwrap();
        String::from_utf8(canonicalize(&v).unwrap()).unwrap()
    }

    /// RFC 8785 §3.2.2: whitespace, numbers, string escapes, literals.
    #[test]
    fn rfc8785_sample() {
        let input = r#"{
          "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
          "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
          "literals": [null, true, false]
        }"#;
        assert_eq!(
            jcs(input),
            r#"{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}"#
        );
    }

    /// RFC 8785 §3.2.3: property names sorted by UTF-16 code units.
    #[test]
    fn rfc8785_sorting() {
        let input = r#"{
          "\u20ac": "Euro Sign",
          "\r": "Carriage Return",
          "\ufb33": "Hebrew Letter Dalet With Dagesh",
          "1": "One",
          "\ud83d\ude00": "Emoji: Grinning Face",
          "\u0080": "Control",
          "\u00f6": "Latin Small Letter O With Diaeresis"
        }"#;
        let expected = "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u{80}\":\"Control\",\
            \"ö\":\"Latin Small Letter O With Diaeresis\",\"€\":\"Euro Sign\",\
            \"😀\":\"Emoji: Grinning Face\",\"\u{fb33}\":\"Hebrew Letter Dalet With Dagesh\"}";
        assert_eq!(jcs(input), expected);
    }

    /// RFC 8785 Appendix B: IEEE 754 values and their canonical text.
    #[test]
    fn rfc8785_numbers() {
        let table: [(u64, &str); 9] = [
            (0x0000000000000000, "0"),
            (0x8000000000000000, "0"),
            (0x0000000000000001, "5e-324"),
            (0x7fefffffffffffff, "1.7976931348623157e+308"),
            (0x4340000000000000, "9007199254740992"),
            (0xc340000000000000, "-9007199254740992"),
            (0x4430000000000000, "295147905179352830000"),
            (0x44b52d02c7e14af6, "1e+23"),
            (0x3eb0c6f7a0b5ed8d, "0.000001"),
        ];
        for (bits, text) in table {
            let v = serde_json::json!([f64::from_bits(bits)]);
            assert_eq!(String::from_utf8(canonicalize(&v).unwrap()).unwrap(), format!("[{text}]"), "{bits:#x}");
        }
    }

    fn arb_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            (-(1i64 << 54)..(1i64 << 54)).prop_map(Value::from),
            any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(Value::from),
            ".{0,12}".prop_map(Value::String),
            "[\\x00-\\x1f\"\\\\\u{7f}-\u{10ffff}]{0,6}".prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 48, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::btree_map("[a-zA-Z\u{80}-\u{10ffff}]{0,3}", inner, 0..6)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        /// The direct writer is byte-for-byte the general encoder.
        #[test]
        fn write_value_matches_the_general_encoder(v in arb_json()) {
            let mut out = Vec::new();
            super::write_value(&mut out, &v).unwrap();
            prop_assert_eq!(out, canonicalize(&v).unwrap());
        }

        /// Canonical form is a fixed point, and parses back to the same value.
        #[test]
        fn canonical_is_idempotent_and_lossless(v in arb_json()) {
            let once = canonicalize(&v).unwrap();
            let back: Value = serde_json::from_slice(&once).unwrap();
            prop_assert_eq!(canonicalize(&back).unwrap(), once);
        }

        /// Key order and whitespace in the input never change the canonical form.
        #[test]
        fn canonical_ignores_formatting(v in arb_json()) {
            let pretty = serde_json::to_string_pretty(&v).unwrap();
            let reparsed: Value = serde_json::from_str(&pretty).unwrap();
            prop_assert_eq!(canonicalize(&reparsed).unwrap(), canonicalize(&v).unwrap());
        }
    }
}
