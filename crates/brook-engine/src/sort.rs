//! One stable sort for the whole program, the engine and the page.
//!
//! Every distinct `sort`, `sort_by` or `sort_by_key` call, and every `collect` into a
//! `BTreeMap` or `BTreeSet` (which sorts first), is its own copy of the standard library's
//! sort, about 5 KB of WebAssembly each. The sorts here sort a list of indices with one
//! comparison trait object (a small merge sort of their own), so the page carries a single
//! copy, then move the elements into place; they keep `slice::sort_by`'s result exactly (stable: equal elements keep their
//! order). [`map_from`] and [`set_from`] build by inserting instead of collecting. Use them off
//! the hot path (assignments, timelines, charts): each comparison is a dynamic call.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

/// Indices `0..len` stably sorted by `cmp`: a bottom-up merge sort, a few hundred bytes of
/// WebAssembly where the standard library's stable sort is about 4 KB. Any stable sort gives
/// the same order for the same (consistent) comparison.
fn sorted_indices(len: usize, cmp: &mut dyn FnMut(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..len).collect();
    let mut merged = vec![0; len];
    let mut width = 1;
    while width < len {
        // Merge each pair of sorted runs `[start, mid)` and `[mid, end)` into `merged`.
        let mut start = 0;
        while start < len {
            let mid = (start + width).min(len);
            let end = (start + 2 * width).min(len);
            let (mut left, mut right) = (start, mid);
            for slot in &mut merged[start..end] {
                // The right run's element goes first only when strictly smaller: equal
                // elements keep their order.
                let take_right =
                    right < end && (left == mid || cmp(order[right], order[left]).is_lt());
                if take_right {
                    *slot = order[right];
                    right += 1;
                } else {
                    *slot = order[left];
                    left += 1;
                }
            }
            start = end;
        }
        std::mem::swap(&mut order, &mut merged);
        width *= 2;
    }
    order
}

/// `v.sort_by(cmp)`: the same order, stable.
pub fn sort_by<T>(v: &mut [T], mut cmp: impl FnMut(&T, &T) -> Ordering) {
    let order = sorted_indices(v.len(), &mut |a, b| cmp(&v[a], &v[b]));
    // Place the element `order[i]` at `i`. Elements below `i` are final; one that started at
    // `j < i` was swapped away to where `order[j]` points (and on, if that moved it again).
    for i in 0..v.len() {
        let mut j = order[i];
        while j < i {
            j = order[j];
        }
        v.swap(i, j);
    }
}

/// `v.sort_by_key(key)`: the same order, stable.
pub fn sort_by_key<T, K: Ord>(v: &mut [T], mut key: impl FnMut(&T) -> K) {
    sort_by(v, |a, b| key(a).cmp(&key(b)));
}

/// `v.sort()`: the same order, stable.
pub fn sort<T: Ord>(v: &mut [T]) {
    sort_by(v, T::cmp);
}

/// `iter.collect::<BTreeMap<_, _>>()` without its sort: the same map (a repeated key keeps
/// its last value), built by inserting.
pub fn map_from<K: Ord, V>(iter: impl IntoIterator<Item = (K, V)>) -> BTreeMap<K, V> {
    let mut map = BTreeMap::new();
    map.extend(iter);
    map
}

/// `iter.collect::<BTreeSet<_>>()` without its sort: the same set, built by inserting.
pub fn set_from<T: Ord>(iter: impl IntoIterator<Item = T>) -> BTreeSet<T> {
    let mut set = BTreeSet::new();
    set.extend(iter);
    set
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    /// Random lists with many ties, against the standard library's stable sort: the same
    /// order, ties included (each element carries its starting position).
    #[test]
    fn matches_the_standard_stable_sort() {
        let mut rng = Rng::new(7);
        for len in (0..40).chain([100, 257, 1000]) {
            for _ in 0..20 {
                let keys = 1 + rng.below(len as u64 + 1);
                let v: Vec<(u64, usize)> = (0..len).map(|i| (rng.below(keys), i)).collect();
                let mut want = v.clone();
                want.sort_by_key(|e| e.0);
                let mut got = v.clone();
                sort_by_key(&mut got, |e| e.0);
                assert_eq!(got, want, "len {len}, by key");
                // Odd keys first, then descending.
                let order = |a: &(u64, usize), b: &(u64, usize)| {
                    (a.0 % 2 == 0).cmp(&(b.0 % 2 == 0)).then(b.0.cmp(&a.0))
                };
                let mut want = v.clone();
                want.sort_by(order);
                let mut got = v.clone();
                sort_by(&mut got, order);
                assert_eq!(got, want, "len {len}, by comparison");
                let mut want = v.clone();
                want.sort();
                let mut got = v;
                sort(&mut got);
                assert_eq!(got, want, "len {len}, whole");
            }
        }
    }

    /// Maps and sets built by inserting equal those `collect` builds, repeated keys included.
    #[test]
    fn map_and_set_match_collect() {
        let mut rng = Rng::new(11);
        for len in [0, 1, 2, 5, 30, 200] {
            let v: Vec<(u64, usize)> =
                (0..len).map(|i| (rng.below(len as u64 / 2 + 1), i)).collect();
            assert_eq!(map_from(v.iter().copied()), v.iter().copied().collect::<BTreeMap<_, _>>());
            let keys = v.iter().map(|e| e.0);
            assert_eq!(set_from(keys.clone()), keys.collect::<BTreeSet<_>>());
        }
    }
}
