//! The login's timing, through the real router: an unknown username is
//! refused after the same argon2 work as a wrong password, so the time
//! does not tell which usernames exist. A test binary of its own, so no
//! other test's load lands on one side of the comparison.

mod common;

use axum::http::StatusCode;
use common::console::{Answer, Console, PASSWORD};
use std::time::{Duration, Instant};

const WRONG: &str = "Wrong username or password.";

fn shown(answer: &Answer) -> &'static str {
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    if answer.body.contains(WRONG) {
        WRONG
    } else if answer.body.contains("Done") {
        "logged in"
    } else {
        panic!("unexpected answer: {}", answer.body)
    }
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

#[tokio::test]
async fn unknown_usernames_take_as_long_as_wrong_passwords() {
    let console = Console::new().await;
    let (mut unknown, mut wrong) = (Vec::new(), Vec::new());
    for n in 0..11 {
        // Interleaved, in turn first, so both see the same machine load;
        // the right password after each pair clears the limiter's count.
        let ghost = format!("ghost{n}");
        let pair = [(ghost.as_str(), &mut unknown), ("admin", &mut wrong)];
        let pair = if n % 2 == 0 {
            pair
        } else {
            let [a, b] = pair;
            [b, a]
        };
        for (username, samples) in pair {
            let start = Instant::now();
            assert_eq!(shown(&console.login(username, "guess").await), WRONG);
            samples.push(start.elapsed());
        }
        assert_eq!(shown(&console.login("admin", PASSWORD).await), "logged in");
    }
    let samples = format!("unknown user {unknown:?}, wrong password {wrong:?}");
    let (unknown, wrong) = (median(unknown), median(wrong));
    let ratio = unknown.as_secs_f64() / wrong.as_secs_f64();
    assert!(
        (0.9..=1.1).contains(&ratio),
        "medians {unknown:?} and {wrong:?}: {samples}"
    );
}
