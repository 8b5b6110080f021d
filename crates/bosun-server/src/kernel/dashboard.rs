//! People in a browser: passwords (argon2id) and sessions for the dashboard.
//!
//! A session cookie is `<tenant>.<session id>.<secret>`: the tenant and id find the row, the
//! secret is checked against its HMAC under the key secret (the database never holds it), and the
//! row says whose session it is, until when, and whether it was ended. Every form and script
//! request of a session carries its CSRF token. Starting and ending a session, and setting a
//! password, are commands like any other: audited, decided by the policies.

use bosun_core::audit::Severity;
use bosun_core::{Action, TenantId, Timestamp, UserId};
use bosun_store::WebSession;
use serde_json::json;

use std::sync::Arc;

use super::{Applied, Caller, Command, Kernel, KernelError, Outcome, Principal, RequestCtx, Tx};

/// How long a session lasts after login.
pub const SESSION_HOURS: i64 = 12;
/// Passwords: at least this long (a passphrase), and bounded (argon2 hashes every byte).
pub const PASSWORD_MIN: usize = 12;
pub const PASSWORD_MAX: usize = 256;

/// Check a new password's length; the hash is made off the executor.
pub fn validate_password(password: &str) -> Result<(), KernelError> {
    let n = password.chars().count();
    if !(PASSWORD_MIN..=PASSWORD_MAX).contains(&n) {
        return Err(KernelError::Validation(format!(
            "`password` must be {PASSWORD_MIN} to {PASSWORD_MAX} characters (a passphrase of a few words is good)"
        )));
    }
    Ok(())
}

/// An argon2id PHC string of `password` (one at a time, off the executor: `auth::argon2`).
async fn hash_password(password: String) -> Result<String, KernelError> {
    use argon2::password_hash::PasswordHasher;
    crate::auth::argon2(move |a| a.hash_password(password.as_bytes()).map(|h| h.to_string()))
        .await?
        .map_err(|e| KernelError::Internal(format!("hashing a password: {e}")))
}

/// A hash to verify against when the user does not exist or has no password, so that the answer
/// takes as long either way.
async fn decoy() -> Result<String, KernelError> {
    static DECOY: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    DECOY.get_or_try_init(|| hash_password("not a password of anyone".into())).await.cloned()
}

pub(super) fn set_password(tx: &mut Tx<'_>, user_id: UserId, hash: Option<String>) -> Result<Applied, KernelError> {
    let tenant = tx.caller.tenant;
    let user =
        tx.w.user(tenant, user_id)?.ok_or_else(|| KernelError::NotFound(format!("no user with id {user_id}")))?;
    tx.w.set_password_hash(tenant, user_id, hash.as_deref())?;
    // The sessions of a user whose password changed end: whoever knew the old one is out.
    let mut ended = 0;
    for s in tx.w.web_sessions(tenant, user_id, 1000)? {
        if s.revoked_at.is_none() && s.expires_at > tx.now && tx.w.revoke_web_session(tenant, &s.id, tx.now)? {
            ended += 1;
        }
    }
    let set = hash.is_some();
    let details = json!({ "user": user.name, "set": set, "sessions_ended": ended });
    Ok(Applied::new(
        Action::UserPasswordSet,
        Outcome::PasswordSet { user, set },
        ("user", user_id.to_string()),
        details,
    )
    .severity(Severity::Notice))
}

/// How long a one-time sign-in link is good for.
pub const LINK_HOURS: i64 = 24;

/// A digest of a user's password hash (or of its absence): a sign-in link is made under it, so
/// the link is void once the password changes — which using the link does.
fn password_fingerprint(hash: Option<&str>) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(hash.unwrap_or("no password").as_bytes());
    bosun_core::audit::encode_hex(&digest)
}

