//! Starting and stopping a server: open the store, bootstrap on first start, serve HTTP until
//! told to stop, then finish in-flight requests and flush the writer.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use bosun_core::Clock;
use bosun_store::Store;
use bosun_store::postgres::{PgOptions, PgStore};
use bosun_store::sqlite::{SqliteOptions, SqliteStore};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::kernel::Kernel;

/// Where to listen and where the data lives (already validated by the caller).
#[derive(Clone, Debug)]
pub struct ServeConfig {
    pub bind: SocketAddr,
    pub data_dir: PathBuf,
    /// `sqlite://PATH` or `postgres://…`; `None` means `<data_dir>/bosun.db`.
    pub database_url: Option<String>,
    /// How often timers (lease expiry, retries, the reaper, lock expiry) run; `None` disables the
    /// background scheduler (tests that drive `Kernel::tick` with a manual clock).
    pub tick_every: Option<std::time::Duration>,
    /// Rate limits (the config file's `[rate_limits]` table).
    pub rate_limits: crate::limits::RateLimits,
    /// Writes each writer lane (liveness, work) queues before refusing with 503 `overloaded`.
    pub writer_queue: usize,
    /// Requests each edge lane (liveness, read, work) handles at once before refusing with 503
    /// `overloaded` (`admission`).
    pub max_in_flight: usize,
    /// Cedar policies for every tenant instead of the default set (the config's `policy_file`);
    /// refused at start when they do not fit the schema.
    pub policies: Option<String>,
    /// Profiles, cloud agent kinds and default profiles by kind (the config's `[governance]`).
    pub governance: crate::kernel::Governance,
    /// Run the alert engine (SPEC §5.7). Off only to measure what it costs.
    pub alerts: bool,
    /// How long the egress log, settled webhook deliveries and the usage ledger are kept.
    pub retention: crate::kernel::Retention,
    /// Mark the dashboard's session cookie `Secure` (Bosun is served over TLS by a proxy).
    pub secure_cookies: bool,
}

impl ServeConfig {
    /// Defaults for a bind address and data directory.
    pub fn new(bind: SocketAddr, data_dir: PathBuf) -> Self {
        Self {
            bind,
            data_dir,
            database_url: None,
            tick_every: Some(std::time::Duration::from_secs(1)),
            rate_limits: crate::limits::RateLimits::default(),
            writer_queue: bosun_store::DEFAULT_WRITER_QUEUE,
            max_in_flight: crate::admission::DEFAULT_MAX_IN_FLIGHT,
            policies: None,
            governance: crate::kernel::Governance::default(),
            alerts: true,
            retention: crate::kernel::Retention::default(),
            secure_cookies: false,
        }
    }
}

/// Why a server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("{0}")]
    Config(String),
    #[error("{0}")]
    Io(String),
    #[error("{0}")]
    Store(#[from] bosun_store::StoreError),
    #[error("bootstrap failed: {0}")]
    Kernel(#[from] crate::KernelError),
}

/// A running server.
pub struct Server {
    pub addr: SocketAddr,
    pub kernel: Arc<Kernel>,
    /// The admin key, on the first start only.
    pub admin_key: Option<String>,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<std::io::Result<()>>,
    /// The scheduler, webhook deliveries and the alert engine.
    background: Vec<JoinHandle<()>>,
}

/// Where a config's data lives.
#[derive(Clone, Debug, PartialEq)]
pub enum Database {
    /// An SQLite file.
    Sqlite(PathBuf),
    /// A PostgreSQL database, shared by any number of nodes.
    Postgres(String),
}

/// The database a config points at.
pub fn database(config: &ServeConfig) -> Result<Database, StartError> {
    match config.database_url.as_deref() {
        None => Ok(Database::Sqlite(config.data_dir.join("bosun.db"))),
        Some(url) => {
            if let Some(path) = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")) {
                Ok(Database::Sqlite(PathBuf::from(path)))
            } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
                Ok(Database::Postgres(url.to_owned()))
            } else {
                Err(StartError::Config(format!(
                    "database_url: `{}` is not sqlite://PATH or postgres://…",
                    bosun_core::redact::redact_text(url)
                )))
            }
        }
    }
}

/// The process-wide Prometheus recorder (metrics macros talk to one global recorder).
pub fn metrics_handle() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let latency = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5];
            let batches = [1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0, 512.0, 1024.0];
            let builder = PrometheusBuilder::new()
                .set_buckets_for_metric(
                    metrics_exporter_prometheus::Matcher::Full("bosun_http_request_duration_seconds".into()),
                    &latency,
                )
                .and_then(|b| {
                    b.set_buckets_for_metric(
                        metrics_exporter_prometheus::Matcher::Full("bosun_writer_batch_size".into()),
                        &batches,
                    )
                })
                .expect("static buckets are valid");
            let recorder = builder.build_recorder();
            let handle = recorder.handle();
            // Another recorder may be installed already (tests embedding several servers).
            let _ = metrics::set_global_recorder(recorder);
            handle
        })
        .clone()
}

