//! The built-in rules (SPEC §5.4): each judges one simple command on its program, its options
//! normalised (any order, combined short flags, long spellings) and its arguments.

use super::shell::Simple;
use super::{Action, Category, Hit};

/// The short flags and long options of a command line, normalised: `-rf`, `-r -f`, `-fr`,
/// `--recursive --force` all give `r`, `f`, `recursive`, `force`. Everything after `--` is an
/// operand.
pub(super) struct Flags {
    short: Vec<char>,
    long: Vec<String>,
    pub operands: Vec<String>,
}

impl Flags {
    pub(super) fn of(args: &[String]) -> Flags {
        let (mut short, mut long, mut operands) = (Vec::new(), Vec::new(), Vec::new());
        let mut rest = false;
        for a in args {
            if rest || a == "-" || !a.starts_with('-') {
                operands.push(a.clone());
            } else if a == "--" {
                rest = true;
            } else if let Some(l) = a.strip_prefix("--") {
                long.push(l.split('=').next().unwrap_or(l).to_owned());
            } else {
                short.extend(a[1..].chars().take_while(|c| c.is_ascii_alphanumeric()));
            }
        }
        Flags { short, long, operands }
    }

    pub(super) fn has(&self, short: char, long: &str) -> bool {
        self.short.contains(&short) || self.long.iter().any(|l| l == long)
    }

    fn has_long(&self, long: &str) -> bool {
        self.long.iter().any(|l| l == long)
    }
}

fn hit(rule: &'static str, category: Category, action: Action, matched: String) -> Option<Hit> {
    Some(Hit { rule: rule.into(), category, action, matched })
}

/// Every built-in rule that `s` breaks.
pub(super) fn judge(s: &Simple) -> Vec<Hit> {
    // The command's options, normalised once for every rule that reads them.
    let flags = Flags::of(&s.args);
    let checks: [fn(&Simple, &Flags) -> Option<Hit>; 10] = [
        git,
        recursive_delete,
        find_delete,
        sql_client,
        deploy,
        migration,
        remote_script,
        system,
        credential_writes,
        credential_targets,
    ];
    checks.iter().filter_map(|c| c(s, &flags)).collect()
}

pub(super) fn shown(s: &Simple) -> String {
    let mut text = s.program.clone();
    for a in &s.args {
        text.push(' ');
        text.push_str(a);
    }
    text.chars().take(200).collect()
}

// ---- git ----

/// The subcommand and its arguments, past git's own options (`-C dir`, `-c k=v`, `--git-dir=…`).
fn git_subcommand(args: &[String]) -> Option<(&str, &[String])> {
    let mut i = 0;
    while let Some(a) = args.get(i) {
        match a.as_str() {
            "-C" | "-c" | "--git-dir" | "--work-tree" | "--namespace" | "--exec-path" | "--super-prefix" => i += 2,
            a if a.starts_with('-') => i += 1,
            sub => return Some((sub, &args[i + 1..])),
        }
    }
    None
}

fn git(s: &Simple, _: &Flags) -> Option<Hit> {
    if s.program != "git" {
        return None;
    }
    let (sub, args) = git_subcommand(&s.args)?;
    let f = Flags::of(args);
    let (rule, action) = match sub {
        "push" if f.has('n', "dry-run") => return None,
        "push" => {
            let force = f.has('f', "force")
                || f.has_long("force-with-lease")
                || f.has_long("force-if-includes")
                || f.has_long("mirror")
                || f.operands.iter().any(|o| o.starts_with('+'));
            let delete = f.has('d', "delete") || f.operands.iter().skip(1).any(|o| o.starts_with(':') && o.len() > 1);
            if force {
                ("git-force-push", Action::Block)
            } else if delete {
                ("git-push-delete", Action::Block)
            } else {
                return None;
            }
        }
        "reset" if f.has_long("hard") || f.has_long("merge") => ("git-reset-hard", Action::Block),
        "clean" if f.has('f', "force") && !f.has('n', "dry-run") => ("git-clean-force", Action::Block),
        "branch" if f.short.contains(&'D') || (f.has('d', "delete") && f.has('f', "force")) => {
            ("git-branch-force-delete", Action::Block)
        }
        "checkout" | "restore" if f.operands.iter().any(|o| o == "." || o == ":/") && !f.has_long("staged") => {
            ("git-discard-worktree", Action::RequireApproval)
        }
        "filter-branch" | "filter-repo" => ("git-rewrite-history", Action::Block),
        "reflog" if args.first().is_some_and(|a| a == "expire") => ("git-rewrite-history", Action::Block),
        "stash" if args.first().is_some_and(|a| a == "clear" || a == "drop") => ("git-stash-drop", Action::Log),
        _ => return None,
    };
    hit(rule, Category::GitDestructive, action, shown(s))
}

