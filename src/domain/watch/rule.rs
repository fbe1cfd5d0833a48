//! A watch rule as a profile writes it (`[[profiles.NAME.watch]]`) and as
//! the engine holds it, read once: a rule that does not parse is refused
//! with the rule's name, the key and, for a jq expression, the column.

use super::when::When;
use crate::domain::Vin;
use std::time::Duration;

/// A rule as written in a profile (or built from `watch --when/--silent`):
/// a name and exactly one condition, optionally limited to some vehicles
/// and rate-limited per vehicle.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    pub name: String,
    /// A jq expression over the record (`tail --json`'s form plus `dir`):
    /// fires on each message for which it is truthy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<String>,
    /// A duration (`5m`): fires when a vehicle sent nothing for that long,
    /// and again when it comes back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub silent: Option<String>,
    /// `true`: fires when a tracked message gets no reply within the
    /// tracking timeout.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unacknowledged: Option<bool>,
    /// Only these vehicles (none: every vehicle).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vins: Vec<String>,
    /// At most one alert per vehicle in this long (`1m`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cooldown: Option<String>,
}

/// What makes a rule fire.
#[derive(Debug, Clone)]
pub enum Condition {
    /// Each message for which the jq expression is truthy.
    When(When),
    /// A vehicle sent nothing for this long (and, again, when it is back).
    Silent(Duration),
    /// A tracked message got no reply within the tracking timeout.
    Unacknowledged,
}

impl Condition {
    /// The key that writes this condition in a profile.
    pub fn key(&self) -> &'static str {
        match self {
            Self::When(_) => "when",
            Self::Silent(_) => "silent",
            Self::Unacknowledged => "unacknowledged",
        }
    }
}

/// A watch rule, read and checked.
#[derive(Debug, Clone)]
pub struct Rule {
    pub name: String,
    pub condition: Condition,
    /// Only these vehicles; empty: all.
    pub vins: Vec<Vin>,
    pub cooldown: Option<Duration>,
}

/// Why a rule cannot be used: which rule, which key, and what is wrong
/// (for a jq expression, at which column).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("watch rule {rule:?}: {key}: {}{message}", column.map(|c| format!("column {c}: ")).unwrap_or_default())]
pub struct RuleError {
    /// The rule's name (`#N` when it has none).
    pub rule: String,
    /// The key at fault (`when`, `silent`, `vins`, ...), or `rule` for
    /// the rule as a whole.
    pub key: &'static str,
    /// For `when`: the 1-based column (in characters) of the error.
    pub column: Option<usize>,
    pub message: String,
    /// For `when`: the expression, to show the column under it.
    pub expression: Option<String>,
}

impl RuleError {
    /// The error, and for a jq expression the expression under it with a
    /// caret at the column (for a terminal).
    pub fn with_caret(&self) -> String {
        match (&self.expression, self.column) {
            (Some(expression), Some(column)) => {
                let shown: String = expression
                    .chars()
                    .map(|c| if c.is_control() { ' ' } else { c })
                    .collect();
                format!(
                    "{self}\n  {shown}\n  {}^",
                    " ".repeat(column.saturating_sub(1))
                )
            }
            _ => self.to_string(),
        }
    }
}

