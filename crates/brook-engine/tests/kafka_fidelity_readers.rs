//! Kafka is the oracle (issue 8, items 6 and 8), for readers: where a group starts
//! (`auto.offset.reset`, `share.auto.offset.reset`) and what an expired share-group lock does.
//! Each expected outcome comes from Kafka's rule, cited, computed from what the logs hold.

mod common;
use brook_engine::{
    Cluster, ClusterSpec, Command, CommitMode, GroupSpec, OffsetReset, ProducerSpec, RateProfile,
    ReaderSpec, Scenario, ShareGroupSpec, TimedEvent, TopicSpec,
};
use common::run_checked;

fn at(at_ms: u64, command: Command) -> TimedEvent {
    TimedEvent { at_ms, command }
}

/// One topic, one producer at `rate_per_sec`, no reader yet.
fn scenario(topic: TopicSpec, rate_per_sec: f64) -> Scenario {
    let mut s = brook_engine::preset("quickstart").unwrap();
    s.name = "readers".into();
    s.cluster = ClusterSpec::default();
    let p = ProducerSpec::new("web", &topic.name, RateProfile::Constant { rate_per_sec });
    s.topics = vec![topic];
    s.producers = vec![p];
    s.groups = Vec::new();
    s.events = Vec::new();
    s
}

/// Records the logs of topic 0 hold now (every partition's log end offset).
fn written(c: &Cluster) -> u64 {
    c.topics()[0].partitions.iter().map(|p| p.log.log_end_offset()).sum()
}

fn group(name: &str, reset: OffsetReset) -> GroupSpec {
    let mut g = GroupSpec::new(name, "clicks", 1, 100);
    g.commit = CommitMode::AfterProcess;
    g.auto_offset_reset = reset;
    g
}

#[test]
fn a_group_joining_late_reads_only_new_records_with_latest_and_everything_with_earliest() {
    // ConsumerConfig.AUTO_OFFSET_RESET_DOC: with no initial offset, earliest resets to the
    // earliest offset, latest (the default) to the latest; a read_uncommitted consumer's
    // latest is the high watermark (ListOffsets). Records are written 0-3 s and 10-12 s; two
    // groups join at 5 s, when nothing is being written: the latest one starts at the end of
    // the first burst and reads exactly the second, the earliest one reads both.
    let mut s = scenario(TopicSpec::new("clicks", 2), 1_000.0);
    let again = ProducerSpec::new("app", "clicks", RateProfile::Constant { rate_per_sec: 1_000.0 });
    s.events = vec![
        at(3_000, Command::RemoveProducer { producer: "web".into() }),
        at(
            5_000,
            Command::AddReader { reader: ReaderSpec::Group(group("new", OffsetReset::Latest)) },
        ),
        at(
            5_000,
            Command::AddReader { reader: ReaderSpec::Group(group("all", OffsetReset::Earliest)) },
        ),
        at(10_000, Command::AddProducer { spec: again }),
        at(12_000, Command::RemoveProducer { producer: "app".into() }),
    ];
    s.validate().unwrap();
    let mut c = Cluster::new(s);
    run_checked(&mut c, 5_000_000);
    let before = written(&c);
    assert!((2_990..=3_000).contains(&before), "3 s at 1000/s: {before}");
    run_checked(&mut c, 16_000_000);
    let total = written(&c);
    assert!(total > before + 1_900, "2 s more at 1000/s: {total}");
    let sum = c.summary();
    assert_eq!(sum.consumed_records["new"], total - before, "latest: only what came after");
    assert_eq!(sum.consumed_records["all"], total, "earliest: every retained record");
    assert_eq!(sum.offset_reset_skipped_records, before, "the latest group skipped the first");
    assert_eq!(sum.lost_records, 0, "skipping at the reset is not a loss");
    assert_eq!((sum.lag_records["new"], sum.lag_records["all"]), (0, 0));
}