// ---- deletion ----

fn recursive_delete(s: &Simple, f: &Flags) -> Option<Hit> {
    if s.program != "rm" {
        return None;
    }
    let recursive = f.has('r', "recursive") || f.short.contains(&'R');
    let force = f.has('f', "force");
    if recursive && force {
        return hit("rm-recursive-force", Category::RecursiveDelete, Action::Block, shown(s));
    }
    // Recursive without force, on the root or a home: as bad.
    let dangerous =
        |o: &String| matches!(o.as_str(), "/" | "/*" | "~" | "~/" | "~/*" | "." | ".." | "*" | "$VAR" | "$VAR/");
    if recursive && f.operands.iter().any(dangerous) {
        return hit("rm-recursive-root", Category::RecursiveDelete, Action::Block, shown(s));
    }
    None
}

fn find_delete(s: &Simple, _: &Flags) -> Option<Hit> {
    if s.program == "find" && s.args.iter().any(|a| a == "-delete") {
        return hit("find-delete", Category::RecursiveDelete, Action::Block, shown(s));
    }
    None
}

// ---- SQL ----

/// SQL text that destroys data: `DELETE`/`UPDATE` without `WHERE`, `DROP`, `TRUNCATE` (case and
/// comments tolerated). The rule for non-shell text, and for what database clients are given.
pub(super) fn sql(text: &str) -> Option<(&'static str, String)> {
    let cleaned = strip_sql_comments(text).to_ascii_uppercase();
    for statement in cleaned.split(';') {
        let words: Vec<&str> =
            statement.split(|c: char| c.is_whitespace() || c == '(').filter(|w| !w.is_empty()).collect();
        let has = |w: &str| words.contains(&w);
        let first = words.first().copied().unwrap_or("");
        let found = match first {
            "DELETE" if !has("WHERE") => Some("sql-delete-without-where"),
            "UPDATE" if has("SET") && !has("WHERE") => Some("sql-update-without-where"),
            "DROP"
                if words.get(1).is_some_and(|w| {
                    matches!(*w, "TABLE" | "DATABASE" | "SCHEMA" | "INDEX" | "VIEW" | "COLLECTION" | "USER" | "ROLE")
                }) =>
            {
                Some("sql-drop")
            }
            "TRUNCATE" => Some("sql-truncate"),
            "ALTER" if has("DROP") => Some("sql-drop"),
            _ => None,
        };
        if let Some(rule) = found {
            return Some((rule, statement.trim().chars().take(200).collect()));
        }
    }
    None
}

