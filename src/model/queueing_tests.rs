//! Queueing figures against figures worked out by hand from the scenario (not from Brook's
//! output): μ from the members' processing time, λ from the producer's rate.

use brook_engine::{preset, Cluster, CommitMode, GroupSpec, RateProfile, Scenario};

use super::*;

/// One topic of 6 partitions, one producer at `rate_per_sec`, one group of `members` members
/// taking 1 ms a record (1,000 records per second each), committing after processing.
fn one_group(rate_per_sec: f64, members: u32) -> Cluster {
    let mut s: Scenario = preset("peak-shaving").unwrap();
    s.producers[0].rate = RateProfile::Constant { rate_per_sec };
    let mut g = GroupSpec::new("g", "orders", members, 1_000);
    g.commit = CommitMode::AfterProcess;
    s.groups = vec![g];
    Cluster::new(s)
}

fn figures(c: &Cluster) -> Queueing {
    queueing(c)[0].clone().expect("the history spans the window")
}

fn near(a: f64, b: f64, tolerance: f64) -> bool {
    (a - b).abs() <= tolerance * b.abs()
}

#[test]
fn two_members_at_1_ms_serve_2000_a_second_and_1500_arriving_is_rho_0_75() {
    let mut c = one_group(1_500.0, 2);
    c.run_until(10_000_000);
    let q = figures(&c);
    // 2 members x 1e6 us / 1,000 us a record.
    assert_eq!((q.workers, q.capacity_per_sec), (2, 2_000.0));
    assert!(near(q.arrival_per_sec, 1_500.0, 0.05), "λ {}", q.arrival_per_sec);
    assert!(near(q.utilisation().unwrap(), 0.75, 0.05), "ρ {:?}", q.utilisation());
    assert!(q.growth_per_sec() < 0.0);
    // Balanced: Little's law applies and L = λW is the size of the backlog (within a fetched
    // chunk's worth: the lag moves by whole chunks at each commit).
    assert_eq!(q.caveat, None);
    let l = q.predicted_backlog().unwrap();
    assert!((l - q.backlog_records as f64).abs() <= 0.5 * l + 50.0, "L {l} {q:?}");
}

#[test]
fn arrivals_over_capacity_grow_the_backlog_by_the_difference() {
    let mut c = one_group(3_000.0, 2);
    c.run_until(10_000_000);
    let q = figures(&c);
    assert!(near(q.utilisation().unwrap(), 1.5, 0.05), "ρ {:?}", q.utilisation());
    assert!(near(q.growth_per_sec(), 1_000.0, 0.15), "λ - μ {}", q.growth_per_sec());
    assert_eq!(q.drain_s(), None);
    // The backlog does grow by about λ - μ a second: 4,000 records in the next 4 s.
    let before = q.backlog_records as f64;
    c.run_until(14_000_000);
    let grown = figures(&c).backlog_records as f64 - before;
    assert!(near(grown, 4_000.0, 0.15), "grew {grown}");
    assert_eq!(figures(&c).caveat, Some(Caveat::NotBalanced));
}

#[test]
fn a_member_without_a_partition_adds_no_capacity() {
    // 8 members for 6 partitions: a partition goes to one member of a group (Kafka's
    // ConsumerPartitionAssignor), so 2 members stay idle and μ is 6 x 1,000.
    let mut c = one_group(1_000.0, 8);
    c.run_until(6_000_000);
    let q = figures(&c);
    assert_eq!((q.workers, q.capacity_per_sec), (6, 6_000.0));
}

#[test]
fn the_drain_time_after_peak_shaving_s_spike_comes_true() {
    // peak-shaving: 3 members at 1 ms (μ 3,000/s), 1,000/s with 10,000/s from 5 s to 10 s.
    let mut c = Cluster::new(preset("peak-shaving").unwrap());
    c.run_until(7_000_000);
    let q = figures(&c);
    assert!(q.utilisation().unwrap() >= 1.0, "during the spike {q:?}");
    assert_eq!(q.drain_s(), None);
    // Two seconds after the spike the window holds only the base rate.
    c.run_until(13_000_000);
    let q = figures(&c);
    assert!(near(q.utilisation().unwrap(), 1.0 / 3.0, 0.1), "after {q:?}");
    let predicted_s = 13.0 + q.drain_s().expect("a backlog and spare capacity");
    // Run on until the lag is down to what the base rate keeps in flight (under 2% of the
    // backlog at 13 s): within 10% of the predicted time.
    let left = q.backlog_records / 50;
    while figures(&c).backlog_records > left {
        c.run_until(c.now_us() + 100_000);
        assert!(c.now_us() < 60_000_000, "never drained");
    }
    let drained_s = c.now_us() as f64 / 1e6;
    assert!(
        near(drained_s - 13.0, predicted_s - 13.0, 0.1),
        "drained at {drained_s} s, predicted {predicted_s} s"
    );
}

#[test]
fn a_push_model_that_drops_records_says_little_s_law_does_not_hold() {
    // slow-subscriber-push-vs-pull: MQTT QoS 0 drops past its queue limit and Redis Pub/Sub
    // cuts a slow subscriber off; RabbitMQ requeues and loses nothing.
    let mut c = Cluster::new(preset("slow-subscriber-push-vs-pull").unwrap());
    c.run_until(20_000_000);
    let caveat = |name: &str| {
        let i = c.readers().position(|r| r.name() == name).unwrap();
        queueing(&c)[i].as_ref().unwrap().caveat
    };
    assert_eq!(caveat("phone-mqtt"), Some(Caveat::PushLosses));
    assert_eq!(caveat("phone-redis"), Some(Caveat::PushLosses));
    assert_ne!(caveat("phone-prefetch-200"), Some(Caveat::PushLosses));
}

#[test]
fn a_saturated_broker_s_wait_before_the_log_is_said_beside_little_s_law() {
    // spike-beyond-capacity at 12 s: the shop's records wait seconds in its buffer and in
    // requests to brokers whose handler threads are full, while the six members keep up with
    // what reaches the log. End-to-end latency W then holds that wait, the backlog does not:
    // L = λW far above the lag must come with its reason, not as a contradiction.
    let mut c = Cluster::new(preset("spike-beyond-capacity").unwrap());
    c.run_until(12_000_000);
    let q = figures(&c);
    let predicted = q.arrival_per_sec * q.wait_ms.unwrap() / 1000.0;
    assert!(predicted > 2.0 * q.backlog_records as f64 + 100.0, "{q:?}");
    assert_eq!(q.caveat, Some(Caveat::BeforeLog), "{q:?}");
}