pub(super) fn issue_link(tx: &mut Tx<'_>, user_id: UserId) -> Result<Applied, KernelError> {
    let tenant = tx.caller.tenant;
    let user =
        tx.w.user(tenant, user_id)?.ok_or_else(|| KernelError::NotFound(format!("no user with id {user_id}")))?;
    let fingerprint = password_fingerprint(tx.w.password_hash(tenant, user_id)?.as_deref());
    let expires_at = tx.now + jiff::SignedDuration::from_hours(LINK_HOURS);
    let details = json!({ "user": user.name, "expires_at": bosun_core::clock::format_micros(expires_at) });
    Ok(Applied::new(
        Action::UserLinkIssued,
        Outcome::LinkIssued { user, fingerprint, expires_at },
        ("user", user_id.to_string()),
        details,
    )
    .severity(Severity::Notice))
}

pub(super) fn start_session(tx: &mut Tx<'_>, session: WebSession) -> Result<Applied, KernelError> {
    let Principal::User { id, .. } = &tx.caller.principal else {
        return Err(KernelError::Forbidden("only users sign in to the dashboard".into()));
    };
    if session.user_id != *id || session.tenant_id != tx.caller.tenant {
        return Err(KernelError::Forbidden("a session is started by its own user".into()));
    }
    tx.w.insert_web_session(&session)?;
    let details = json!({ "expires_at": bosun_core::clock::format_micros(session.expires_at) });
    let target = ("session", session.id.clone());
    Ok(Applied::new(Action::SessionStart, Outcome::Session(session), target, details))
}

pub(super) fn end_session(tx: &mut Tx<'_>, id: &str) -> Result<Applied, KernelError> {
    let tenant = tx.caller.tenant;
    let session = tx.w.web_session(tenant, id)?.ok_or_else(|| KernelError::NotFound(format!("no session {id}")))?;
    let own = matches!(&tx.caller.principal, Principal::User { id, .. } if *id == session.user_id);
    if !own && tx.caller.role() < bosun_core::Role::Admin {
        return Err(KernelError::Forbidden("a session is ended by its user or a tenant admin".into()));
    }
    if !tx.w.revoke_web_session(tenant, id, tx.now)? {
        return Err(KernelError::Conflict(format!("session {id} has ended already")));
    }
    let ended = WebSession { revoked_at: Some(tx.now), ..session };
    let details = json!({ "user_id": ended.user_id, "by_owner": own });
    Ok(Applied::new(Action::SessionEnd, Outcome::Session(ended), ("session", id.to_owned()), details))
}

/// A session found from its cookie: who it is, and the session (for its CSRF token).
#[derive(Clone, Debug)]
pub struct Signed {
    pub caller: Caller,
    pub session: WebSession,
    /// The tenant's name, read with the session (pages show it).
    pub tenant_name: String,
}

fn link_message(tenant: TenantId, user: UserId, expiry: i64, fingerprint: &str) -> String {
    format!("sign-in link|{tenant}|{user}|{expiry}|{fingerprint}")
}

/// A new session's cookie value, shown once.
pub struct Login {
    pub cookie: String,
    pub signed: Signed,
}

fn random_token() -> Result<String, KernelError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| KernelError::Internal(format!("randomness: {e}")))?;
    Ok(bosun_core::audit::encode_hex(&bytes))
}

/// A user signed in with a password acts as that user, without a key.
fn user_caller(tenant: &bosun_core::model::Tenant, user: &bosun_core::model::User) -> Caller {
    Caller {
        tenant: tenant.id,
        system_tenant: tenant.system,
        principal: Principal::User { id: user.id, name: user.name.clone(), role: user.role },
        enrolment: false,
        key: None,
    }
}

impl Kernel {
    /// Set a user's password (admins: anyone of the tenant; users: their own). Ends the user's
    /// sessions.
    pub async fn set_password(
        &self,
        caller: &Caller,
        ctx: &RequestCtx,
        user_id: UserId,
        password: Option<String>,
    ) -> Result<super::Answer, KernelError> {
        let hash = match password {
            Some(p) => {
                validate_password(&p)?;
                Some(hash_password(p).await?)
            }
            None => None,
        };
        self.execute(caller, ctx, Command::SetPassword { user_id, hash }).await
    }