/// One partition, records of 1 KiB at 1000/s from 2 s to 16 s into 64 KiB segments with
/// `retention.ms` 2000: a group that stops for long enough finds its committed offset deleted.
/// It joins at the start (before anything is written, so both policies start it at 0),
/// processes until it crashes at 5 s (committing nothing more) and restarts at 11 s.
fn retention_overtakes(reset: OffsetReset) -> Cluster {
    let mut topic = TopicSpec::new("clicks", 1);
    topic.retention_ms = Some(2_000);
    topic.segment_bytes = 64 << 10;
    let mut s = scenario(topic, 0.0);
    s.producers[0].record_bytes = 1_024;
    s.producers[0].rate = RateProfile::Step {
        base_per_sec: 0.0,
        spike_per_sec: 1_000.0,
        start_ms: 2_000,
        duration_ms: 14_000,
    };
    let mut g = group("g", reset);
    g.session_timeout_ms = 4_000;
    s.groups = vec![g];
    s.events = vec![
        at(5_000, Command::CrashMember { group: "g".into(), member: 0 }),
        at(11_000, Command::RestartMember { group: "g".into(), member: 0 }),
    ];
    s.validate().unwrap();
    let mut c = Cluster::new(s);
    run_checked(&mut c, 22_000_000);
    c
}

#[test]
fn a_committed_offset_deleted_by_retention_resets_by_the_policy() {
    // Kafka's FetchCollector.handleInitializeErrors: a fetch answered OFFSET_OUT_OF_RANGE (the
    // committed offset is below the log start) resets the position by auto.offset.reset:
    // earliest to the log start (what retention deleted unread is lost), latest to the high
    // watermark (what was still there is skipped too). The two runs are the same up to the
    // reset, so they lose the same records; the latest one skips what the earliest one reads.
    let early = retention_overtakes(OffsetReset::Earliest);
    let late = retention_overtakes(OffsetReset::Latest);
    let (e, l) = (early.summary(), late.summary());
    let total = written(&early);
    assert_eq!(total, written(&late));
    let lost = e.lost_records_by_cause["retention"];
    // Restarted at 11 s and assigned at 12 s, it finds records older than about 10 s gone:
    // those from 5 s (where it stopped) to about 10 s.
    assert!((4_000..6_000).contains(&lost), "{e:?}");
    assert_eq!(l.lost_records_by_cause["retention"], lost, "the same records deleted unread");
    assert_eq!(e.offset_reset_skipped_records, 0);
    assert_eq!(e.consumed_records["g"] + lost, total, "earliest: everything else is read");
    // Latest skips what retention had kept: about the last 2 s before the reset.
    let skipped = l.offset_reset_skipped_records;
    assert!((1_000..4_000).contains(&skipped), "latest skips the retained rest: {l:?}");
    assert_eq!(
        l.consumed_records["g"] + lost + l.offset_reset_skipped_records,
        total,
        "latest: read, lost or skipped"
    );
    assert_eq!((e.duplicate_records, l.duplicate_records), (0, 0));
}

#[test]
fn a_group_lag_counts_only_what_retention_left_once_it_passed_the_commit() {
    // The group of `retention_overtakes` stops at 5 s; by 10.5 s retention (2 s) has deleted
    // past its committed offset. What it has yet to read is what the log still holds: its
    // fetch from the committed offset gets OFFSET_OUT_OF_RANGE and resets to the log start
    // (earliest; FetchCollector.handleInitializeErrors), and a consumer's records-lag is the
    // high watermark minus its position (SubscriptionState.partitionLag): HW - max(committed,
    // log start). (kafka-consumer-groups --describe shows LOG-END-OFFSET - CURRENT-OFFSET, the
    // committed offset, until the group commits again: ConsumerGroupCommand.getLag.)
    let mut topic = TopicSpec::new("clicks", 1);
    topic.retention_ms = Some(2_000);
    topic.segment_bytes = 64 << 10;
    let mut s = scenario(topic, 1_000.0);
    s.producers[0].record_bytes = 1_024;
    let mut g = group("g", OffsetReset::Earliest);
    g.session_timeout_ms = 4_000;
    s.groups = vec![g];
    s.events = vec![at(5_000, Command::CrashMember { group: "g".into(), member: 0 })];
    s.validate().unwrap();
    let mut c = Cluster::new(s);
    run_checked(&mut c, 10_500_000);
    let log = &c.topics()[0].partitions[0].log;
    let (start, hw) = (log.log_start_offset(), log.high_watermark());
    let tp = brook_engine::Tp { topic: 0, partition: 0 };
    let committed = c.groups()[0].resume_offset(tp, start, hw);
    assert!(committed > 3_000, "it read for 5 s at 1000/s: committed {committed}");
    assert!(committed + 2_000 < start, "retention passed it: {committed} < {start}");
    assert_eq!(c.summary().lag_records["g"], hw - start);
    assert_eq!(c.readers().next().unwrap().lag(|t| &c.topics()[t as usize].partitions), hw - start);
}

