//! `bosun audit verify`: recompute the chain offline from a database file or a JSONL export, or
//! from a running server's export. The checking itself is `bosun_core::audit::ChainVerifier`.

use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;
use std::time::Instant;

use bosun_core::audit::{ChainVerifier, VerifyError};
use bosun_store::sqlite::SqliteStore;

const BATCH: usize = 50_000;

pub use bosun_store::verify::Verdict;

/// Progress on stderr, only for a person watching.
struct Progress {
    started: Instant,
    last: Instant,
    show: bool,
}

impl Progress {
    fn new() -> Self {
        let now = Instant::now();
        Self { started: now, last: now, show: std::io::stderr().is_terminal() }
    }
    fn tick(&mut self, done: u64) {
        if self.show && self.last.elapsed().as_millis() >= 500 {
            self.last = Instant::now();
            let rate = done as f64 / self.started.elapsed().as_secs_f64().max(1e-9);
            eprint!("\rverified {done} events ({rate:.0}/s)…");
            let _ = std::io::stderr().flush();
        }
    }
    fn done(&self) {
        if self.show {
            eprint!("\r\x1b[K");
        }
    }
}

pub fn database(path: &Path) -> anyhow::Result<Verdict> {
    let store = SqliteStore::open_read_only(path)?;
    let mut progress = Progress::new();
    let verdict = bosun_store::verify::verify_store(&store, &mut |n| progress.tick(n))?;
    progress.done();
    Ok(verdict)
}

/// Verify JSONL lines from any reader (a file, stdin, an HTTP body).
pub fn lines(reader: impl BufRead, verifier: &mut ChainVerifier) -> anyhow::Result<Result<(), VerifyError>> {
    let mut batch = Vec::with_capacity(BATCH);
    let mut progress = Progress::new();
    for line in reader.lines() {
        batch.push(line?);
        if batch.len() == BATCH {
            if let Err(e) = verifier.feed_lines(&batch) {
                progress.done();
                return Ok(Err(e));
            }
            batch.clear();
            progress.tick(verifier.count());
        }
    }
    let result = verifier.feed_lines(&batch);
    progress.done();
    Ok(result)
}

pub fn file(path: &Path) -> anyhow::Result<Verdict> {
    let reader: Box<dyn BufRead> = if path.as_os_str() == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        let f = std::fs::File::open(path).map_err(|e| anyhow::anyhow!("cannot open {}: {e}", path.display()))?;
        Box::new(std::io::BufReader::with_capacity(1 << 20, f))
    };
    let mut verifier = ChainVerifier::new();
    Ok(match lines(reader, &mut verifier)? {
        Ok(()) => Verdict::Ok { events: verifier.count(), chains: 1 },
        Err(e) => Verdict::Bad { chain: path.display().to_string(), error: e.to_string() },
    })
}
