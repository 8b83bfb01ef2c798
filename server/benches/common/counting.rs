//! The memory benchmarks' allocator: mimalloc, as the product uses, counting the bytes
//! (`mi_usable_size`, as mimalloc hands them out) and blocks alive. Everything is counted
//! unless [`only_marked`] was called; from then on only what a thread allocates or frees
//! inside [`marked`], so a benchmark can count one side of a conversation and not the
//! scripted peer it talks to.

use std::alloc::{GlobalAlloc, Layout};
use std::cell::Cell;
use std::sync::atomic::{AtomicBool, AtomicIsize, Ordering};

use mimalloc::MiMalloc;

pub struct Counting;

static BYTES: AtomicIsize = AtomicIsize::new(0);
static BLOCKS: AtomicIsize = AtomicIsize::new(0);
static SELECTIVE: AtomicBool = AtomicBool::new(false);

thread_local! {
    static MARKED: Cell<bool> = const { Cell::new(false) };
}

fn counts() -> bool {
    !SELECTIVE.load(Ordering::Relaxed) || MARKED.with(Cell::get)
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded as is to the allocator the product uses.
        let p = unsafe { MiMalloc.alloc(layout) };
        if !p.is_null() && counts() {
            // SAFETY: `p` was just returned by mimalloc.
            let size = unsafe { MiMalloc.usable_size(p) };
            BYTES.fetch_add(size as isize, Ordering::Relaxed);
            BLOCKS.fetch_add(1, Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if counts() {
            // SAFETY: `ptr` is a live block of ours.
            let size = unsafe { MiMalloc.usable_size(ptr) };
            BYTES.fetch_sub(size as isize, Ordering::Relaxed);
            BLOCKS.fetch_sub(1, Ordering::Relaxed);
        }
        // SAFETY: forwarded as is.
        unsafe { MiMalloc.dealloc(ptr, layout) }
    }
}

/// Bytes and blocks alive, as counted.
pub fn live() -> (isize, isize) {
    (
        BYTES.load(Ordering::Relaxed),
        BLOCKS.load(Ordering::Relaxed),
    )
}

/// From now on, count only inside [`marked`].
#[allow(dead_code)]
pub fn only_marked() {
    SELECTIVE.store(true, Ordering::Relaxed);
}

/// Runs `f` counted (after [`only_marked`]). What it allocates must be freed inside
/// `marked` too, or the count drifts.
#[allow(dead_code)]
pub fn marked<R>(f: impl FnOnce() -> R) -> R {
    MARKED.with(|m| m.set(true));
    let r = f();
    MARKED.with(|m| m.set(false));
    r
}
