//! Unit tests of the producer: rates, keys, partitioners, batching and buffer memory.

use super::*;

fn run(p: &mut Producer, ticks: u64) -> Vec<ReadyBatch> {
    let mut rng = Rng::new(1);
    let mut out = vec![];
    for t in 1..=ticks {
        p.tick(t * 1000, 1000, &mut rng, &mut out);
    }
    out
}

#[test]
fn constant_rate_produces_exactly() {
    let spec = ProducerSpec::new("p", "t", RateProfile::Constant { rate_per_sec: 1500.0 });
    let mut p = Producer::new(spec, 4);
    let out = run(&mut p, 1000);
    assert_eq!(p.stats.sent_records, 1500);
    let batched: u64 = out.iter().map(|b| b.count as u64).sum();
    // Anything not closed yet is still within linger.
    assert!((1490..=1500).contains(&batched));
}

#[test]
fn keyed_records_go_to_the_murmur2_partition() {
    let mut spec = ProducerSpec::new("p", "t", RateProfile::Constant { rate_per_sec: 1000.0 });
    spec.keys = KeySpec::Uniform { count: 1 };
    let mut p = Producer::new(spec, 7);
    let out = run(&mut p, 100);
    let want = key_partition(b"key-0", 7);
    assert!(!out.is_empty());
    assert!(out.iter().all(|b| b.partition == want));
}

#[test]
fn batch_size_caps_batches() {
    let mut spec = ProducerSpec::new("p", "t", RateProfile::Constant { rate_per_sec: 100_000.0 });
    spec.record_bytes = 1000;
    spec.batch_bytes = 4000;
    let mut p = Producer::new(spec, 1);
    let out = run(&mut p, 10);
    assert!(out.iter().all(|b| b.bytes <= 4000 && b.count <= 4));
}

#[test]
fn round_robin_spreads_evenly() {
    let mut spec = ProducerSpec::new("p", "t", RateProfile::Constant { rate_per_sec: 30_000.0 });
    spec.partitioner = PartitionerKind::RoundRobin;
    spec.linger_ms = 0;
    let mut p = Producer::new(spec, 3);
    let out = run(&mut p, 1);
    let mut per = [0u32; 3];
    for b in &out {
        per[b.partition as usize] += b.count;
    }
    assert_eq!(per, [10, 10, 10]);
}

#[test]
fn full_buffer_blocks_then_fails() {
    let mut spec = ProducerSpec::new("p", "t", RateProfile::Constant { rate_per_sec: 10_000.0 });
    spec.record_bytes = 100;
    spec.buffer_bytes = 10_000; // 100 records; nothing is ever acknowledged here
    spec.max_block_ms = 50;
    let mut p = Producer::new(spec, 1);
    run(&mut p, 200);
    assert_eq!(p.stats.sent_records, 100);
    assert!(p.stats.failed_records > 1000, "{:?}", p.stats);
    assert!(p.stats.blocked_us > 0);
}

#[test]
fn key_bytes_match_key_names() {
    let mut buf = [0u8; 16];
    for i in [0, 7, 10, 99, 12_345, u32::MAX] {
        assert_eq!(key_bytes(i, &mut buf), key_name(i).as_bytes());
    }
}

#[test]
fn zipf_makes_a_hot_key() {
    let cdf = zipf_cdf(100, 1.2);
    assert!(cdf[0] > 0.15, "{}", cdf[0]);
    assert_eq!(*cdf.last().unwrap(), 1.0);
    let c = zipf_cdf(5, 1.0);
    assert_eq!(c.len(), 5);
    assert_eq!(*c.last().expect("five"), 1.0);
    assert!(c.windows(2).all(|w| w[0] < w[1]));
}

