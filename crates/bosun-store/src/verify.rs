//! Verify every tenant's audit chain in a store, page by page (memory stays bounded). The
//! checking itself is `bosun_core::audit::ChainVerifier`; this only feeds it.

use bosun_core::audit::ChainVerifier;

use crate::{Store, StoreError};

const PAGE: u32 = 50_000;

/// The result of verifying a whole store.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    Ok {
        events: u64,
        chains: usize,
    },
    /// The first failure: which tenant's chain, and why (naming the seq).
    Bad {
        chain: String,
        error: String,
    },
}

/// Verify every chain, calling `progress` with the running event count after each page.
pub fn verify_store(store: &dyn Store, progress: &mut dyn FnMut(u64)) -> Result<Verdict, StoreError> {
    let mut tenants = None;
    store.read_blocking(&mut |r| tenants = Some(r.audit_tenants()));
    let tenants = tenants.unwrap_or_else(|| Err(StoreError::Internal("read did not run".into())))?;
    let mut total = 0u64;
    for tenant in &tenants {
        let mut verifier = ChainVerifier::new();
        let mut after = 0u64;
        loop {
            let mut page = None;
            store.read_blocking(&mut |r| page = Some(r.audit_chain(tenant, after, PAGE)));
            let events = match page.unwrap_or_else(|| Err(StoreError::Internal("read did not run".into()))) {
                Ok(events) => events,
                Err(StoreError::Corrupt { seq, reason }) => {
                    return Ok(Verdict::Bad {
                        chain: tenant.clone(),
                        error: format!("seq {seq}: unreadable row ({reason})"),
                    });
                }
                Err(e) => return Err(e),
            };
            let Some(last) = events.last() else { break };
            after = last.seq;
            if let Err(e) = verifier.feed(&events) {
                return Ok(Verdict::Bad { chain: tenant.clone(), error: e.to_string() });
            }
            total += events.len() as u64;
            progress(total);
        }
    }
    Ok(Verdict::Ok { events: total, chains: tenants.len() })
}
