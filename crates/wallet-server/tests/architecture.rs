//! The code's floor plan stays readable, in the server, the core and the widget:
//! - no import circle between the children of any folder (the crate's top-level modules
//!   included): a file's `crate::…`, `super::…` and `self::…` paths outside comments and
//!   `#[cfg(test)]` are the edges;
//! - no non-test function over 70 lines, no module over 400 lines before its unit tests;
//! - wire codes (statuses, event types, error codes) are spelled only in
//!   `checkout_core::vocabulary`, and every wire enum comes from its `wire_enum!` (SQL and
//!   tests aside; a line that ends with `// prose, not a wire code` is an English word).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use checkout_core::{
    CancelReason, DeliveryStatus, ErrorCode, EventType, IntentStatus, RechargeStatus, SessionStatus,
};

/// Longest a non-test function may be, in lines (signature to closing brace).
const MAX_FN_LINES: usize = 70;
/// Longest a module may be before its unit tests, in lines.
const MAX_MODULE_LINES: usize = 400;

/// One source file: its module path (`checkout::intents`; `checkout/mod.rs` is
/// `checkout`, `lib.rs` the empty path) and its text before `#[cfg(test)]`.
struct Source {
    path: PathBuf,
    module: Vec<String>,
    code: String,
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The file's text without its unit-test module.
fn without_tests(text: &str) -> &str {
    ["#[cfg(test)]", "#[cfg(all(test"]
        .iter()
        .filter_map(|marker| text.find(marker))
        .min()
        .map_or(text, |i| &text[..i])
}

fn module_path(rel: &Path) -> Vec<String> {
    let mut parts: Vec<String> = rel
        .iter()
        .map(|c| {
            c.to_str()
                .expect("utf-8")
                .trim_end_matches(".rs")
                .to_owned()
        })
        .collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts
}

/// The crate under `root` (a `src` folder); `bin/` holds other crates and is left out.
fn crate_sources(root: &Path) -> Vec<Source> {
    let mut files = Vec::new();
    rust_files(root, &mut files);
    files.sort();
    files
        .into_iter()
        .filter(|f| !f.strip_prefix(root).expect("under src").starts_with("bin"))
        .map(|path| {
            let text = std::fs::read_to_string(&path).expect("read");
            let module = module_path(path.strip_prefix(root).expect("under src"));
            Source {
                code: without_tests(&text).to_owned(),
                module,
                path,
            }
        })
        .collect()
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The three crates whose plan is checked: the server, the core, the widget.
fn crates() -> Vec<(&'static str, Vec<Source>)> {
    let root = repo();
    vec![
        (
            "wallet-server",
            crate_sources(&root.join("crates/wallet-server/src")),
        ),
        (
            "checkout-core",
            crate_sources(&root.join("crates/checkout-core/src")),
        ),
        (
            "balance-checkout (widget)",
            crate_sources(&root.join("src")),
        ),
    ]
}

/// The text without `//` comments (doc links are not imports).
fn without_comments(code: &str) -> String {
    code.lines()
        .map(|l| match l.find("//") {
            Some(i) if !l[..i].contains('"') => &l[..i],
            _ => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn ident_path(text: &str) -> (Vec<String>, &str) {
    let mut parts = Vec::new();
    let mut rest = text;
    loop {
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_')
            .collect();
        if name.is_empty() {
            break;
        }
        rest = &rest[name.len()..];
        parts.push(name);
        match rest.strip_prefix("::") {
            Some(r) if r.starts_with(|c: char| c.is_ascii_lowercase()) => rest = r,
            _ => break,
        }
    }
    (parts, rest)
}

/// Every module path the file names, absolute (`crate::a::b`, `super::c`, `self::d`,
/// and the members of `crate::a::{b, c::D}`).
fn named_paths(source: &Source) -> Vec<Vec<String>> {
    let code = without_comments(&source.code);
    let mut out = Vec::new();
    for (prefix, base) in [
        ("crate::", Vec::new()),
        ("super::", {
            let mut m = source.module.clone();
            m.pop();
            m
        }),
        ("self::", source.module.clone()),
    ] {
        for (i, _) in code.match_indices(prefix) {
            let before = code[..i].chars().last();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                continue;
            }
            let (parts, rest) = ident_path(&code[i + prefix.len()..]);
            let mut path = base.clone();
            path.extend(parts);
            if let Some(group) = rest.strip_prefix("::{") {
                let group = &group[..group.find('}').unwrap_or(group.len())];
                for member in group.split(',') {
                    let (more, _) = ident_path(member.trim());
                    let mut p = path.clone();
                    p.extend(more.into_iter().filter(|m| m != "self"));
                    out.push(p);
                }
            }
            out.push(path);
        }
    }
    out
}

/// Folder (module path) → its children → the children they name.
type Graphs = BTreeMap<Vec<String>, BTreeMap<String, BTreeSet<String>>>;

fn folder_graphs(sources: &[Source]) -> Graphs {
    let modules: BTreeSet<&Vec<String>> = sources.iter().map(|s| &s.module).collect();
    let mut graphs = Graphs::new();
    for source in sources {
        for named in named_paths(source) {
            let Some(target) = (0..=named.len())
                .rev()
                .map(|n| named[..n].to_vec())
                .find(|p| modules.contains(p))
            else {
                continue;
            };
            let from = &source.module;
            let common = from.iter().zip(&target).take_while(|(a, b)| a == b).count();
            let folder = from[..common].to_vec();
            let child = |m: &Vec<String>| m.get(common).cloned().unwrap_or_else(|| "mod".into());
            let (a, b) = (child(from), child(&target));
            if a != b {
                graphs
                    .entry(folder)
                    .or_default()
                    .entry(a)
                    .or_default()
                    .insert(b);
            }
        }
    }
    graphs
}

fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|n| n == node) {
            let mut cycle = path[at..].to_vec();
            cycle.push(node.to_owned());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(c) = visit(next, graph, path, done) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|n| visit(n, graph, &mut Vec::new(), &mut done))
}

#[test]
fn no_folder_has_an_import_circle_between_its_files() {
    let mut circles = Vec::new();
    for (name, sources) in crates() {
        for (folder, graph) in folder_graphs(&sources) {
            if let Some(cycle) = find_cycle(&graph) {
                let at = if folder.is_empty() {
                    "the crate's top".to_owned()
                } else {
                    folder.join("::")
                };
                circles.push(format!("{name}, in {at}: {}", cycle.join(" -> ")));
            }
        }
    }
    assert!(
        circles.is_empty(),
        "import circles:\n{}",
        circles.join("\n")
    );
}

#[test]
fn the_server_has_its_rooms() {
    let graphs = folder_graphs(&crate_sources(&repo().join("crates/wallet-server/src")));
    let top = &graphs[&Vec::new()];
    for room in ["api", "checkout", "pages", "store", "security", "http"] {
        assert!(top.contains_key(room), "{room} names no other room");
    }
    let entries = std::fs::read_dir(repo().join("crates/wallet-server/src"))
        .expect("src")
        .count();
    assert!(
        entries <= 20,
        "{entries} entries at the top of the server's src"
    );
}

#[test]
fn the_cycle_finder_finds_a_circle() {
    let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    g.entry("a".into()).or_default().insert("b".into());
    g.entry("b".into()).or_default().insert("c".into());
    g.entry("c".into()).or_default().insert("a".into());
    assert_eq!(
        find_cycle(&g),
        Some(vec!["a".into(), "b".into(), "c".into(), "a".into()])
    );
    g.get_mut("c").expect("c").clear();
    assert_eq!(find_cycle(&g), None);
}

#[test]
fn paths_resolve_to_the_folder_children_they_name() {
    let sources = vec![
        Source {
            path: "checkout/intents.rs".into(),
            module: vec!["checkout".into(), "intents".into()],
            code: "use super::pay;\nuse crate::store::{db::Db, ledger};\n// crate::pages\n".into(),
        },
        Source {
            path: "checkout/pay.rs".into(),
            module: vec!["checkout".into(), "pay".into()],
            code: "fn f() { super::intents::g() }".into(),
        },
        Source {
            path: "store/mod.rs".into(),
            module: vec!["store".into()],
            code: String::new(),
        },
        Source {
            path: "store/db.rs".into(),
            module: vec!["store".into(), "db".into()],
            code: String::new(),
        },
        Source {
            path: "store/ledger.rs".into(),
            module: vec!["store".into(), "ledger".into()],
            code: "use crate::checkout::pay::X;".into(),
        },
        Source {
            path: "checkout/mod.rs".into(),
            module: vec!["checkout".into()],
            code: String::new(),
        },
        Source {
            path: "pages/mod.rs".into(),
            module: vec!["pages".into()],
            code: String::new(),
        },
    ];
    let graphs = folder_graphs(&sources);
    let checkout = &graphs[&vec!["checkout".to_owned()]];
    assert_eq!(
        find_cycle(checkout),
        Some(vec!["intents".into(), "pay".into(), "intents".into()])
    );
    let top = &graphs[&Vec::new()];
    assert_eq!(
        find_cycle(top),
        Some(vec!["checkout".into(), "store".into(), "checkout".into()])
    );
    assert!(
        !top["checkout"].contains("pages"),
        "comments are not imports"
    );
}

/// `(first line, length)` of each `fn` with a body, by rustfmt's layout: the body ends
/// at the first line that is the signature's indentation and `}`.
fn functions(code: &str) -> Vec<(usize, usize, String)> {
    let lines: Vec<&str> = code.lines().collect();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let trimmed = line.trim_start();
        let signature = trimmed
            .trim_start_matches("pub(crate) ")
            .trim_start_matches("pub(super) ")
            .trim_start_matches("pub ")
            .trim_start_matches("const ")
            .trim_start_matches("async ")
            .trim_start_matches("unsafe ");
        let Some(rest) = signature.strip_prefix("fn ") else {
            continue;
        };
        let name: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let indent = &line[..line.len() - trimmed.len()];
        let close = format!("{indent}}}");
        let header_end = lines[i..]
            .iter()
            .position(|l| l.trim_end().ends_with('{') || l.trim_end().ends_with(';'));
        if header_end.is_none_or(|h| lines[i + h].trim_end().ends_with(';')) {
            continue;
        }
        if line.trim_end().ends_with('}') {
            continue;
        }
        if let Some(end) = lines[i + 1..].iter().position(|l| l.trim_end() == close) {
            out.push((i + 1, end + 2, name));
        }
    }
    out
}

#[test]
fn functions_and_modules_stay_short() {
    let mut long = Vec::new();
    for (_, sources) in crates() {
        for source in &sources {
            let shown = source.path.strip_prefix(repo()).unwrap_or(&source.path);
            let lines = source.code.lines().count();
            if lines > MAX_MODULE_LINES {
                long.push(format!(
                    "{}: {lines} lines before its tests (at most {MAX_MODULE_LINES})",
                    shown.display()
                ));
            }
            for (at, length, name) in functions(&source.code) {
                if length > MAX_FN_LINES {
                    long.push(format!(
                        "{}:{at}: fn {name} is {length} lines (at most {MAX_FN_LINES})",
                        shown.display()
                    ));
                }
            }
        }
    }
    assert!(long.is_empty(), "split these:\n{}", long.join("\n"));
}

#[test]
fn the_function_finder_measures_bodies() {
    let code = "fn a() {\n    x();\n}\n\npub async fn b(\n    y: u8,\n) -> u8 {\n    y\n}\nfn c();\nfn d() { e() }\n";
    let found: Vec<(usize, usize)> = functions(code).iter().map(|f| (f.0, f.1)).collect();
    assert_eq!(found, vec![(1, 3), (5, 5)]);
}

/// Every wire code of the vocabulary, quoted as it would be in Rust.
fn wire_codes() -> BTreeSet<String> {
    let mut codes: Vec<&str> = Vec::new();
    codes.extend(SessionStatus::ALL.iter().map(|c| c.code()));
    codes.extend(IntentStatus::ALL.iter().map(|c| c.code()));
    codes.extend(CancelReason::ALL.iter().map(|c| c.code()));
    codes.extend(EventType::ALL.iter().map(|c| c.code()));
    codes.extend(DeliveryStatus::ALL.iter().map(|c| c.code()));
    codes.extend(RechargeStatus::ALL.iter().map(|c| c.code()));
    codes.extend(ErrorCode::ALL.iter().map(|c| c.code()));
    codes.into_iter().map(|c| format!("\"{c}\"")).collect()
}

#[test]
fn wire_codes_are_spelled_only_in_the_vocabulary() {
    let codes = wire_codes();
    assert!(codes.contains("\"password_locked\"") && codes.contains("\"requires_action\""));
    let mut found = Vec::new();
    for (_, sources) in crates() {
        // The vocabulary itself; ISO 4217 currency codes (not a wire enum of ours); and
        // the demo session, a JSON document as the API sends it.
        let exempt = ["vocabulary.rs", "currency.rs", "fixture.rs"];
        for source in sources
            .iter()
            .filter(|s| !exempt.iter().any(|e| s.path.ends_with(e)))
        {
            let prose = source
                .code
                .lines()
                .map(|l| l.ends_with("// prose, not a wire code"));
            let lines = without_comments(&source.code);
            for ((n, line), prose) in lines.lines().enumerate().zip(prose) {
                if prose {
                    continue;
                }
                let hand_made = line.contains("fn code(self) -> &'static str")
                    || line.contains("fn code(&self) -> &'static str");
                // `Variant = "code",`: a variant of a wire_enum! declaration.
                let declared = line.trim().starts_with(|c: char| c.is_ascii_uppercase())
                    && line.contains(" = \"");
                let spelled = !declared && codes.iter().any(|c| line.contains(c.as_str()));
                if hand_made || spelled {
                    found.push(format!(
                        "{}:{}: {}",
                        source.path.display(),
                        n + 1,
                        line.trim()
                    ));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "use checkout_core's vocabulary (its enums, or wire_enum! for a new one) instead of:\n{}",
        found.join("\n")
    );
}