#[test]
fn records_written_to_new_partitions_before_a_latest_group_finds_them_are_skipped() {
    // ConsumerConfig.AUTO_OFFSET_RESET_DOC: "altering partition numbers while setting this
    // config to latest may cause message delivery loss since producers could start to send
    // messages to newly added partitions (i.e. no initial offsets exist yet) before consumers
    // reset their offsets". Brook's group learns of them in the rebalance that follows.
    let mut s = scenario(TopicSpec::new("clicks", 1), 1_000.0);
    s.groups = vec![group("new", OffsetReset::Latest), group("all", OffsetReset::Earliest)];
    s.events = vec![
        at(2_000, Command::AddPartitions { topic: "clicks".into(), count: 3 }),
        at(6_000, Command::RemoveProducer { producer: "web".into() }),
    ];
    let mut c = Cluster::new(s);
    // Both joined at the start; the latest one skipped what the first partition held when
    // its first rebalance ended.
    run_checked(&mut c, 1_900_000);
    let at_start = c.groups()[0].stats.reset_skipped_records;
    run_checked(&mut c, 10_000_000);
    let sum = c.summary();
    let total = written(&c);
    assert_eq!(sum.consumed_records["all"], total);
    assert_eq!(c.groups()[1].stats.reset_skipped_records, 0, "earliest skips nothing");
    let skipped = c.groups()[0].stats.reset_skipped_records;
    assert_eq!(sum.consumed_records["new"] + skipped, total, "latest: read or skipped");
    assert!(skipped > at_start, "records sent to the new partitions were skipped: {skipped}");
}

/// One partition holding the records written 0-100 ms; a share group of two members, both
/// down at first. Member 0 (a hundred times slower: 100 ms a record) restarts at 500 ms and
/// acquires them all under one lock of `lock_ms`; member 1 restarts at 600 ms.
fn slow_share_member(lock_ms: u32) -> Cluster {
    let mut s = scenario(TopicSpec::new("jobs", 1), 1_000.0);
    let mut q = ShareGroupSpec::new("workers", "jobs", 2, 1_000);
    q.speed_factors = vec![0.01, 1.0];
    q.lock_ms = lock_ms;
    q.share_auto_offset_reset = OffsetReset::Earliest;
    s.share_groups = vec![q];
    let member = |member| (String::from("workers"), member);
    let crash = |(group, member)| Command::CrashMember { group, member };
    let restart = |(group, member)| Command::RestartMember { group, member };
    s.events = vec![
        at(0, crash(member(0))),
        at(0, crash(member(1))),
        at(100, Command::RemoveProducer { producer: "web".into() }),
        at(500, restart(member(0))),
        at(600, restart(member(1))),
    ];
    s.validate().unwrap();
    let mut c = Cluster::new(s);
    run_checked(&mut c, 20_000_000);
    c
}

