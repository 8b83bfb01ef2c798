//! Probes the test runs itself inside the lab's namespaces.

use super::{Lab, Ns};
use std::time::{Duration, Instant};

extern "C" {
    /// libc's setns(2) (std links libc): moves the calling thread into
    /// another namespace.
    fn setns(fd: i32, nstype: i32) -> i32;
}

const CLONE_NEWNET: i32 = 0x4000_0000;

impl Lab {
    /// A UDP socket bound to `addr` inside `ns`, for probes run by the test
    /// itself. A socket belongs to the namespace it was created in, so a
    /// short-lived thread enters `ns`, binds, and hands the socket back.
    pub fn udp(&self, ns: Ns, addr: &str) -> std::net::UdpSocket {
        let path = format!("/run/netns/{}", self.ns(ns));
        let addr = addr.to_owned();
        std::thread::spawn(move || {
            use std::os::fd::AsRawFd;
            let file = std::fs::File::open(&path).expect("namespace file");
            // SAFETY: a valid descriptor (`file` lives); only this thread,
            // which ends right after binding, changes namespace.
            let rc = unsafe { setns(file.as_raw_fd(), CLONE_NEWNET) };
            assert_eq!(rc, 0, "setns {path}: {}", std::io::Error::last_os_error());
            let socket = std::net::UdpSocket::bind(&addr).expect("bind in the namespace");
            socket
                .set_read_timeout(Some(Duration::from_secs(3)))
                .expect("read timeout");
            socket
        })
        .join()
        .expect("namespace thread")
    }
}

impl Lab {
    /// Returns once a datagram crosses each path of the office (at most
    /// 3 s each): in a lab just made, the first packets may wait a second
    /// for neighbour discovery, which would shift every timing of a test.
    /// From ephemeral ports, so no mapping of port 5060 is touched.
    ///
    /// Each receiving address is bound once for all its paths. Binding it
    /// again right after closing it failed now and then with "Address
    /// already in use": a child process another test forks at that moment
    /// holds a copy of the socket until it execs.
    pub(super) fn warm_up(&self) {
        let inet = self.udp(Ns::Inet, "198.51.100.20:9");
        let pbx = self.udp(Ns::Pbx, "192.168.77.2:9");
        let paths = [
            (Ns::Pbx, &inet, "198.51.100.20:9"),
            (Ns::Phone, &inet, "198.51.100.20:9"),
            (Ns::Phone, &pbx, "192.168.77.2:9"),
        ];
        let mut buf = [0u8; 16];
        for (n, (from, rx, to)) in paths.into_iter().enumerate() {
            rx.set_read_timeout(Some(Duration::from_millis(100)))
                .expect("timeout");
            let tx = self.udp(from, "0.0.0.0:0");
            // Each path's own word: a late datagram of the path before,
            // to the same receiver, does not count for this one.
            let word = format!("warm-up {n}");
            let deadline = Instant::now() + Duration::from_secs(3);
            loop {
                let _ = tx.send_to(word.as_bytes(), to);
                if let Ok((len, _)) = rx.recv_from(&mut buf) {
                    if &buf[..len] == word.as_bytes() {
                        break;
                    }
                }
                assert!(
                    Instant::now() < deadline,
                    "lab: nothing from {from:?} reached {to} in 3 s"
                );
            }
        }
    }
}