fn strip_sql_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("--") {
            rest = after.split_once('\n').map_or("", |(_, r)| r);
            out.push(' ');
        } else if let Some(after) = rest.strip_prefix("/*") {
            rest = after.split_once("*/").map_or("", |(_, r)| r);
            out.push(' ');
        } else {
            let c = rest.chars().next().unwrap_or(' ');
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

fn sql_client(s: &Simple, _: &Flags) -> Option<Hit> {
    let clients = ["psql", "mysql", "mariadb", "sqlite3", "sqlcmd", "cockroach", "clickhouse-client", "duckdb"];
    if !clients.contains(&s.program.as_str()) {
        return None;
    }
    s.args.iter().chain(&s.stdin).find_map(|text| {
        sql(text).map(|(rule, matched)| Hit {
            rule: rule.into(),
            category: Category::SqlDestructive,
            action: Action::RequireApproval,
            matched,
        })
    })
}

// ---- deploys, infrastructure, migrations ----

fn first_operand(args: &[String], with_value: &[&str]) -> Option<String> {
    let mut i = 0;
    while let Some(a) = args.get(i) {
        if with_value.contains(&a.as_str()) {
            i += 2;
        } else if a.starts_with('-') {
            i += 1;
        } else {
            return Some(a.clone());
        }
    }
    None
}

fn deploy(s: &Simple, _: &Flags) -> Option<Hit> {
    let sub = first_operand(&s.args, &["-n", "--namespace", "--context", "--kubeconfig", "-f", "--chdir"]);
    let sub = sub.as_deref().unwrap_or("");
    let gated = match s.program.as_str() {
        "kubectl" | "oc" => {
            matches!(sub, "apply" | "delete" | "scale" | "drain" | "replace" | "patch" | "cordon" | "rollout")
        }
        "terraform" | "tofu" | "terragrunt" => matches!(sub, "apply" | "destroy" | "import" | "taint"),
        "helm" => matches!(sub, "upgrade" | "uninstall" | "delete" | "install" | "rollback"),
        "pulumi" => matches!(sub, "up" | "destroy" | "update"),
        "aws" => s.args.iter().any(|a| a.starts_with("delete") || a.starts_with("terminate")),
        _ => false,
    };
    gated.then(|| Hit {
        rule: "deploy-or-infra".into(),
        category: Category::DeployInfra,
        action: Action::RequireApproval,
        matched: shown(s),
    })
}

fn migration(s: &Simple, _: &Flags) -> Option<Hit> {
    let a: Vec<&str> = s.args.iter().map(String::as_str).collect();
    let migrates = match s.program.as_str() {
        "alembic" => a.iter().any(|x| matches!(*x, "upgrade" | "downgrade")),
        "flyway" => a.iter().any(|x| matches!(*x, "migrate" | "clean" | "undo")),
        "liquibase" => a.iter().any(|x| x.starts_with("update") || x.starts_with("rollback")),
        "prisma" => a.windows(2).any(|w| w[0] == "migrate" && matches!(w[1], "deploy" | "reset" | "dev")),
        "rails" | "rake" | "bin/rails" => {
            a.iter().any(|x| x.starts_with("db:migrate") || *x == "db:rollback" || *x == "db:drop")
        }
        "python" | "python3" => a.windows(2).any(|w| w[0].ends_with("manage.py") && w[1] == "migrate"),
        "sqlx" | "diesel" => {
            a.windows(2).any(|w| matches!(w[0], "migrate" | "migration") && matches!(w[1], "run" | "revert" | "redo"))
        }
        "knex" => a.iter().any(|x| x.starts_with("migrate:")),
        "goose" | "migrate" | "dbmate" => a.iter().any(|x| matches!(*x, "up" | "down" | "reset" | "drop" | "rollback")),
        _ => false,
    };
    migrates.then(|| Hit {
        rule: "schema-migration".into(),
        category: Category::Migration,
        action: Action::RequireApproval,
        matched: shown(s),
    })
}

fn remote_script(s: &Simple, _: &Flags) -> Option<Hit> {
    s.fed_by_fetch.then(|| Hit {
        rule: "download-piped-to-shell".into(),
        category: Category::RemoteScript,
        action: Action::Block,
        matched: shown(s),
    })
}

// ---- system ----

fn system(s: &Simple, f: &Flags) -> Option<Hit> {
    let rule = match s.program.as_str() {
        "chmod" | "chown"
            if (f.has('R', "recursive")) && f.operands.iter().any(|o| o == "777" || o == "a+rwx" || o == "o+w") =>
        {
            "chmod-recursive-world"
        }
        "chmod"
            if f.operands.first().is_some_and(|m| m == "777")
                && f.operands.iter().skip(1).any(|o| o == "/" || o == "~") =>
        {
            "chmod-recursive-world"
        }
        "dd" if s.args.iter().any(|a| a.strip_prefix("of=").is_some_and(is_device)) => "dd-to-device",
        p if p == "mkfs" || p.starts_with("mkfs.") || p == "mke2fs" || p == "wipefs" => "make-filesystem",
        "shred" if s.args.iter().any(|a| is_device(a)) => "dd-to-device",
        _ if s.writes.iter().any(|w| is_device(w)) => "dd-to-device",
        _ => return None,
    };
    hit(rule, Category::System, Action::Block, shown(s))
}

fn is_device(path: &str) -> bool {
    let Some(dev) = path.strip_prefix("/dev/") else { return false };
    !matches!(dev, "null" | "zero" | "stdout" | "stderr" | "stdin" | "tty" | "random" | "urandom")
        && !dev.starts_with("fd/")
}

// ---- credentials ----

/// Is this path a credential file: `.env*` (not `.env.example`), `*credentials*`, `*secrets*`,
/// private keys, `~/.ssh`, `~/.aws`, `~/.kube/config`, `.netrc`, `.git-credentials`?
pub fn is_credential_path(path: &str) -> bool {
    let p = path.trim().trim_end_matches('/');
    let lower = p.to_ascii_lowercase();
    let name = lower.rsplit('/').next().unwrap_or(&lower);
    let examples = [".example", ".sample", ".template", ".dist"];
    let env = (name == ".env" || name.starts_with(".env.")) && !examples.iter().any(|e| name.ends_with(e));
    let in_dir = |d: &str| {
        lower.contains(&format!("/{d}/"))
            || lower.starts_with(&format!("{d}/"))
            || lower.ends_with(&format!("/{d}"))
            || lower == d
    };
    env || name.contains("credentials")
        || name.contains("secrets")
        || matches!(
            name,
            "id_rsa"
                | "id_dsa"
                | "id_ecdsa"
                | "id_ed25519"
                | ".netrc"
                | ".git-credentials"
                | ".pgpass"
                | "authorized_keys"
        )
        || name.ends_with(".pem")
        || name.ends_with(".key")
        || name.ends_with(".p12")
        || in_dir(".ssh")
        || in_dir("~/.ssh")
        || in_dir(".aws")
        || in_dir("~/.aws")
        || lower.ends_with(".kube/config")
        || in_dir(".gnupg")
}

/// Redirections into credential files.
fn credential_writes(s: &Simple, _: &Flags) -> Option<Hit> {
    let target = s.writes.iter().find(|w| is_credential_path(w))?;
    hit("write-credential-file", Category::Credentials, Action::Block, format!("{} > {target}", s.program))
}

/// Commands that write or remove credential files through their arguments.
fn credential_targets(s: &Simple, f: &Flags) -> Option<Hit> {
    let targets: Vec<&String> = match s.program.as_str() {
        "tee" | "touch" | "truncate" | "rm" | "shred" | "chmod" | "chown" | "ln" => f.operands.iter().collect(),
        "cp" | "mv" | "install" | "rsync" | "scp" => f.operands.last().into_iter().collect(),
        "sed" | "perl" if f.has('i', "in-place") => f.operands.iter().skip(1).collect(),
        "dd" => {
            return s.args.iter().find_map(|a| a.strip_prefix("of=")).filter(|p| is_credential_path(p)).and_then(|p| {
                hit("write-credential-file", Category::Credentials, Action::Block, format!("dd of={p}"))
            });
        }
        "ssh-keygen" | "ssh-add" | "ssh-copy-id" => return None,
        _ => return None,
    };
    let target = targets.into_iter().find(|t| is_credential_path(t))?;
    hit("write-credential-file", Category::Credentials, Action::Block, format!("{} {target}", s.program))
}
