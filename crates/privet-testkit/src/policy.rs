//! Policies for tests that state their own retention rules on top of the default policy.

use privet_types::policy::DEFAULT_POLICY_TOML;

/// The default privet.toml with its own `[retention.*]` tables cut out and `extra` appended, for
/// a test whose retention rules would otherwise overlap the default's and disagree.
pub fn default_with_own_retention(extra: &str) -> String {
    let mut out = without_retention(DEFAULT_POLICY_TOML);
    out.push_str(extra);
    out
}

/// A privet.toml text with its `[retention.*]` tables cut out.
pub fn without_retention(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut cutting = false;
    for line in text.lines() {
        if line.starts_with('[') {
            cutting = line.starts_with("[retention.");
        }
        if !cutting {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use privet_types::policy::Policy;

    #[test]
    fn the_default_rules_go_and_the_test_rules_stay() {
        let text = default_with_own_retention(
            "[retention.mine]\ncategories = [\"contact.*\"]\nkeep_for = \"1d\"\nowner = \"me\"\nevery = \"1d\"\n",
        );
        let policy = Policy::parse(&text).expect("parses");
        let names: Vec<&str> = policy
            .rights()
            .retention
            .iter()
            .map(|r| r.name.as_str())
            .collect();
        assert_eq!(names, ["mine"]);
        assert!(Policy::default_policy().rights().retention.len() > 1);
    }
}
