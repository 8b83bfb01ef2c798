//! baresip as the office's phone: a real SIP user agent in the `phone`
//! namespace, with no sound card.

use super::{Lab, Log, Ns, Problems, PBX_IP, PHONE_IP};
use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;
use tokio::io::AsyncWriteExt;
use tokio::process::{Child, ChildStdin};

/// What a phone plays into its calls, and where it records them.
pub struct PhoneAudio {
    /// A 16-bit mono WAV at 8 kHz (PCMU's rate: baresip does not resample).
    pub play: PathBuf,
    /// The directory baresip's sndfile dumps every stream into.
    pub record: PathBuf,
}

impl Lab {
    /// baresip as the phone of line `user` (password `password`), in
    /// `phone` on 192.168.77.10:5060, registering to the PBX, answering
    /// every call at once; driven through its stdin (see [`Baresip`]).
    pub fn baresip(&self, user: &str, password: &str) -> Baresip {
        self.baresip_with(user, password, None)
    }

    /// [`Lab::baresip`] speaking and listening: it plays `audio.play` into
    /// its calls (aufile, once) and dumps what it sends and what it decodes
    /// into `audio.record` (sndfile: `dump-<time>-enc.wav` and
    /// `-dec.wav`), offering PCMU only, the file's rate.
    pub fn baresip_playing(&self, user: &str, password: &str, audio: &PhoneAudio) -> Baresip {
        self.baresip_with(user, password, Some(audio))
    }

    fn baresip_with(&self, user: &str, password: &str, audio: Option<&PhoneAudio>) -> Baresip {
        let conf = self.dir.join("baresip");
        std::fs::create_dir_all(&conf).expect("baresip dir");
        // No sound card: aubridge joins the player to the source in memory;
        // a phone with audio reads its source from the file instead, and
        // sndfile, between the codec and the player, keeps what it hears.
        let (source, modules, codecs) = match audio {
            None => ("aubridge,lab".to_owned(), String::new(), "pcmu,pcma"),
            Some(a) => {
                std::fs::create_dir_all(&a.record).expect("recording dir");
                let modules = format!(
                    "module aufile.so\nmodule sndfile.so\nsnd_path {}\n",
                    a.record.display()
                );
                (format!("aufile,{}", a.play.display()), modules, "pcmu")
            }
        };
        let config = format!(
            "poll_method epoll\nsip_listen {PHONE_IP}:5060\ncall_local_timeout 30\n\
             audio_player aubridge,lab\naudio_source {source}\naudio_alert aubridge,lab\n\
             statmode_default off\nmodule_path /usr/lib/baresip/modules\nmodule stdio.so\n\
             module g711.so\nmodule aubridge.so\n{modules}module_tmp account.so\n\
             module_app menu.so\n"
        );
        let account = format!(
            "<sip:{user}@{PBX_IP};transport=udp>;auth_pass={password};regint=600;\
             answermode=auto;audio_codecs={codecs}\n"
        );
        std::fs::write(conf.join("config"), config).expect("baresip config");
        std::fs::write(conf.join("accounts"), account).expect("baresip accounts");
        // -s traces every SIP message; -t bounds its life whatever happens
        // (a test may run two calls of up to 25 s each).
        let mut child = self
            .cmd(Ns::Phone, "baresip")
            .args(["-4", "-s", "-t", "60", "-f"])
            .arg(&conf)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("baresip (Debian package baresip-core) must be installed");
        let log = Log::new(self.dir.join("baresip.log"));
        log.drain(child.stdout.take().expect("stdout"));
        log.drain(child.stderr.take().expect("stderr"));
        let stdin = child.stdin.take().expect("stdin");
        let record = audio.map(|a| a.record.clone());
        Baresip {
            child,
            stdin,
            log,
            record,
        }
    }
}

/// baresip, driven through its `stdio` UI as a person at its keyboard:
/// `/dial <number>`, `/hangup`, `/quit`, one line each. (Its `-e` runs
/// commands only at start, before the registration; ctrl_tcp and cons
/// listen inside the phone's namespace, out of the test's reach.)
pub struct Baresip {
    pub child: Child,
    stdin: ChildStdin,
    pub log: Log,
    /// Where it records (see [`Lab::baresip_playing`]).
    record: Option<PathBuf>,
}