    /// Sign a user in: the tenant's and user's names and the password; a new session. Failures
    /// are counted like failed API keys (throttled per address, audited in windows, seen by
    /// the alert rules) and say only "wrong name or password".
    pub async fn login(
        &self,
        ctx: &RequestCtx,
        tenant: &str,
        user: &str,
        password: &str,
    ) -> Result<Login, KernelError> {
        let (tenant_name, user_name) = (tenant.to_owned(), user.to_owned());
        let found = self
            .store
            .read(move |r| {
                let Some(t) = r.tenant_by_name(&tenant_name)? else { return Ok(None) };
                let Some(u) = r.user_by_name(t.id, &user_name)? else { return Ok(Some((t, None, None))) };
                let hash = r.password_hash(t.id, u.id)?;
                Ok(Some((t, Some(u), hash)))
            })
            .await?;
        let hash = match found.as_ref().and_then(|(_, _, h)| h.clone()) {
            Some(h) => h,
            None => decoy().await?,
        };
        let verified = crate::auth::verify_argon2(hash, password.to_owned()).await?;
        let (Some((tenant, Some(user), Some(_))), true) = (found.clone(), verified) else {
            let tenant_id = found.map(|(t, _, _)| t.id);
            return Err(self.login_failed(ctx, tenant_id).await);
        };
        self.start_session(ctx, tenant, user).await
    }

    /// A new session for a user whose credential was just checked (a password, a sign-in link).
    async fn start_session(
        &self,
        ctx: &RequestCtx,
        tenant: bosun_core::model::Tenant,
        user: bosun_core::model::User,
    ) -> Result<Login, KernelError> {
        let caller = user_caller(&tenant, &user);
        let (id, secret, csrf) = (bosun_core::ids::next_ulid().to_string(), random_token()?, random_token()?);
        let now = self.clock.now();
        let session = WebSession {
            tenant_id: tenant.id,
            id: id.clone(),
            user_id: user.id,
            secret_hash: self.key_secret.hash(&secret),
            csrf,
            created_at: now,
            expires_at: now + jiff::SignedDuration::from_hours(SESSION_HOURS),
            revoked_at: None,
            ip: ctx.ip.clone(),
            user_agent: ctx.user_agent.clone(),
        };
        self.execute(&caller, ctx, Command::StartSession(Box::new(session.clone()))).await?;
        Ok(Login {
            cookie: format!("{}.{id}.{secret}", tenant.id),
            signed: Signed { caller, session, tenant_name: tenant.name },
        })
    }

    async fn login_failed(&self, ctx: &RequestCtx, tenant: Option<TenantId>) -> KernelError {
        // Counted like a wrong API key (an unknown tenant's on the system tenant).
        let failure = crate::auth::AuthFailure { tenant, key_id: None, reason: "wrong name or password" };
        self.auth_failed(ctx, failure, None).await
    }

    /// The session a cookie names, if it is in force.
    pub async fn session(&self, cookie: &str) -> Result<Signed, KernelError> {
        let refused = || KernelError::Unauthenticated("no session: sign in".into());
        let mut parts = cookie.splitn(3, '.');
        let (Some(tenant), Some(id), Some(secret)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(refused());
        };
        let tenant = TenantId::parse(tenant).ok_or_else(refused)?;
        let id = id.to_owned();
        let found = self
            .store
            .read(move |r| {
                let Some(s) = r.web_session(tenant, &id)? else { return Ok(None) };
                let Some(t) = r.tenant(tenant)? else { return Ok(None) };
                let u = r.user(tenant, s.user_id)?;
                Ok(Some((s, t, u)))
            })
            .await?;
        let Some((session, tenant, Some(user))) = found else { return Err(refused()) };
        let now: Timestamp = self.clock.now();
        if session.revoked_at.is_some()
            || session.expires_at <= now
            || !self.key_secret.matches(secret, &session.secret_hash)
        {
            return Err(refused());
        }
        Ok(Signed { caller: user_caller(&tenant, &user), session, tenant_name: tenant.name })
    }

