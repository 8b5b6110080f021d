//! Validation of names that users choose. Errors say what is wrong and what would be right.

/// A tenant or user name: 1–64 characters of letters, digits and `._@-`, and not shaped like a
/// credential (names are stored and logged verbatim, so a pasted key must not become one).
/// An id a person chooses for a configured item (a budget, an alert rule): 1 to 64 of a-z, 0-9,
/// `-` and `_`. `what` names it in the error ("budget id").
pub fn slug(what: &str, id: &str) -> Result<(), String> {
    let ok = !id.is_empty()
        && id.len() <= 64
        && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
    if ok { Ok(()) } else { Err(format!("{what} `{id}` must be 1 to 64 of a-z, 0-9, - and _")) }
}

pub fn name(field: &str, value: &str) -> Result<(), String> {
    if crate::redact::redact_text(value) != value {
        return Err(format!("`{field}` looks like a credential; choose a name that is not a secret"));
    }
    if value.is_empty() || value.len() > 64 {
        return Err(format!("`{field}` must be 1 to 64 characters long"));
    }
    if !value.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '@' | '-')) {
        return Err(format!("`{field}` may contain only letters, digits and . _ @ -"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn names() {
        assert!(super::name("name", "alice.smith@example-1").is_ok());
        for bad in ["", "has space", "semi;colon", &"x".repeat(65), "AKIAIOSFODNN7EXAMPLE"] {
            assert!(super::name("name", bad).is_err(), "{bad:?}");
        }
    }
}

/// A page size, 1 to [`PageLimit::MAX`]: parsed at the edge, so no page can be unbounded and the
/// bound is written once.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct PageLimit(u32);

impl PageLimit {
    pub const MAX: u32 = 500;

    /// The given size, or `default` when none was given.
    pub fn or(given: Option<PageLimit>, default: u32) -> PageLimit {
        given.unwrap_or(PageLimit(default.clamp(1, Self::MAX)))
    }

    pub fn get(self) -> u32 {
        self.0
    }
}

impl TryFrom<u32> for PageLimit {
    type Error = String;
    fn try_from(n: u32) -> Result<Self, String> {
        if (1..=Self::MAX).contains(&n) {
            Ok(PageLimit(n))
        } else {
            Err(format!("`limit` must be between 1 and {}", Self::MAX))
        }
    }
}

impl From<PageLimit> for u32 {
    fn from(l: PageLimit) -> u32 {
        l.0
    }
}

/// How long a long poll (a claim, an inbox fetch) may wait: 0 to [`WaitSeconds::MAX`] seconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct WaitSeconds(u32);

impl WaitSeconds {
    pub const MAX: u32 = 60;

    pub fn duration(self) -> std::time::Duration {
        std::time::Duration::from_secs(u64::from(self.0))
    }
}

impl TryFrom<u32> for WaitSeconds {
    type Error = String;
    fn try_from(n: u32) -> Result<Self, String> {
        if n <= Self::MAX { Ok(WaitSeconds(n)) } else { Err(format!("`wait_seconds` must be at most {}", Self::MAX)) }
    }
}

impl From<WaitSeconds> for u32 {
    fn from(w: WaitSeconds) -> u32 {
        w.0
    }
}

#[cfg(test)]
mod bounds {
    use super::*;

    #[test]
    fn bounded_numbers_refuse_out_of_range_values_with_the_rule() {
        assert_eq!(PageLimit::try_from(0).unwrap_err(), "`limit` must be between 1 and 500");
        assert_eq!(PageLimit::try_from(500).unwrap().get(), 500);
        assert!(serde_json::from_str::<PageLimit>("501").unwrap_err().to_string().contains("between 1 and 500"));
        assert_eq!(PageLimit::or(None, 100).get(), 100);
        assert!(WaitSeconds::try_from(61).is_err());
        assert_eq!(WaitSeconds::try_from(60).unwrap().duration(), std::time::Duration::from_secs(60));
    }
}
