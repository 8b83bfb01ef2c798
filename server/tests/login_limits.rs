//! The login limiter, through the real router: parallel guesses cannot
//! outrun the count, and the sequential budget is the one README states
//! (three attempts, then 1 s, 2 s, 4 s … between them).

mod common;

use app::ssr::login_limiter::FREE_ATTEMPTS;
use common::console::{shown, Console, PASSWORD, WAIT, WRONG};
use std::sync::Arc;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_guesses_beyond_the_limit_are_refused_unchecked() {
    let console = Arc::new(Console::new().await);
    let burst: Vec<_> = (0..40)
        .map(|n| {
            let console = console.clone();
            tokio::spawn(async move { console.login("admin", &format!("guess-{n}")).await })
        })
        .collect();
    let mut refused_first = None;
    let mut answers = Vec::new();
    for task in burst {
        let answer = task.await.expect("task");
        // A refusal means the budget was used up: a right password sent now
        // is inside the burst, and is refused unchecked too.
        if refused_first.is_none() && shown(&answer) == WAIT {
            refused_first = Some(console.login("admin", PASSWORD).await);
        }
        answers.push(answer);
    }
    let checked = answers.iter().filter(|a| shown(a) == WRONG).count();
    assert_eq!(
        checked, FREE_ATTEMPTS as usize,
        "passwords checked in a burst of 40"
    );
    let right = refused_first.expect("some guesses were refused");
    assert_eq!(shown(&right), WAIT, "{}", right.body);
}

#[tokio::test]
async fn sequential_guesses_wait_one_then_two_seconds() {
    let console = Console::new().await;
    for _ in 0..FREE_ATTEMPTS {
        assert_eq!(shown(&console.login("admin", "guess").await), WRONG);
    }
    let refused = console.login("admin", PASSWORD).await;
    assert!(
        refused.body.contains("try again in 1 s"),
        "{}",
        refused.body
    );
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(shown(&console.login("admin", "guess").await), WRONG);
    let refused = console.login("admin", PASSWORD).await;
    assert!(
        refused.body.contains("try again in 2 s"),
        "{}",
        refused.body
    );
    // After the wait, the right password logs in and clears the count.
    tokio::time::sleep(Duration::from_millis(2100)).await;
    assert_eq!(shown(&console.login("admin", PASSWORD).await), "logged in");
    assert_eq!(shown(&console.login("admin", "guess").await), WRONG);
}
