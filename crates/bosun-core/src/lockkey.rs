//! Lock keys (SPEC §3.3) and the rule that decides whether two keys conflict.
//!
//! A key is either a path glob (`src/**/*.rs`) or a logical key with a namespace
//! (`api:/v1/users`, `db:migrations`, `port:8080`). Two path globs overlap when some path could
//! match both; this is decided on the patterns themselves, not on files that exist today. Each
//! glob compiles to a small NFA (`*` and `?` never cross `/`, `**` spans whole segments) and two
//! globs overlap when the product automaton reaches a pair of accepting states. The search also
//! yields a witness: a path both patterns match, which makes conflicts explainable and the rule
//! testable against `globset`.
//!
//! Logical keys conflict on exact match, or on prefix when either ends in `*`. A path and a
//! logical key never conflict.

use std::collections::VecDeque;
use std::fmt;

/// A parsed lock key. A value of this type has been validated.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum LockKey {
    Path(String),
    Logical { namespace: String, name: String },
}

impl fmt::Display for LockKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LockKey::Path(p) => f.write_str(p),
            LockKey::Logical { namespace, name } => write!(f, "{namespace}:{name}"),
        }
    }
}

impl LockKey {
    /// Parse and normalise a key: `./a//b` becomes `a/b`; absolute paths, `..` and empty keys are
    /// refused with a reason.
    pub fn parse(raw: &str) -> Result<LockKey, String> {
        let raw = raw.trim();
        if raw.is_empty() || raw.len() > 512 {
            return Err("a lock key must be 1 to 512 characters".into());
        }
        if let Some((ns, name)) = raw.split_once(':') {
            let ns_ok = !ns.is_empty()
                && ns.len() <= 32
                && ns.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
                && ns.as_bytes()[0].is_ascii_lowercase();
            if ns_ok {
                if name.is_empty() {
                    return Err(format!("logical key `{raw}` needs a name after `{ns}:`"));
                }
                if name[..name.len() - 1].contains('*') {
                    return Err(format!("logical key `{raw}`: `*` is allowed only at the end"));
                }
                return Ok(LockKey::Logical { namespace: ns.into(), name: name.into() });
            }
        }
        if raw.starts_with('/') {
            return Err(format!("path `{raw}` must be relative to the project root"));
        }
        let segments: Vec<&str> = raw.split('/').filter(|s| !s.is_empty() && *s != ".").collect();
        if segments.is_empty() {
            return Err(format!("path `{raw}` names no file"));
        }
        if segments.contains(&"..") {
            return Err(format!("path `{raw}` must not contain `..`"));
        }
        let path = segments.join("/");
        compile(&path).map_err(|e| format!("path `{raw}`: {e}"))?;
        Ok(LockKey::Path(path))
    }

    /// A path both keys cover (an example for messages), or `None` when they cannot conflict.
    pub fn overlap(&self, other: &LockKey) -> Option<String> {
        match (self, other) {
            (LockKey::Path(a), LockKey::Path(b)) => glob_overlap(a, b),
            (LockKey::Logical { namespace: na, name: a }, LockKey::Logical { namespace: nb, name: b }) => {
                if na != nb {
                    return None;
                }
                let (pa, wa) = a.strip_suffix('*').map_or((a.as_str(), false), |p| (p, true));
                let (pb, wb) = b.strip_suffix('*').map_or((b.as_str(), false), |p| (p, true));
                let hit = match (wa, wb) {
                    (false, false) => a == b,
                    (true, false) => b.starts_with(pa),
                    (false, true) => a.starts_with(pb),
                    (true, true) => pa.starts_with(pb) || pb.starts_with(pa),
                };
                hit.then(|| format!("{na}:{}", if pa.len() >= pb.len() { a } else { b }))
            }
            _ => None,
        }
    }

    /// Does this key cover a concrete path (for `?path=` filters and the git guard)?
    pub fn covers_path(&self, path: &str) -> bool {
        match (self, LockKey::parse(path)) {
            (LockKey::Path(_), Ok(p @ LockKey::Path(_))) => self.overlap(&p).is_some() && !is_pattern(path),
            _ => false,
        }
    }
}

fn is_pattern(s: &str) -> bool {
    s.contains(['*', '?', '['])
}