    /// Sign out: end the caller's session.
    pub async fn logout(&self, signed: &Signed, ctx: &RequestCtx) -> Result<(), KernelError> {
        self.execute(&signed.caller, ctx, Command::EndSession { id: signed.session.id.clone() }).await?;
        Ok(())
    }

    /// Issue a one-time sign-in link for a user of the caller's tenant (admins): the path of the
    /// page that sets the user's password and signs them in, and when it expires. The link is
    /// `<tenant>.<user>.<expiry>.<mac>`, the MAC under the key secret over those and the user's
    /// password fingerprint: nothing is stored, and the link is void once the password changes
    /// (which using it does) or it expires. Issuing is audited, never the link.
    pub async fn issue_link(
        &self,
        caller: &Caller,
        ctx: &RequestCtx,
        user_id: UserId,
    ) -> Result<(bosun_core::model::User, String, Timestamp), KernelError> {
        let answer = self.execute(caller, ctx, Command::IssueSignInLink { user_id }).await?;
        let super::Answer::Fresh(Outcome::LinkIssued { user, fingerprint, expires_at }) = &answer else {
            // A replayed request (the same Idempotency-Key) never carries a link: it is shown once.
            return Err(KernelError::Conflict("this request issued its link already; issue a new one".into()));
        };
        let expiry = expires_at.as_second();
        let mac = self.key_secret.hash(&link_message(caller.tenant, user.id, expiry, fingerprint));
        let link = format!("{}.{}.{expiry}.{mac}", caller.tenant, user.id);
        Ok((user.clone(), link, *expires_at))
    }

    /// Use a sign-in link: set the user's password (as the user, which voids the link) and start
    /// a session. A bad or used link is counted like a wrong password.
    pub async fn redeem_link(&self, ctx: &RequestCtx, link: &str, password: &str) -> Result<Login, KernelError> {
        validate_password(password)?;
        let void = || KernelError::Unauthenticated("this sign-in link is not valid (used, expired or replaced)".into());
        let mut parts = link.splitn(4, '.');
        let (Some(tenant), Some(user), Some(expiry), Some(mac)) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(self.login_failed(ctx, None).await);
        };
        let (Some(tenant_id), Some(user_id), Ok(expiry)) =
            (TenantId::parse(tenant), UserId::parse(user), expiry.parse::<i64>())
        else {
            return Err(self.login_failed(ctx, None).await);
        };
        let found = self
            .store
            .read(move |r| {
                let Some(t) = r.tenant(tenant_id)? else { return Ok(None) };
                let Some(u) = r.user(tenant_id, user_id)? else { return Ok(None) };
                let hash = r.password_hash(tenant_id, user_id)?;
                Ok(Some((t, u, hash)))
            })
            .await?;
        let Some((tenant, user, hash)) = found else { return Err(self.login_failed(ctx, Some(tenant_id)).await) };
        let message = link_message(tenant.id, user.id, expiry, &password_fingerprint(hash.as_deref()));
        let in_time = self.clock.now().as_second() < expiry;
        if !in_time || !self.key_secret.matches(&message, mac) {
            self.login_failed(ctx, Some(tenant.id)).await;
            return Err(void());
        }
        // The password is hashed once and the session started at once: signing in with it would
        // verify the hash just made (another argon2 run).
        let caller = user_caller(&tenant, &user);
        self.set_password(&caller, ctx, user.id, Some(password.to_owned())).await?;
        self.start_session(ctx, tenant, user).await
    }

    /// A user's sessions, newest first (at most 50): the caller's own, or (tenant admins) any
    /// user's of the tenant; with the user's name.
    pub async fn sessions_of(
        &self,
        caller: &Caller,
        user: Option<UserId>,
    ) -> Result<(Vec<WebSession>, String), KernelError> {
        let Principal::User { id: me, .. } = &caller.principal else {
            return Err(KernelError::Forbidden("sessions are users'".into()));
        };
        let id = user.unwrap_or(*me);
        if id != *me && caller.role() < bosun_core::Role::Admin {
            return Err(KernelError::Forbidden("a tenant admin reads other users' sessions".into()));
        }
        let tenant = caller.tenant;
        let found = self
            .store
            .read(move |r| {
                let Some(u) = r.user(tenant, id)? else { return Ok(None) };
                Ok(Some((r.web_sessions(tenant, id, 50)?, u.name)))
            })
            .await?;
        let (sessions, name) = found.ok_or_else(|| KernelError::NotFound(format!("no user with id {id}")))?;
        Ok((sessions, name))
    }

    async fn blocking<R: Send + 'static>(
        &self,
        f: impl FnOnce() -> Result<R, KernelError> + Send + 'static,
    ) -> Result<R, KernelError> {
        tokio::task::spawn_blocking(f).await.map_err(|e| KernelError::Internal(format!("blocking work: {e}")))?
    }
}

