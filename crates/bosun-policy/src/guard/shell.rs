//! Shell text as the simple commands a shell would run (SPEC §5.4). `brush-parser` parses the
//! text (a real bash grammar: lists, pipelines, subshells, compound commands, here-documents);
//! this module walks the tree, parses words for `$(…)` and backticks, unwraps wrappers (`sudo`,
//! `env`, `timeout`, `xargs`, `find -exec`, …) and re-parses the strings given to `bash -c` and
//! `eval`, to a bounded depth.

use brush_parser::ast::{self, Command, CommandPrefixOrSuffixItem as Item, CompoundCommand, IoFileRedirectTarget};
use brush_parser::word::{self, WordPiece, WordPieceWithSource};
use brush_parser::{Parser, ParserOptions};

/// The longest text judged (longer is refused with a clear error).
pub const MAX_TEXT: usize = 16 * 1024;
/// How deep `bash -c`, `eval`, `$(…)` and here-documents nest before the rest is judged raw.
pub const MAX_DEPTH: usize = 6;
/// The most simple commands one text yields.
pub const MAX_COMMANDS: usize = 512;
/// Brackets nested deeper than this are not given to the parser (its recursion is not bounded).
const MAX_NESTING: usize = 64;

/// One command a shell would run, after unwrapping.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Simple {
    /// The program, normalised: `/usr/bin/rm`, `\rm`, `"rm"` are all `rm`.
    pub program: String,
    /// Its arguments as the program receives them (quotes removed; expansions kept as written).
    pub args: Vec<String>,
    /// Files its output is redirected to (`>`, `>>`, `&>`, `>|`).
    pub writes: Vec<String>,
    /// Fed by a download: `curl … | sh`, `bash <(curl …)`, `sh -c "$(curl …)"`.
    pub fed_by_fetch: bool,
    /// Text fed on its standard input by a here-document or here-string.
    pub stdin: Vec<String>,
}

/// The commands of a text, grouped by pipeline (a pipeline of one for a lone command).
#[derive(Clone, Debug, Default)]
pub struct Script {
    pub pipelines: Vec<Vec<Simple>>,
    /// Functions that call themselves (`:(){ :|:& };:`).
    pub recursive_functions: Vec<String>,
    /// Parts that could not be parsed, judged on their raw text.
    pub unparsed: Vec<String>,
}

impl Script {
    pub fn commands(&self) -> impl Iterator<Item = &Simple> {
        self.pipelines.iter().flatten()
    }

    fn count(&self) -> usize {
        self.pipelines.iter().map(Vec::len).sum()
    }
}

/// Parse shell text into the commands it runs.
pub fn parse(text: &str) -> Result<Script, String> {
    if text.len() > MAX_TEXT {
        return Err(format!("commands are judged up to {MAX_TEXT} bytes"));
    }
    let mut script = Script::default();
    parse_into(text, 0, &mut script);
    Ok(script)
}

fn parse_into(text: &str, depth: usize, out: &mut Script) {
    if depth > MAX_DEPTH || nesting(text) > MAX_NESTING || out.count() >= MAX_COMMANDS {
        out.unparsed.push(text.to_owned());
        return;
    }
    let options = ParserOptions::default();
    let mut parser = Parser::new(std::io::Cursor::new(text.as_bytes()), &options);
    match parser.parse_program() {
        Ok(program) => {
            for list in &program.complete_commands {
                walk_list(list, depth, out);
            }
        }
        Err(_) => out.unparsed.push(text.to_owned()),
    }
}

