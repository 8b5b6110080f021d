//! Validation of names that users choose. Errors say what is wrong and what would be right.

/// A tenant or user name: 1–64 characters of letters, digits and `._@-`, and not shaped like a
/// credential (names are stored and logged verbatim, so a pasted key must not become one).
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
