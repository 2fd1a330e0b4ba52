//! `brook drive` and `brook compare` against a real Kafka-protocol broker: tansu on 127.0.0.1
//! with in-memory storage (`scripts/broker.sh`, installed by `scripts/setup.sh --test`).
//!
//! Without tansu on PATH these tests say so and pass, unless `BROOK_REQUIRE_BROKER=1`
//! (scripts/test.sh sets it after installing tansu), when its absence fails them.
//! Each test starts its own broker (memory storage: a fresh cluster) and they run one at a
//! time (a lock), so topics, groups and committed offsets never carry over.

use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::Mutex;

static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A broker for one test, stopped when dropped.
struct Broker {
    dir: PathBuf,
    address: String,
}

impl Broker {
    fn start(name: &str) -> Option<Broker> {
        let have = Command::new("sh").args(["-c", "command -v tansu"]).output();
        if !have.is_ok_and(|o| o.status.success()) {
            assert!(
                std::env::var("BROOK_REQUIRE_BROKER").as_deref() != Ok("1"),
                "BROOK_REQUIRE_BROKER=1 but tansu is not installed (scripts/setup.sh --test)"
            );
            eprintln!("SKIPPED: tansu is not installed (scripts/setup.sh --test installs it)");
            return None;
        }
        let dir = std::env::temp_dir().join(format!("brook-broker-{name}-{}", std::process::id()));
        let o = Command::new(repo().join("scripts/broker.sh"))
            .arg("start")
            .env("BROOK_BROKER_DIR", &dir)
            .output()
            .expect("broker.sh runs");
        assert!(o.status.success(), "broker.sh start: {}", String::from_utf8_lossy(&o.stderr));
        let out = String::from_utf8_lossy(&o.stdout).to_string();
        let address = out.lines().last().expect("an address").trim().to_string();
        assert!(address.starts_with("127.0.0.1:"), "{out}");
        Some(Broker { dir, address })
    }
}

