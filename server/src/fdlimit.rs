//! The process's file-descriptor limit (`RLIMIT_NOFILE`): raised to its hard limit at start,
//! since every SIP and HTTP connection holds one and the usual soft limit of 1,024 let 1,100
//! idle SIP connections lock out the console (issue 17). Only this module calls into libc.

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
    const RESERVE: u64 = 256;
    let Some(nofile) = nofile else {
        return default;
    };
    let share = usize::try_from(nofile.saturating_sub(RESERVE) / 2).unwrap_or(usize::MAX);
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
}
