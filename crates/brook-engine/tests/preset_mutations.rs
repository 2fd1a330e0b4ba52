//! Every built-in preset's JSON changed field by field (issue 13): each field path of each
//! preset dropped, duplicated, given another type, and set to extreme values. Each change
//! gives either an error that names the field, or a valid scenario that then runs (a few
//! steps, invariants checked after each) in bounded time and memory; never a panic.
//! (`fuzz_scenario.rs` changes bytes; this works on the document's structure.)
//!
//! `BROOK_MUTATION_STEPS` sets how many 1 ms steps an accepted change runs (10 by default).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use brook_engine::{preset, Cluster, Scenario, PRESETS};
use serde_json::{json, Map, Value};

/// Bytes allocated now and the most since the last [`reset_peak`]: a change must not make
/// the engine's memory grow without bound.
struct Counting;

static NOW: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = NOW.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
        unsafe { System.dealloc(p, layout) };
        NOW.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn reset_peak() -> usize {
    let now = NOW.load(Ordering::Relaxed);
    PEAK.store(now, Ordering::Relaxed);
    now
}

/// The most one change may add to the memory in use while it is read and run. Tests of this
/// file run one at a time (one test function), so the count is this change's alone.
const MEMORY_MAX_BYTES: usize = 1 << 30;
/// The longest one change may take to read and run (debug build, a shared machine).
const WALL_MAX: Duration = Duration::from_secs(30);

/// A step along a path in the document.
#[derive(Clone, Debug)]
enum Seg {
    Key(String),
    Index(usize),
}

fn show(path: &[Seg]) -> String {
    let mut out = String::new();
    for s in path {
        match s {
            Seg::Key(k) if out.is_empty() => out.push_str(k),
            Seg::Key(k) => out.push_str(&format!(".{k}")),
            Seg::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// Every path in `v`, parents before children.
fn paths(v: &Value, at: &mut Vec<Seg>, out: &mut Vec<Vec<Seg>>) {
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                at.push(Seg::Key(k.clone()));
                out.push(at.clone());
                paths(child, at, out);
                at.pop();
            }
        }
        Value::Array(a) => {
            // The first two elements and the last: a long list (a rate profile's points, a
            // timeline) has nothing new in its middle, and would take most of the time.
            let last = a.len().saturating_sub(1);
            for (i, child) in a.iter().enumerate().filter(|(i, _)| *i < 2 || *i == last) {
                at.push(Seg::Index(i));
                out.push(at.clone());
                paths(child, at, out);
                at.pop();
            }
        }
        _ => {}
    }
}

fn get_mut<'a>(v: &'a mut Value, path: &[Seg]) -> &'a mut Value {
    path.iter().fold(v, |v, s| match s {
        Seg::Key(k) => &mut v[k.as_str()],
        Seg::Index(i) => &mut v[*i],
    })
}

/// The name a message about `path` must contain: its last key (`partitions` for
/// `topics[0].partitions`, `topics` for `topics[1]`, `points` for `rate.points[0][1]`).
fn field_name(path: &[Seg]) -> &str {
    path.iter()
        .rev()
        .find_map(|s| match s {
            Seg::Key(k) => Some(k.as_str()),
            Seg::Index(_) => None,
        })
        .expect("every path starts at a key")
}

/// JSON text of `v` with the key at `path` written twice (serde_json's `Value` cannot hold
/// it): the second copy carries `second`.
fn with_duplicate_key(v: &Value, path: &[Seg], second: &Value) -> String {
    fn write(v: &Value, at: &[Seg], path: &[Seg], second: &Value, out: &mut String) {
        match v {
            Value::Object(m) => {
                out.push('{');
                for (n, (k, child)) in m.iter().enumerate() {
                    if n > 0 {
                        out.push(',');
                    }
                    let mut here = at.to_vec();
                    here.push(Seg::Key(k.clone()));
                    out.push_str(&Value::String(k.clone()).to_string());
                    out.push(':');
                    write(child, &here, path, second, out);
                    if show(&here) == show(path) {
                        out.push(',');
                        out.push_str(&Value::String(k.clone()).to_string());
                        out.push(':');
                        out.push_str(&second.to_string());
                    }
                }
                out.push('}');
            }
            Value::Array(a) => {
                out.push('[');
                for (i, child) in a.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    let mut here = at.to_vec();
                    here.push(Seg::Index(i));
                    write(child, &here, path, second, out);
                }
                out.push(']');
            }
            other => out.push_str(&other.to_string()),
        }
    }
    let mut out = String::new();
    write(v, &[], path, second, &mut out);
    out
}