#[test]
fn a_share_member_slower_than_its_lock_processes_records_another_member_processes_too() {
    // Kafka's SharePartition: an acquisition lock that times out makes the record AVAILABLE
    // again (releaseAcquisitionLockOnTimeout; ARCHIVED only at the delivery limit, 5), and
    // another member acquires it (delivery count 2). The first member still has it and
    // finishes it; its acknowledgement then fails with InvalidRecordStateException, the
    // record being no longer acquired by it (acknowledgeBatchRecords). With a lock of 1050 ms
    // and 100 ms a record, member 0 acknowledges floor(1050 / 100) = 10 records in time; the
    // rest go to member 1 (1 ms a record, well within its lock) and are processed twice.
    let c = slow_share_member(1_050);
    let n = written(&c);
    assert!((90..=110).contains(&n), "100 ms at 1000/s: {n}");
    let in_time = 1_050 / 100;
    let g = &c.share_groups()[0];
    let st = g.stats;
    assert_eq!(st.expired_locks, n - in_time, "{st:?}");
    assert_eq!(st.redelivered_records, n - in_time);
    assert_eq!(st.duplicate_records, n - in_time, "each expired record processed twice");
    assert_eq!(st.failed_ack_records, n - in_time, "and its first acknowledgement refused");
    assert_eq!(st.accepted_records, n, "each record accepted once");
    assert_eq!(st.processed_records, n + (n - in_time));
    assert_eq!(g.members[0].processed_records, n, "the slow member finished all it took");
    assert_eq!(g.members[0].accepted_records, in_time);
    assert_eq!(g.members[0].failed_ack_records, n - in_time);
    assert_eq!(g.members[1].accepted_records, n - in_time);
    assert_eq!(st.acks_without_lock, 0);
    let sum = c.summary();
    assert_eq!(sum.share_duplicate_records, n - in_time);
    assert_eq!(sum.duplicate_records, n - in_time, "the run's duplicates include them");
    assert_eq!(sum.failed_ack_records, n - in_time);
    assert_eq!(sum.consumed_records["workers"], n + (n - in_time), "processings, twice or not");
    assert_eq!(sum.lag_records["workers"], 0);
}

/// One partition holding the records written 0-100 ms; one share member that fails every
/// record (`failure_rate` 1: each processing ends in a RELEASE acknowledgement).
fn always_failing_share_member(delivery_limit: Option<u32>) -> Cluster {
    let mut s = scenario(TopicSpec::new("jobs", 1), 1_000.0);
    let mut q = ShareGroupSpec::new("workers", "jobs", 1, 1_000);
    q.failure_rate = 1.0;
    q.share_auto_offset_reset = OffsetReset::Earliest;
    if let Some(limit) = delivery_limit {
        q.delivery_limit = limit;
    }
    s.share_groups = vec![q];
    s.events = vec![at(100, Command::RemoveProducer { producer: "web".into() })];
    s.validate().unwrap();
    let mut c = Cluster::new(s);
    run_checked(&mut c, 10_000_000);
    c
}

#[test]
fn a_record_released_every_time_is_delivered_delivery_count_limit_times_then_archived() {
    // KIP-932 and Kafka's share-partition state machine (InFlightState.tryUpdateState): a
    // released record becomes AVAILABLE again unless its delivery count has reached the limit,
    // then it is ARCHIVED, never delivered again. The limit is share.delivery.count.limit,
    // whose broker default group.share.delivery.count.limit is 5 (ShareGroupConfig
    // SHARE_GROUP_DELIVERY_COUNT_LIMIT_DEFAULT). So each record is delivered exactly 5 times:
    // 5 releases, 4 redeliveries, 1 archive; none accepted, none left in the lag.
    for (limit, expected) in [(None, 5), (Some(2), 2), (Some(3), 3)] {
        let c = always_failing_share_member(limit);
        let n = written(&c);
        assert!((90..=110).contains(&n), "100 ms at 1000/s: {n}");
        let st = c.share_groups()[0].stats;
        assert_eq!(st.released_records, expected * n, "limit {limit:?}: {st:?}");
        assert_eq!(st.redelivered_records, (expected - 1) * n, "limit {limit:?}");
        assert_eq!(st.archived_records, n, "limit {limit:?}");
        assert_eq!(st.accepted_records, 0);
        assert_eq!(
            c.share_groups()[0].start_offset(brook_engine::Tp { topic: 0, partition: 0 }),
            n
        );
        assert_eq!(c.summary().lag_records["workers"], 0, "archived records are not lag");
    }
}