/// A set of characters one NFA step may consume.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Chars {
    /// Any character, `/` included (inside `**`).
    Any,
    /// Any character but `/` (`*`, `?`).
    NotSlash,
    One(char),
    /// A bracket class; never matches `/`.
    Class {
        ranges: Vec<(char, char)>,
        negated: bool,
    },
}

impl Chars {
    fn contains(&self, c: char) -> bool {
        match self {
            Chars::Any => true,
            Chars::NotSlash => c != '/',
            Chars::One(x) => *x == c,
            Chars::Class { ranges, negated } => {
                c != '/' && (ranges.iter().any(|(lo, hi)| (*lo..=*hi).contains(&c)) != *negated)
            }
        }
    }

    /// Characters at which membership can change: enough candidates to find a common member of
    /// two interval unions whenever one exists.
    fn boundaries(&self, out: &mut Vec<char>) {
        let mut push = |c: u32| {
            if let Some(c) = char::from_u32(c) {
                out.push(c);
            }
        };
        match self {
            Chars::One(c) => push(*c as u32),
            Chars::Class { ranges, .. } => {
                for (lo, hi) in ranges {
                    for c in [*lo as u32, *hi as u32] {
                        push(c);
                        push(c.wrapping_sub(1));
                        push(c + 1);
                    }
                }
            }
            Chars::Any | Chars::NotSlash => {}
        }
    }

    /// A character in both sets, if any.
    fn common(&self, other: &Chars) -> Option<char> {
        let mut candidates = vec!['a', 'z', 'A', '0', '.', '_', '-', '/', '\u{80}', '\u{10FFFF}'];
        self.boundaries(&mut candidates);
        other.boundaries(&mut candidates);
        candidates.into_iter().find(|c| self.contains(*c) && other.contains(*c))
    }
}

/// An NFA: per state, character edges and epsilon edges; the last state accepts.
#[derive(Debug, Default)]
struct Nfa {
    edges: Vec<Vec<(Chars, usize)>>,
    eps: Vec<Vec<usize>>,
}

impl Nfa {
    fn state(&mut self) -> usize {
        self.edges.push(Vec::new());
        self.eps.push(Vec::new());
        self.edges.len() - 1
    }
    fn accept(&self) -> usize {
        self.edges.len() - 1
    }
}

/// Compile a normalised path glob. Syntax: literals, `?`, `*`, `**` as a whole segment, and
/// `[...]` classes (`[!...]` or `[^...]` negate). `\` escapes the next character.
fn compile(glob: &str) -> Result<Nfa, String> {
    let mut nfa = Nfa::default();
    let mut cur = nfa.state();
    let segments: Vec<&str> = glob.split('/').collect();
    for (i, seg) in segments.iter().enumerate() {
        let last = i + 1 == segments.len();
        if *seg == "**" {
            if last {
                // `a/**` (or just `**`): anything below, any depth.
                nfa.edges[cur].push((Chars::Any, cur));
            } else {
                // `**/`: zero or more whole segments, each ending in `/`.
                let next = nfa.state();
                let inside = nfa.state();
                nfa.eps[cur].push(next);
                nfa.edges[cur].push((Chars::NotSlash, inside));
                nfa.edges[inside].push((Chars::Any, inside));
                nfa.edges[inside].push((Chars::One('/'), next));
                cur = next;
            }
            continue;
        }
        let mut chars = seg.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '*' => {
                    while chars.peek() == Some(&'*') {
                        chars.next(); // `a**b` inside a segment is a plain `*`
                    }
                    nfa.edges[cur].push((Chars::NotSlash, cur));
                }
                '?' => {
                    let next = nfa.state();
                    nfa.edges[cur].push((Chars::NotSlash, next));
                    cur = next;
                }
                '[' => {
                    let mut negated = false;
                    if matches!(chars.peek(), Some('!' | '^')) {
                        negated = true;
                        chars.next();
                    }
                    let mut ranges = Vec::new();
                    let mut closed = false;
                    let mut first = true;
                    while let Some(c) = chars.next() {
                        if c == ']' && !first {
                            closed = true;
                            break;
                        }
                        first = false;
                        if chars.peek() == Some(&'-') {
                            let mut ahead = chars.clone();
                            ahead.next();
                            if let Some(hi) = ahead.next().filter(|h| *h != ']') {
                                chars.next();
                                chars.next();
                                if hi < c {
                                    return Err(format!("bad range `{c}-{hi}` in a class"));
                                }
                                ranges.push((c, hi));
                                continue;
                            }
                        }
                        ranges.push((c, c));
                    }
                    if !closed {
                        return Err("unclosed `[` class".into());
                    }
                    let next = nfa.state();
                    nfa.edges[cur].push((Chars::Class { ranges, negated }, next));
                    cur = next;
                }
                '\\' => {
                    let lit = chars.next().ok_or("a trailing `\\` escapes nothing")?;
                    let next = nfa.state();
                    nfa.edges[cur].push((Chars::One(lit), next));
                    cur = next;
                }
                c => {
                    let next = nfa.state();
                    nfa.edges[cur].push((Chars::One(c), next));
                    cur = next;
                }
            }
        }
        if !last {
            let next = nfa.state();
            nfa.edges[cur].push((Chars::One('/'), next));
            cur = next;
        }
    }
    // Make `cur` the accepting (last) state.
    if cur != nfa.accept() {
        let end = nfa.state();
        nfa.eps[cur].push(end);
    }
    Ok(nfa)
}

