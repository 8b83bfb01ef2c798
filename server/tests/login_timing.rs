//! The login's timing, through the real router: an unknown username is
//! refused after the same argon2 work as a wrong password, so the time
//! does not tell which usernames exist. A test binary of its own, so no
//! other test's load lands on one side of the comparison.

mod common;

use common::console::{shown, Console, PASSWORD, WRONG};
use std::time::Instant;

fn median(mut samples: Vec<f64>) -> f64 {
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}

#[tokio::test]
async fn unknown_usernames_take_as_long_as_wrong_passwords() {
    let console = Console::new().await;
    let (mut unknown, mut wrong) = (Vec::new(), Vec::new());
    for n in 0..15 {
        // In pairs, each side first in turn, so both see the same machine
        // load; the right password after each pair clears the limiter.
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
            samples.push(start.elapsed().as_secs_f64());
        }
        assert_eq!(shown(&console.login("admin", PASSWORD).await), "logged in");
    }
    let samples = format!("unknown user {unknown:?} s, wrong password {wrong:?} s");
    // The median of each pair's ratio: a load spike on the machine (other
    // builds) moves one pair, not the result.
    let ratios = unknown.iter().zip(&wrong).map(|(u, w)| u / w).collect();
    let ratio = median(ratios);
    let (unknown, wrong) = (median(unknown), median(wrong));
    assert!(
        (0.9..=1.1).contains(&ratio),
        "median ratio {ratio:.2} (medians {unknown:.3} s and {wrong:.3} s): {samples}"
    );
}
