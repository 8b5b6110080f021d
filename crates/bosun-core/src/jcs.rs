//! RFC 8785 JSON Canonicalization Scheme, via `serde_json_canonicalizer` (we do not hand-write
//! number formatting). Tested here on the RFC's own examples.

use serde::Serialize;

/// The canonical bytes of a value. Fails only for values JSON cannot hold (non-string map keys).
pub fn canonicalize<T: Serialize>(value: &T) -> Result<Vec<u8>, String> {
    serde_json_canonicalizer::to_vec(value).map_err(|e| e.to_string())
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
            assert_eq!(
                String::from_utf8(canonicalize(&v).unwrap()).unwrap(),
                format!("[{text}]"),
                "{bits:#x}"
            );
        }
    }

    fn arb_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<f64>()
                .prop_filter("finite", |f| f.is_finite())
                .prop_map(Value::from),
            ".{0,12}".prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 48, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::btree_map(".{0,8}", inner, 0..6)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
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
