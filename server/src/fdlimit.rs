//! The process's file-descriptor limit (`RLIMIT_NOFILE`): raised to its hard limit at start,
//! since every SIP and HTTP connection holds one and the usual soft limit of 1,024 let 1,100
//! idle SIP connections lock out the console (issue 17).

/// Raises the soft limit to the hard one; returns the limit now in force (`None` when it cannot
/// be read).
pub fn raise() -> Option<u64> {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `limit` is a valid, writable rlimit for the call's duration.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } != 0 {
        return None;
    }
    if limit.rlim_cur < limit.rlim_max {
        let raised = libc::rlimit {
            rlim_cur: limit.rlim_max,
            rlim_max: limit.rlim_max,
        };
        // SAFETY: `raised` is a valid rlimit; raising the soft limit up to the hard one needs
        // no privilege.
        if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &raised) } == 0 {
            limit = raised;
        } else {
            tracing::warn!(
                soft = limit.rlim_cur,
                hard = limit.rlim_max,
                "cannot raise the open-file limit"
            );
        }
    }
    Some(limit.rlim_cur)
}

/// SIP TCP connections allowed under `nofile` descriptors: [`TcpLimits`]' default when there are
/// plenty, else half of what is left after a reserve for the console, the database and UDP.
///
/// [`TcpLimits`]: crate::sip::runtime::TcpLimits
pub fn sip_tcp_max(nofile: Option<u64>, default: usize) -> usize {
    share(nofile, 2, default)
}

/// Descriptors kept for the database, UDP sockets, logs and the like.
const RESERVE: u64 = 256;

/// HTTP connections allowed under `nofile` descriptors: `default` when there are plenty, else a
/// quarter of what is left after the reserve, so that with the SIP half a quarter stays free.
pub fn http_max(nofile: Option<u64>, default: usize) -> usize {
    share(nofile, 4, default)
}

/// `default`, or at most `1 / parts` of the descriptors beyond [`RESERVE`], and at least 16.
fn share(nofile: Option<u64>, parts: u64, default: usize) -> usize {
    let Some(nofile) = nofile else {
        return default;
    };
    let share = usize::try_from(nofile.saturating_sub(RESERVE) / parts).unwrap_or(usize::MAX);
    default.min(share.max(16))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_soft_limit_ends_at_the_hard_one() {
        let now = raise().expect("getrlimit");
        let mut limit = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: as in `raise`.
        assert_eq!(
            unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) },
            0
        );
        assert_eq!(limit.rlim_cur, limit.rlim_max);
        assert_eq!(now, limit.rlim_cur);
    }

    #[test]
    fn sip_connections_leave_descriptors_for_the_rest() {
        assert_eq!(sip_tcp_max(Some(1_048_576), 4096), 4096);
        assert_eq!(sip_tcp_max(Some(1024), 4096), 384);
        assert_eq!(sip_tcp_max(Some(100), 4096), 16);
        assert_eq!(sip_tcp_max(None, 4096), 4096);
    }

    #[test]
    fn http_connections_take_a_quarter_so_some_stay_free() {
        assert_eq!(http_max(Some(1_048_576), 1024), 1024);
        // 1,024: 384 for SIP, 192 for HTTP, 192 free beyond the reserve.
        assert_eq!(http_max(Some(1024), 1024), 192);
        assert_eq!(http_max(Some(100), 1024), 16);
        assert_eq!(http_max(None, 1024), 1024);
    }
}
