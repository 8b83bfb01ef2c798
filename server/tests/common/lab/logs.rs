//! What the lab's processes said: their output (file and memory), SIPp's
//! message traces, and the PBX's call log.

use super::super::sipp::Sipp;
use super::{Baresip, Lab};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};

/// A process's output, in a file for the developer and in memory for
/// waiting on a line.
#[derive(Clone)]
pub struct Log {
    path: PathBuf,
    text: Arc<Mutex<String>>,
}

impl Log {
    pub(super) fn new(path: PathBuf) -> Self {
        let _ = std::fs::remove_file(&path);
        Self {
            path,
            text: Arc::default(),
        }
    }

    /// Keeps reading `pipe` (so the process never blocks on a full pipe).
    pub(super) fn drain(&self, pipe: impl AsyncRead + Unpin + Send + 'static) {
        let log = self.clone();
        tokio::spawn(async move {
            let mut lines = BufReader::new(pipe).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                let line = format!("{line}\n");
                log.text.lock().expect("log").push_str(&line);
                if let Ok(mut f) = std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(&log.path)
                {
                    let _ = std::io::Write::write_all(&mut f, line.as_bytes());
                }
            }
        });
    }

    /// The output so far, terminal colours removed.
    pub fn text(&self) -> String {
        strip_ansi(&self.text.lock().expect("log"))
    }

    /// The raw output, colour codes kept (they delimit baresip's traces).
    pub fn raw(&self) -> String {
        self.text.lock().expect("log").clone()
    }

    /// Waits at most `limit` for a line containing `needle`.
    pub async fn wait_for(&self, needle: &str, limit: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + limit;
        while tokio::time::Instant::now() < deadline {
            if self.text().contains(needle) {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        self.text().contains(needle)
    }
}

pub(super) fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            // CSI: ESC [ parameters… final letter.
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The SIP messages a SIPp received, from its `-trace_msg` file.
pub fn sipp_received(sipp: &Sipp) -> Vec<String> {
    sipp.messages()
        .split("-----------------------------------------------")
        .filter_map(|block| {
            let (head, message) = block.split_once(" bytes :\n")?;
            head.contains("message received")
                .then(|| message.trim().to_owned())
        })
        .collect()
}

/// What went wrong in a test, said in order, then every wire and log.
#[derive(Default)]
pub struct Problems(pub Vec<String>);

impl Problems {
    pub fn check(&mut self, ok: bool, what: impl Into<String>) -> bool {
        if !ok {
            self.0.push(what.into());
        }
        ok
    }

    pub fn verdict(self, lab: &Lab, what: &str, sipps: &[&Sipp], phone: &Baresip) {
        self.verdict_of(lab, what, sipps, Some(phone));
    }

    /// `verdict`, for a test whose phones are SIPps too.
    pub fn verdict_of(self, lab: &Lab, what: &str, sipps: &[&Sipp], phone: Option<&Baresip>) {
        assert!(
            self.0.is_empty(),
            "{what}:\n- {}\n{}",
            self.0.join("\n- "),
            lab.report(sipps, phone)
        );
    }
}

/// Lines of `messages` (all sent by Trunkline) that give out the loopback
/// or the unspecified bind address, which no peer can reach. Call-ID is
/// skipped: it names no address (the DID's even embeds the REGISTER's).
pub fn unreachable_addresses(source: &str, messages: &[String]) -> Vec<String> {
    let mut bad: Vec<String> = Vec::new();
    for message in messages {
        let first = message.lines().next().unwrap_or_default();
        for line in message.lines() {
            let call_id = line.starts_with("Call-ID:") || line.starts_with("i:");
            if !call_id && (line.contains("127.0.0.1") || line.contains("0.0.0.0")) {
                let found = format!("to {source}, in `{first}`: {line}");
                // Once each: retransmissions repeat the same lines.
                if !bad.contains(&found) {
                    bad.push(found);
                }
            }
        }
    }
    bad
}
