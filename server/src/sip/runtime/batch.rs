//! Runtime: reading a UDP socket's queued datagrams with one system call (`recvmmsg`), and
//! knowing from it that the queue is empty. Reading one datagram at a time takes a second,
//! failing read per wake-up to learn that nothing more waits: for the relay, at 50 packets a
//! second per socket, that failing read was a third of its system calls; for the SIP socket
//! under load, one read per datagram plus that failing one.

use std::io;
use std::mem::{size_of, zeroed};
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};
use std::os::fd::AsRawFd;

use tokio::io::Interest;
use tokio::net::UdpSocket;

/// What one read took off a socket's queue: up to `N` datagrams of up to `size` bytes each.
pub struct Batch<const N: usize> {
    /// `N` slots of `size` bytes, on the heap: the SIP socket's slots are 64 KiB each. Pages
    /// of a slot no datagram reached are never touched, so they cost no resident memory.
    bufs: Vec<u8>,
    size: usize,
    lens: [usize; N],
    from: [Option<SocketAddr>; N],
    count: usize,
}

impl<const N: usize> Batch<N> {
    /// Room for `N` datagrams of `size` bytes; a longer one is cut to `size`.
    pub fn new(size: usize) -> Self {
        Self {
            bufs: vec![0; N * size],
            size,
            lens: [0; N],
            from: [None; N],
            count: 0,
        }
    }

    /// The datagrams read, each with its source.
    pub fn packets(&mut self) -> impl Iterator<Item = (&mut [u8], SocketAddr)> {
        self.bufs
            .chunks_exact_mut(self.size)
            .zip(self.lens)
            .zip(self.from)
            .take(self.count)
            .filter_map(|((buf, len), from)| Some((&mut buf[..len], from?)))
    }

    /// How many datagrams the last read took: fewer than `N` means the queue was left empty.
    pub fn len(&self) -> usize {
        self.count
    }

    /// Reads what `socket` has queued, up to `N` datagrams, without waiting. When the
    /// queue is left empty the socket's readiness is cleared in the same step, so the task
    /// sleeps until the next datagram without another read to find out; clearing it inside
    /// tokio's `try_io` keeps a datagram that arrives meanwhile from being missed.
    pub fn read(&mut self, socket: &UdpSocket) -> io::Result<()> {
        self.count = 0;
        let fd = socket.as_raw_fd();
        let mut emptied = false;
        let result = socket.try_io(Interest::READABLE, || {
            let n = self.recvmmsg(fd)?;
            self.count = n;
            if n < N {
                // Fewer than asked for: the queue is empty now.
                emptied = true;
                return Err(io::ErrorKind::WouldBlock.into());
            }
            Ok(())
        });
        match result {
            Err(e) if e.kind() == io::ErrorKind::WouldBlock && emptied => Ok(()),
            other => other,
        }
    }

    /// Reads what a non-blocking socket watched outside tokio (the relay's own poll loop)
    /// has queued, up to `N` datagrams: an empty queue is a read of none, not an error.
    pub fn read_fd(&mut self, socket: &impl AsRawFd) -> io::Result<()> {
        self.count = 0;
        match self.recvmmsg(socket.as_raw_fd()) {
            Ok(n) => {
                self.count = n;
                Ok(())
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => Ok(()),
            Err(e) => Err(e),
        }
    }

    fn recvmmsg(&mut self, fd: i32) -> io::Result<usize> {
        // SAFETY: all-zero sockaddr_storage, iovec and mmsghdr values are valid (no address,
        // no buffer); each is filled in below before use.
        let mut names: [libc::sockaddr_storage; N] = unsafe { zeroed() };
        let mut iovs: [libc::iovec; N] = unsafe { zeroed() };
        let mut hdrs: [libc::mmsghdr; N] = unsafe { zeroed() };
        let size = self.size;
        for ((hdr, iov), (buf, name)) in hdrs
            .iter_mut()
            .zip(iovs.iter_mut())
            .zip(self.bufs.chunks_exact_mut(size).zip(names.iter_mut()))
        {
            iov.iov_base = buf.as_mut_ptr().cast();
            iov.iov_len = size;
            hdr.msg_hdr.msg_name = (name as *mut libc::sockaddr_storage).cast();
            hdr.msg_hdr.msg_namelen = size_of::<libc::sockaddr_storage>() as libc::socklen_t;
            hdr.msg_hdr.msg_iov = iov;
            hdr.msg_hdr.msg_iovlen = 1;
        }
        // SAFETY: every header points at a live buffer of `size` bytes and a live
        // sockaddr_storage, all owned by this frame or `self` for the call's duration.
        let n = unsafe {
            libc::recvmmsg(
                fd,
                hdrs.as_mut_ptr(),
                N as libc::c_uint,
                libc::MSG_DONTWAIT,
                std::ptr::null_mut(),
            )
        };
        let Ok(n) = usize::try_from(n) else {
            return Err(io::Error::last_os_error());
        };
        for (i, hdr) in hdrs.iter().take(n).enumerate() {
            // A datagram longer than its slot comes cut to it (MSG_TRUNC): never more.
            self.lens[i] = (hdr.msg_len as usize).min(size);
            self.from[i] = socket_addr(&names[i]);
        }
        Ok(n)
    }
}

/// The address the kernel wrote into `name`, when it is IPv4 or IPv6.
fn socket_addr(name: &libc::sockaddr_storage) -> Option<SocketAddr> {
    match i32::from(name.ss_family) {
        libc::AF_INET => {
            // SAFETY: a sockaddr_storage of family AF_INET holds a sockaddr_in, which is
            // smaller and no more aligned.
            let a =
                unsafe { &*(name as *const libc::sockaddr_storage).cast::<libc::sockaddr_in>() };
            let ip = Ipv4Addr::from(u32::from_be(a.sin_addr.s_addr));
            Some(SocketAddrV4::new(ip, u16::from_be(a.sin_port)).into())
        }
        libc::AF_INET6 => {
            // SAFETY: as above, for AF_INET6 and sockaddr_in6.
            let a =
                unsafe { &*(name as *const libc::sockaddr_storage).cast::<libc::sockaddr_in6>() };
            let ip = Ipv6Addr::from(a.sin6_addr.s6_addr);
            Some(
                SocketAddrV6::new(
                    ip,
                    u16::from_be(a.sin6_port),
                    a.sin6_flowinfo,
                    a.sin6_scope_id,
                )
                .into(),
            )
        }
        _ => None,
    }
}
