//! Kafka is the oracle (issue 8, the producer's defects 2 to 4): each test builds a scenario
//! and checks the outcome Kafka's client and broker rules give, cited from their source, never
//! Brook's earlier output.

mod common;
use brook_engine::{
    Acks, Cluster, ClusterSpec, Command, ProducerSpec, RateProfile, Scenario, Summary, TimedEvent,
    TopicSpec,
};
use common::run_checked;

fn at(at_ms: u64, command: Command) -> TimedEvent {
    TimedEvent { at_ms, command }
}

/// One topic of one partition with 3 replicas led by broker 0, on 3 brokers, `min.insync.
/// replicas` 1; the given producers at 1000 records/s each (one a ms; `linger.ms` 5 closes a
/// batch of at most 6), no reader.
fn one_partition(name: &str, cluster: ClusterSpec, producers: Vec<ProducerSpec>) -> Scenario {
    let mut s = brook_engine::preset("quickstart").unwrap();
    s.name = name.into();
    s.cluster = ClusterSpec { brokers: 3, ..cluster };
    s.topics = vec![TopicSpec { replication_factor: 3, ..TopicSpec::new("events", 1) }];
    s.producers = producers;
    s.groups = Vec::new();
    s.events = Vec::new();
    s
}

fn producer(name: &str, acks: Acks) -> ProducerSpec {
    let rate = RateProfile::Constant { rate_per_sec: 1_000.0 };
    ProducerSpec { acks, ..ProducerSpec::new(name, "events", rate) }
}

/// Runs to `until_us`, checking the invariants (the producers' ledgers, idempotent order)
/// after every step.
fn lost(s: &Summary, cause: &str) -> u64 {
    s.lost_records_by_cause[cause]
}

#[test]
fn acks_0_loses_only_what_was_on_the_wire_to_a_crashed_leader() {
    // Kafka's client (clients/.../NetworkClient.java): an acks=0 request expects no answer, so
    // `handleCompletedSends` completes it once written to the socket; if the broker dies
    // before reading it, those records are gone and the producer never knows. Batches not yet
    // written stay in the RecordAccumulator: `Sender.sendProducerData` drains only for nodes
    // `client.ready` finds connected, and the connection to a dead broker is refused, so they
    // wait until metadata names the next leader.
    //
    // Here: one-way network delay 50 ms, broker 0 (the leader) crashes at 5 s, the controller
    // notices 9 s later (broker session timeout) and elects broker 1. Requests written in the
    // 50 ms before the crash (sent at 4.950 to 4.999 s) were on the wire: about 50 records,
    // give or take a batch of 6, counted `leader-crash-in-flight`. Everything created after
    // the crash waits in the producer and reaches the new leader: by 20 s all but the last
    // ~60 ms of records (on the wire or lingering) are written. Brook before the fix sent to
    // the dead leader until the election and lost ~9000 records uncounted.
    let cluster = ClusterSpec { network_delay_us: 50_000, ..ClusterSpec::default() };
    let mut s = one_partition(
        "acks0-crash",
        cluster,
        vec![producer("fire-and-forget", Acks::None), producer("leader-ack", Acks::Leader)],
    );
    s.events = vec![at(5_000, Command::CrashBroker { broker: 0 })];
    s.validate().unwrap();
    let mut c = Cluster::new(s);
    run_checked(&mut c, 20_000_000);

    let (zero, one) = (c.producers()[0].stats, c.producers()[1].stats);
    assert_eq!(zero.sent_records, 20_000);
    assert!((40..=60).contains(&zero.lost_in_flight_records), "on the wire at the crash: {zero:?}");
    assert!(zero.written_records >= 20_000 - 60 - 70, "the rest reached a leader: {zero:?}");
    // acks=1: the same requests fail with the broken connection and are resent, so none is
    // lost on the wire (NETWORK_EXCEPTION is retriable: `Sender.canRetry`) and none failed.
    // (Its backlog drains slower: at most 5 requests of 16 KiB per 100 ms round trip.)
    assert_eq!(one.lost_in_flight_records, 0, "{one:?}");
    assert_eq!(one.expired_records, 0, "{one:?}");
    assert!(one.written_records > 10_000, "{one:?}");

    let s = c.summary();
    assert_eq!(lost(&s, "leader-crash-in-flight"), zero.lost_in_flight_records);
    // Both producers' acknowledged records the new leader had not copied were truncated: a
    // follower's fetch copies what the leader held when the fetch left, and the last one to
    // arrive before the crash left at most 200 ms earlier (2 x 50 ms each way, then the next),
    // so at most 200 ms of each producer's records, give or take a batch of 6.
    let failover = lost(&s, "leader-failover");
    assert!(failover > 0 && failover <= 2 * (200 + 6), "{s:?}");
    // One definition of lost: the sum of its causes, here and in the faults chart.
    let causes: u64 = s.lost_records_by_cause.values().sum();
    assert_eq!(s.lost_records, causes);
    assert_eq!(c.history().last().unwrap().lost_records, causes);
    // The ledger: every produced record is written, on its way, failed or lost by cause.
    assert_eq!(
        s.produced_records,
        s.written_records
            + s.in_flight_records
            + (s.send_failed_records - s.failed_written_records)
            + lost(&s, "leader-crash-in-flight"),
        "{s:?}"
    );
}