impl Drop for Broker {
    fn drop(&mut self) {
        let _ = Command::new(repo().join("scripts/broker.sh"))
            .arg("stop")
            .env("BROOK_BROKER_DIR", &self.dir)
            .output();
        // The broker's log stays after a failed test, for its reader; otherwise nothing of
        // the test is left in the temporary directory.
        if !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

fn brook(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_brook")).args(args).output().expect("brook runs")
}

fn drive_json(scenario: &str, broker: &Broker, seconds: &str) -> serde_json::Value {
    let o = brook(&[
        "drive",
        scenario,
        "--bootstrap",
        &broker.address,
        "--seconds",
        seconds,
        "--format",
        "json",
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "brook drive {scenario}: {:?}\n{err}", o.status);
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {err}"))
}

fn u(v: &serde_json::Value) -> u64 {
    v.as_u64().unwrap_or_else(|| panic!("a whole number: {v}"))
}

/// Every acknowledged record of the group's topic was processed, skipped by the group's
/// starting position, or is still beyond the group's committed offset at the end; none
/// between went unprocessed (processing before
/// committing is at-least-once: Kafka's "process-then-commit redelivers, never loses", the
/// consumer delivery semantics of the Kafka documentation, section 4.6).
fn assert_at_least_once(v: &serde_json::Value, group: &str) {
    let acked = u(&v["acked_records"]);
    let consumed = u(&v["consumed_records"][group]);
    let unconsumed = u(&v["unconsumed_records"][group]);
    assert!(acked > 0, "{v}");
    assert_eq!(u(&v["lost_records"]), 0, "{v}");
    // Records before the group's first position (`auto.offset.reset=latest`) are skipped,
    // not lost.
    let skipped = u(&v["offset_reset_skipped_records"]);
    assert_eq!(consumed + unconsumed + skipped, acked, "{group}: {v}");
    assert_eq!(u(&v["untracked_records"]), 0);
    // What producers handed over was acknowledged, failed, or still on its way at the end.
    assert_eq!(
        u(&v["produced_records"]),
        acked + u(&v["dropped_records"]) + u(&v["in_flight_records"]),
        "{v}"
    );
}

/// peak-shaving: keyed records (1000 keys, Kafka's murmur2 partitioner: a key's records all
/// go to one partition while the partition count stays, `BuiltInPartitioner.partitionForKey`),
/// a spike at 5 s, a group committing after processing.
#[test]
fn drive_peak_shaving_keeps_keys_on_one_partition_and_loses_nothing() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let Some(broker) = Broker::start("peak") else { return };
    let v = drive_json("peak-shaving", &broker, "10");
    assert_at_least_once(&v, "fulfilment");
    assert!(u(&v["keys_seen"]["orders"]) > 100, "{v}");
    assert_eq!(u(&v["keys_on_several_partitions"]), 0, "{v}");
    // The spike (10x from 5 s to 10 s) shows in what was produced: the last seconds' rate is
    // well above the first seconds'.
    let samples = v["samples"].as_array().expect("samples");
    let at = |s: usize| u(&samples[s - 1]["produced_records"]);
    let (early, late) = (at(4) - at(1), at(9) - at(6));
    assert!(late > 3 * early, "early {early}, late {late}");
}

/// consumer-crash-rebalance with the crash moved to 1 s (session.timeout.ms 4 s, so the
/// group notices within the 10 s) and no restart: the crashed member sends no LeaveGroup;
/// after the session timeout the coordinator expires it and rebalances the group
/// (`GroupCoordinator` session expiry). Under the eager protocol every live member's
/// rebalance starts with a revoke of what it owns (`ConsumerCoordinator.onJoinPrepare`), so a
/// survivor's revoke after the crash is the rebalance, and the crashed member takes no part.
///
/// That the crashed member's partitions then move to the others is checked against
/// librdkafka's mock cluster (`drive.rs`, `a_crash_against_the_mock_cluster_moves_partitions`):
/// tansu 0.6.0 finishes the rebalance with the crashed member's partitions moved only
/// sometimes. When a Heartbeat is the first request to see the expired member,
/// `Inner<Formed>::heartbeat` (tansu-broker `coordinator/group/administrator.rs`) removes it
/// and answers REBALANCE_IN_PROGRESS but leaves the group Formed, so the rejoining members
/// get their old assignment back and the crashed member's partitions stay unconsumed. (On the
/// 2-core CI machine that rebalance had not even finished within 10 s.)
#[test]
fn drive_member_crash_causes_a_rebalance() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let Some(broker) = Broker::start("crash") else { return };
    let mut s = brook_engine::preset("consumer-crash-rebalance").expect("preset");
    s.events.retain(|e| matches!(e.command, brook_engine::Command::CrashMember { .. }));
    s.events[0].at_ms = 1_000;
    let file = std::env::temp_dir().join(format!("brook-crash-{}.json", std::process::id()));
    std::fs::write(&file, s.to_json()).expect("written");
    let v = drive_json(file.to_str().expect("utf-8"), &broker, "10");
    let _ = std::fs::remove_file(&file);
    // Auto commit stores offsets after processing: a crash redelivers (duplicates), never loses.
    assert_at_least_once(&v, "ledger");
    let crash = &v["applied_events"][0];
    assert_eq!(crash["event"], "crash-member ledger #1", "{v}");
    let crash_ms = u(&crash["t_ms"]);
    let end_ms = u(&v["samples"].as_array().expect("samples").last().expect("a sample")["t_ms"]);
    // The close at the end revokes too; only what happened before it counts.
    let after: Vec<&serde_json::Value> = v["rebalance_events"]
        .as_array()
        .expect("events")
        .iter()
        .filter(|e| u(&e["t_ms"]) > crash_ms && u(&e["t_ms"]) < end_ms)
        .collect();
    // The coordinator cannot expire the member before session.timeout.ms has passed since its
    // last heartbeat, at most one heartbeat.interval.ms (session / 3) before the crash.
    let session_ms = u64::from(s.groups[0].session_timeout_ms);
    let expiry_ms = crash_ms + session_ms - session_ms / 3;
    assert!(
        after.iter().any(|e| e["kind"] == "revoke" && u(&e["t_ms"]) >= expiry_ms),
        "no rebalance after the crash: {v}"
    );
    for e in &after {
        assert_ne!(e["member"], 1, "the crashed member took part: {e}");
    }
}

/// `brook compare` prints one table: simulated | measured | ratio.
#[test]
fn compare_prints_simulated_measured_and_ratio() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let Some(broker) = Broker::start("compare") else { return };
    let o = brook(&["compare", "quickstart", "--bootstrap", &broker.address, "--seconds", "5"]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{}\n{out}", String::from_utf8_lossy(&o.stderr));
    let header = out.lines().nth(1).expect("a header");
    for col in ["simulated", "measured", "ratio"] {
        assert!(header.contains(col), "{out}");
    }
    for row in [
        "produced records/s",
        "billing lag at 5 s",
        "latency p99, ms",
        "rebalances",
        "lost records",
    ] {
        assert!(out.contains(row), "{row}: {out}");
    }
}

/// A cluster that does not answer: a clear error within the timeout, exit 1.
#[test]
fn drive_without_a_cluster_fails_within_the_timeout() {
    let started = std::time::Instant::now();
    // Port 1 on 127.0.0.1: nothing listens there.
    let o = brook(&["drive", "quickstart", "--bootstrap", "127.0.0.1:1", "--timeout", "2"]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("did not answer within 2 s"), "{err}");
    assert!(started.elapsed().as_secs() < 10, "{:?}", started.elapsed());
}

/// What a client cannot do is refused up front, naming the field; exit 2.
#[test]
fn drive_refuses_what_a_client_cannot_cause() {
    let o = brook(&["drive", "broker-failure-acks", "--bootstrap", "127.0.0.1:1"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("events[0] (at 5000 ms): crash-broker"), "{err}");
    let o = brook(&["compare", "share-group-queue", "--bootstrap", "127.0.0.1:1"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("share_groups[0]"));
}

/// Ctrl-C (SIGINT) during a run: producers and members stop, and what was measured so far is
/// printed; exit 130.
#[test]
fn drive_ctrl_c_prints_the_run_so_far() {
    use std::process::Stdio;
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let Some(broker) = Broker::start("ctrlc") else { return };
    let child = Command::new(env!("CARGO_BIN_EXE_brook"))
        .args(["drive", "quickstart", "--bootstrap", &broker.address, "--seconds", "120"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("brook runs");
    // The warm-up (a few seconds against tansu), then some of the run.
    std::thread::sleep(std::time::Duration::from_secs(10));
    let killed = Command::new("kill").args(["-INT", &child.id().to_string()]).status();
    assert!(killed.expect("kill runs").success());
    let o = child.wait_with_output().expect("brook ends");
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(130), "{err}");
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("a JSON summary");
    assert_eq!(v["interrupted"], true);
    assert!(v["wall_ms"].as_f64().expect("wall_ms") < 60_000.0, "{v}");
    assert!(u(&v["acked_records"]) > 0, "{v}");
    assert!(err.contains("interrupted after"), "{err}");
}
