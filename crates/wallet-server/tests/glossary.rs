//! The Chinese texts follow `docs/GLOSSARY.zh.md`: no text of the widget (`src/i18n.rs`)
//! or of the server's pages (`src/pages/`, `src/sandbox/`) holds a phrase its *Avoid*
//! table lists. A new text that reads like machine output fails here, with the glossary's
//! word to use instead.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The glossary's *Avoid* table: (phrase, instead).
fn avoided() -> Vec<(String, String)> {
    let glossary = std::fs::read_to_string(root().join("docs/GLOSSARY.zh.md")).expect("glossary");
    let table = glossary.split("## Avoid").nth(1).expect("an Avoid table");
    table
        .lines()
        .filter(|l| l.starts_with('|') && !l.starts_with("|---") && !l.starts_with("| phrase"))
        .map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            (cells[1].to_owned(), cells[3].to_owned())
        })
        .collect()
}

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn chinese_texts_avoid_what_the_glossary_says_to_avoid() {
    let avoid = avoided();
    assert!(avoid.len() >= 5, "the glossary's Avoid table: {avoid:?}");
    let mut files = vec![root().join("src/i18n.rs")];
    let server = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    sources(&server.join("pages"), &mut files);
    sources(&server.join("sandbox"), &mut files);
    let mut found = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("source");
        for (n, line) in text.lines().enumerate() {
            for (phrase, instead) in &avoid {
                let hit = phrase.split('/').any(|p| line.contains(p));
                if hit {
                    found.push(format!(
                        "{}:{}: {phrase:?} (use {instead}): {}",
                        file.display(),
                        n + 1,
                        line.trim()
                    ));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "texts the glossary says to avoid:\n{}",
        found.join("\n")
    );
}