/// The changes made at one path: (what, the document's text).
fn mutations(doc: &Value, path: &[Seg]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let (last, parent) = path.split_last().expect("a path is not empty");
    let current = {
        let mut d = doc.clone();
        get_mut(&mut d, path).clone()
    };
    // Dropped.
    let mut d = doc.clone();
    match (get_mut(&mut d, parent), last) {
        (Value::Object(m), Seg::Key(k)) => {
            m.remove(k);
        }
        (Value::Array(a), Seg::Index(i)) => {
            a.remove(*i);
        }
        _ => unreachable!("a path follows the document"),
    }
    out.push(("dropped".to_string(), d.to_string()));
    // Duplicated: a key twice (with its value, then with another), an element twice.
    match last {
        Seg::Key(_) => {
            out.push(("key twice".into(), with_duplicate_key(doc, path, &current)));
            out.push(("key twice, 0 second".into(), with_duplicate_key(doc, path, &json!(0))));
        }
        Seg::Index(i) => {
            let mut d = doc.clone();
            if let Value::Array(a) = get_mut(&mut d, parent) {
                a.insert(*i, current.clone());
            }
            out.push(("element twice".into(), d.to_string()));
        }
    }
    // Another type, and extreme values.
    let nested = (0..200).fold(json!([]), |v, _| json!([v]));
    let other_type = match &current {
        Value::Number(n) => json!(n.to_string()),
        Value::String(_) => json!(5),
        Value::Bool(b) => json!(if *b { 1 } else { 0 }),
        Value::Null => json!({}),
        Value::Array(_) => json!({}),
        Value::Object(m) => Value::Array(m.values().cloned().collect()),
    };
    let values = [
        ("another type", other_type),
        ("null", Value::Null),
        ("true", json!(true)),
        ("0", json!(0)),
        ("-1", json!(-1)),
        ("2^64", serde_json::from_str("18446744073709551616").expect("a JSON number")),
        ("1e308", json!(1e308)),
        ("-1e308", json!(-1e308)),
        ("0.5", json!(0.5)),
        ("\"\"", json!("")),
        ("100000 bytes", json!("x".repeat(100_000))),
        ("nested arrays", json!([[[1, [2]], []]])),
        ("200 nested arrays", nested),
        ("object", Value::Object(Map::new())),
    ];
    for (what, v) in values {
        let mut d = doc.clone();
        *get_mut(&mut d, path) = v;
        out.push((what.to_string(), d.to_string()));
    }
    out
}

/// Whether `errors` name the field `name` at `path`: its name in a path or message (a list's
/// as one of its items, `groups` as `group`: a dropped group is named where it is used), or,
/// for an enum's tag (`kind`, `type`), any field of its object (another kind has other fields).
fn names(errors: &[brook_engine::FieldError], path: &str, name: &str) -> bool {
    let one = name.strip_suffix('s').unwrap_or(name);
    let word = one.rsplit('_').next().unwrap_or(one);
    let object = path.rsplit_once('.').map_or("", |(o, _)| o);
    // A limit taken from this field (a topic's replication factor from `cluster.brokers`, an
    // event's member from the group's `members`) is reported at the field it limits, by a
    // message naming the limit; its messages do not name where it comes from.
    let dependent = |e: &brook_engine::FieldError| {
        e.path != "?"
            && ["limit", "minimum", "no member", "named"].iter().any(|w| e.message.contains(w))
    };
    errors.iter().any(|e| {
        [name, one, word].iter().any(|n| e.path.contains(n) || e.message.contains(n))
            || (matches!(name, "kind" | "type") && e.path.starts_with(object) && e.path != "?")
            || dependent(e)
    })
}

/// Reads and, when valid, runs one change; the problem when it misbehaves.
fn check(
    text: &str,
    original: &Scenario,
    (path, name): (&str, &str),
    steps: u32,
) -> Result<bool, String> {
    let outcome = std::panic::catch_unwind(|| match Scenario::from_json(text) {
        Err(errors) => {
            let named = names(&errors, path, name);
            if named {
                Ok(false)
            } else {
                Err(format!("the error does not name {name}: {errors:?}"))
            }
        }
        Ok(s) if &s == original => Ok(true),
        Ok(s) => {
            let mut c = Cluster::new(s);
            for _ in 0..steps {
                c.step();
                c.check_invariants().map_err(|e| format!("invariant broken: {e}"))?;
            }
            Ok(true)
        }
    });
    outcome.unwrap_or_else(|p| {
        let what = p
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        Err(format!("panic: {what}"))
    })
}

#[test]
fn every_field_of_every_preset_mutated() {
    let steps: u32 =
        std::env::var("BROOK_MUTATION_STEPS").ok().and_then(|v| v.parse().ok()).unwrap_or(10);
    let started = Instant::now();
    let mut failures = Vec::new();
    let (mut total, mut accepted, mut peak_max) = (0usize, 0usize, 0usize);
    for &name in PRESETS {
        let original = preset(name).expect("a preset");
        let doc: Value = serde_json::from_str(&original.to_json()).expect("a preset is JSON");
        let mut all = Vec::new();
        paths(&doc, &mut Vec::new(), &mut all);
        eprintln!("{name}: {} paths, {:?} so far", all.len(), started.elapsed());
        for path in &all {
            let field = field_name(path);
            for (what, text) in mutations(&doc, path) {
                total += 1;
                let before = reset_peak();
                let start = Instant::now();
                // A production cluster's step is long in a debug build: two steps of it.
                let steps = if name == "production" { steps.min(2) } else { steps };
                let outcome = check(&text, &original, (&show(path), field), steps);
                let (took, grew) = (start.elapsed(), PEAK.load(Ordering::Relaxed) - before);
                peak_max = peak_max.max(grew);
                let at = format!("{name}: {} {what}", show(path));
                if took > Duration::from_secs(1) {
                    eprintln!("slow: {at}: {took:?}");
                }
                match outcome {
                    Ok(ran) => accepted += ran as usize,
                    Err(why) => {
                        // Long values (100,000 bytes) are cut from the message.
                        let why: String = why.chars().take(300).collect();
                        failures.push(format!("{at}: {why}"))
                    }
                }
                if took > WALL_MAX {
                    failures.push(format!("{at}: took {took:?}"));
                }
                if grew > MEMORY_MAX_BYTES {
                    failures.push(format!("{at}: {grew} bytes of memory"));
                }
            }
        }
    }
    eprintln!(
        "{total} changes, {accepted} accepted and run; the most memory one took: {peak_max} bytes"
    );
    assert!(
        failures.is_empty(),
        "{} of {total} changes misbehave:\n{}",
        failures.len(),
        failures.iter().take(400).cloned().collect::<Vec<_>>().join("\n")
    );
    assert!(accepted > 100, "some changes stay valid and run ({accepted})");
}
