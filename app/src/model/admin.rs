//! The administrator's account as the console's forms submit it.

use super::FieldErrors;
use serde::{Deserialize, Serialize};

pub const MIN_PASSWORD: usize = 8;

/// "Create the administrator" and `trunkline admin set-password`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminInput {
    pub username: String,
    pub password: String,
    pub confirm: String,
}

impl AdminInput {
    /// The username to store, or every problem by field.
    pub fn validate(&self) -> Result<String, FieldErrors> {
        let mut e = FieldErrors::new();
        let username = self.username.trim();
        if username.is_empty() {
            e.push("username", "Username is required.");
        } else if username.len() > 32
            || !username
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        {
            e.push(
                "username",
                "Username must be 1 to 32 letters, digits, \u{2018}-\u{2019}, \u{2018}_\u{2019} or \u{2018}.\u{2019}.",
            );
        }
        if self.password.chars().count() < MIN_PASSWORD {
            e.push(
                "password",
                format!("Password must be at least {MIN_PASSWORD} characters long."),
            );
        } else if self.password.chars().count() > 128 {
            e.push("password", "Password must be at most 128 characters long.");
        }
        if self.confirm != self.password {
            e.push(
                "confirm",
                "The two passwords differ; type the same password twice.",
            );
        }
        if e.is_empty() {
            Ok(username.to_owned())
        } else {
            Err(e)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(username: &str, password: &str, confirm: &str) -> AdminInput {
        AdminInput {
            username: username.into(),
            password: password.into(),
            confirm: confirm.into(),
        }
    }

    #[test]
    fn valid_admin() {
        assert_eq!(
            input(" admin ", "s3cret-pass", "s3cret-pass").validate(),
            Ok("admin".into())
        );
    }

    #[test]
    fn each_rule_names_its_field() {
        let e = input("", "short", "other")
            .validate()
            .expect_err("three errors");
        assert_eq!(e.get("username"), Some("Username is required."));
        assert_eq!(
            e.get("password"),
            Some("Password must be at least 8 characters long.")
        );
        assert!(e.get("confirm").is_some());
        let e = input("bad name", "long enough", "long enough")
            .validate()
            .expect_err("name");
        assert!(e.get("username").is_some_and(|m| m.contains("1 to 32")));
        let long = "x".repeat(129);
        let e = input("admin", &long, &long)
            .validate()
            .expect_err("too long");
        assert!(e.get("password").is_some_and(|m| m.contains("at most 128")));
    }
}
