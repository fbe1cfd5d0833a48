//! The layout of the tests themselves: a file under `tests/it/` that no
//! module declares never compiles and never runs, silently; a file directly
//! under `tests/` is a second test binary that compiles everything again.

use std::path::{Path, PathBuf};

/// The `.rs` files under `dir`, recursively.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir)
        .expect("read the tests directory")
        .flatten()
    {
        let path = entry.path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files
}

#[test]
fn every_test_file_is_a_module_of_the_one_binary() {
    let tests = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let mut problems = Vec::new();
    for path in rust_files(&tests) {
        let relative = path.strip_prefix(&tests).expect("under tests/").to_owned();
        let Ok(inside) = relative.strip_prefix("it") else {
            // Data may hold Rust files; anything else beside `it/` is a binary of its own.
            if !relative.starts_with("data") {
                problems.push(format!(
                    "tests/{}: a test binary of its own; make it a module of tests/it/",
                    relative.display()
                ));
            }
            continue;
        };
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        if inside == Path::new("main.rs") || stem == "mod" {
            continue;
        }
        let dir = path.parent().expect("a parent directory");
        // Declared in main.rs, in the directory's mod.rs, or in the file
        // named after the directory (`cli.rs` beside `cli/`).
        let parent = if dir == tests.join("it") {
            dir.join("main.rs")
        } else if dir.join("mod.rs").exists() {
            dir.join("mod.rs")
        } else {
            dir.with_extension("rs")
        };
        let declared = std::fs::read_to_string(&parent)
            .unwrap_or_default()
            .lines()
            .any(|line| {
                let line = line.trim();
                line == format!("mod {stem};") || line == format!("pub mod {stem};")
            });
        if !declared {
            problems.push(format!(
                "tests/{}: not declared in tests/{} (`mod {stem};`), so it never runs",
                relative.display(),
                parent.strip_prefix(&tests).unwrap_or(&parent).display()
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
