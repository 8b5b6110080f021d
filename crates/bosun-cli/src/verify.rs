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

#[derive(clap::Args)]
pub struct BackupArgs {
    /// The server's data directory (bosun.db and key.secret)
    #[arg(long, default_value = ".bosun", env = "BOSUN_DATA_DIR")]
    pub data_dir: std::path::PathBuf,
    /// A new directory for the copy
    #[arg(long)]
    pub out: std::path::PathBuf,
    /// One JSON line instead of text
    #[arg(long)]
    pub json: bool,
}

/// `bosun backup`: the database through SQLite's online backup API (consistent while the server
/// writes), the key secret beside it (without it no API key of the copy authenticates), then the
/// copy's audit chains verified.
pub fn backup(args: &BackupArgs) -> anyhow::Result<std::process::ExitCode> {
    let src = args.data_dir.join("bosun.db");
    anyhow::ensure!(src.exists(), "no database at {}", src.display());
    if args.out.exists() && std::fs::read_dir(&args.out)?.next().is_some() {
        anyhow::bail!("{} is not empty; back up into a new directory", args.out.display());
    }
    std::fs::create_dir_all(&args.out)?;
    let dest = args.out.join("bosun.db");
    let show = std::io::stderr().is_terminal() && !args.json;
    let started = Instant::now();
    let mut pages = 0;
    bosun_store::backup::backup(&src, &dest, &mut |done, total| {
        pages = total;
        if show {
            eprint!("\rcopied {done} of {total} pages…");
            let _ = std::io::stderr().flush();
        }
    })?;
    if show {
        eprint!("\r\x1b[K");
    }
    let secret = args.data_dir.join("key.secret");
    if secret.exists() {
        let to = args.out.join("key.secret");
        std::fs::copy(&secret, &to)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&to, std::fs::Permissions::from_mode(0o600))?;
        }
    }
    let bytes = std::fs::metadata(&dest)?.len();
    let verdict = database(&dest)?;
    let (ok, events, chains, error) = match &verdict {
        Verdict::Ok { events, chains } => (true, *events, *chains, None),
        Verdict::Bad { chain, error } => (false, 0, 0, Some(format!("{error} [chain {chain}]"))),
    };
    if args.json {
        let line = serde_json::json!({"out": args.out, "pages": pages, "bytes": bytes, "key_secret": secret.exists(),
            "verified": ok, "events": events, "chains": chains, "error": error,
            "seconds": started.elapsed().as_secs_f64()});
        crate::client::say!("{line}");
    } else if ok {
        crate::client::say!(
            "backed up {pages} pages ({:.1} MB) to {} in {:.1} s; audit chains verified: {events} events in {chains} chain(s)",
            bytes as f64 / 1e6,
            args.out.display(),
            started.elapsed().as_secs_f64()
        );
    } else {
        crate::client::say!("backup written, but its audit chain FAILED: {}", error.unwrap_or_default());
    }
    Ok(if ok { std::process::ExitCode::SUCCESS } else { std::process::ExitCode::FAILURE })
}
