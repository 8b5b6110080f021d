//! `bosun serve` configuration: flag > environment > TOML file > default. A bad value is one
//! line naming the key, and exit code 2.

use std::net::SocketAddr;
use std::path::PathBuf;

use bosun_server::ServeConfig;
use serde::Deserialize;

/// The `serve` flags (clap fills them from flags, then from the environment).
#[derive(clap::Args, Debug, Default)]
pub struct ServeArgs {
    /// Address to listen on [default: 127.0.0.1:7311]
    #[arg(long, env = "BOSUN_BIND")]
    pub bind: Option<String>,
    /// Directory for the database and the admin key [default: ./.bosun]
    #[arg(long, env = "BOSUN_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// sqlite://PATH (default: <data-dir>/bosun.db) or postgres://…
    #[arg(long, env = "BOSUN_DATABASE_URL")]
    pub database_url: Option<String>,
    /// A TOML file with any of: bind, data_dir, database_url, log, writer_queue, max_in_flight, policy_file, secure_cookies, and [rate_limits], [governance] and [retention] tables
    #[arg(long, env = "BOSUN_CONFIG")]
    pub config: Option<PathBuf>,
    /// Log filter, e.g. info or bosun_server=debug [default: info]
    #[arg(long, env = "BOSUN_LOG")]
    pub log: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    bind: Option<String>,
    data_dir: Option<PathBuf>,
    database_url: Option<String>,
    log: Option<String>,
    /// Writes each writer lane queues before answering 503 `overloaded`.
    writer_queue: Option<usize>,
    /// Requests each edge lane handles at once before answering 503 `overloaded`.
    max_in_flight: Option<usize>,
    /// Cedar policies replacing the default set (docs/GOVERNANCE.md).
    policy_file: Option<PathBuf>,
    /// Mark the dashboard's session cookie `Secure` (Bosun is reached over TLS, through a proxy).
    secure_cookies: Option<bool>,
    #[serde(default)]
    rate_limits: bosun_server::limits::RateLimits,
    /// Profiles (`[[governance.profiles]]`), `cloud_kinds`, `kind_profiles` (docs/GOVERNANCE.md).
    #[serde(default)]
    governance: bosun_server::kernel::Governance,
    /// Days to keep the egress log, settled webhook deliveries and the usage ledger (0: forever).
    #[serde(default)]
    retention: bosun_server::kernel::Retention,
}

/// A configuration error: one line for the user.
#[derive(Debug)]
pub struct ConfigError(pub String);

pub struct Resolved {
    pub serve: ServeConfig,
    pub log: String,
}

