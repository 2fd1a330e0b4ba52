//! Engine memory over a long run: with Kafka's default retention (`retention.ms`, 7 days) no
//! segment is deleted in a run of minutes, and Kafka keeps such a log on disk with a sparse
//! index in memory (one entry every `index.interval.bytes`, `LogSegment.append`). Brook keeps
//! its logs in memory, bounded by `LOG_ENTRIES_TOTAL_MAX` entries: past it, a log coalesces
//! its oldest committed batches. This test fails if the engine's memory grows with virtual
//! time again: the heap it holds after 2N virtual seconds is no more than after N.
//!
//! One test in this file: the counting allocator sees every thread of the test binary.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use brook_engine::{preset, Cluster, LOG_ENTRIES_PER_PARTITION_MIN};

/// The system allocator, counting the bytes held.
struct Counting;

static HELD_BYTES: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            HELD_BYTES.fetch_add(layout.size(), Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
        unsafe { System.dealloc(p, layout) };
        HELD_BYTES.fetch_sub(layout.size(), Relaxed);
    }

    unsafe fn realloc(&self, p: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let q = unsafe { System.realloc(p, layout, new_size) };
        if !q.is_null() {
            HELD_BYTES.fetch_add(new_size, Relaxed);
            HELD_BYTES.fetch_sub(layout.size(), Relaxed);
        }
        q
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn entries(c: &Cluster) -> usize {
    c.topics().iter().flat_map(|t| &t.partitions).map(|p| p.log.batch_count()).sum()
}

/// wide-topic's shape (7-day retention, one group keeping up, one falling behind), small:
/// 8 partitions, about 70 batches a second each, and the entry bound lowered to its
/// per-partition floor (128 entries a log) so that a minute passes it several times over.
#[test]
fn memory_levels_off_under_a_long_retention() {
    let mut s = preset("wide-topic").unwrap();
    s.topics[0].partitions = 8;
    s.producers.truncate(2);
    for p in &mut s.producers {
        p.rate = brook_engine::RateProfile::Constant { rate_per_sec: 4_000.0 };
    }
    s.groups[0].members = 4;
    s.groups[1].members = 2;
    let mut c = Cluster::new(s);
    c.set_log_entries_total_max(0); // each of the 8 logs: LOG_ENTRIES_PER_PARTITION_MIN
    let bound = 8 * LOG_ENTRIES_PER_PARTITION_MIN;
    let n_us = 60_000_000;
    c.run_until(n_us);
    let (held_n, entries_n) = (HELD_BYTES.load(Relaxed), entries(&c));
    c.run_until(2 * n_us);
    let (held_2n, entries_2n) = (HELD_BYTES.load(Relaxed), entries(&c));
    c.check_invariants().unwrap();
    let appended = c.summary().appended_records;
    eprintln!(
        "after {} s: {held_n} bytes, {entries_n} entries; after {} s: {held_2n} bytes, \
         {entries_2n} entries; {appended} records appended",
        n_us / 1_000_000,
        2 * n_us / 1_000_000
    );
    // Without the bound the logs hold about 4,000 batches each at N, twice that at 2N.
    assert!(entries_n > bound / 2, "the bound was reached: {entries_n} entries at N");
    assert!(entries_2n <= bound, "{entries_2n} entries > {bound}");
    assert!(held_2n <= held_n + held_n / 20, "heap grew from {held_n} to {held_2n} bytes");
    // Every record is still in the log (7-day retention deletes none) and read as before.
    let held: u64 = c
        .topics()
        .iter()
        .flat_map(|t| &t.partitions)
        .map(|p| p.log.log_end_offset() - p.log.log_start_offset())
        .sum();
    assert_eq!(held, appended);
    let consumed = c.summary().consumed_records;
    assert!(consumed["backfill"] < consumed["indexer"], "backfill falls behind: {consumed:?}");
}
