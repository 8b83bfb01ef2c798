//! The process's memory pages. mimalloc asks for transparent huge pages on what it maps
//! (`MADV_HUGEPAGE`), so the kernel backs its arenas 2 MB at a time, zeroed at the first touch
//! of any byte in them: resident memory then follows the arenas' reach, not what is in use.
//! Measured with `scripts/bench-sip` (1,000 calls up, release build): 65 MB at rest and 62 KB
//! per call in progress with huge pages, 32 MB and 37 KB without. A PBX is sized by the
//! memory each trunk and call holds, and its heap is small objects, which gain little from
//! fewer TLB misses, so huge pages are turned off for the process.

/// Turns transparent huge pages off for this process (and its children) from now on: pages
/// not yet touched are mapped 4 KB at a time. Best effort: a kernel without the setting
/// leaves things as they were.
pub fn small_pages() {
    // SAFETY: PR_SET_THP_DISABLE takes one integer argument and touches no memory of ours.
    let done = unsafe { libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0) };
    if done != 0 {
        // Logging is not set up yet; nothing is lost but memory.
        eprintln!("trunkline: transparent huge pages stay on (prctl failed)");
    }
}
