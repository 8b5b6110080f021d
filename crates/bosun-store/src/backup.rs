//! A consistent copy of a live SQLite database, with SQLite's online backup API: pages are copied
//! in steps (so progress can be shown); a write by the server between steps makes SQLite start
//! over, so after a few restarts the rest is copied in one step, inside one read transaction.

use std::path::Path;

use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags};

use crate::{Result, StoreError};

/// Pages per step while progress can still be shown.
const STEP: std::ffi::c_int = 1024;
/// Restarts (the source changed between steps) before copying the rest in one step.
const RESTARTS: u32 = 3;

fn err(e: rusqlite::Error) -> StoreError {
    StoreError::Unavailable(format!("backup: {e}"))
}

/// Copy the database at `src` to `dest` (which must not exist), calling `progress(copied,
/// total)` in pages. The copy is checked (`PRAGMA integrity_check`) before it is kept.
pub fn backup(src: &Path, dest: &Path, progress: &mut dyn FnMut(u64, u64)) -> Result<()> {
    if dest.exists() {
        return Err(StoreError::Invalid(format!("{} exists already; back up to a new file", dest.display())));
    }
    let source = Connection::open_with_flags(src, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .map_err(err)?;
    source.busy_timeout(std::time::Duration::from_secs(5)).map_err(err)?;
    let mut target = Connection::open(dest).map_err(err)?;
    {
        let copy = Backup::new(&source, &mut target).map_err(err)?;
        let (mut restarts, mut last_remaining) = (0, i64::MAX);
        loop {
            let step = if restarts >= RESTARTS { -1 } else { STEP };
            match copy.step(step).map_err(err)? {
                StepResult::Done => break,
                StepResult::More | StepResult::Busy | StepResult::Locked => {}
                _ => {}
            }
            let p = copy.progress();
            let (remaining, total) = (i64::from(p.remaining), i64::from(p.pagecount));
            if remaining > last_remaining {
                restarts += 1;
            }
            last_remaining = remaining;
            progress((total - remaining).max(0) as u64, total.max(0) as u64);
        }
        let p = copy.progress();
        progress(p.pagecount.max(0) as u64, p.pagecount.max(0) as u64);
    }
    let ok: String = target.query_row("PRAGMA integrity_check", [], |r| r.get(0)).map_err(err)?;
    if ok != "ok" {
        drop(target);
        let _ = std::fs::remove_file(dest);
        return Err(StoreError::Unavailable(format!("backup: the copy fails its integrity check: {ok}")));
    }
    Ok(())
}