#[test]
fn rate_profiles() {
    let step = RateProfile::Step {
        base_per_sec: 10.0,
        spike_per_sec: 100.0,
        start_ms: 1000,
        duration_ms: 500,
    };
    assert_eq!(step.rate_at(999_000), 10.0);
    assert_eq!(step.rate_at(1_000_000), 100.0);
    assert_eq!(step.rate_at(1_500_000), 10.0);
    let line =
        RateProfile::Piecewise { points: vec![[1000.0, 10.0], [2000.0, 30.0], [3000.0, 0.0]] };
    assert_eq!(line.rate_at(0), 10.0);
    assert_eq!(line.rate_at(1_500_000), 20.0);
    assert_eq!(line.rate_at(2_500_000), 15.0);
    assert_eq!(line.rate_at(9_000_000), 0.0);
    let ramp =
        RateProfile::Ramp { from_per_sec: 0.0, to_per_sec: 100.0, start_ms: 0, duration_ms: 1000 };
    assert_eq!(ramp.rate_at(500_000), 50.0);
    assert_eq!(ramp.rate_at(2_000_000), 100.0);
    let late = RateProfile::Ramp {
        from_per_sec: 10.0,
        to_per_sec: 30.0,
        start_ms: 5_000,
        duration_ms: 2_000,
    };
    assert_eq!(late.rate_at(1_000_000), 10.0);
    assert_eq!(late.rate_at(6_000_000), 20.0);
    assert_eq!(late.rate_at(8_000_000), 30.0);
}

#[test]
fn quota_mutes_until_the_deficit_is_paid_back() {
    let mut spec = ProducerSpec::new("p", "t", RateProfile::Constant { rate_per_sec: 0.0 });
    spec.quota_bytes_per_sec = Some(1_000);
    let mut p = Producer::new(spec, 1);
    p.refill_quota(500_000); // half a second: 500 bytes of credit
    assert_eq!(p.quota_tokens_bytes, 500.0);
    p.charge_quota(2_000_000, 400, 1_000);
    assert_eq!(p.throttled_until_us, 0, "within quota: not muted");
    p.charge_quota(2_000_000, 600, 1_000); // 500 bytes over: half a second at 1000 B/s
    assert_eq!(p.quota_tokens_bytes, -500.0);
    assert_eq!(p.throttled_until_us, 2_500_000);
    p.charge_quota(1_000_000, 0, 1_000);
    assert_eq!(p.throttled_until_us, 2_500_000, "a longer mute already in force is kept");
    p.refill_quota(10_000_000);
    assert_eq!(p.quota_tokens_bytes, 1_000.0, "the bucket holds one second's worth");
}

/// A producer with `n` closed batches of one record each queued for partition 0, created at
/// 0, 1, 2... us, each a full `batch.size` (so none joins another), not yet sent.
fn queued(spec: ProducerSpec, n: u64) -> Producer {
    let mut p = Producer::new(spec, 1);
    let bytes = p.spec.batch_bytes;
    let mut ready: Vec<ReadyBatch> = (0..n)
        .map(|i| ReadyBatch {
            partition: 0,
            count: 1,
            bytes,
            first_create_us: i,
            last_create_us: i,
            key: u32::MAX,
        })
        .collect();
    // As if the accumulator had admitted them: they hold buffer memory until answered.
    p.stats.sent_records += n;
    p.buffer_bytes_used += bytes as u64 * n;
    p.enqueue(&mut ready);
    p
}

fn drain(p: &mut Producer, now_us: u64) -> Vec<Outgoing> {
    let mut out = Vec::new();
    p.drain(now_us, |_| true, &mut out);
    out
}

#[test]
fn at_most_max_in_flight_batches_of_a_partition_are_out_unless_acks_0() {
    // Kafka's NetworkClient.canSendMore: no more than max.in.flight.requests.per.connection
    // requests unanswered; an acks=0 request is complete once written (handleCompletedSends).
    let spec = ProducerSpec::new("p", "t", RateProfile::Constant { rate_per_sec: 0.0 });
    let mut p = queued(spec.clone(), 8);
    let sent = drain(&mut p, 0);
    assert_eq!(sent.len(), 5, "the default limit, 5");
    assert_eq!(p.in_flight_batches(), 5);
    assert_eq!(p.in_flight_batches_most(), 5, "all to one partition: the stage's gauge is full");
    assert!(drain(&mut p, 1).is_empty(), "no slot free");
    // An answer frees a slot: the gauge follows, and the sending state's check counts it.
    assert_eq!(p.answered(10, sent[0], Answer::Ok), 0);
    assert_eq!(p.in_flight_batches_most(), 4);
    p.check_sending().unwrap();
    assert_eq!(p.give_up_in_flight(&sent[1]), 1);
    assert_eq!(p.in_flight_batches_most(), 3, "a batch given up no longer awaits");
    p.check_sending().unwrap();
    let mut zero = queued(ProducerSpec { acks: Acks::None, ..spec }, 8);
    assert_eq!(drain(&mut zero, 0).len(), 8);
    assert_eq!(zero.in_flight_batches(), 0);
    assert_eq!(zero.stats.acked_records, 8, "acks=0: done when written");
}