impl Baresip {
    pub async fn command(&mut self, line: &str) {
        let line = format!("{line}\n");
        let _ = self.stdin.write_all(line.as_bytes()).await;
        let _ = self.stdin.flush().await;
    }

    pub async fn wait_for(&self, needle: &str, limit: Duration) -> bool {
        self.log.wait_for(needle, limit).await
    }

    /// Registers, dials `number`, and waits (at most 15 s) for the answer.
    pub async fn dial(&mut self, p: &mut Problems, number: &str) -> bool {
        if !p.check(
            self.registered().await,
            "baresip did not register to 192.168.77.2:5060 within 10 s",
        ) {
            return false;
        }
        self.command(&format!("/dial {number}")).await;
        let up = self
            .wait_for("Call established", Duration::from_secs(15))
            .await;
        p.check(
            up,
            format!("the phone's call to {number} was not established within 15 s"),
        )
    }

    /// Waits (at most 10 s) for the line's registration.
    pub async fn registered(&self) -> bool {
        self.wait_for("registered successfully", Duration::from_secs(10))
            .await
    }

    pub fn log(&self) -> String {
        self.log.text()
    }

    /// The recordings of what it decoded (heard), oldest first.
    pub fn heard(&self) -> Vec<PathBuf> {
        let Some(dir) = &self.record else {
            return Vec::new();
        };
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.to_string_lossy().ends_with("-dec.wav"))
            .collect();
        files.sort();
        files
    }

    /// The SIP messages baresip received (from whoever: the PBX is its
    /// only peer), as its `-s` trace printed them: a block between colour
    /// codes, `#`, then `UDP <from> -> <to>`, then the message.
    pub fn received(&self) -> Vec<String> {
        let to_me = format!(" -> {PHONE_IP}:");
        self.log
            .raw()
            .split("\x1b[36;1m")
            .skip(1)
            .filter_map(|block| {
                let block = block.split("\x1b[;m").next().unwrap_or_default();
                let mut lines = block.trim_start_matches("#\n").splitn(2, '\n');
                let head = lines.next()?;
                head.contains(&to_me)
                    .then(|| lines.next().unwrap_or_default().to_owned())
            })
            .collect()
    }

    /// Where baresip sent each SIP message (`ip:port`), from its trace: the
    /// first address after each `UDP <phone> -> `. Another of its threads
    /// may print a line in between (its audio module does), before the
    /// address or glued to its end (`192.168.77.2:5060aubridge: ...`), so
    /// words that do not start with an address are skipped and a glued
    /// tail is cut off.
    pub fn sent_to(&self) -> Vec<String> {
        let from_me = format!("UDP {PHONE_IP}:5060 -> ");
        let text = self.log.text();
        text.match_indices(&from_me)
            .filter_map(|(at, _)| {
                text[at + from_me.len()..]
                    .split_whitespace()
                    .find_map(leading_address)
            })
            .collect()
    }

    /// Quits (unregistering), killed after 5 s.
    pub async fn quit(&mut self) {
        self.command("/quit").await;
        if tokio::time::timeout(Duration::from_secs(5), self.child.wait())
            .await
            .is_err()
        {
            let _ = self.child.kill().await;
        }
    }
}

/// The IPv4 `ip:port` that `word` starts with, if any.
fn leading_address(word: &str) -> Option<String> {
    let end = word
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ':'))
        .unwrap_or(word.len());
    let head = &word[..end];
    head.parse::<std::net::SocketAddr>()
        .is_ok()
        .then(|| head.to_owned())
}

#[test]
fn an_address_glued_to_another_threads_line_is_read_alone() {
    assert_eq!(
        leading_address("192.168.77.2:5060aubridge:"),
        Some("192.168.77.2:5060".to_owned())
    );
    assert_eq!(leading_address("aubridge:"), None);
    assert_eq!(leading_address("8000"), None);
}