#[test]
fn after_a_failover_an_idempotent_producer_keeps_each_partition_in_order() {
    // Kafka's rule, from its ProducerConfig docs for max.in.flight.requests.per.connection and
    // retries: without idempotence and with more than one request in flight, "if two batches
    // are sent to a single partition, and the first fails and is retried but the second
    // succeeds, then the records in the second batch may appear first". The client puts a
    // failed batch back at the front of its partition's queue (`RecordAccumulator.reenqueue`,
    // `addFirst`), so batches that failed together go back in reverse order. With one request
    // in flight the partition is muted while a batch is out (`Sender.guaranteeMessageOrder`):
    // no reordering. With idempotence the broker appends only the next sequence number
    // (`ProducerAppendInfo.checkSequence`) and the client resends in sequence order
    // (`insertInSequenceOrder`, one at a time: `shouldStopDrainBatchesForPartition`): none.
    //
    // Here the leader crashes at 5 s with requests of all three producers in flight (a 10 ms
    // network and follower fetches make an acks=all round trip ~50 ms, so each has its 5, or
    // its 1, in flight); the controller elects broker 1 at 8 s and the failed batches go again.
    // The idempotent producer would have written hundreds of batches out of order before the
    // fix (its retries went to the back of the queue).
    let cluster = ClusterSpec {
        network_delay_us: 10_000,
        broker_session_timeout_ms: 3_000,
        ..ClusterSpec::default()
    };
    let idempotent = producer("idempotent", Acks::All);
    let mut five = producer("five-in-flight", Acks::All);
    five.enable_idempotence = Some(false);
    let mut one = ProducerSpec { max_in_flight_requests_per_connection: 1, ..five.clone() };
    one.name = "one-in-flight".into();
    let mut s = one_partition("reorder", cluster, vec![idempotent, five, one]);
    s.events = vec![at(5_000, Command::CrashBroker { broker: 0 })];
    s.validate().unwrap();
    let mut c = Cluster::new(s);
    run_checked(&mut c, 15_000_000);

    let stats = |i: usize| c.producers()[i].stats;
    let (idem, five, one) = (stats(0), stats(1), stats(2));
    assert!(c.producers()[0].spec.idempotent() && !c.producers()[1].spec.idempotent());
    for st in [idem, five, one] {
        assert!(st.retried_records > 0, "the crash made every producer resend: {st:?}");
    }
    assert_eq!(idem.out_of_order_batches, 0, "{idem:?}");
    assert_eq!(idem.duplicated_records, 0, "{idem:?}");
    assert_eq!(one.out_of_order_batches, 0, "one in flight keeps order: {one:?}");
    // At most 5 batches were in flight; resent in reverse, all but one land after a later one.
    assert!((1..=4).contains(&five.out_of_order_batches), "{five:?}");
    assert_eq!(c.summary().out_of_order_batches, five.out_of_order_batches);
}

