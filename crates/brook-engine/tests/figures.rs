//! The figures the page shows per reader (issue 10, item 6): lag split into not yet read and
//! read but not committed, empty polls, recent latency, chart markers. Each expectation comes
//! from Kafka's rule, cited, or from the figure's definition computed apart.

mod common;
use brook_engine::{
    Cluster, ClusterSpec, Command, CommitMode, GroupSpec, MarkerKind, ProducerSpec, RateProfile,
    Scenario, TimedEvent, TopicSpec, MARKERS_MAX, RECENT_LATENCY_S, TICK_US,
};

/// One topic of `partitions`, one producer at `rate_per_sec`, one group `g`.
fn scenario(partitions: u32, rate_per_sec: f64, g: GroupSpec) -> Scenario {
    let mut s = brook_engine::preset("quickstart").unwrap();
    s.name = "figures".into();
    s.cluster = ClusterSpec::default();
    s.topics = vec![TopicSpec::new("orders", partitions)];
    s.producers = vec![ProducerSpec::new("web", "orders", RateProfile::Constant { rate_per_sec })];
    s.groups = vec![g];
    s.events = Vec::new();
    s
}

fn split(c: &Cluster) -> (u64, u64) {
    c.reader_lag_split(c.readers().next().unwrap())
}

#[test]
fn lag_is_the_log_end_minus_the_committed_offset_in_every_preset_and_seed() {
    // ConsumerGroupCommand.getLag: lag = log end offset (ListOffsets with OffsetSpec.latest(),
    // the high watermark for a read_uncommitted client) minus the committed offset. The
    // once-a-second partition sample holds both; the group's lag must be their difference,
    // and not-yet-read plus read-but-not-committed must add up to it (check_invariants).
    // production (16,384 partitions) is left to simulation.rs: 10 s of it take minutes here.
    for &name in brook_engine::PRESETS.iter().filter(|&&p| p != "production") {
        for seed in [1, 42] {
            let mut s = brook_engine::preset(name).unwrap();
            s.seed = seed;
            let mut c = Cluster::new(s);
            let mut steps = 0;
            while c.now_us() < 10_000_000 {
                c.step();
                steps += 1;
                if steps % 97 == 0 {
                    c.check_invariants().unwrap_or_else(|e| panic!("{name} seed {seed}: {e}"));
                }
                if c.now_us() % 1_000_000 != 0 {
                    continue;
                }
                let last = c.partition_history().last().unwrap();
                for (gi, g) in c.groups().iter().enumerate() {
                    let mut flat = 0;
                    let mut lag = 0;
                    let mut k = 0;
                    for (ti, t) in c.topics().iter().enumerate() {
                        for _ in &t.partitions {
                            if g.topics.contains(&(ti as u16)) {
                                let o = last.partitions[flat];
                                let from = last.committed[gi][k].max(o.log_start);
                                lag += o.high_watermark.saturating_sub(from);
                                k += 1;
                            }
                            flat += 1;
                        }
                    }
                    let r = c.readers().nth(gi).unwrap();
                    assert_eq!(c.reader_lag(r), lag, "{name} seed {seed} {}", g.spec.name);
                    let (unread, uncommitted) = c.reader_lag_split(r);
                    assert_eq!(unread + uncommitted, lag, "{name} seed {seed}");
                }
            }
        }
    }
}

#[test]
fn auto_commit_leaves_up_to_an_interval_of_reading_uncommitted_then_drops_it() {
    // ConsumerConfig AUTO_COMMIT_INTERVAL_MS_DOC: with enable.auto.commit the consumer's
    // offsets are committed every auto.commit.interval.ms (5 s by default). Until then the
    // records read stay in the lag (ConsumerGroupCommand.getLag counts from the committed
    // offset): read but not committed grows with what the group read since the last commit,
    // and a commit drops it to what members hold fetched and not yet processed (at most
    // max.poll.records in the inbox and one fetch answer on its way, per member).
    let mut g = GroupSpec::new("billing", "orders", 2, 500);
    g.commit = CommitMode::Auto;
    let (members, max_poll) = (g.members as u64, g.max_poll_records as u64);
    let interval_us = g.auto_commit_interval_ms as u64 * 1000;
    let held_max = members * 2 * max_poll;
    let mut c = Cluster::new(scenario(4, 800.0, g));
    let mut consumed: std::collections::VecDeque<(u64, u64)> = Default::default();
    let mut before_commit = Vec::new();
    let mut after_commit = Vec::new();
    while c.now_us() < 31_000_000 {
        c.step();
        let now = c.now_us();
        let done = c.readers().next().unwrap().consumed_records();
        consumed.push_back((now, done));
        while consumed.front().is_some_and(|&(t, _)| t + interval_us + TICK_US < now) {
            consumed.pop_front();
        }
        let read_in_interval = done - consumed.front().unwrap().1;
        let (_, uncommitted) = split(&c);
        assert!(
            uncommitted <= read_in_interval + held_max,
            "t={now}: {uncommitted} read but not committed > {read_in_interval} processed in \
             the last interval + {held_max} held"
        );
        let into = now % interval_us;
        if into == interval_us - TICK_US && now > interval_us {
            before_commit.push(uncommitted);
        }
        if into == 0 && now > interval_us {
            after_commit.push(uncommitted);
        }
    }
    assert_eq!(before_commit.len(), 5);
    assert_eq!(after_commit.len(), 5);
    for (b, a) in before_commit.iter().zip(&after_commit) {
        assert!(*a <= held_max, "right after a commit only what is held: {a} > {held_max}");
        // About 5 s at 800 records a second were read since the last commit.
        assert!(*b >= 3_000, "before a commit the interval's reading: {b}");
    }
}

