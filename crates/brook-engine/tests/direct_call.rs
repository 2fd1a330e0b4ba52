//! The run without a queue (`DirectRun`) beside the queued run of the same scenario and seed.
//!
//! Not Kafka: there is no Kafka class for a direct call. The claim under test is the course's
//! (decoupling, asynchrony, peak shaving): without a queue the shop calls the service and
//! waits, so a spike past the service's capacity fails or times out orders and blocks the
//! shop; with the queue the same spike only grows a backlog that drains, and nothing is lost.
//! The direct-call model is a thread-per-request server and a blocking client (Tomcat's
//! `maxThreads` and `acceptCount`, a client read timeout): see `direct.rs`.

use brook_engine::{preset, Cluster, DirectRun, Scenario, PRESETS, TICK_US};

/// Runs both for `seconds`, checking the direct run's invariants after every step.
fn both(s: &Scenario, seed: u64, seconds: f64) -> (Cluster, DirectRun) {
    let mut s = s.clone();
    s.seed = seed;
    let mut d = DirectRun::new(&s, seed);
    let mut c = Cluster::new(s);
    let steps = (seconds * 1e6) as u64 / TICK_US;
    for _ in 0..steps {
        c.step();
        d.step();
        if let Err(e) = d.check_invariants() {
            panic!("direct run invariant broken at {} us, seed {seed}: {e}", d.now_us());
        }
    }
    (c, d)
}

#[test]
fn peak_shaving_spike_fails_direct_calls_while_the_queue_loses_none() {
    let s = preset("peak-shaving").unwrap();
    // The spike runs from 5 s to 10 s; 25 s covers it and the drain after.
    for seed in [1, 2, 3] {
        let (c, d) = both(&s, seed, 25.0);
        let q = c.summary();
        // The queue: nothing lost, nothing failed, and the backlog the spike grew has drained
        // (every produced record processed, all but the last moments' on their way).
        assert_eq!(q.lost_records, 0, "seed {seed}");
        assert_eq!(q.dropped_records, 0, "seed {seed}");
        assert!(q.lag_records_max > 1_000, "seed {seed}: the spike grows a backlog");
        // The same orders went both ways.
        let created: u64 =
            c.producers().iter().map(|p| p.stats.sent_records + p.stats.failed_records).sum();
        let ds = d.summary();
        assert_eq!(ds.sent_requests, created, "seed {seed}: the same traffic");
        // Without the queue: orders failed or timed out, and the shop's threads waited
        // (at the base rate a call holds one for about 2 ms: two or three at once).
        assert!(ds.failed_requests + ds.timed_out_requests > 1_000, "seed {seed}: {ds:?}");
        assert!(ds.caller_threads_busy_max > 50, "seed {seed}: {ds:?}");
        // ... because of the spike: none before it, all within it or its wake.
        let at = |ms: u64| d.history().iter().find(|h| h.t_ms == ms).unwrap().clone();
        let before = at(5_000);
        assert_eq!(before.failed_requests + before.timed_out_requests, 0, "seed {seed}");
        let after = at(20_000);
        let end = d.history().last().unwrap();
        assert_eq!(end.failed_requests, after.failed_requests, "seed {seed}");
        assert_eq!(end.timed_out_requests, after.timed_out_requests, "seed {seed}");
    }
}

#[test]
fn without_a_spike_direct_calls_do_not_fail() {
    // The quickstart's 600 orders a second against two workers of 2 ms each (1000 a second):
    // within capacity, so every call succeeds. This is what lets the test above fail for the
    // right reason: the spike, not the model, fails the calls.
    let (_, d) = both(&preset("quickstart").unwrap(), 1, 20.0);
    let s = d.summary();
    assert!(s.sent_requests > 10_000, "{s:?}");
    assert_eq!(s.failed_requests, 0, "{s:?}");
    assert_eq!(s.timed_out_requests, 0, "{s:?}");
    assert_eq!(s.shop_blocked_ms, 0, "{s:?}");
    // Peak shaving's base rate alone (1000 a second against 3000): no failure either.
    let mut calm = preset("peak-shaving").unwrap();
    calm.producers[0].rate = brook_engine::RateProfile::Constant { rate_per_sec: 1_000.0 };
    let (_, d) = both(&calm, 1, 20.0);
    let s = d.summary();
    assert_eq!(s.failed_requests + s.timed_out_requests, 0, "{s:?}");
    assert!(s.succeeded_requests > 19_000, "{s:?}");
}

#[test]
fn a_longer_service_queue_blocks_the_shop_instead() {
    // With room for 1,000 waiting requests the service refuses none during the spike, but a
    // call then waits about a third of a second: the shop's 200 threads are all waiting and
    // it cannot take orders (Tomcat's `maxThreads` exhausted in the caller).
    let mut s = preset("peak-shaving").unwrap();
    s.direct_call.service_queue_max = 1_000;
    let (_, d) = both(&s, 1, 15.0);
    let ds = d.summary();
    assert!(ds.no_thread_requests > 1_000, "{ds:?}");
    assert!(ds.shop_blocked_ms > 1_000, "{ds:?}");
}