/// How deeply brackets nest (quotes ignored: an over-estimate is only a refusal to parse).
fn nesting(text: &str) -> usize {
    let (mut depth, mut max) = (0usize, 0usize);
    for c in text.chars() {
        match c {
            '(' | '{' | '[' | '`' => {
                depth += 1;
                max = max.max(depth);
            }
            ')' | '}' | ']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

fn walk_list(list: &ast::CompoundList, depth: usize, out: &mut Script) {
    for ast::CompoundListItem(and_or, _) in &list.0 {
        walk_pipeline(&and_or.first, depth, out);
        for next in &and_or.additional {
            match next {
                ast::AndOr::And(p) | ast::AndOr::Or(p) => walk_pipeline(p, depth, out),
            }
        }
    }
}

fn walk_pipeline(pipeline: &ast::Pipeline, depth: usize, out: &mut Script) {
    let mut stage = Vec::new();
    for command in &pipeline.seq {
        match command {
            Command::Simple(simple) => {
                if let Some(s) = simple_command(simple, depth, out) {
                    stage.extend(unwrap(s, depth, out));
                }
            }
            Command::Compound(compound, redirects) => {
                walk_compound(compound, depth, out);
                if let Some(list) = redirects {
                    let mut s = Simple::default();
                    redirect_targets(&list.0, &mut s, depth, out);
                    if !s.writes.is_empty() {
                        stage.push(s);
                    }
                }
            }
            Command::Function(f) => {
                let name = literal(&f.fname.value, depth, out);
                let mut body = Script::default();
                walk_compound(&f.body.0, depth, &mut body);
                if body.commands().any(|c| c.program == name) {
                    out.recursive_functions.push(name);
                }
                out.pipelines.extend(body.pipelines);
                out.unparsed.extend(body.unparsed);
            }
            Command::ExtendedTest(..) => {}
        }
    }
    // A download piped into an interpreter runs what it downloaded.
    let mut fetched = false;
    for s in &mut stage {
        if fetched && is_interpreter(&s.program) {
            s.fed_by_fetch = true;
        }
        fetched |= is_fetcher(&s.program);
    }
    if !stage.is_empty() {
        out.pipelines.push(stage);
    }
}

fn walk_compound(compound: &CompoundCommand, depth: usize, out: &mut Script) {
    match compound {
        CompoundCommand::BraceGroup(g) => walk_list(&g.list, depth, out),
        CompoundCommand::Subshell(s) => walk_list(&s.list, depth, out),
        CompoundCommand::ForClause(f) => walk_list(&f.body.list, depth, out),
        CompoundCommand::ArithmeticForClause(f) => walk_list(&f.body.list, depth, out),
        CompoundCommand::CaseClause(c) => {
            for item in &c.cases {
                if let Some(list) = &item.cmd {
                    walk_list(list, depth, out);
                }
            }
        }
        CompoundCommand::IfClause(i) => {
            walk_list(&i.condition, depth, out);
            walk_list(&i.then, depth, out);
            for e in i.elses.iter().flatten() {
                if let Some(c) = &e.condition {
                    walk_list(c, depth, out);
                }
                walk_list(&e.body, depth, out);
            }
        }
        CompoundCommand::WhileClause(w) | CompoundCommand::UntilClause(w) => {
            walk_list(&w.0, depth, out);
            walk_list(&w.1.list, depth, out);
        }
        CompoundCommand::Coprocess(c) => {
            walk_pipeline(&ast::Pipeline { timed: None, bang: false, seq: vec![(*c.body).clone()] }, depth, out)
        }
        CompoundCommand::Arithmetic(_) => {}
    }
}

fn simple_command(cmd: &ast::SimpleCommand, depth: usize, out: &mut Script) -> Option<Simple> {
    let mut s = Simple::default();
    let mut words = Vec::new();
    let mut items: Vec<&Item> = Vec::new();
    if let Some(prefix) = &cmd.prefix {
        items.extend(prefix.0.iter());
    }
    let name = cmd.word_or_name.as_ref();
    let suffix: Vec<&Item> = cmd.suffix.iter().flat_map(|s| s.0.iter()).collect();
    for item in items {
        match item {
            // `VAR=value cmd`: an assignment for the command, not a word of it.
            Item::AssignmentWord(_, w) => {
                literal(&w.value, depth, out); // only for the substitutions it runs
            }
            other => item_into(other, &mut s, &mut Vec::new(), depth, out),
        }
    }
    if let Some(w) = name {
        words.push(literal(&w.value, depth, out));
    }
    for item in suffix {
        item_into(item, &mut s, &mut words, depth, out);
    }
    let mut words = words.into_iter();
    let program = words.next()?;
    s.program = normalise_program(&program);
    s.args = words.collect();
    Some(s)
}

fn item_into(item: &Item, s: &mut Simple, words: &mut Vec<String>, depth: usize, out: &mut Script) {
    match item {
        Item::Word(w) => words.push(literal(&w.value, depth, out)),
        // After the program, `of=/dev/sda` is an argument like any other.
        Item::AssignmentWord(_, w) => words.push(literal(&w.value, depth, out)),
        Item::IoRedirect(r) => redirect_targets(std::slice::from_ref(r), s, depth, out),
        Item::ProcessSubstitution(_, sub) => {
            let mut inner = Script::default();
            walk_list(&sub.list, depth + 1, &mut inner);
            if inner.commands().any(|c| is_fetcher(&c.program)) {
                s.fed_by_fetch = true;
            }
            words.push("/dev/fd/63".into());
            merge(out, inner);
        }
    }
}

fn redirect_targets(redirects: &[ast::IoRedirect], s: &mut Simple, depth: usize, out: &mut Script) {
    use ast::{IoFileRedirectKind as K, IoRedirect as R};
    for r in redirects {
        match r {
            R::File(_, kind, IoFileRedirectTarget::Filename(w)) => {
                let target = literal(&w.value, depth, out);
                if matches!(kind, K::Write | K::Append | K::Clobber | K::ReadAndWrite) {
                    s.writes.push(target);
                }
            }
            R::File(_, _, IoFileRedirectTarget::ProcessSubstitution(_, sub)) => {
                let mut inner = Script::default();
                walk_list(&sub.list, depth + 1, &mut inner);
                merge(out, inner);
            }
            R::File(..) => {}
            R::OutputAndError(w, _) => {
                let target = literal(&w.value, depth, out);
                s.writes.push(target);
            }
            // Text fed to the command: a shell reading it runs it.
            R::HereDocument(_, doc) => s.stdin.push(doc.doc.value.clone()),
            R::HereString(_, w) => {
                let text = literal(&w.value, depth, out);
                s.stdin.push(text);
            }
        }
    }
}

fn merge(out: &mut Script, inner: Script) {
    out.pipelines.extend(inner.pipelines);
    out.recursive_functions.extend(inner.recursive_functions);
    out.unparsed.extend(inner.unparsed);
}

/// A word's value as the program receives it, with every `$(…)` and backtick inside parsed as
/// commands of its own (into `out`).
fn literal(word: &str, depth: usize, out: &mut Script) -> String {
    // Most words are plain: nothing to unquote, expand or run.
    if !word.contains(['$', '`', '\'', '"', '\\', '~']) {
        return word.to_owned();
    }
    let options = ParserOptions::default();
    match word::parse(word, &options) {
        Ok(pieces) => {
            let mut text = String::new();
            pieces_into(&pieces, &mut text, depth, out);
            text
        }
        Err(_) => brush_parser::unquote_str(word),
    }
}

fn pieces_into(pieces: &[WordPieceWithSource], text: &mut String, depth: usize, out: &mut Script) {
    for p in pieces {
        match &p.piece {
            WordPiece::Text(t) | WordPiece::SingleQuotedText(t) | WordPiece::AnsiCQuotedText(t) => text.push_str(t),
            WordPiece::EscapeSequence(e) => text.push_str(e.strip_prefix('\\').unwrap_or(e)),
            WordPiece::DoubleQuotedSequence(inner) | WordPiece::GettextDoubleQuotedSequence(inner) => {
                pieces_into(inner, text, depth, out)
            }
            WordPiece::CommandSubstitution(cmd) | WordPiece::BackquotedCommandSubstitution(cmd) => {
                let mut inner = Script::default();
                parse_into(cmd, depth + 1, &mut inner);
                // What the substitution prints becomes this word: a download's, when it fetches.
                if inner.commands().any(|c| is_fetcher(&c.program)) {
                    text.push_str("\u{0}fetched\u{0}");
                }
                merge(out, inner);
                text.push_str("$(…)");
            }
            WordPiece::TildeExpansion(_) => text.push('~'),
            WordPiece::ParameterExpansion(_) | WordPiece::ArithmeticExpression(_) => {
                text.push_str(&word_source(p));
            }
        }
    }
}

fn word_source(p: &WordPieceWithSource) -> String {
    match &p.piece {
        WordPiece::ParameterExpansion(_) => "$VAR".into(),
        _ => "$((…))".into(),
    }
}

/// `/usr/bin/rm`, `\rm`, `rm` → `rm`.
pub fn normalise_program(word: &str) -> String {
    let word = word.trim_start_matches('\\');
    word.rsplit('/').next().unwrap_or(word).to_owned()
}

pub fn is_fetcher(program: &str) -> bool {
    matches!(program, "curl" | "wget" | "fetch" | "aria2c")
}

fn is_interpreter(program: &str) -> bool {
    is_shell(program)
        || matches!(program, "python" | "python2" | "python3" | "perl" | "ruby" | "node" | "php" | "sudo" | "doas")
}

fn is_shell(program: &str) -> bool {
    matches!(program, "sh" | "bash" | "zsh" | "dash" | "ksh" | "mksh" | "fish" | "ash" | "busybox")
}

/// The commands a wrapper runs (itself too, when it is not only a wrapper).
fn unwrap(s: Simple, depth: usize, out: &mut Script) -> Vec<Simple> {
    let mut s = s;
    for _ in 0..16 {
        let program = s.program.as_str();
        let rest: Option<usize> = match program {
            "sudo" | "doas" => Some(skip_options(&s.args, &["-u", "-g", "-h", "-p", "-C", "-r", "-t", "-U"])),
            "env" => {
                let mut i = skip_options(&s.args, &["-u", "-C", "-S", "--unset", "--chdir"]);
                while s.args.get(i).is_some_and(|a| a.contains('=') && !a.starts_with('-')) {
                    i += 1;
                }
                Some(i)
            }
            "nice" => Some(skip_options(&s.args, &["-n", "--adjustment"])),
            "nohup" | "builtin" | "exec" | "chronic" | "unbuffer" => Some(skip_options(&s.args, &["-a"])),
            // Package runners run the package's command.
            "npx" | "bunx" | "pnpx" | "uvx" => Some(skip_options(&s.args, &["-p", "--package"])),
            "command" => {
                if s.args.iter().take_while(|a| a.starts_with('-')).any(|a| a.contains('v') || a.contains('V')) {
                    return vec![]; // `command -v x` looks x up; it runs nothing
                }
                Some(skip_options(&s.args, &[]))
            }
            "time" => Some(skip_options(&s.args, &["-f", "-o", "--format", "--output"])),
            "stdbuf" => Some(skip_options(&s.args, &["-i", "-o", "-e"])),
            "ionice" => Some(skip_options(&s.args, &["-c", "-n", "-p", "-P", "-u"])),
            "timeout" => Some(skip_options(&s.args, &["-s", "-k", "--signal", "--kill-after"]) + 1),
            "xargs" => Some(skip_options(
                &s.args,
                &[
                    "-I",
                    "-i",
                    "-n",
                    "-P",
                    "-d",
                    "-L",
                    "-s",
                    "-a",
                    "-E",
                    "-e",
                    "--max-args",
                    "--max-procs",
                    "--delimiter",
                ],
            )),
            "parallel" => Some(skip_options(&s.args, &["-j", "--jobs", "-S"])),
            "watch" => {
                let i = skip_options(&s.args, &["-n", "--interval", "-d"]);
                let script = s.args[i.min(s.args.len())..].join(" ");
                let mut inner = Script::default();
                parse_into(&script, depth + 1, &mut inner);
                merge(out, inner);
                return vec![];
            }
            "eval" => {
                let mut inner = Script::default();
                parse_into(&s.args.join(" "), depth + 1, &mut inner);
                merge(out, inner);
                return vec![];
            }
            "find" => {
                find_exec(&s, depth, out);
                None
            }
            p if is_shell(p) => {
                shell_strings(&s, depth, out);
                None
            }
            _ => None,
        };
        let Some(start) = rest else { break };
        let mut args = s.args.split_off(start.min(s.args.len())).into_iter();
        if s.program == "parallel" {
            let args: Vec<String> = args.take_while(|a| a != ":::" && a != "::::").collect();
            let mut inner = Script::default();
            parse_into(&args.join(" "), depth + 1, &mut inner);
            merge(out, inner);
            return vec![];
        }
        let Some(program) = args.next() else { return vec![] };
        s = Simple { program: normalise_program(&program), args: args.collect(), ..s };
    }
    if s.args.iter().any(|a| a.contains("\u{0}fetched\u{0}")) && is_interpreter(&s.program) {
        s.fed_by_fetch = true;
    }
    vec![s]
}

/// Skip a wrapper's options; `with_value` lists options that take the next word as their value.
fn skip_options(args: &[String], with_value: &[&str]) -> usize {
    let mut i = 0;
    while let Some(a) = args.get(i) {
        if a == "--" {
            return i + 1;
        }
        if !a.starts_with('-') || a == "-" {
            break;
        }
        let takes_value = with_value.iter().any(|o| a == o);
        i += if takes_value { 2 } else { 1 };
    }
    i
}

/// `find … -exec CMD … ;` / `+`, and `-execdir`, `-ok`, `-okdir`.
fn find_exec(s: &Simple, depth: usize, out: &mut Script) {
    let mut args = s.args.iter();
    while let Some(a) = args.next() {
        if matches!(a.as_str(), "-exec" | "-execdir" | "-ok" | "-okdir") {
            let words: Vec<String> = args.by_ref().take_while(|w| *w != ";" && *w != "+").cloned().collect();
            let mut words = words.into_iter();
            if let Some(program) = words.next() {
                let inner = Simple { program: normalise_program(&program), args: words.collect(), ..Simple::default() };
                let unwrapped = unwrap(inner, depth + 1, out);
                if !unwrapped.is_empty() {
                    out.pipelines.push(unwrapped);
                }
            }
        }
    }
}

/// `bash -c STRING`, `sh -lc STRING`, and a here-document or here-string fed to a shell.
fn shell_strings(s: &Simple, depth: usize, out: &mut Script) {
    for doc in &s.stdin {
        let mut inner = Script::default();
        parse_into(doc, depth + 1, &mut inner);
        merge(out, inner);
    }
    let mut args = s.args.iter();
    while let Some(a) = args.next() {
        if a.starts_with('-') && !a.starts_with("--") && a.contains('c') {
            if let Some(script) = args.next() {
                let mut inner = Script::default();
                parse_into(script, depth + 1, &mut inner);
                merge(out, inner);
            }
            return;
        } else if !a.starts_with('-') {
            return; // `bash script.sh`: a file we cannot see
        }
    }
}