#[test]
fn a_lock_longer_than_the_work_processes_every_record_once() {
    // The same run with Kafka's default lock (30 s): member 0 finishes its ~100 records in
    // about 10 s, within the lock; nothing expires, nothing is processed twice.
    let c = slow_share_member(30_000);
    let n = written(&c);
    let st = c.share_groups()[0].stats;
    assert_eq!((st.expired_locks, st.duplicate_records, st.failed_ack_records), (0, 0, 0));
    assert_eq!((st.accepted_records, st.processed_records), (n, n));
    assert_eq!(c.share_groups()[0].members[0].accepted_records, n);
}

#[test]
fn a_share_group_starts_at_the_end_by_default() {
    // GroupConfig.SHARE_AUTO_OFFSET_RESET_DEFAULT is latest: SharePartition
    // .startOffsetDuringInitialization starts a share-partition at the latest offset when the
    // group first reads it. Added at 5 s after 0-3 s of writing, the default group reads
    // nothing of it; an earliest one reads it all.
    let mut s = scenario(TopicSpec::new("clicks", 2), 1_000.0);
    let mut all = ShareGroupSpec::new("all", "clicks", 2, 100);
    all.share_auto_offset_reset = OffsetReset::Earliest;
    s.events = vec![
        at(3_000, Command::RemoveProducer { producer: "web".into() }),
        at(
            5_000,
            Command::AddReader {
                reader: ReaderSpec::Share(ShareGroupSpec::new("new", "clicks", 2, 100)),
            },
        ),
        at(5_000, Command::AddReader { reader: ReaderSpec::Share(all) }),
    ];
    s.validate().unwrap();
    let mut c = Cluster::new(s);
    run_checked(&mut c, 8_000_000);
    let sum = c.summary();
    assert_eq!(sum.consumed_records["new"], 0);
    assert_eq!(sum.consumed_records["all"], written(&c));
    assert_eq!((sum.lag_records["new"], sum.lag_records["all"]), (0, 0));
}

#[test]
fn a_member_restarted_before_its_session_expires_resumes_at_the_last_commit() {
    // A restarted consumer is a new instance: it holds no positions and joins the group again.
    // Kafka's ConsumerCoordinator.onJoinComplete assigns it partitions without a position, and
    // refreshCommittedOffsetsIfNeeded (OffsetFetch) starts each at the group's committed offset
    // (SubscriptionState.initializingPartitions). With auto-commit every 5 s, what the crashed
    // member processed after its last commit is processed again (at least once: the
    // ConsumerConfig ENABLE_AUTO_COMMIT_DOC), and nothing it had fetched but not processed is
    // skipped. Records are written 0-10 s at 1000/s; the member, 0.2 ms a record, keeps up; it
    // crashes at 7.3 s and restarts at 8 s, long before session.timeout.ms (45 s).
    let mut s = scenario(TopicSpec::new("clicks", 1), 0.0);
    s.producers[0].rate = RateProfile::Step {
        base_per_sec: 0.0,
        spike_per_sec: 1_000.0,
        start_ms: 0,
        duration_ms: 10_000,
    };
    let mut g = GroupSpec::new("g", "clicks", 1, 200);
    g.auto_offset_reset = OffsetReset::Earliest;
    s.groups = vec![g];
    s.events = vec![
        at(7_300, Command::CrashMember { group: "g".into(), member: 0 }),
        at(8_000, Command::RestartMember { group: "g".into(), member: 0 }),
    ];
    s.validate().unwrap();
    let mut c = Cluster::new(s);
    run_checked(&mut c, 40_000_000);
    let total = written(&c);
    let sum = c.summary();
    assert!((9_900..=10_000).contains(&total), "10 s at 1000/s: {total}");
    assert_eq!(sum.lag_records["g"], 0, "caught up: {sum:?}");
    assert_eq!(
        sum.consumed_records["g"] - sum.duplicate_records,
        total,
        "every record processed at least once, none skipped: {sum:?}"
    );
    // The last auto-commit before the crash was at 5 s: the 2.3 s of records processed since
    // (about 2,300 at 1000/s) are processed again.
    assert!(
        (2_000..=2_400).contains(&sum.duplicate_records),
        "processed since the last commit, again: {sum:?}"
    );
}