#[test]
fn delivery_timeout_fails_batches_in_flight_which_may_be_committed_later() {
    // Kafka's Sender.sendProducerData fails every batch that reached delivery.timeout.ms since
    // its creation (`ProducerBatch.hasReachedDeliveryTimeout`: timeout <= now - created),
    // queued (`RecordAccumulator.expiredBatches`) or already sent and unanswered
    // (`getExpiredInflightBatches`), with a TimeoutException. A request keeps its in-flight
    // slot until its answer comes (`NetworkClient.InFlightRequests`), and the broker knows
    // nothing of the producer's deadline: a batch that failed at the producer may still be
    // committed. ProducerConfig's doc for delivery.timeout.ms: "an upper bound on the time to
    // report success or failure after a call to send() returns".
    //
    // Here: both followers crash at 5 s. They stay in the ISR until the controller notices,
    // 9 s later (broker session timeout), and drops them from it (replica.lag.time.max.ms,
    // 30 s, would come later): from 5 s to 14 s the high watermark stands still and acks=all
    // requests wait. delivery.timeout.ms is 5 s. The producer has at most 5 requests in
    // flight: those batches (at most 5 x 32 records of 512 B in 16 KiB) fail in flight about
    // 10 s, 5 s after their creation, although the leader holds them; at 14 s the ISR shrinks
    // to the leader (min.insync.replicas 1), the high watermark jumps and they are committed.
    // The records created from ~5 s to 9 s wait in the producer and fail there at 10 s to
    // 14 s: about 4,000 records in all, never written but for those in flight; from 14 s acknowledgements resume. (Brook has
    // no request.timeout.ms: a Kafka client would also drop each waiting request after it.)
    // Brook before the fix never expired a batch in flight and acknowledged those at 14 s,
    // 9 s after send().
    let mut p = producer("payments", Acks::All);
    p.delivery_timeout_ms = 5_000;
    let mut s = one_partition("delivery-timeout", ClusterSpec::default(), vec![p]);
    s.events = vec![
        at(5_000, Command::CrashBroker { broker: 1 }),
        at(5_000, Command::CrashBroker { broker: 2 }),
    ];
    s.validate().unwrap();
    let mut c = Cluster::new(s);
    run_checked(&mut c, 9_900_000);
    assert_eq!(c.producers()[0].stats.expired_records, 0, "nothing is 5 s old yet");
    run_checked(&mut c, 20_000_000);

    let st = c.producers()[0].stats;
    assert!((1..=5 * 32).contains(&st.delivery_timeout_records), "{st:?}");
    assert_eq!(st.failed_written_records, st.delivery_timeout_records, "the leader had them");
    // From the first record unanswered at the crash (a round trip and a batch before 5 s) to
    // those created 5 s before the answers free the slots (a few ms after 14 s): 4,000 give
    // or take 50.
    assert!((3_950..=4_050).contains(&st.expired_records), "{st:?}");
    // The timed-out batches are committed now: the log holds every written record once and
    // the high watermark is at its end.
    let log = &c.topics()[0].partitions[0].log;
    assert_eq!(log.log_end_offset(), st.written_records, "no copy twice, none missing");
    assert_eq!(log.high_watermark(), log.log_end_offset());
    assert!(st.acked_records > 5_000 + 5_000, "acknowledgements resumed at 14 s: {st:?}");
    let s = c.summary();
    assert_eq!(s.delivery_timeout_records, st.delivery_timeout_records);
    assert_eq!(s.failed_written_records, st.failed_written_records);
}
