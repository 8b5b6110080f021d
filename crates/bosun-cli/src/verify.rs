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

#[derive(clap::Args)]
pub struct ExportArgs {
    /// sqlite://PATH or postgres://…
    #[arg(long, env = "BOSUN_DATABASE_URL")]
    pub database_url: String,
    /// The tenant's name or id
    #[arg(long)]
    pub tenant: String,
    /// A new file for the export (JSON lines)
    #[arg(long)]
    pub out: std::path::PathBuf,
    /// One JSON line instead of text
    #[arg(long)]
    pub json: bool,
}

#[derive(clap::Args)]
pub struct ImportArgs {
    /// sqlite://PATH or postgres://…
    #[arg(long, env = "BOSUN_DATABASE_URL")]
    pub database_url: String,
    /// A file written by `bosun export`
    pub file: std::path::PathBuf,
    /// One JSON line instead of text
    #[arg(long)]
    pub json: bool,
}

/// Rows moved, shown to a person as they go.
fn row_progress(what: &'static str) -> impl FnMut(u64) {
    let mut progress = Progress::new();
    move |n| {
        if progress.show && progress.last.elapsed().as_millis() >= 500 {
            progress.last = Instant::now();
            eprint!("\r{what} {n} rows…");
            let _ = std::io::stderr().flush();
        }
    }
}

/// `bosun export`: the tenant's rows, its chain verified first (an export of a broken chain would
/// carry the break to the next database).
pub fn export(args: &ExportArgs) -> anyhow::Result<std::process::ExitCode> {
    use bosun_store::transfer;
    let from = transfer::Endpoint::open(&args.database_url)?;
    let tenant = from.tenant_id(&args.tenant)?;
    let events = match transfer::verify(&from, &tenant)? {
        Ok(n) => n,
        Err(e) => anyhow::bail!("the tenant's audit chain does not verify ({e}); nothing exported"),
    };
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&args.out)
        .map_err(|e| anyhow::anyhow!("--out {}: {e}", args.out.display()))?;
    let mut out = std::io::BufWriter::new(file);
    let rows = transfer::export(&from, &tenant, &mut out, &mut row_progress("exported"))?;
    Progress::new().done();
    if args.json {
        crate::client::say!("{}", serde_json::json!({"tenant": tenant, "rows": rows, "audit_events": events}));
    } else {
        crate::client::say!("exported tenant {tenant}: {rows} rows, {events} audit events (chain verified)");
    }
    Ok(std::process::ExitCode::SUCCESS)
}

/// `bosun import`: add the tenant in one transaction, then verify its chain where it landed.
pub fn import(args: &ImportArgs) -> anyhow::Result<std::process::ExitCode> {
    use bosun_store::transfer;
    let into = transfer::Endpoint::open(&args.database_url)?;
    let file = std::fs::File::open(&args.file).map_err(|e| anyhow::anyhow!("{}: {e}", args.file.display()))?;
    let (tenant, rows) = transfer::import(&into, &mut std::io::BufReader::new(file), &mut row_progress("imported"))?;
    Progress::new().done();
    match transfer::verify(&into, &tenant)? {
        Ok(events) if args.json => {
            crate::client::say!("{}", serde_json::json!({"tenant": tenant, "rows": rows, "audit_events": events}));
        }
        Ok(events) => {
            crate::client::say!("imported tenant {tenant}: {rows} rows, {events} audit events (chain verified)")
        }
        Err(e) => {
            crate::client::say!("FAILED: imported, but the chain does not verify: {e}");
            return Ok(std::process::ExitCode::FAILURE);
        }
    }
    Ok(std::process::ExitCode::SUCCESS)
}
