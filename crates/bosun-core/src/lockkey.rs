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
        parse_parts(raw).map(|(key, _)| key)
    }

    /// A path both keys cover (an example for messages), or `None` when they cannot conflict.
    /// One pair at a time; a request checking many pairs compiles its keys and shares a budget
    /// (see [`CompiledKey::overlap`]). An undecided pair counts as overlapping.
    pub fn overlap(&self, other: &LockKey) -> Option<String> {
        let mut budget = PAIR_BUDGET;
        match self.compile().overlap(&other.compile(), &mut budget) {
            Overlap::Disjoint => None,
            Overlap::Overlaps(example) => Some(example),
            Overlap::Undecided => Some(String::new()),
        }
    }

    /// Logical keys (and mixed pairs, which never conflict).
    fn overlap_exact(&self, other: &LockKey) -> Option<String> {
        match (self, other) {
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

    /// How many segments of a path glob hold a wildcard (`*`, `**`, `?`, a class): how much of
    /// the tree one key can cover. A logical key counts its trailing `*`.
    pub fn wildcards(&self) -> usize {
        match self {
            LockKey::Path(p) => p.split('/').filter(|s| s.contains(['*', '?', '['])).count(),
            LockKey::Logical { name, .. } => usize::from(name.ends_with('*')),
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

/// Parse and normalise a key (see [`LockKey::parse`]); for a path, also the automaton that
/// validating it built, so that compiling the key does not build it again.
fn parse_parts(raw: &str) -> Result<(LockKey, Option<Nfa>), String> {
    let raw = raw.trim();

    if raw.is_empty() || raw.len() > 512 {
        return Err("a lock key must be 1 to 512 characters".into());
    }
    if raw.chars().any(|c| c.is_control() || is_format_control(c)) {
        return Err("a lock key must not contain control or bidirectional-formatting characters".into());
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
            // All but the last character (which may be a multi-byte one).
            let last = name.chars().next_back().map_or(0, char::len_utf8);
            if name[..name.len() - last].contains('*') {
                return Err(format!("logical key `{raw}`: `*` is allowed only at the end"));
            }
            return Ok((LockKey::Logical { namespace: ns.into(), name: name.into() }, None));
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
    if wildcards(&path) > MAX_WILDCARDS {
        return Err(format!("a path glob may have at most {MAX_WILDCARDS} wildcards (`*`, `**`, `?`, `[…]`)"));
    }
    let nfa = compile(&path).map_err(|e| format!("path `{raw}`: {e}"))?;
    Ok((LockKey::Path(path), Some(nfa)))
}

/// Wildcards a path glob may have: enough for any real layout, and a bound on the work of
/// deciding overlap (which grows with the wildcards of both keys).
pub const MAX_WILDCARDS: usize = 16;

/// Invisible characters that make a key display as something it is not (bidi overrides,
/// zero-width characters).
fn is_format_control(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}' | '\u{061C}')
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

    /// A character in both sets, if any, without allocating: for classes, the characters at
    /// which membership can change are enough candidates to find a common member of two
    /// interval unions whenever one exists.
    fn common(&self, other: &Chars) -> Option<char> {
        match (self, other) {
            (Chars::One(c), x) | (x, Chars::One(c)) => x.contains(*c).then_some(*c),
            (Chars::Any | Chars::NotSlash, Chars::Any | Chars::NotSlash) => Some('a'),
            _ => {
                const FIXED: [char; 10] = ['a', 'z', 'A', '0', '.', '_', '-', '/', '\u{80}', '\u{10FFFF}'];
                let both = |c: char| self.contains(c) && other.contains(c);
                if let Some(c) = FIXED.into_iter().find(|c| both(*c)) {
                    return Some(c);
                }
                [self, other].into_iter().find_map(|set| match set {
                    Chars::Class { ranges, .. } => ranges.iter().find_map(|(lo, hi)| {
                        [*lo as u32, *hi as u32]
                            .into_iter()
                            .flat_map(|c| [c, c.wrapping_sub(1), c + 1])
                            .filter_map(char::from_u32)
                            .find(|c| both(*c))
                    }),
                    _ => None,
                })
            }
        }
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

/// Text every path the glob matches ends with: what follows the last wildcard (a `**/` before
/// it may match nothing, so the suffix then starts after that `/`). Empty when unsure.
fn literal_suffix(glob: &str) -> &str {
    if glob.contains(['[', '\\']) {
        return "";
    }
    let Some(last) = glob.rfind(['*', '?']) else { return glob };
    let suffix = &glob[last + 1..];
    if glob[..=last].ends_with("**") { suffix.strip_prefix('/').unwrap_or(suffix) } else { suffix }
}

/// Wildcards in a glob: each `?`, `[…]` class and run of `*` (escaped characters excluded).
fn wildcards(glob: &str) -> usize {
    let mut count = 0;
    let mut chars = glob.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '?' | '[' => count += 1,
            '*' => {
                count += 1;
                while chars.peek() == Some(&'*') {
                    chars.next();
                }
            }
            _ => {}
        }
    }
    count
}

/// The answer of a bounded overlap decision.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Overlap {
    Disjoint,
    /// They overlap; the example is a path (or logical key) both cover.
    Overlaps(String),
    /// The work budget ran out before a decision: callers treat this as a conflict.
    Undecided,
}

/// A key ready for many overlap decisions: parsed once, its automaton built once.
#[derive(Debug)]
pub struct CompiledKey {
    pub key: LockKey,
    /// For a path: its automaton (plain paths too, so a pair never builds one on the fly).
    nfa: Option<Nfa>,
    /// The path has wildcards or escapes (two plain paths overlap only when equal).
    pattern: bool,
    /// Without `**`, a glob matches only paths of exactly its segment count, segment by
    /// segment: the text and automaton of each segment, so a pair is decided segment by
    /// segment (a sum of small products instead of one large one).
    segments: Option<Vec<(String, Nfa)>>,
}

impl LockKey {
    pub fn compile(&self) -> CompiledKey {
        let nfa = match self {
            LockKey::Path(p) => compile(p).ok(),
            LockKey::Logical { .. } => None,
        };
        CompiledKey::new(self.clone(), nfa)
    }
}

impl CompiledKey {
    /// Parse a key and keep the automaton its validation built (held locks are compiled on
    /// every request that checks against them, inside the write transaction).
    pub fn parse(raw: &str) -> Result<CompiledKey, String> {
        parse_parts(raw).map(|(key, nfa)| CompiledKey::new(key, nfa))
    }

    fn new(key: LockKey, nfa: Option<Nfa>) -> CompiledKey {
        let (pattern, segments) = match &key {
            LockKey::Path(p) if is_pattern(p) || p.contains('\\') => {
                let segments = (!p.split('/').any(|s| s == "**"))
                    .then(|| {
                        p.split('/').map(|s| compile(s).map(|n| (s.to_owned(), n))).collect::<Result<Vec<_>, _>>().ok()
                    })
                    .flatten();
                (true, segments)
            }
            _ => (false, None),
        };
        CompiledKey { key, nfa, pattern, segments }
    }
}

/// Two globs without `**`, segment by segment: disjoint if the counts differ or any pair of
/// segments is disjoint; otherwise the witness is the segments' witnesses joined by `/`.
fn segmentwise(a: &[(String, Nfa)], b: &[(String, Nfa)], budget: &mut u64) -> Overlap {
    if a.len() != b.len() {
        return Overlap::Disjoint;
    }
    // Cheap rules for every pair first: one disjoint pair settles it without any search.
    for ((sa, _), (sb, _)) in a.iter().zip(b) {
        let (pa, pb) = (literal_prefix(sa), literal_prefix(sb));
        let (xa, xb) = (literal_suffix(sa), literal_suffix(sb));
        if !(pa.starts_with(pb) || pb.starts_with(pa)) || !(xa.ends_with(xb) || xb.ends_with(xa)) {
            return Overlap::Disjoint;
        }
    }
    let mut witness = Vec::with_capacity(a.len());
    for ((_, na), (_, nb)) in a.iter().zip(b) {
        match product_overlap(na, nb, budget) {
            Overlap::Overlaps(part) => witness.push(part),
            other => return other,
        }
    }
    Overlap::Overlaps(witness.join("/"))
}

impl CompiledKey {
    /// Decide overlap spending at most `budget` steps (product states visited); the budget is
    /// shared, so a request's whole check is bounded however many pairs it has.
    pub fn overlap(&self, other: &CompiledKey, budget: &mut u64) -> Overlap {
        let (LockKey::Path(a), LockKey::Path(b)) = (&self.key, &other.key) else {
            return self.key.overlap_exact(&other.key).map_or(Overlap::Disjoint, Overlap::Overlaps);
        };
        let (pa, pb) = (literal_prefix(a), literal_prefix(b));
        if !(pa.starts_with(pb) || pb.starts_with(pa)) {
            return Overlap::Disjoint;
        }
        let (sa, sb) = (literal_suffix(a), literal_suffix(b));
        if !(sa.ends_with(sb) || sb.ends_with(sa)) {
            return Overlap::Disjoint;
        }
        if let (Some(sa), Some(sb)) = (&self.segments, &other.segments) {
            return segmentwise(sa, sb, budget);
        }
        if !self.pattern && !other.pattern {
            return if a == b { Overlap::Overlaps(a.clone()) } else { Overlap::Disjoint };
        }
        match (&self.nfa, &other.nfa) {
            (Some(na), Some(nb)) => product_overlap(na, nb, budget),
            // Only a key that failed to compile has none; it was refused when it was taken.
            _ => Overlap::Disjoint,
        }
    }
}

/// Enough for any pair of legal keys but pathological ones (see `MAX_WILDCARDS`).
pub const PAIR_BUDGET: u64 = 4_000_000;

/// Breadth-first over the product automaton, marking visited pairs in a bitset and keeping
/// parents only for visited pairs (so the work and memory follow what is reachable, not the
/// product's full size), stopping at the first accepting pair or when the budget runs out.
fn product_overlap(a: &Nfa, b: &Nfa, budget: &mut u64) -> Overlap {
    let width = b.edges.len();
    let mut seen = vec![0u64; (a.edges.len() * width).div_ceil(64)];
    let mut mark = |p: usize, q: usize| {
        let i = p * width + q;
        let (word, bit) = (i / 64, 1u64 << (i % 64));
        let fresh = seen[word] & bit == 0;
        seen[word] |= bit;
        fresh
    };
    // (state of a, state of b, index of the parent node, character consumed to get here)
    let mut nodes: Vec<(u32, u32, u32, Option<char>)> = vec![(0, 0, u32::MAX, None)];
    mark(0, 0);
    let (accept_a, accept_b) = (a.accept(), b.accept());
    let mut head = 0;
    while head < nodes.len() {
        if *budget == 0 {
            return Overlap::Undecided;
        }
        *budget -= 1;
        let (p, q, _, _) = nodes[head];
        let (p, q) = (p as usize, q as usize);
        if p == accept_a && q == accept_b {
            let mut path = Vec::new();
            let mut at = head;
            while at != 0 {
                let (_, _, parent, c) = nodes[at];
                path.extend(c);
                at = parent as usize;
            }
            path.reverse();
            return Overlap::Overlaps(path.into_iter().collect());
        }
        let parent = head as u32;
        for &p2 in &a.eps[p] {
            if mark(p2, q) {
                nodes.push((p2 as u32, q as u32, parent, None));
            }
        }
        for &q2 in &b.eps[q] {
            if mark(p, q2) {
                nodes.push((p as u32, q2 as u32, parent, None));
            }
        }
        for (ca, p2) in &a.edges[p] {
            for (cb, q2) in &b.edges[q] {
                if let Some(c) = ca.common(cb)
                    && mark(*p2, *q2)
                {
                    nodes.push((*p2 as u32, *q2 as u32, parent, Some(c)));
                }
            }
        }
        head += 1;
    }
    Overlap::Disjoint
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

    /// A logical name ending in a multi-byte character panicked (found by schemathesis through
    /// `POST /api/v1/locks`): the `*` check sliced off its last byte, not its last character.
    #[test]
    fn a_name_ending_in_a_multibyte_character_is_a_key() {
        assert!(LockKey::parse("api:\u{d9}\u{87efa}").is_ok());
        assert!(LockKey::parse("api:é*").is_ok());
        assert!(LockKey::parse("api:*é").is_err());
    }

    #[test]
    fn bad_keys_are_refused_with_a_reason() {
        for bad in ["", "/etc/passwd", "../up", "a/../b", "src/[ab", "env:", "api:a*b", "./"] {
            assert!(LockKey::parse(bad).is_err(), "{bad:?}");
        }
        assert_eq!(key("./a//b/"), LockKey::Path("a/b".into()));
    }

    #[test]
    fn keys_that_would_hide_or_cost_are_refused() {
        for bad in ["src/a\u{0}b", "src/\u{202E}sr.exe", "a\tb", "db:mig\u{200B}rations"] {
            assert!(LockKey::parse(bad).is_err(), "{bad:?}");
        }
        let many = "*a".repeat(MAX_WILDCARDS + 1);
        assert!(LockKey::parse(&many).unwrap_err().contains("at most 16 wildcards"));
        assert!(LockKey::parse(&"*a".repeat(MAX_WILDCARDS)).is_ok());
        assert!(LockKey::parse("src/**/x/**/*.rs").is_ok());
    }

    #[test]
    fn suffixes_rule_out_overlap_exactly() {
        assert_eq!(literal_suffix("**/x.rs"), "x.rs");
        assert_eq!(literal_suffix("src/*.rs"), ".rs");
        assert_eq!(literal_suffix("a/**"), "");
        assert!(overlaps("**/x.rs", "x.rs"));
        assert!(overlaps("a/**/b/c", "a/b/c"));
        assert!(!overlaps("*a*a*ab", "*a*a*ac"));
    }

    /// The probe's worst case, at the legal limit: every pair is decided (no budget runs out)
    /// and a request's whole check stays small.
    #[test]
    fn worst_legal_pairs_are_decided_within_budget() {
        let half = MAX_WILDCARDS / 2;
        let held: Vec<CompiledKey> = (0..30)
            .map(|i| LockKey::parse(&format!("{}{}{i:03}b", "*a".repeat(half), "a".repeat(200))).unwrap().compile())
            .collect();
        let wanted: Vec<CompiledKey> = (0..30)
            .map(|i| LockKey::parse(&format!("{}{}{i:03}c", "*a".repeat(half), "a".repeat(200))).unwrap().compile())
            .collect();
        let mut budget = 30 * 30 * PAIR_BUDGET;
        for w in &wanted {
            for h in &held {
                assert_eq!(w.overlap(h, &mut budget), Overlap::Disjoint);
            }
        }
        // A pair that really overlaps, found through the product search.
        let a = LockKey::parse(&format!("{}x", "*a".repeat(half))).unwrap().compile();
        let b = LockKey::parse(&format!("a{}*", "a*".repeat(half - 1))).unwrap().compile();
        let mut budget = PAIR_BUDGET;
        let Overlap::Overlaps(example) = a.overlap(&b, &mut budget) else { panic!("should overlap") };
        assert!(globset(&a.key.to_string()).is_match(&example) && globset(&b.key.to_string()).is_match(&example));
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
