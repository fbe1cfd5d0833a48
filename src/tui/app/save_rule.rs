//! `W` on the log: the filter in force (vehicle, kind, text, jq) becomes a
//! `when` watch rule of the profile, named in a prompt; the run loop
//! writes it into the config file (`config::watch_rule`).

use super::{App, Command, Modal, StatusLevel};
use crate::domain::watch::RuleSpec;
use crate::store::VehicleFilter;
use crate::tui::modal::RuleNamePrompt;
use std::path::PathBuf;

/// A rule to write into the config file: where, in which profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleToSave {
    pub path: PathBuf,
    pub profile: String,
    pub rule: RuleSpec,
}

/// The log's filter in force as a rule (its name still empty), or `None`
/// when no filter is in force.
fn rule_of_filter(app: &App) -> Option<RuleSpec> {
    let filter = app.log.filter();
    let json = |text: &str| serde_json::Value::String(text.to_owned()).to_string();
    let mut conditions = Vec::new();
    let mut vins = Vec::new();
    match &filter.vehicle {
        VehicleFilter::All => {}
        VehicleFilter::Vehicle(vin) => vins.push(vin.to_string()),
        VehicleFilter::Unrecognised => conditions.push(".vin == null".to_owned()),
    }
    if let Some(kind) = filter.kind {
        conditions.push(format!(".kind == {}", json(kind)));
    }
    if !filter.text.is_empty() {
        // The log's text is searched in the whole record, case aside.
        conditions.push(format!(
            "(tostring | ascii_downcase | contains({}))",
            json(&filter.text)
        ));
    }
    if let Some(jq) = app.log.jq() {
        conditions.push(format!("({})", jq.text()));
    }
    if conditions.is_empty() && vins.is_empty() {
        return None;
    }
    let when = if conditions.is_empty() {
        "true".to_owned()
    } else {
        conditions.join(" and ")
    };
    Some(RuleSpec {
        vins,
        ..RuleSpec::when("", when)
    })
}

/// How the prompt shows the rule to be written.
fn described(rule: &RuleSpec) -> String {
    let when = format!("when = {}", rule.when.as_deref().unwrap_or_default());
    if rule.vins.is_empty() {
        when
    } else {
        format!("{when}; vins = [{}]", rule.vins.join(", "))
    }
}

/// `W`: the name prompt, or why there is nothing to save.
pub(super) fn open(app: &mut App) {
    let Some(rule) = rule_of_filter(app) else {
        app.notice = Some((
            StatusLevel::Info,
            "no filter in force to make a rule of: filter the log first (a vehicle, a kind, a text or jq)".into(),
        ));
        return;
    };
    if app.rules_file.is_none() {
        app.notice = Some((
            StatusLevel::Info,
            "no profile to save a rule in: start the console with --profile NAME".into(),
        ));
        return;
    }
    app.modal = Some(Modal::RuleName(RuleNamePrompt::new(described(&rule))));
}

/// Enter in the prompt: the rule, checked, for the run loop to write.
pub(super) fn save(app: &mut App, name: &str) -> Option<Command> {
    let refuse = |app: &mut App, why: String| {
        if let Some(Modal::RuleName(prompt)) = app.modal.as_mut() {
            prompt.refuse(why);
        }
    };
    if name.is_empty() {
        refuse(app, "a rule needs a name: alerts carry it".into());
        return None;
    }
    let (path, profile) = app.rules_file.clone()?;
    let Some(mut rule) = rule_of_filter(app) else {
        app.modal = None;
        return None;
    };
    name.clone_into(&mut rule.name);
    if let Err(err) = rule.compile(1) {
        refuse(app, format!("the rule does not parse: {err}"));
        return None;
    }
    app.modal = None;
    Some(Command::SaveRule(RuleToSave {
        path,
        profile,
        rule,
    }))
}