impl RuleSpec {
    /// A rule of the `when` kind, as `watch --when EXPR` gives it.
    pub fn when(name: impl Into<String>, expression: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            when: Some(expression.into()),
            ..Self::default()
        }
    }

    /// A rule of the `silent` kind, as `watch --silent DURATION` gives it.
    pub fn silent(name: impl Into<String>, duration: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            silent: Some(duration.into()),
            ..Self::default()
        }
    }

    /// Reads and checks the rule; `position` (1-based) names a rule that
    /// has no name.
    pub fn compile(&self, position: usize) -> Result<Rule, RuleError> {
        let name = self.name.trim();
        let label = if name.is_empty() {
            format!("#{position}")
        } else {
            name.to_owned()
        };
        let error = |key: &'static str, column: Option<usize>, message: String| RuleError {
            rule: label.clone(),
            key,
            column,
            message,
            expression: (key == "when").then(|| self.when.clone()).flatten(),
        };
        if name.is_empty() {
            return Err(error(
                "name",
                None,
                "every rule needs a name (name = \"speeding\"): alerts carry it".into(),
            ));
        }
        let mut conditions = Vec::new();
        if let Some(expression) = &self.when {
            let when = When::compile(expression)
                .map_err(|(column, message)| error("when", column, message))?;
            conditions.push(Condition::When(when));
        }
        if let Some(text) = &self.silent {
            let duration = crate::domain::duration::parse(text)
                .map_err(|err| error("silent", None, err.to_string()))?;
            if duration.is_zero() {
                return Err(error(
                    "silent",
                    None,
                    "0 would call every vehicle silent at once: give how long a vehicle may stay quiet (5m)".into(),
                ));
            }
            conditions.push(Condition::Silent(duration));
        }
        if self.unacknowledged == Some(true) {
            conditions.push(Condition::Unacknowledged);
        }
        let condition = match conditions.len() {
            1 => conditions.remove(0),
            0 => {
                return Err(error(
                    "rule",
                    None,
                    "has no condition: give one of when = \"jq expression\", silent = \"5m\" or unacknowledged = true".into(),
                ));
            }
            _ => {
                let keys: Vec<&str> = conditions.iter().map(Condition::key).collect();
                return Err(error(
                    "rule",
                    None,
                    format!(
                        "has {} conditions ({}): a rule has one; write one rule for each",
                        keys.len(),
                        keys.join(", ")
                    ),
                ));
            }
        };
        let vins = self
            .vins
            .iter()
            .map(|vin| {
                Vin::parse(vin).map_err(|err| error("vins", None, format!("{vin:?}: {err}")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let cooldown = self
            .cooldown
            .as_deref()
            .map(crate::domain::duration::parse)
            .transpose()
            .map_err(|err| error("cooldown", None, err.to_string()))?;
        Ok(Rule {
            name: name.to_owned(),
            condition,
            vins,
            cooldown,
        })
    }
}

/// Reads every rule, refusing the first that does not parse and a name
/// given twice (alerts are told apart by their rule's name).
pub fn compile_all(specs: &[RuleSpec]) -> Result<Vec<Rule>, RuleError> {
    let mut rules: Vec<Rule> = Vec::with_capacity(specs.len());
    for (at, spec) in specs.iter().enumerate() {
        let rule = spec.compile(at + 1)?;
        if rules.iter().any(|other| other.name == rule.name) {
            return Err(RuleError {
                rule: rule.name,
                key: "name",
                column: None,
                expression: None,
                message: "is the name of another rule too: alerts are told apart by their rule's name; rename one".into(),
            });
        }
        rules.push(rule);
    }
    Ok(rules)
}

impl Rule {
    /// Whether this rule looks at `vin` (a message without a VIN only
    /// concerns rules for every vehicle).
    pub fn covers(&self, vin: Option<&Vin>) -> bool {
        self.vins.is_empty() || vin.is_some_and(|vin| self.vins.contains(vin))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(toml_text: &str) -> RuleSpec {
        toml::from_str(toml_text).unwrap()
    }

    #[test]
    fn each_kind_reads_from_its_key() {
        let rule = spec(
            "name = \"quiet\"\nsilent = \"5m\"\nvins = [\"VF3ABCDEFGH123456\"]\ncooldown = \"1m\"",
        )
        .compile(1)
        .unwrap();
        assert!(matches!(rule.condition, Condition::Silent(d) if d == Duration::from_secs(300)));
        assert_eq!(rule.vins[0].as_str(), "VF3ABCDEFGH123456");
        assert_eq!(rule.cooldown, Some(Duration::from_secs(60)));
        let rule = spec("name = \"unanswered\"\nunacknowledged = true")
            .compile(1)
            .unwrap();
        assert!(matches!(rule.condition, Condition::Unacknowledged));
        assert!(rule.vins.is_empty() && rule.cooldown.is_none());
    }

    #[test]
    fn a_rule_has_exactly_one_condition() {
        let err = spec("name = \"x\"").compile(1).unwrap_err();
        assert_eq!(err.key, "rule");
        assert!(err.to_string().contains("has no condition"), "{err}");
        let err = spec("name = \"x\"\nunacknowledged = false")
            .compile(1)
            .unwrap_err();
        assert!(err.to_string().contains("has no condition"), "{err}");
        let err = spec("name = \"x\"\nsilent = \"1m\"\nunacknowledged = true")
            .compile(1)
            .unwrap_err();
        assert!(
            err.to_string()
                .contains("has 2 conditions (silent, unacknowledged)"),
            "{err}"
        );
    }

    #[test]
    fn what_does_not_parse_is_refused_naming_the_rule_and_the_key() {
        let err = spec("name = \"quiet\"\nsilent = \"5 minutes\"")
            .compile(1)
            .unwrap_err();
        assert_eq!((err.rule.as_str(), err.key), ("quiet", "silent"));
        assert!(
            err.to_string()
                .starts_with("watch rule \"quiet\": silent: "),
            "{err}"
        );
        let err = spec("name = \"q\"\nsilent = \"0s\"")
            .compile(1)
            .unwrap_err();
        assert_eq!(err.key, "silent");
        let err = spec("name = \"q\"\nsilent = \"1m\"\nvins = [\"NOPE\"]")
            .compile(1)
            .unwrap_err();
        assert_eq!(err.key, "vins");
        assert!(err.to_string().contains("NOPE"), "{err}");
        let err = spec("name = \"q\"\nsilent = \"1m\"\ncooldown = \"often\"")
            .compile(1)
            .unwrap_err();
        assert_eq!(err.key, "cooldown");
        let err = spec("name = \"\"\nsilent = \"1m\"").compile(3).unwrap_err();
        assert_eq!((err.rule.as_str(), err.key), ("#3", "name"));
        assert!(toml::from_str::<RuleSpec>("name = \"q\"\nsilence = \"1m\"").is_err());
    }

    #[test]
    fn a_when_expression_that_does_not_compile_is_refused_at_its_column() {
        let rule = spec("name = \"fast\"\nwhen = '.payload.content.params.speed_kmh > 120'")
            .compile(1)
            .unwrap();
        assert!(matches!(rule.condition, Condition::When(_)));
        let err = spec("name = \"fast\"\nwhen = '.speed >'")
            .compile(1)
            .unwrap_err();
        assert_eq!(
            (err.rule.as_str(), err.key, err.column),
            ("fast", "when", Some(9))
        );
        assert!(
            err.to_string()
                .starts_with("watch rule \"fast\": when: column 9: "),
            "{err}"
        );
        assert!(
            err.with_caret().ends_with("\n  .speed >\n          ^"),
            "{}",
            err.with_caret()
        );
    }

    #[test]
    fn two_rules_of_one_name_are_refused() {
        let specs = [RuleSpec::silent("q", "1m"), RuleSpec::silent("q", "2m")];
        let err = compile_all(&specs).unwrap_err();
        assert_eq!((err.rule.as_str(), err.key), ("q", "name"));
        assert_eq!(
            compile_all(&[RuleSpec::silent("a", "1m"), RuleSpec::silent("b", "2m")])
                .unwrap()
                .len(),
            2
        );
    }

    #[test]
    fn a_rule_written_back_reads_the_same() {
        let written = RuleSpec {
            name: "fast".into(),
            silent: Some("5m".into()),
            vins: vec!["VF3ABCDEFGH123456".into()],
            ..RuleSpec::default()
        };
        let text = toml::to_string(&written).unwrap();
        assert!(!text.contains("when"), "{text}");
        assert_eq!(toml::from_str::<RuleSpec>(&text).unwrap(), written);
    }
}