pub fn resolve(args: ServeArgs) -> Result<Resolved, ConfigError> {
    let file = match &args.config {
        None => FileConfig::default(),
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| ConfigError(format!("config: cannot read {}: {e}", path.display())))?;
            toml::from_str(&text).map_err(|e| {
                let msg = e.message().lines().next().unwrap_or("invalid TOML").to_owned();
                ConfigError(format!("config: {}: {msg}", path.display()))
            })?
        }
    };
    let bind_text = args.bind.or(file.bind).unwrap_or_else(|| "127.0.0.1:7311".into());
    let bind: SocketAddr = bind_text.parse().map_err(|_| {
        ConfigError(format!(
            "bind: `{bind_text}` is not an address like 127.0.0.1:7311 (set by --bind, BOSUN_BIND or the config file)"
        ))
    })?;
    let data_dir = args.data_dir.or(file.data_dir).unwrap_or_else(|| PathBuf::from(".bosun"));
    if data_dir.as_os_str().is_empty() {
        return Err(ConfigError("data_dir: must not be empty".into()));
    }
    if file.writer_queue == Some(0) {
        return Err(ConfigError("writer_queue: must be at least 1".into()));
    }
    if file.max_in_flight == Some(0) {
        return Err(ConfigError("max_in_flight: must be at least 1".into()));
    }
    let policies = match &file.policy_file {
        None => None,
        Some(path) => Some(
            std::fs::read_to_string(path)
                .map_err(|e| ConfigError(format!("policy_file: cannot read {}: {e}", path.display())))?,
        ),
    };
    bosun_server::kernel::Profiles::new(&file.governance).map_err(|e| ConfigError(format!("governance: {e}")))?;
    let defaults = ServeConfig::new(bind, data_dir);
    let serve = ServeConfig {
        database_url: args.database_url.or(file.database_url),
        rate_limits: file.rate_limits,
        writer_queue: file.writer_queue.unwrap_or(defaults.writer_queue),
        max_in_flight: file.max_in_flight.unwrap_or(defaults.max_in_flight),
        policies,
        governance: file.governance,
        retention: file.retention,
        secure_cookies: file.secure_cookies.unwrap_or(false),
        ..defaults
    };
    bosun_server::serve::database(&serve).map_err(|e| ConfigError(e.to_string()))?;
    let log = args.log.or(file.log).unwrap_or_else(|| "info".into());
    tracing_subscriber::EnvFilter::try_new(&log)
        .map_err(|e| ConfigError(format!("log: `{log}` is not a log filter: {e}")))?;
    Ok(Resolved { serve, log })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(text: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bosun.toml");
        std::fs::write(&path, text).unwrap();
        (dir, path)
    }

    #[test]
    fn flag_beats_file_beats_default() {
        let (_d, path) = write("bind = \"127.0.0.1:9000\"\ndata_dir = \"/tmp/from-file\"\n");
        let r = resolve(ServeArgs { config: Some(path.clone()), ..Default::default() }).unwrap();
        assert_eq!(r.serve.bind.port(), 9000);
        assert_eq!(r.serve.data_dir, PathBuf::from("/tmp/from-file"));
        let r = resolve(ServeArgs { config: Some(path), bind: Some("127.0.0.1:9001".into()), ..Default::default() })
            .unwrap();
        assert_eq!(r.serve.bind.port(), 9001);
        let r = resolve(ServeArgs::default()).unwrap();
        assert_eq!(r.serve.bind.to_string(), "127.0.0.1:7311");
        assert_eq!(r.serve.data_dir, PathBuf::from(".bosun"));
    }

    #[test]
    fn retention_comes_from_the_file() {
        let (_d, path) = write("[retention]\negress_log_days = 7\n");
        let r = resolve(ServeArgs { config: Some(path), ..Default::default() }).unwrap();
        assert_eq!(
            r.serve.retention,
            bosun_server::kernel::Retention { egress_log_days: 7, ..Default::default() },
            "the rest keep their defaults"
        );
        let (_d, path) = write("[retention]\negress_days = 7\n");
        let err = resolve(ServeArgs { config: Some(path), ..Default::default() }).err().unwrap();
        assert!(err.0.contains("egress_days"), "an unknown key is named: {}", err.0);
    }

    #[test]
    fn secure_cookies_come_from_the_file() {
        let r = resolve(ServeArgs::default()).unwrap();
        assert!(!r.serve.secure_cookies, "off unless set: a loopback server has no TLS");
        let (_d, path) = write("secure_cookies = true\n");
        let r = resolve(ServeArgs { config: Some(path), ..Default::default() }).unwrap();
        assert!(r.serve.secure_cookies);
    }

    #[test]
    fn rate_limits_come_from_the_file() {
        let (_d, path) = write("[rate_limits]\nper_key = 5\nper_ip = 0\n");
        let r = resolve(ServeArgs { config: Some(path), ..Default::default() }).unwrap();
        assert_eq!((r.serve.rate_limits.per_key, r.serve.rate_limits.per_ip), (5, 0));
        assert_eq!(r.serve.rate_limits.per_key_burst, bosun_server::limits::RateLimits::default().per_key_burst);
        let (_d, path) = write("[rate_limits]\nper_kye = 5\n");
        let err = resolve(ServeArgs { config: Some(path), ..Default::default() }).err().unwrap();
        assert!(err.0.contains("unknown field `per_kye`"), "{}", err.0);
    }

    #[test]
    fn queue_bounds_come_from_the_file_and_are_never_zero() {
        let r = resolve(ServeArgs::default()).unwrap();
        assert_eq!(r.serve.writer_queue, bosun_store::DEFAULT_WRITER_QUEUE);
        let (_d, path) = write("writer_queue = 64\n");
        assert_eq!(resolve(ServeArgs { config: Some(path), ..Default::default() }).unwrap().serve.writer_queue, 64);
        let (_d, path) = write("writer_queue = 0\n");
        let err = resolve(ServeArgs { config: Some(path), ..Default::default() }).err().unwrap();
        assert!(err.0.starts_with("writer_queue:"), "{}", err.0);
        let (_d, path) = write("max_in_flight = 0\n");
        let err = resolve(ServeArgs { config: Some(path), ..Default::default() }).err().unwrap();
        assert!(err.0.starts_with("max_in_flight:"), "{}", err.0);
    }

    #[test]
    fn a_policy_file_is_read_or_named_in_the_error() {
        let dir = tempfile::tempdir().unwrap();
        let policies = dir.path().join("p.cedar");
        std::fs::write(&policies, "// nothing permitted\n").unwrap();
        let (_d, path) = write(&format!("policy_file = {:?}\n", policies.display().to_string()));
        let r = resolve(ServeArgs { config: Some(path), ..Default::default() }).unwrap();
        assert_eq!(r.serve.policies.as_deref(), Some("// nothing permitted\n"));
        let (_d, path) = write("policy_file = \"/nonexistent/p.cedar\"\n");
        let err = resolve(ServeArgs { config: Some(path), ..Default::default() }).err().unwrap();
        assert!(err.0.starts_with("policy_file: cannot read /nonexistent/p.cedar"), "{}", err.0);
    }

    #[test]
    fn governance_profiles_are_read_and_checked() {
        let (_d, path) = write(
            "[governance]\ncloud_kinds = [\"cloud\"]\nkind_profiles = { codex = \"trusted\" }\n\
             [[governance.profiles]]\nname = \"reviewer\"\ntrust_level = 2\nblocked_operations = [\"task.claimed\"]\n\
             limits = { max_leases = 0, max_locks = 4, max_paths_per_lock = 4, max_pattern_wildcards = 1 }\n\
             egress = { allow = [\"**.github.com\"] }\n",
        );
        let r = resolve(ServeArgs { config: Some(path), ..Default::default() }).unwrap();
        let profiles = bosun_server::kernel::Profiles::new(&r.serve.governance).unwrap();
        let reviewer = profiles.get("reviewer").unwrap();
        assert!(!reviewer.profile.allows("task.claimed"));
        assert_eq!(profiles.default_for("codex"), "trusted");
        assert!(profiles.is_cloud("cloud") && !profiles.is_cloud("devin"), "the configured list replaces the default");
        let (_d, path) = write(
            "[[governance.profiles]]\nname = \"x\"\ntrust_level = 9\nlimits = { max_leases = 0, max_locks = 0, max_paths_per_lock = 0, max_pattern_wildcards = 0 }\n",
        );
        let err = resolve(ServeArgs { config: Some(path), ..Default::default() }).err().unwrap();
        assert!(err.0.starts_with("governance: profile `x`: trust_level"), "{}", err.0);
        let (_d, path) = write("[governance]\nkind_profiles = { codex = \"nope\" }\n");
        let err = resolve(ServeArgs { config: Some(path), ..Default::default() }).err().unwrap();
        assert!(err.0.contains("unknown profile `nope`"), "{}", err.0);
    }

    #[test]
    fn bad_values_name_their_key() {
        let err = resolve(ServeArgs { bind: Some("nowhere".into()), ..Default::default() }).err().unwrap();
        assert!(err.0.starts_with("bind: `nowhere`"), "{}", err.0);
        let (_d, path) = write("bnid = \"x\"\n");
        let err = resolve(ServeArgs { config: Some(path), ..Default::default() }).err().unwrap();
        assert!(err.0.contains("unknown field `bnid`"), "{}", err.0);
        let err = resolve(ServeArgs { database_url: Some("mysql://x".into()), ..Default::default() }).err().unwrap();
        assert!(err.0.starts_with("database_url:"), "{}", err.0);
        let err = resolve(ServeArgs { log: Some("[[".into()), ..Default::default() }).err().unwrap();
        assert!(err.0.starts_with("log:"), "{}", err.0);
    }
}