#[test]
fn failed_batches_go_back_reversed_without_idempotence_in_sequence_with_it() {
    // RecordAccumulator.reenqueue: addFirst without a transaction manager, so two batches that
    // fail one after the other go back in reverse; insertInSequenceOrder with idempotence.
    let spec = ProducerSpec::new("p", "t", RateProfile::Constant { rate_per_sec: 0.0 });
    for idempotent in [false, true] {
        let s = ProducerSpec { enable_idempotence: Some(idempotent), ..spec.clone() };
        let mut p = queued(s, 3);
        let sent = drain(&mut p, 0);
        assert_eq!(sent.iter().map(|o| o.seq).collect::<Vec<_>>(), [1, 2, 3]);
        for &o in &sent[..2] {
            assert_eq!(p.answered(10, o, Answer::Retriable), 0);
        }
        // Backoff over (retry.backoff.ms 100); the third is still in flight.
        let again: Vec<u32> = drain(&mut p, 200_000).iter().map(|o| o.seq).collect();
        if idempotent {
            // One at a time while retrying, once nothing else is in flight, lowest sequence
            // first (shouldStopDrainBatchesForPartition).
            assert!(again.is_empty());
            assert_eq!(p.answered(200_000, sent[2], Answer::OutOfOrderSequence), 0);
            let again: Vec<u32> = drain(&mut p, 400_000).iter().map(|o| o.seq).collect();
            assert_eq!(again, [1]);
        } else {
            assert_eq!(again, [2, 1]);
        }
        p.check_sending().unwrap();
    }
}

#[test]
fn a_batch_in_flight_past_delivery_timeout_fails_and_its_late_answer_is_ignored() {
    // Sender.getExpiredInflightBatches: sent batches fail too once delivery.timeout.ms passed
    // since creation (hasReachedDeliveryTimeout: timeout <= now - created); the request keeps
    // its slot until its answer comes (NetworkClient.InFlightRequests).
    let mut spec = ProducerSpec::new("p", "t", RateProfile::Constant { rate_per_sec: 0.0 });
    spec.delivery_timeout_ms = 1;
    let mut p = queued(spec, 2);
    let sent = drain(&mut p, 0);
    let mut next = u64::MAX;
    assert!(!p.in_flight_expired(&sent[0], 999, &mut next), "created at 0: not yet");
    assert_eq!(next, 1_000);
    assert!(p.in_flight_expired(&sent[0], 1_000, &mut next), "1 ms after its creation");
    assert!(!p.in_flight_expired(&sent[1], 1_000, &mut next), "created at 1 us");
    for o in &sent {
        assert_eq!(p.give_up_in_flight(o), 1);
        assert!(!p.in_flight_expired(o, 5_000, &mut next), "given up once");
    }
    assert_eq!(p.stats.delivery_timeout_records, 2);
    assert_eq!(p.stats.expired_records, 2);
    assert_eq!(p.buffer_bytes_used(), 0, "a failed batch frees its memory");
    assert_eq!(p.in_flight_batches(), 0);
    p.check_sending().unwrap();
    // The answers still come; they free the in-flight slots and nothing else.
    for o in sent {
        assert_eq!(p.answered(2_000, o, Answer::Ok), 0);
    }
    assert_eq!(p.stats.acked_records, 0);
    p.check_sending().unwrap();
}

#[test]
fn a_non_idempotent_producer_that_gives_up_a_batch_keeps_sending() {
    // Without idempotence Kafka's producer has no TransactionManager (`Sender.failBatch` calls
    // `handleFailedBatch` only when there is one): a failed batch starts no new epoch, and
    // its slot goes to the next batch while the others are still in flight.
    let mut spec = ProducerSpec::new("p", "t", RateProfile::Constant { rate_per_sec: 0.0 });
    spec.enable_idempotence = Some(false);
    spec.retries = 0;
    let mut p = queued(spec, 8);
    let sent = drain(&mut p, 0);
    assert_eq!(sent.len(), 5);
    assert_eq!(p.answered(1_000, sent[0], Answer::Retriable), 1, "no retry left: it fails");
    assert_eq!(drain(&mut p, 1_000).len(), 1, "the freed slot is used at once");
    p.check_sending().unwrap();
}