/// What the overview page shows.
#[derive(Clone, Debug, Default)]
pub struct Overview {
    pub agents_total: u64,
    pub agents_by_status: Vec<(String, u64)>,
    pub tasks_total: u64,
    pub tasks_by_status: Vec<(String, u64)>,
    /// (project, status, count).
    pub queue: Vec<(String, String, u64)>,
    pub locks: usize,
    pub approvals: usize,
    pub alerts: usize,
    /// The 100 agents seen most recently.
    pub agents: Vec<bosun_core::model::Agent>,
    /// The latest 20 events.
    pub recent: Vec<bosun_core::audit::AuditEvent>,
    /// The last 60 minutes, oldest first (see `pulse`).
    pub hour: Vec<super::pulse::Minute>,
}

impl Kernel {
    /// The overview of the caller's tenant (users). Every user of a tenant sees the same one, so
    /// one read serves everyone looking: it is reused while no event of the tenant was published
    /// since, or for [`OVERVIEW_REUSE`] at most; concurrent requests wait for the same read.
    pub async fn overview(&self, caller: &Caller) -> Result<Overview, KernelError> {
        super::governance::users_only(caller, "reading the overview")?;
        let tenant = caller.tenant;
        let slot = {
            let mut all = self.dashboard.overviews.lock().unwrap_or_else(|e| e.into_inner());
            all.entry(tenant).or_default().clone()
        };
        let mut cached = slot.lock().await;
        let seq = self.pulse().latest_seq(&tenant.to_string());
        let watched_until = std::time::Instant::now() + WATCHED;
        let mut overview = match cached.as_mut() {
            Some(c) if c.seq == seq || c.read_at.elapsed() < OVERVIEW_REUSE => {
                c.watched_until = watched_until;
                c.overview.clone()
            }
            _ => {
                let read = self.read_overview(tenant).await?;
                let read_at = std::time::Instant::now();
                *cached = Some(Cached { read_at, seq, overview: read.clone(), watched_until });
                read
            }
        };
        drop(cached);
        overview.hour = self.pulse().last_hour(&tenant.to_string(), self.clock.now());
        Ok(overview)
    }

    /// Keep the overviews people are watching current: after events of such a tenant (gathered
    /// for [`WARM_AFTER`]), read it again in the background, so the live pages' refetches — all
    /// at once, 250 ms after a change — find it read instead of each waiting for the read.
    pub fn spawn_overview_warmer(self: &Arc<Self>) -> tokio::task::JoinHandle<()> {
        let mut events = self.subscribe();
        let kernel = Arc::downgrade(self);
        tokio::spawn(async move {
            let mut pending = std::collections::HashSet::new();
            loop {
                match events.recv().await {
                    Ok(e) => {
                        if let Some(t) = TenantId::parse(&e.event.tenant) {
                            pending.insert(t);
                        }
                    }
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
                }
                let gathering = tokio::time::sleep(WARM_AFTER);
                tokio::pin!(gathering);
                loop {
                    tokio::select! {
                        () = &mut gathering => break,
                        next = events.recv() => match next {
                            Ok(e) => {
                                if let Some(t) = TenantId::parse(&e.event.tenant) {
                                    pending.insert(t);
                                }
                            }
                            Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                            Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
                        },
                    }
                }
                let Some(kernel) = kernel.upgrade() else { return };
                if kernel.shutdown.is_cancelled() {
                    return;
                }
                for tenant in pending.drain() {
                    kernel.warm_overview(tenant).await;
                }
            }
        })
    }