#[test]
fn a_slow_service_times_calls_out_and_finishes_them_for_nobody() {
    // Every worker takes 5 s per request and the callers wait 1 s: each call times out, and
    // the service still does the work (answered after the caller gave up).
    let mut s = preset("quickstart").unwrap();
    s.groups[0].processing_us = 5_000_000;
    s.direct_call.timeout_ms = 1_000;
    s.direct_call.service_queue_max = 10;
    let (_, d) = both(&s, 1, 20.0);
    let sum = d.summary();
    assert_eq!(sum.succeeded_requests, 0, "{sum:?}");
    assert!(sum.timed_out_requests > 0, "{sum:?}");
    assert!(sum.answered_after_timeout_requests > 0, "{sum:?}");
    assert!(sum.refused_requests > 0, "{sum:?}");
}

/// A caller gives up at its deadline, not a tick later: one order a millisecond, a service
/// that never answers within the 100 ms timeout, so at every moment the calls timed out are
/// exactly those sent 100 ms or more before (OkHttp's read timeout: the call fails once
/// `timeout` has passed).
#[test]
fn a_caller_gives_up_exactly_at_its_deadline() {
    let mut s = preset("quickstart").unwrap();
    s.producers.truncate(1);
    s.producers[0].rate = brook_engine::RateProfile::Constant { rate_per_sec: 1_000.0 };
    s.groups[0].processing_us = 10_000_000;
    s.direct_call.timeout_ms = 100;
    s.direct_call.service_queue_max = 1_000;
    s.validate().unwrap();
    let mut d = DirectRun::new(&s, 1);
    let mut sent = Vec::new();
    for _ in 0..250 {
        d.step();
        sent.push(d.summary().sent_requests);
        let now_ms = (d.now_us() / 1_000) as usize;
        let due = if now_ms > 100 { sent[now_ms - 101] } else { 0 };
        let timed_out = d.summary().timed_out_requests;
        assert_eq!(timed_out, due, "at {now_ms} ms: timed out {timed_out}, sent by -100 ms {due}");
    }
    assert!(d.summary().timed_out_requests >= 140);
}

#[test]
fn invariants_hold_across_presets_and_seeds_and_runs_repeat() {
    for name in PRESETS.iter().filter(|p| !["stress", "wide-topic", "production"].contains(p)) {
        let s = preset(name).unwrap();
        for seed in 0..10 {
            let mut d = DirectRun::new(&s, seed);
            for _ in 0..3_000 {
                d.step();
                if let Err(e) = d.check_invariants() {
                    panic!("{name} seed {seed} at {} us: {e}", d.now_us());
                }
            }
            // Deterministic: the same seed gives the same run.
            let mut again = DirectRun::new(&s, seed);
            again.run_until(d.now_us());
            assert_eq!(again.summary(), d.summary(), "{name} seed {seed}");
        }
    }
}

#[test]
fn settings_are_validated_with_the_field_and_the_limit() {
    let mut s = preset("peak-shaving").unwrap();
    s.direct_call.caller_threads_max = 0;
    s.direct_call.timeout_ms = 4_000_000;
    s.direct_call.service_concurrency_max = Some(20_000);
    let errors = s.validate().unwrap_err();
    let text: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
    assert!(text.contains(&"direct_call.caller_threads_max: 0 is below the minimum 1".into()));
    assert!(text.contains(&"direct_call.timeout_ms: 4000000 exceeds the limit 3600000".into()));
    assert!(
        text.contains(&"direct_call.service_concurrency_max: 20000 exceeds the limit 10000".into())
    );
    // Left out of a file, the defaults; a default section is not written back.
    let json = preset("peak-shaving").unwrap().to_json();
    assert!(!json.contains("direct_call"));
    let read = Scenario::from_json(&json).unwrap();
    assert_eq!(read.direct_call.caller_threads_max, 200);
    assert_eq!(read.direct_call.timeout_ms, 10_000);
    assert_eq!(read.direct_call.service_queue_max, 100);
}

/// quickstart with a `spike` command at 2 s: checkout at 20,000/s for 1 s.
fn checkout_spike() -> Scenario {
    let mut s = preset("quickstart").unwrap();
    s.events = vec![brook_engine::TimedEvent {
        at_ms: 2_000,
        command: brook_engine::Command::Spike {
            producer: "checkout".into(),
            rate_per_sec: 20_000.0,
            duration_ms: 1_000,
        },
    }];
    s
}

#[test]
fn timeline_spikes_reach_the_direct_run() {
    // A `spike` command at 2 s: both runs create the same orders.
    let s = checkout_spike();
    let (c, d) = both(&s, 4, 5.0);
    let checkout = &c.producers()[0].stats;
    assert!(checkout.sent_records > 20_000);
    let ds = d.summary();
    assert!(ds.failed_requests > 0, "{ds:?}");
}

/// A spike holds for its duration, then the profile's rate comes back: checkout's 400/s
/// becomes 20,000/s from 2 s to 3 s. mobile's Poisson 200/s goes on beside it (about 200 a
/// second, far from the difference tested).
#[test]
fn a_spike_holds_for_its_duration_then_the_rate_comes_back() {
    let s = checkout_spike();
    let mut d = DirectRun::new(&s, 4);
    let mut sent_at = |us: u64| {
        d.run_until(us);
        d.summary().sent_requests
    };
    let (before, spiked, after) = (sent_at(2_000_000), sent_at(3_000_000), sent_at(5_000_000));
    let spike = spiked - before;
    assert!((20_000..20_600).contains(&spike), "1 s of spike: {spike} orders");
    let back = after - spiked;
    assert!((1_000..1_400).contains(&back), "2 s back at 400/s + about 200/s: {back} orders");
}