impl Server {
    /// Open the store, bootstrap on first start, bind and start serving.
    pub async fn start(config: &ServeConfig, clock: Arc<dyn Clock>) -> Result<Server, StartError> {
        // Installed first, so that what is recorded while starting is kept.
        let metrics = metrics_handle();
        let database = database(config)?;
        let store: Arc<dyn Store> = match database.clone() {
            Database::Sqlite(db) => {
                if let Some(dir) = db.parent().filter(|d| !d.as_os_str().is_empty()) {
                    create_private_dir(dir)?;
                }
                create_private_file(&db)?;
                let options = SqliteOptions { writer_queue: config.writer_queue, ..SqliteOptions::default() };
                Arc::new(
                    tokio::task::spawn_blocking(move || SqliteStore::open(&db, &options))
                        .await
                        .map_err(|e| StartError::Io(e.to_string()))??,
                )
            }
            Database::Postgres(url) => {
                let options = PgOptions { writer_queue: config.writer_queue, ..PgOptions::default() };
                Arc::new(
                    tokio::task::spawn_blocking(move || PgStore::open(&url, &options))
                        .await
                        .map_err(|e| StartError::Io(e.to_string()))??,
                )
            }
        };
        create_private_dir(&config.data_dir)?;
        let secret = crate::auth::KeySecret::load_or_create(&config.data_dir.join("key.secret"))
            .map_err(|e| StartError::Io(format!("data_dir: {e}")))?;
        let mut kernel = Kernel::new(store, clock)
            .with_key_secret(secret)
            .with_rate_limits(&config.rate_limits)
            .with_retention(&config.retention)
            .with_cookie_policy(crate::web::CookiePolicy { secure: config.secure_cookies });
        if matches!(database, Database::Postgres(_)) {
            kernel = kernel.with_shared_store();
        }
        if let Some(text) = &config.policies {
            kernel = kernel.with_policies(text).map_err(|e| StartError::Config(format!("policy_file: {e}")))?;
        }
        kernel =
            kernel.with_governance(&config.governance).map_err(|e| StartError::Config(format!("governance: {e}")))?;
        let kernel = Arc::new(kernel);
        let mut background = Vec::new();
        if let Database::Postgres(url) = &database {
            background.push(kernel.spawn_follower(url.clone()).await?);
            kernel.spawn_leadership(url.clone()).await;
        }
        let admin_key = kernel.bootstrap().await?;
        if let Some(key) = &admin_key {
            write_secret(&config.data_dir.join("admin.key"), key)?;
        }
        let listener = tokio::net::TcpListener::bind(config.bind)
            .await
            .map_err(|e| StartError::Io(format!("bind: cannot listen on {}: {e}", config.bind)))?;
        let addr = listener.local_addr().map_err(|e| StartError::Io(e.to_string()))?;
        if let Some(every) = config.tick_every {
            background.push(kernel.spawn_scheduler(every));
            background.push(kernel.spawn_deliveries(every / 4));
        }
        if config.alerts {
            background.push(kernel.spawn_alerts());
        }
        background.push(kernel.spawn_overview_warmer());
        background.push(kernel.spawn_embedder(std::time::Duration::from_secs(30)));
        let app = crate::http::router(kernel.clone(), metrics, config.max_in_flight);
        let (stop, stopped) = oneshot::channel::<()>();
        // Small request/response exchanges (an MCP call is a POST answered by a short SSE stream
        // written in pieces) must not wait for the peer's delayed ACK: ~40 ms per call otherwise.
        let listener = axum::serve::ListenerExt::tap_io(listener, |tcp: &mut tokio::net::TcpStream| {
            if let Err(e) = tcp.set_nodelay(true) {
                tracing::warn!(error = %e, "could not set TCP_NODELAY");
            }
        });
        let task = tokio::spawn(async move {
            axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await
        });
        Ok(Server { addr, kernel, admin_key, stop: Some(stop), task, background })
    }

    /// Stop accepting, finish in-flight requests, flush the store.
    pub async fn shutdown(mut self) -> std::io::Result<()> {
        // End long-lived streams first (event subscribers, MCP sessions), or they hold the door.
        self.kernel.shutdown_token().cancel();
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let served = (&mut self.task).await.map_err(std::io::Error::other)?;
        for task in self.background.drain(..) {
            task.abort();
        }
        self.kernel.flush_auth_failures(true).await;
        let kernel = self.kernel.clone();
        tokio::task::spawn_blocking(move || kernel.shutdown_store()).await.map_err(std::io::Error::other)?;
        served
    }

    /// Base URL for clients, e.g. `http://127.0.0.1:7311`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

/// The data directory holds keys and the database: 0700, also when it already existed.
fn create_private_dir(dir: &Path) -> Result<(), StartError> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    let fail = |e: std::io::Error| StartError::Io(format!("data_dir: cannot create {}: {e}", dir.display()));
    builder.create(dir).map_err(fail)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).map_err(fail)?;
    }
    Ok(())
}

/// Create the database file 0600 before SQLite does (it would use the umask, often 0644); its
/// `-wal` and `-shm` files copy the database file's mode.
fn create_private_file(path: &Path) -> Result<(), StartError> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path).map_err(|e| StartError::Io(format!("cannot create {}: {e}", path.display())))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for suffix in ["", "-wal", "-shm"] {
            let file = std::path::PathBuf::from(format!("{}{suffix}", path.display()));
            if file.exists() {
                std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600))
                    .map_err(|e| StartError::Io(format!("cannot restrict {}: {e}", file.display())))?;
            }
        }
    }
    Ok(())
}

fn write_secret(path: &Path, secret: &str) -> Result<(), StartError> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(|e| StartError::Io(format!("cannot write {}: {e}", path.display())))?;
    file.write_all(format!("{secret}\n").as_bytes())
        .map_err(|e| StartError::Io(format!("cannot write {}: {e}", path.display())))
}