#[test]
fn committing_after_processing_keeps_read_but_not_committed_to_what_members_hold() {
    // With commits after processing (commitSync after each poll's records), the committed
    // offset follows processing: only records fetched and not yet processed are read but not
    // committed; the rest of the lag is not yet read.
    let mut g = GroupSpec::new("billing", "orders", 1, 2_000); // 500 a second: falls behind
    g.commit = CommitMode::AfterProcess;
    let held_max = 2 * g.max_poll_records as u64;
    let mut c = Cluster::new(scenario(2, 1_500.0, g));
    while c.now_us() < 10_000_000 {
        c.step();
        let (unread, uncommitted) = split(&c);
        assert!(uncommitted <= held_max, "{uncommitted}");
        let _ = unread;
    }
    let (unread, _) = split(&c);
    assert!(unread > 5_000, "the backlog is not yet read: {unread}");
}

#[test]
fn an_idle_group_counts_one_empty_poll_per_fetch_max_wait() {
    // DelayedFetch: a fetch that finds no data is held until fetch.max.wait.ms passes, then
    // answered empty; the consumer polls again. With nothing produced, each member with
    // partitions sends one fetch per wait plus a round trip.
    let mut g = GroupSpec::new("billing", "orders", 2, 1_000);
    g.fetch_max_wait_ms = 500;
    let wait_us = g.fetch_max_wait_ms as u64 * 1000;
    let mut s = scenario(2, 1.0, g);
    s.producers.clear();
    let delay_us = s.cluster.network_delay_us as u64;
    let mut c = Cluster::new(s);
    let run_us = 20_000_000;
    c.run_until(run_us);
    let r = c.readers().next().unwrap();
    let polls = r.empty_polls().unwrap();
    let per_member_max = run_us / wait_us;
    let per_member_min = run_us / (wait_us + 2 * delay_us + 2 * TICK_US) - 2;
    assert!((2 * per_member_min..=2 * per_member_max).contains(&polls), "{polls}");
    assert_eq!(c.summary().empty_fetches, polls);
}

#[test]
fn recent_latency_covers_only_the_last_seconds_and_forgets_a_spike() {
    // The headline latency sits next to a live lag: it must describe records processed lately.
    // peak-shaving: a tenfold spike at 5-10 s leaves records waiting seconds; once the backlog
    // has drained, the recent p99 is far below the whole run's.
    let mut c = Cluster::new(brook_engine::preset("peak-shaving").unwrap());
    let mut at_second = Vec::new();
    while c.now_us() < 60_000_000 {
        c.step();
        if c.now_us() % 1_000_000 == 0 {
            at_second.push(c.readers().next().unwrap().consumed_records());
        }
    }
    let r = c.readers().next().unwrap();
    let lat = r.latency();
    // The window starts at the copy taken RECENT_LATENCY_S seconds before the last one.
    let from = at_second[at_second.len() - 1 - RECENT_LATENCY_S];
    assert_eq!(lat.recent_count(), r.consumed_records() - from);
    assert_eq!(lat.whole().count(), r.consumed_records());
    assert!(c.reader_lag(r) < 1_000, "the backlog has drained");
    let (recent, whole) = (lat.recent_quantile_us(0.99), lat.whole().quantile_us(0.99));
    assert!(recent * 5 < whole, "recent p99 {recent} us, whole run {whole} us");
}

#[test]
fn markers_point_at_the_spike_the_crashes_and_the_rebalance_and_stay_bounded() {
    // peak-shaving's spike runs 5-10 s; a broker crash and a member crash are added; the
    // member's session then times out and its group rebalances (session.timeout.ms).
    let mut s = brook_engine::preset("peak-shaving").unwrap();
    s.groups[0].session_timeout_ms = 6_000;
    s.events = vec![
        TimedEvent { at_ms: 2_000, command: Command::CrashBroker { broker: 0 } },
        TimedEvent {
            at_ms: 3_000,
            command: Command::CrashMember { group: "fulfilment".into(), member: 0 },
        },
    ];
    let mut c = Cluster::new(s);
    c.run_until(15_000_000);
    let m: Vec<_> = c.markers().iter().map(|m| (m.t_ms, m.kind, m.subject.as_str())).collect();
    assert!(m.contains(&(5_000, MarkerKind::SpikeStart, "shop")), "{m:?}");
    assert!(m.contains(&(10_000, MarkerKind::SpikeEnd, "shop")), "{m:?}");
    assert!(m.contains(&(2_000, MarkerKind::BrokerCrash, "0")), "{m:?}");
    assert!(m.contains(&(3_000, MarkerKind::MemberCrash, "fulfilment")), "{m:?}");
    let rebalance = m.iter().find(|x| x.1 == MarkerKind::Rebalance && x.0 > 3_000);
    assert!(rebalance.is_some_and(|r| r.0 <= 3_000 + 6_000 + 100), "{m:?}");
    assert!(m.windows(2).all(|w| w[0].0 <= w[1].0), "in time order");

    // Bursts every 200 ms for a minute: 600 markers happen, the newest MARKERS_MAX are kept.
    let mut s = scenario(2, 1.0, GroupSpec::new("g", "orders", 1, 100));
    s.producers[0].rate = RateProfile::Bursts {
        base_per_sec: 10.0,
        burst_per_sec: 100.0,
        period_ms: 200,
        burst_ms: 100,
    };
    let mut c = Cluster::new(s);
    c.run_until(60_000_000);
    assert_eq!(c.markers().len(), MARKERS_MAX);
    assert!(c.markers().last().unwrap().t_ms >= 59_800);
}
