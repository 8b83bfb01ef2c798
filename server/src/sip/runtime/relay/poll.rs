//! Runtime: what a relay thread waits on, from Linux itself: an epoll set of the calls'
//! sockets and an eventfd the driver rings, edge-triggered. Edge-triggered because a
//! level-triggered member is polled again by the kernel at the next wait after each report,
//! a second look per packet at 50 packets a second per socket; the thread instead keeps the
//! sockets it left something queued in (it reads at most a batch per turn, so a flooded port
//! does not starve the others) and reads them again on its next turn. The `unsafe` system
//! calls stay in this file.

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::time::Duration;

/// Readiness reported by one wait, at most.
pub(super) const EVENTS: usize = 64;

/// An epoll set whose members are each known by a `u64` key.
pub(super) struct Poller {
    fd: OwnedFd,
    ready: [libc::epoll_event; EVENTS],
}

impl Poller {
    pub(super) fn new() -> io::Result<Self> {
        // SAFETY: no pointer is passed; the result is checked before it is owned.
        let fd = unsafe { libc::epoll_create1(libc::EPOLL_CLOEXEC) };
        Ok(Self {
            fd: owned(fd)?,
            ready: [libc::epoll_event { events: 0, u64: 0 }; EVENTS],
        })
    }

    /// Watches `fd` for datagrams to read, reported with `key` when some arrive: once per
    /// arrival, not again for what is left unread. A socket leaves the set when it is closed
    /// (the relay never duplicates one).
    pub(super) fn add(&self, fd: &impl AsRawFd, key: u64) -> io::Result<()> {
        let mut event = libc::epoll_event {
            events: (libc::EPOLLIN | libc::EPOLLET) as u32,
            u64: key,
        };
        // SAFETY: `event` is a live epoll_event for the call's duration; both fds are open.
        let r = unsafe {
            libc::epoll_ctl(
                self.fd.as_raw_fd(),
                libc::EPOLL_CTL_ADD,
                fd.as_raw_fd(),
                &mut event,
            )
        };
        check(r).map(drop)
    }

    /// Waits until a member is readable or `timeout` has passed (`None`: no limit), and
    /// writes the keys of those that are into `keys`, returning how many. A signal ending
    /// the wait early is a wait with nothing ready.
    pub(super) fn wait(
        &mut self,
        timeout: Option<Duration>,
        keys: &mut [u64; EVENTS],
    ) -> io::Result<usize> {
        let ms = timeout.map_or(-1, |t| {
            // Rounded up: waking a little late is harmless, waking early spins.
            let ms = t.as_micros().div_ceil(1000);
            i32::try_from(ms).unwrap_or(i32::MAX)
        });
        // SAFETY: `ready` has room for EVENTS entries, and the kernel writes at most that.
        let n = unsafe {
            libc::epoll_wait(
                self.fd.as_raw_fd(),
                self.ready.as_mut_ptr(),
                EVENTS as i32,
                ms,
            )
        };
        let n = match check(n) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => 0,
            Err(e) => return Err(e),
        };
        for (k, e) in keys.iter_mut().zip(&self.ready[..n]) {
            // A copy of the field: epoll_event is packed on x86-64, so no reference to it.
            *k = e.u64;
        }
        Ok(n)
    }
}

/// An eventfd: `ring` from any thread wakes the poll it is a member of, `clear` once woken.
pub(super) struct Bell {
    fd: OwnedFd,
}

impl Bell {
    pub(super) fn new() -> io::Result<Self> {
        // SAFETY: no pointer is passed; the result is checked before it is owned.
        let fd = unsafe { libc::eventfd(0, libc::EFD_NONBLOCK | libc::EFD_CLOEXEC) };
        Ok(Self { fd: owned(fd)? })
    }

    pub(super) fn ring(&self) {
        let one: u64 = 1;
        // SAFETY: writes the 8 bytes of a live u64. It fails only when the count would
        // overflow, and then the bell is ringing already.
        unsafe { libc::write(self.fd.as_raw_fd(), (&one as *const u64).cast(), 8) };
    }

    pub(super) fn clear(&self) {
        let mut count: u64 = 0;
        // SAFETY: reads 8 bytes into a live u64. It fails only when nothing rang since the
        // last clear, which leaves nothing to clear.
        unsafe { libc::read(self.fd.as_raw_fd(), (&mut count as *mut u64).cast(), 8) };
    }
}

impl AsRawFd for Bell {
    fn as_raw_fd(&self) -> RawFd {
        self.fd.as_raw_fd()
    }
}

fn check(r: i32) -> io::Result<usize> {
    usize::try_from(r).map_err(|_| io::Error::last_os_error())
}

fn owned(fd: i32) -> io::Result<OwnedFd> {
    check(fd)?;
    // SAFETY: a descriptor the kernel just returned, owned by nothing else.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}