    async fn warm_overview(&self, tenant: TenantId) {
        let slot = self.dashboard.overviews.lock().unwrap_or_else(|e| e.into_inner()).get(&tenant).cloned();
        let Some(slot) = slot else { return };
        let seq = self.pulse().latest_seq(&tenant.to_string());
        {
            let cached = slot.lock().await;
            let Some(c) = cached.as_ref() else { return };
            if c.seq == seq || c.watched_until < std::time::Instant::now() {
                return;
            }
        }
        // Read without holding the slot: meanwhile requests are served the previous read (within
        // its reuse) instead of waiting for this one.
        match self.read_overview(tenant).await {
            Ok(read) => {
                let mut cached = slot.lock().await;
                if let Some(c) = cached.as_mut().filter(|c| c.seq < seq) {
                    c.overview = read;
                    c.seq = seq;
                    c.read_at = std::time::Instant::now();
                }
            }
            Err(e) => tracing::debug!(error = %e, "warming an overview"),
        }
    }

    async fn read_overview(&self, tenant: TenantId) -> Result<Overview, KernelError> {
        let now = self.clock.now();
        let read = self
            .store
            .read(move |r| {
                let agents_by_status = r.agent_counts(tenant)?;
                let queue = r.task_counts(tenant)?;
                let locks = r.active_locks(tenant, None, now)?.len();
                let approvals = r.approvals(tenant, Some("pending"), None, 1000)?.len();
                let alerts = r.alerts(tenant, Some("open"), None, 1000)?.len();
                let mut agents = r.list_agents(tenant, &Default::default(), None, 500)?;
                agents.sort_by(|a, b| b.last_seen_at.cmp(&a.last_seen_at).then_with(|| a.name.cmp(&b.name)));
                agents.truncate(100);
                let page = bosun_store::Page::Newest { before_seq: None, limit: 20 };
                let recent = r.query_audit(tenant, &Default::default(), page)?;
                Ok((agents_by_status, queue, locks, approvals, alerts, agents, recent))
            })
            .await?;
        let (agents_by_status, queue, locks, approvals, alerts, agents, recent) = read;
        let mut by_status = std::collections::BTreeMap::<String, u64>::new();
        for (_, status, n) in &queue {
            *by_status.entry(status.clone()).or_default() += n;
        }
        let open: u64 = ["blocked", "ready", "leased", "failed"].iter().filter_map(|s| by_status.get(*s)).sum();
        self.pulse().sample_depth(&tenant.to_string(), now, open);
        Ok(Overview {
            agents_total: agents_by_status.iter().map(|(_, n)| n).sum(),
            agents_by_status,
            tasks_total: by_status.values().sum(),
            tasks_by_status: by_status.into_iter().collect(),
            queue,
            locks,
            approvals,
            alerts,
            agents,
            recent,
            hour: Vec::new(),
        })
    }
}

/// An agent as its dashboard page shows it.
pub struct AgentDetail {
    pub agent: bosun_core::model::Agent,
    pub trust: u8,
    /// Tasks it holds a lease on (at most 50).
    pub tasks: Vec<bosun_core::task::Task>,
    pub locks: Vec<bosun_core::model::Lock>,
    /// Its newest audit events (at most 20).
    pub recent: Vec<bosun_core::audit::AuditEvent>,
}

/// Tasks a dependency graph shows at most: past that, the page lists what it left out.
pub const GRAPH_NODES: usize = 40;

/// A task with what it waits on and what waits on it, transitively, breadth first, at most
/// [`GRAPH_NODES`] tasks; `edges` run from a dependency to the task that needs it.
pub struct TaskGraph {
    pub task: bosun_core::task::Task,
    pub nodes: Vec<bosun_core::task::Task>,
    pub edges: Vec<(bosun_core::TaskId, bosun_core::TaskId)>,
    /// Whether the walk stopped at the bound with tasks unvisited.
    pub truncated: bool,
}

