//! DuckDB, from the Python package registry (`pip install duckdb`): the
//! engine a data team points at a month of journals.

use std::process::{Command, Stdio};

/// Whether `python3` can import duckdb. Without it the tests that need it
/// are skipped with a notice, unless `WPCONSOLE_REQUIRE_DUCKDB=1` (CI,
/// which installs it), where its absence fails the test.
pub fn duckdb_available(test: &str) -> bool {
    let found = Command::new("python3")
        .args(["-c", "import duckdb"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    if !found {
        assert!(
            std::env::var("WPCONSOLE_REQUIRE_DUCKDB").as_deref() != Ok("1"),
            "{test}: DuckDB is required (WPCONSOLE_REQUIRE_DUCKDB=1) but python3 cannot import it: python3 -m pip install duckdb"
        );
        eprintln!("SKIPPED {test}: python3 cannot import duckdb (python3 -m pip install duckdb)");
    }
    found
}

/// Runs `sql` with DuckDB in `dir`; each row of the result as a JSON array.
pub fn duckdb_rows(dir: &std::path::Path, sql: &str) -> Vec<serde_json::Value> {
    let script = "import duckdb, json, sys\n\
                  for row in duckdb.sql(sys.stdin.read()).fetchall():\n\
                  \x20   print(json.dumps(row, default=str))\n";
    let mut child = Command::new("python3")
        .args(["-c", script])
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 runs");
    std::io::Write::write_all(&mut child.stdin.take().expect("stdin"), sql.as_bytes())
        .expect("query written");
    let out = child.wait_with_output().expect("python3 ends");
    assert!(
        out.status.success(),
        "the query failed:\n{sql}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).expect("a JSON row"))
        .collect()
}
