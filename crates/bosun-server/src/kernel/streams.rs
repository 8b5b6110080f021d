//! Long-lived streams by the credential that opened them, so that revoking a key or
//! deregistering an agent ends its WebSockets, SSE streams and MCP sessions at once (the REST
//! side already answers 401 within the key cache's one-second re-check).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use bosun_core::KeyId;
use tokio_util::sync::CancellationToken;

struct Entry {
    key: Option<KeyId>,
    owner: Option<String>,
    token: CancellationToken,
}

#[derive(Default)]
pub struct Streams {
    next: AtomicU64,
    open: Mutex<HashMap<u64, Entry>>,
}

/// Registration of one stream; dropping it unregisters (the stream ended on its own).
pub struct Watch {
    id: u64,
    streams: Arc<Streams>,
}

impl Drop for Watch {
    fn drop(&mut self) {
        if self.streams.open.lock().unwrap_or_else(|e| e.into_inner()).remove(&self.id).is_some() {
            metrics::gauge!("bosun_open_streams").decrement(1.0);
        }
    }
}

impl Streams {
    pub fn watch(this: &Arc<Streams>, key: Option<KeyId>, owner: Option<String>, token: CancellationToken) -> Watch {
        let id = this.next.fetch_add(1, Ordering::Relaxed);
        this.open.lock().unwrap_or_else(|e| e.into_inner()).insert(id, Entry { key, owner, token });
        metrics::gauge!("bosun_open_streams").increment(1.0);
        Watch { id, streams: this.clone() }
    }

    pub fn len(&self) -> usize {
        self.open.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Cancel the matching streams and stop counting them (their watches may live on a little,
    /// e.g. an MCP session object until its transport drops it).
    fn end(&self, matches: impl Fn(&Entry) -> bool) {
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        open.retain(|_, entry| {
            if matches(entry) {
                entry.token.cancel();
                metrics::gauge!("bosun_open_streams").decrement(1.0);
                false
            } else {
                true
            }
        });
    }

    /// End every stream opened with this key.
    pub fn end_key(&self, key: KeyId) {
        self.end(|e| e.key == Some(key));
    }

    /// End every stream of this principal (a deregistered agent), whatever key it used.
    pub fn end_owner(&self, owner: &str) {
        self.end(|e| e.owner.as_deref() == Some(owner));
    }
}
