//! Test and live are kept apart in SQL, so no handler can forget it (DESIGN.md *Test and
//! live mode*): every statement of the server that reads or writes a table of objects
//! that carry a mode names `livemode`, but for the few listed in [`EXEMPT`], each with why
//! it may not. A new query without its mode fails this test until it names the mode or
//! says here why it need not.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

/// The tables whose rows carry their mode (migration 0008 and earlier, and 0018's
/// recharge campaigns).
const MODE_TABLES: [&str; 15] = [
    "wallets",
    "accounts",
    "sessions",
    "intents",
    "refunds",
    "links",
    "link_requests",
    "recharges",
    "transfers",
    "webhook_endpoints",
    "events",
    "passkey_challenges",
    "wallet_activations",
    "one_time_codes",
    "recharge_campaigns",
];

/// Statements that may leave the mode out: (file under `src/`, a fragment of the
/// statement, why).
const EXEMPT: [(&str, &str, &str); 12] = [
    ("store/db/rows.rs", "FROM sessions WHERE id = $1", "a session is loaded by its id to check the caller's client secret or key against it; the row carries its mode"),
    ("store/db/rows.rs", "FROM intents WHERE id = $1", "loaded for a caller already scoped: merchant routes go through load_merchant_intent, which names the mode"),
    ("store/db/rows.rs", "FROM intents WHERE session_id = $1", "the intents of a session already loaded, which fixed the mode"),
    ("store/ledger.rs", "FROM accounts a", "the audit at start reads every account of both modes"),
    ("store/gauges.rs", "FROM intents", "operator metrics count both modes"),
    ("checkout/second_leg.rs", "hold_expires_at <= $1", "the sweeper releases expired holds of both modes; each release uses the intent's own mode"),
    ("wallet/history.rs", "FROM refunds WHERE id = $1", "reached from the wallet's own ledger entries, whose accounts carry the wallet's mode"),
    ("wallet/history.rs", "FROM intents i", "reached from the wallet's own ledger entries"),
    ("wallet/history.rs", "FROM intents WHERE id = $1", "reached from the wallet's own ledger entries"),
    ("wallet/history.rs", "FROM refunds WHERE intent_id = $1", "reached from the wallet's own ledger entries"),
    ("security/passkeys/challenges.rs", "DELETE FROM passkey_challenges WHERE expires_at", "housekeeping: expired challenges of both modes"),
    ("security/codes.rs", "FROM wallets WHERE contact = $1", "a contact is unique across both modes (wallets_by_contact); the caller goes on in the wallet's own mode"),
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `code` with raw strings (HTML, never SQL here) and `'"'` blanked out, lines kept, so
/// that every remaining `"` opens or closes a plain string literal.
fn plain(code: &str) -> String {
    let mut out = String::with_capacity(code.len());
    let mut rest = code;
    while let Some(start) = rest.find("r#\"") {
        out.push_str(&rest[..start]);
        let body = &rest[start + 3..];
        let end = body.find("\"#").map_or(body.len(), |e| e + 2);
        out.extend(body[..end].chars().filter(|c| *c == '\n'));
        rest = &body[end..];
    }
    out.push_str(rest);
    out.replace("'\"'", "' '")
}

/// The string literals of `code` that are SQL statements, with their line, whitespace
/// collapsed (a `\` line continuation included).
fn statements(code: &str) -> Vec<(usize, String)> {
    let code = &plain(code);
    let mut found = Vec::new();
    let mut rest = code.as_str();
    let mut offset = 0;
    while let Some(start) = rest.find('"') {
        let body = &rest[start + 1..];
        let mut end = None;
        let mut escaped = false;
        for (i, c) in body.char_indices() {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => {
                    end = Some(i);
                    break;
                }
                _ => {}
            }
        }
        let Some(end) = end else { break };
        let literal = body[..end].replace("\\\n", " ");
        let sql: String = literal.split_whitespace().collect::<Vec<_>>().join(" ");
        let verb = ["SELECT ", "UPDATE ", "INSERT ", "DELETE "];
        if verb.iter().any(|v| sql.contains(v)) {
            let line = code[..offset + start].matches('\n').count() + 1;
            found.push((line, sql));
        }
        let consumed = start + 1 + end + 1;
        offset += consumed;
        rest = &rest[consumed..];
    }
    found
}

/// The mode tables a statement names after FROM, JOIN, UPDATE or INTO.
fn mode_tables(sql: &str) -> Vec<&'static str> {
    let words: Vec<&str> = sql.split([' ', '(', ',']).collect();
    MODE_TABLES
        .into_iter()
        .filter(|t| {
            words.windows(2).any(|w| {
                matches!(
                    w[0].to_ascii_uppercase().as_str(),
                    "FROM" | "JOIN" | "UPDATE" | "INTO"
                ) && w[1] == *t
            })
        })
        .collect()
}

#[test]
fn every_statement_on_an_object_table_names_its_mode() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    let mut missing = Vec::new();
    let mut used = vec![false; EXEMPT.len()];
    for path in files {
        let rel = path
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let text = std::fs::read_to_string(&path).unwrap();
        let code = text.split("#[cfg(test)]").next().unwrap();
        for (line, sql) in statements(code) {
            let tables = mode_tables(&sql);
            if tables.is_empty() || sql.contains("livemode") {
                continue;
            }
            match EXEMPT
                .iter()
                .position(|(f, frag, _)| *f == rel && sql.contains(frag))
            {
                Some(i) => used[i] = true,
                None => missing.push(format!("src/{rel}:{line} ({}): {sql}", tables.join(", "))),
            }
        }
    }
    assert!(
        missing.is_empty(),
        "statements on tables of objects with a mode that do not name `livemode` (name it, or add the statement to EXEMPT with why):\n{}",
        missing.join("\n")
    );
    let stale: Vec<_> = EXEMPT
        .iter()
        .zip(used)
        .filter(|(_, u)| !u)
        .map(|(e, _)| format!("{}: {}", e.0, e.1))
        .collect();
    assert!(
        stale.is_empty(),
        "exemptions that match nothing any more: {stale:?}"
    );
}

#[test]
fn the_scanner_finds_statements_and_their_tables() {
    let code =
        "let a = sqlx::query(\"SELECT id FROM intents \\\n WHERE id = $1\");\nlet b = \"prose\";\n";
    let found = statements(code);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].1, "SELECT id FROM intents WHERE id = $1");
    assert_eq!(mode_tables(&found[0].1), ["intents"]);
    assert!(
        mode_tables("SELECT 1 FROM ledger_entries e JOIN accounts a ON a.id = e.account_id")
            .contains(&"accounts")
    );
    assert!(mode_tables("INSERT INTO webhook_secrets (id) VALUES ($1)").is_empty());
    let html =
        "let p = format!(r#\"<a href=\"x\">\"#);\nlet q = \"SELECT 1 FROM links WHERE a = $1\";\n";
    assert_eq!(
        statements(html),
        [(2, "SELECT 1 FROM links WHERE a = $1".to_owned())]
    );
}