impl Kernel {
    pub async fn agent_detail(&self, caller: &Caller, id: bosun_core::AgentId) -> Result<AgentDetail, KernelError> {
        super::governance::users_only(caller, "reading an agent's page")?;
        let (tenant, now) = (caller.tenant, self.clock.now());
        let found = self
            .store
            .read(move |r| {
                let Some(agent) = r.agent(tenant, id)? else { return Ok(None) };
                let filter = bosun_store::TaskFilter {
                    assignee: Some(id),
                    status: Some(bosun_core::task::TaskStatus::Leased),
                    ..Default::default()
                };
                let tasks = r.list_tasks(tenant, &filter, None, 50)?;
                let locks = r.locks_of(tenant, &id.to_string())?.into_iter().filter(|l| l.expires_at > now).collect();
                let mine = bosun_store::AuditFilter { actor: Some(id.to_string()), ..Default::default() };
                let recent = r.query_audit(tenant, &mine, bosun_store::Page::Newest { before_seq: None, limit: 20 })?;
                Ok(Some((agent, tasks, locks, recent)))
            })
            .await?;
        let (agent, tasks, locks, recent) =
            found.ok_or_else(|| KernelError::NotFound(format!("no agent with id {id}")))?;
        Ok(AgentDetail { trust: self.profiles.trust(&agent.profile), agent, tasks, locks, recent })
    }

    /// An agent by name, for filters that name one.
    pub async fn agent_named(&self, caller: &Caller, name: &str) -> Result<bosun_core::model::Agent, KernelError> {
        let (tenant, wanted) = (caller.tenant, name.to_owned());
        self.store
            .read(move |r| r.agent_by_name(tenant, &wanted))
            .await?
            .ok_or_else(|| KernelError::NotFound(format!("no agent named {name}")))
    }

    /// The names of agents (those that exist), for pages that show who holds what.
    pub async fn agent_names(
        &self,
        caller: &Caller,
        ids: impl Iterator<Item = bosun_core::AgentId>,
    ) -> std::collections::HashMap<bosun_core::AgentId, String> {
        let mut ids: Vec<_> = ids.collect();
        ids.sort();
        ids.dedup();
        let tenant = caller.tenant;
        let found = self
            .store
            .read(move |r| {
                let mut names = std::collections::HashMap::new();
                for id in ids {
                    if let Some(a) = r.agent(tenant, id)? {
                        names.insert(id, a.name);
                    }
                }
                Ok(names)
            })
            .await;
        found.unwrap_or_default()
    }

    pub async fn task_graph(&self, caller: &Caller, id: bosun_core::TaskId) -> Result<TaskGraph, KernelError> {
        let tenant = caller.tenant;
        let found = self
            .store
            .read(move |r| {
                let Some(task) = r.task(tenant, id)? else { return Ok(None) };
                let mut seen = std::collections::HashSet::from([task.id]);
                let mut queue = std::collections::VecDeque::from([task.clone()]);
                let (mut nodes, mut edges, mut truncated) = (Vec::new(), Vec::new(), false);
                while let Some(t) = queue.pop_front() {
                    let mut near: Vec<(bosun_core::task::Task, bool)> = Vec::new();
                    for dep in &t.depends_on {
                        if seen.contains(dep) {
                            edges.push((*dep, t.id));
                        } else if let Some(d) = r.task(tenant, *dep)? {
                            near.push((d, true));
                        }
                    }
                    near.extend(r.dependants(tenant, t.id)?.into_iter().map(|d| (d, false)));
                    for (other, is_dependency) in near {
                        let edge = if is_dependency { (other.id, t.id) } else { (t.id, other.id) };
                        if seen.contains(&other.id) {
                            edges.push(edge);
                        } else if seen.len() < GRAPH_NODES {
                            seen.insert(other.id);
                            edges.push(edge);
                            queue.push_back(other);
                        } else {
                            truncated = true;
                        }
                    }
                    nodes.push(t);
                }
                edges.sort();
                edges.dedup();
                Ok(Some((task, nodes, edges, truncated)))
            })
            .await?;
        let (task, nodes, edges, truncated) =
            found.ok_or_else(|| KernelError::NotFound(format!("no task with id {id}")))?;
        Ok(TaskGraph { task, nodes, edges, truncated })
    }
}