/// The literal text before a glob's first wildcard.
fn literal_prefix(glob: &str) -> &str {
    glob.find(['*', '?', '[', '\\']).map_or(glob, |i| &glob[..i])
}

/// A path matched by both globs, or `None`. Breadth-first over the product automaton, after two
/// exact shortcuts: every path a glob matches starts with its literal prefix, so globs whose
/// prefixes are not prefix-related cannot meet; and two plain paths meet only when equal.
fn glob_overlap(a: &str, b: &str) -> Option<String> {
    let (pa, pb) = (literal_prefix(a), literal_prefix(b));
    if !(pa.starts_with(pb) || pb.starts_with(pa)) {
        return None;
    }
    if pa.len() == a.len() && pb.len() == b.len() {
        return (a == b).then(|| a.to_owned());
    }
    let (Ok(na), Ok(nb)) = (compile(a), compile(b)) else {
        return None;
    };
    let width = nb.edges.len();
    let idx = |p: usize, q: usize| p * width + q;
    // parent[state] = (previous state, character consumed or None for epsilon)
    let mut parent: Vec<Option<(usize, Option<char>)>> = vec![None; na.edges.len() * width];
    let start = idx(0, 0);
    parent[start] = Some((start, None));
    let mut queue = VecDeque::from([(0usize, 0usize)]);
    while let Some((p, q)) = queue.pop_front() {
        if p == na.accept() && q == nb.accept() {
            let mut path = Vec::new();
            let mut at = idx(p, q);
            while at != start {
                let (prev, c) = parent[at].expect("visited");
                if let Some(c) = c {
                    path.push(c);
                }
                at = prev;
            }
            path.reverse();
            return Some(path.into_iter().collect());
        }
        let mut visit = |p2: usize, q2: usize, c: Option<char>, queue: &mut VecDeque<(usize, usize)>| {
            if parent[idx(p2, q2)].is_none() {
                parent[idx(p2, q2)] = Some((idx(p, q), c));
                queue.push_back((p2, q2));
            }
        };
        for &p2 in &na.eps[p] {
            visit(p2, q, None, &mut queue);
        }
        for &q2 in &nb.eps[q] {
            visit(p, q2, None, &mut queue);
        }
        for (ca, p2) in &na.edges[p] {
            for (cb, q2) in &nb.edges[q] {
                if let Some(c) = ca.common(cb) {
                    visit(*p2, *q2, Some(c), &mut queue);
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn key(s: &str) -> LockKey {
        LockKey::parse(s).unwrap()
    }

    fn overlaps(a: &str, b: &str) -> bool {
        key(a).overlap(&key(b)).is_some()
    }

    #[test]
    fn path_examples() {
        let yes = [
            ("src/**", "src/a.rs"),
            ("src/**", "src/*.rs"),
            ("src/**/*.rs", "src/a/b/c.rs"),
            ("src/**/*.rs", "src/lib.rs"),
            ("**/*.rs", "deep/er/x.rs"),
            ("src/*.rs", "src/lib.rs"),
            ("src/a?.rs", "src/ab.rs"),
            ("src/[ab].rs", "src/b.rs"),
            ("src/[!a].rs", "src/c.rs"),
            ("./src//lib.rs", "src/lib.rs"),
            ("**", "anything/at/all"),
            ("docs/*.md", "docs/**"),
        ];
        for (a, b) in yes {
            assert!(overlaps(a, b), "{a} should overlap {b}");
            assert!(overlaps(b, a), "overlap is symmetric: {b} / {a}");
        }
        let no = [
            ("src/*.rs", "src/a/b.rs"),
            ("src/**", "tests/a.rs"),
            ("src/*.rs", "src/*.md"),
            ("src/[ab].rs", "src/c.rs"),
            ("src/[!a].rs", "src/a.rs"),
            ("a/b", "a/b/c"),
            ("src/a?.rs", "src/a.rs"),
        ];
        for (a, b) in no {
            assert!(!overlaps(a, b), "{a} should not overlap {b}");
            assert!(!overlaps(b, a), "{b} should not overlap {a}");
        }
        assert_eq!(key("src/**/*.rs").overlap(&key("src/lib.rs")).as_deref(), Some("src/lib.rs"));
    }

    #[test]
    fn logical_examples() {
        assert!(overlaps("api:/v1/users", "api:/v1/users"));
        assert!(!overlaps("api:/v1/users", "api:/v1/user"));
        assert!(overlaps("api:/v1/*", "api:/v1/users"));
        assert!(overlaps("api:/v1/*", "api:/*"));
        assert!(!overlaps("api:/v1/*", "api:/v2/*"));
        assert!(!overlaps("db:migrations", "env:migrations"));
        assert!(!overlaps("port:8080", "port:8081"));
        assert!(!overlaps("db:x", "db/x"), "a path never conflicts with a logical key");
    }

    #[test]
    fn bad_keys_are_refused_with_a_reason() {
        for bad in ["", "/etc/passwd", "../up", "a/../b", "src/[ab", "env:", "api:a*b", "./"] {
            assert!(LockKey::parse(bad).is_err(), "{bad:?}");
        }
        assert_eq!(key("./a//b/"), LockKey::Path("a/b".into()));
    }

    #[test]
    fn covers_concrete_paths() {
        assert!(key("src/**").covers_path("src/x/y.rs"));
        assert!(!key("src/*.rs").covers_path("src/x/y.rs"));
        assert!(!key("db:x").covers_path("db/x"));
    }

    fn glob_strategy() -> impl Strategy<Value = String> {
        let segment = prop_oneof![
            4 => "[ab]{1,2}".prop_map(String::from),
            2 => Just("*".to_owned()),
            1 => Just("**".to_owned()),
            1 => Just("a*".to_owned()),
            1 => Just("*b".to_owned()),
            1 => Just("?".to_owned()),
            1 => Just("[ab]".to_owned()),
            1 => Just("[!a]".to_owned()),
        ];
        prop::collection::vec(segment, 1..4).prop_map(|s| s.join("/"))
    }

    fn paths() -> Vec<String> {
        // Every path of up to 3 segments of 1–2 letters over {a, b}.
        let segs = ["a", "b", "aa", "ab", "ba", "bb"];
        let mut out: Vec<String> = segs.iter().map(|s| s.to_string()).collect();
        for depth in 0..2 {
            let prev: Vec<String> = out.iter().filter(|p| p.matches('/').count() == depth).cloned().collect();
            for p in prev {
                for s in segs {
                    out.push(format!("{p}/{s}"));
                }
            }
        }
        out
    }

    fn globset(p: &str) -> globset::GlobMatcher {
        globset::GlobBuilder::new(p).literal_separator(true).build().unwrap().compile_matcher()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]
        /// Checked against globset: a claimed overlap comes with a path both globs match; a
        /// claimed non-overlap has no path (of the enumerated ones) that both match.
        #[test]
        fn overlap_agrees_with_globset(a in glob_strategy(), b in glob_strategy()) {
            let (ka, kb) = (LockKey::parse(&a).unwrap(), LockKey::parse(&b).unwrap());
            let (ga, gb) = (globset(&a), globset(&b));
            match ka.overlap(&kb) {
                Some(witness) => {
                    prop_assert!(ga.is_match(&witness) && gb.is_match(&witness),
                        "{} and {} overlap on {:?}, which globset does not match with both", a, b, witness);
                }
                None => {
                    for p in paths() {
                        prop_assert!(!(ga.is_match(&p) && gb.is_match(&p)),
                            "{} and {} both match {} but were judged disjoint", a, b, p);
                    }
                }
            }
            prop_assert_eq!(ka.overlap(&kb).is_some(), kb.overlap(&ka).is_some(), "symmetric");
        }
    }
}
