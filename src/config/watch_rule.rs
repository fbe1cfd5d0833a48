//! A watch rule added to a profile of the config file (`W` in the
//! console): written with `toml_edit`, so the user's comments, order and
//! layout stay as they were; only a `[[profiles.NAME.watch]]` table is
//! appended.

use crate::domain::watch::RuleSpec;
use std::path::Path;

/// Why a rule could not be saved: a sentence that names the file and what
/// to do.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{0}")]
pub struct SaveRuleError(pub String);

/// Appends `rule` to the watch rules of `profile` in the config file at
/// `path` (created when missing). Refused: a rule that does not parse, a
/// name the profile's rules already use, a file that is not TOML.
pub fn add_watch_rule(path: &Path, profile: &str, rule: &RuleSpec) -> Result<(), SaveRuleError> {
    rule.compile(1)
        .map_err(|err| SaveRuleError(format!("the rule does not parse: {err}")))?;
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(err) => {
            return Err(SaveRuleError(format!(
                "cannot read {}: {err}",
                path.display()
            )));
        }
    };
    let mut document: toml_edit::DocumentMut = text.parse().map_err(|err| {
        SaveRuleError(format!(
            "{} is not valid TOML ({err}): fix it, then save the rule again",
            path.display()
        ))
    })?;
    let profiles = document
        .entry("profiles")
        .or_insert_with(|| {
            let mut table = toml_edit::Table::new();
            // `[profiles.NAME]` headers, no empty `[profiles]` one.
            table.set_implicit(true);
            toml_edit::Item::Table(table)
        })
        .as_table_mut()
        .ok_or_else(|| not_a_table(path, "profiles"))?;
    let profile_table = profiles
        .entry(profile)
        .or_insert_with(|| toml_edit::Item::Table(toml_edit::Table::new()))
        .as_table_mut()
        .ok_or_else(|| not_a_table(path, &format!("profiles.{profile}")))?;
    let rules = profile_table
        .entry("watch")
        .or_insert_with(|| toml_edit::Item::ArrayOfTables(toml_edit::ArrayOfTables::new()))
        .as_array_of_tables_mut()
        .ok_or_else(|| {
            SaveRuleError(format!(
                "{}: profiles.{profile}.watch is not a list of [[profiles.{profile}.watch]] tables: fix it, then save the rule again",
                path.display()
            ))
        })?;
    if rules.iter().any(|table| {
        table.get("name").and_then(toml_edit::Item::as_str) == Some(rule.name.as_str())
    }) {
        return Err(SaveRuleError(format!(
            "profile {profile} has a rule named {:?} already ({}): give another name",
            rule.name,
            path.display()
        )));
    }
    let mut table = toml_edit::Table::new();
    table.insert("name", toml_edit::value(rule.name.as_str()));
    if let Some(when) = &rule.when {
        table.insert("when", toml_edit::value(when.as_str()));
    }
    if let Some(silent) = &rule.silent {
        table.insert("silent", toml_edit::value(silent.as_str()));
    }
    if !rule.vins.is_empty() {
        let vins: toml_edit::Array = rule.vins.iter().map(String::as_str).collect();
        table.insert("vins", toml_edit::value(vins));
    }
    rules.push(table);
    if let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|err| SaveRuleError(format!("cannot create {}: {err}", dir.display())))?;
    }
    std::fs::write(path, document.to_string())
        .map_err(|err| SaveRuleError(format!("cannot write {}: {err}", path.display())))
}

fn not_a_table(path: &Path, key: &str) -> SaveRuleError {
    SaveRuleError(format!(
        "{}: {key} is not a table: fix it, then save the rule again",
        path.display()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn speeding() -> RuleSpec {
        RuleSpec {
            vins: vec!["VF3ABCDEFGH123456".into()],
            ..RuleSpec::silent("quiet bench car", "5m")
        }
    }

    #[test]
    fn a_rule_is_appended_to_the_profile_keeping_comments_and_layout() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        let before = "# my profiles\ndefault-profile = \"bench\"\n\n[profiles.bench]   # the bench car\nbroker = \"mqtt://127.0.0.1:1883\"  # local\n\n[[profiles.bench.fleet]]\nvin = \"VF3ABCDEFGH123456\"\n\n[profiles.prod]\nuid = \"P\"\n";
        std::fs::write(&path, before).unwrap();
        add_watch_rule(&path, "bench", &speeding()).unwrap();
        let after = std::fs::read_to_string(&path).unwrap();
        // In its profile, before the next one; every other byte as it was.
        let added = "[[profiles.bench.watch]]\nname = \"quiet bench car\"\nsilent = \"5m\"\nvins = [\"VF3ABCDEFGH123456\"]\n\n";
        assert_eq!(after.replace(added, ""), before, "{after}");
        let file: crate::config::ConfigFile = toml::from_str(&after).unwrap();
        let rules = &file.profiles["bench"].watch;
        assert_eq!(rules, &vec![speeding()], "{after}");
        assert!(file.profiles["prod"].watch.is_empty());
    }

    #[test]
    fn a_missing_file_or_profile_is_made_and_a_second_rule_of_that_name_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("wpconsole").join("config.toml");
        add_watch_rule(&path, "bench", &speeding()).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("[[profiles.bench.watch]]"), "{text}");
        assert!(!text.contains("[profiles]\n"), "no empty table: {text}");
        let err = add_watch_rule(&path, "bench", &speeding()).unwrap_err();
        assert!(
            err.0
                .contains("has a rule named \"quiet bench car\" already"),
            "{err}"
        );
        assert_eq!(std::fs::read_to_string(&path).unwrap(), text, "unchanged");
    }

    #[test]
    fn a_rule_that_does_not_parse_or_a_file_that_is_not_toml_is_refused_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, "[profiles.bench\n").unwrap();
        let err = add_watch_rule(&path, "bench", &speeding()).unwrap_err();
        assert!(err.0.contains("is not valid TOML"), "{err}");
        let err = add_watch_rule(&path, "bench", &RuleSpec::silent("q", "soon")).unwrap_err();
        assert!(err.0.contains("does not parse"), "{err}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "[profiles.bench\n");
    }
}