/// The last verification of a tenant's chain, for the audit page.
#[derive(Clone, Debug)]
pub struct ChainStatus {
    /// Events verified: the chain is gap-free from seq 1 to this seq.
    pub events: u64,
    pub at: String,
    /// What is wrong (naming the seq), when it did not verify.
    pub error: Option<String>,
}

/// The dashboard's state on this node: verifications done, one at a time.
pub struct State {
    chains: std::sync::Mutex<std::collections::HashMap<TenantId, ChainStatus>>,
    verifying: tokio::sync::Semaphore,
    /// The last overview read per tenant, shared by everyone looking (see `overview`).
    overviews: std::sync::Mutex<std::collections::HashMap<TenantId, Arc<tokio::sync::Mutex<Option<Cached>>>>>,
}

/// An overview as read, with what it had seen.
struct Cached {
    read_at: std::time::Instant,
    /// The tenant's newest published seq when it was read.
    seq: u64,
    overview: Overview,
    /// Someone asked for it lately: the warmer keeps it current until then.
    watched_until: std::time::Instant,
}

/// How long after the last request a tenant's overview is kept current by the warmer.
const WATCHED: std::time::Duration = std::time::Duration::from_secs(60);
/// How long the warmer lets events gather before it reads again: well inside the live page's
/// 250 ms wait, so the page's refetch finds the read done.
const WARM_AFTER: std::time::Duration = std::time::Duration::from_millis(100);

/// How long an overview read is reused while events keep coming. Shorter than the live page's
/// wait before it refetches (250 ms in `bosun.js`), so the refetch after the last event of a
/// burst always reads again: a page never stays behind.
pub const OVERVIEW_REUSE: std::time::Duration = std::time::Duration::from_millis(200);

impl Default for State {
    fn default() -> Self {
        State { chains: Default::default(), verifying: tokio::sync::Semaphore::new(1), overviews: Default::default() }
    }
}

impl Kernel {
    /// Verify the caller's tenant's whole chain (tenant admins; one verification at a time per
    /// node, each a bounded page of events per read), and remember the result for the page.
    pub async fn verify_chain(&self, caller: &Caller) -> Result<ChainStatus, KernelError> {
        if !matches!(&caller.principal, Principal::User { role: bosun_core::Role::Admin, .. }) {
            return Err(KernelError::Forbidden("verifying the chain from the dashboard is for tenant admins".into()));
        }
        let _one = self.dashboard.verifying.acquire().await.map_err(|e| KernelError::Internal(e.to_string()))?;
        let tenant = caller.tenant;
        let mut verifier = bosun_core::audit::ChainVerifier::new();
        let (mut after, mut error) = (0u64, None);
        loop {
            let t = tenant.to_string();
            let page = self.store.read(move |r| r.audit_chain(&t, after, 10_000)).await?;
            let Some(last) = page.last() else { break };
            after = last.seq;
            let (fed, result) = self
                .blocking(move || {
                    let r = verifier.feed(&page).map_err(|e| e.to_string());
                    Ok((verifier, r))
                })
                .await?;
            verifier = fed;
            if let Err(e) = result {
                error = Some(e);
                break;
            }
        }
        let status =
            ChainStatus { events: verifier.count(), at: bosun_core::clock::format_micros(self.clock.now()), error };
        self.dashboard.chains.lock().unwrap_or_else(|e| e.into_inner()).insert(tenant, status.clone());
        Ok(status)
    }

    /// The last verification of the caller's tenant's chain on this node.
    pub fn chain_status(&self, caller: &Caller) -> Option<ChainStatus> {
        self.dashboard.chains.lock().unwrap_or_else(|e| e.into_inner()).get(&caller.tenant).cloned()
    }
}
