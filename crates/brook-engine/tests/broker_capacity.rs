//! Broker capacity (`cluster.resources`): each link of the chain from a saturated broker to a
//! blocked, then failing, producer, with the expected figures worked out by hand from Kafka's
//! rules; and the invariants with tight resources over many seeds.
//!
//! Kafka's pipeline: `SocketServer` network threads read requests into the `RequestChannel`
//! (at most `queued.max.requests`, after which they stop reading), `KafkaRequestHandlerPool`'s
//! `num.io.threads` handle them, and `RequestMetrics` splits each request's time into
//! `RequestQueueTimeMs`, `LocalTimeMs`, `RemoteTimeMs`, `ResponseQueueTimeMs`,
//! `ResponseSendTimeMs` and `TotalTimeMs`. A saturated resource slows every client of the
//! broker, unlike `ClientQuotaManager`, which throttles one client.

use brook_engine::{
    preset, Acks, Cluster, ClusterSpec, GroupSpec, KeySpec, ProducerSpec, RateProfile, Scenario,
    TopicSpec, PRESETS,
};

fn scenario(cluster: ClusterSpec, topic: TopicSpec, producer: ProducerSpec) -> Scenario {
    let mut s = preset("quickstart").expect("preset");
    s.cluster = cluster;
    s.topics = vec![topic];
    s.producers = vec![producer];
    s.groups = Vec::new();
    s.events = Vec::new();
    s.validate().unwrap_or_else(|e| panic!("{e:?}"));
    s
}

fn constant(rate_per_sec: f64) -> RateProfile {
    RateProfile::Constant { rate_per_sec }
}

#[test]
fn network_in_below_the_produce_rate_fills_the_buffer_then_send_blocks_then_fails() {
    // 20,000 records/s of 1,000 bytes = 20 MB/s of produce traffic into one broker whose
    // network in is 10 MB/s. The broker reads (and so appends and acknowledges) 10 MB/s; the
    // other 10 MB/s piles up in the producer's buffer.memory (Kafka's RecordAccumulator keeps
    // every batch until it is acknowledged). 32 MiB = 33,554,432 bytes fill after
    // 33,554,432 / 10,000,000 = 3.36 s: send() blocks then, and after max.block.ms = 2 s
    // (from 3.36 s: at 5.36 s) the blocked sends fail with a TimeoutException.
    // Before it fills, the records a consumer gets at time t were created at t/2 (they leave
    // the buffer at half the rate they enter it), so end-to-end latency at t is about t/2:
    // 1.5 s at 3 s, growing by the excess (10 MB/s) over the drain rate (10 MB/s) per second.
    let cluster = ClusterSpec {
        resources: brook_engine::BrokerResources {
            network_in_bytes_per_sec: 10_000_000,
            ..Default::default()
        },
        ..ClusterSpec::default()
    };
    let mut p = ProducerSpec::new("p", "t", constant(20_000.0));
    p.record_bytes = 1_000;
    p.acks = Acks::Leader;
    p.max_block_ms = 2_000;
    let mut s = scenario(cluster, TopicSpec::new("t", 1), p);
    s.groups = vec![GroupSpec::new("g", "t", 1, 1)];
    let mut c = Cluster::new(s);
    let mut blocked_at_ms = None;
    let mut first_failure_ms = None;
    while c.now_us() < 6_000_000 {
        c.step();
        let ms = c.now_us() / 1000;
        let pr = &c.producers()[0];
        if blocked_at_ms.is_none() && pr.is_blocked() {
            blocked_at_ms = Some(ms);
        }
        if first_failure_ms.is_none() && pr.stats.failed_records > 0 {
            first_failure_ms = Some(ms);
        }
        if ms == 3_000 {
            let p50 = c.history().last().expect("sampled").latency_ms_p50;
            assert!((1_300.0..=1_700.0).contains(&p50), "latency p50 at 3 s: {p50} ms");
        }
        c.check_invariants().unwrap_or_else(|e| panic!("at {ms} ms: {e}"));
    }
    let blocked = blocked_at_ms.expect("send() blocks");
    assert!((3_200..=3_500).contains(&blocked), "blocked at {blocked} ms");
    let failed = first_failure_ms.expect("blocked sends fail");
    assert!((5_200..=5_500).contains(&failed), "first failure at {failed} ms");
    // Blocking starts at the start of the step the buffer fills (Brook's steps are 1 ms).
    assert!((1_999..=2_001).contains(&(failed - blocked)), "max.block.ms after blocking");
    // The broker appended 10 MB/s: 10,000 records a second, within 5%.
    let appended = c.summary().appended_records as f64;
    assert!((57_000.0..=63_000.0).contains(&appended), "appended {appended} in 6 s");
}

#[test]
fn handler_threads_saturated_fill_the_request_queue_and_the_queue_time_is_the_work_ahead() {
    // One handler thread (num.io.threads = 1) at 1 ms a produce request handles 1,000
    // requests a second; the producer sends 2,000 (one 100-byte record per batch) over 64
    // partitions, 5 in flight each: up to 320 requests outstanding, more than the request
    // queue's 50 (queued.max.requests). The queue fills to exactly 50 and stays full (the
    // network threads stop reading: Kafka's Processor blocks in RequestChannel.sendRequest); a request read into
    // the back of a full queue waits for the 49 ahead of it, 1 ms each: RequestQueueTimeMs
    // about 49 ms. LocalTimeMs is the 1 ms of handling; acks=1 so RemoteTimeMs is 0.
    let cluster = ClusterSpec {
        resources: brook_engine::BrokerResources {
            num_io_threads: 1,
            queued_max_requests: 50,
            request_cost_us: 1_000,
            request_cost_ns_per_byte: 0,
            ..Default::default()
        },
        ..ClusterSpec::default()
    };
    let mut p = ProducerSpec::new("p", "t", constant(2_000.0));
    p.record_bytes = 100;
    p.batch_bytes = 100;
    p.linger_ms = 0;
    p.acks = Acks::Leader;
    p.keys = KeySpec::Uniform { count: 10_000 };
    let mut c = Cluster::new(scenario(cluster, TopicSpec::new("t", 64), p));
    let mut full_steps = 0;
    for _ in 0..5_000 {
        c.step();
        c.check_invariants().unwrap_or_else(|e| panic!("{e}"));
        let q = c.broker_queues(0);
        assert!(q.request_queue <= 50, "{q:?}");
        if c.now_us() > 1_000_000 && q.request_queue >= 49 {
            full_steps += 1;
        }
    }
    assert!(full_steps > 3_500, "the queue stays full: {full_steps} of 4,000 steps");
    let s = c.summary();
    let b = &s.requests[0];
    assert_eq!(b.request_queue_max, 50);
    assert!((44.0..=52.0).contains(&b.produce.request_queue_time_ms.p99), "{b:?}");
    assert_eq!(b.produce.local_time_ms.mean, 1.0);
    assert_eq!(b.produce.remote_time_ms.max, 0.0);
    // 1,000 requests a second handled: about 5,000 in 5 s.
    let appended = s.appended_records;
    assert!((4_700..=5_100).contains(&appended), "appended {appended}");
}

#[test]
fn acks_all_waits_for_followers_in_remote_time() {
    // Replication factor 2 over 2 brokers, network delay 1 ms one way: a follower's fetch
    // round trip is 2 ms, so an acks=all request is answered once a fetch issued after its
    // append returns: RemoteTimeMs between 1 and 4 ms (Kafka's DelayedProduce waits in
    // purgatory for the high watermark); acks=1 requests (the other producer) have none.
    let mut p = ProducerSpec::new("all", "t", constant(1_000.0));
    p.acks = Acks::All;
    let mut s = scenario(
        ClusterSpec { brokers: 2, ..ClusterSpec::default() },
        TopicSpec { replication_factor: 2, ..TopicSpec::new("t", 1) },
        p,
    );
    let mut c = Cluster::new(s.clone());
    c.run_until(3_000_000);
    let r = &c.summary().requests[0].produce;
    assert!(r.requests > 100, "{r:?}");
    assert!((1.0..=4.0).contains(&r.remote_time_ms.mean), "{r:?}");
    s.producers[0].acks = Acks::Leader;
    let mut c = Cluster::new(s);
    c.run_until(3_000_000);
    let r = &c.summary().requests[0].produce;
    assert_eq!(r.remote_time_ms.max, 0.0, "{r:?}");
    assert_eq!(r.request_queue_time_ms.max, 0.0, "unsaturated: handled the step it arrives");
}

#[test]
fn consumers_slow_to_the_network_out_of_their_broker() {
    // 2,000 records/s of 1,000 bytes = 2 MB/s produced; the broker sends 1 MB/s. Fetch
    // responses are bounded by network out, so the group consumes about 1,000 records a
    // second: about 10,000 in 10 s, and its lag grows by about 1,000 a second. With the
    // default network out (1.25 GB/s) it keeps up (lag near 0) and consumes all that was
    // appended (the group joins and the producer starts in the first second: about 18,000).
    let consumed = |out: u64| {
        let cluster = ClusterSpec {
            resources: brook_engine::BrokerResources {
                network_out_bytes_per_sec: out,
                ..Default::default()
            },
            ..ClusterSpec::default()
        };
        let mut p = ProducerSpec::new("p", "t", constant(2_000.0));
        p.record_bytes = 1_000;
        p.acks = Acks::Leader;
        p.keys = KeySpec::Uniform { count: 1_000 };
        let mut s = scenario(cluster, TopicSpec::new("t", 4), p);
        let mut g = GroupSpec::new("g", "t", 1, 1);
        g.max_poll_records = 10;
        s.groups = vec![g];
        let mut c = Cluster::new(s);
        for _ in 0..10_000 {
            c.step();
            c.check_invariants().unwrap_or_else(|e| panic!("{e}"));
        }
        let s = c.summary();
        (s.consumed_records["g"], s.lag_records["g"], s.requests[0].fetch)
    };
    let (slow, lag, fetch) = consumed(1_000_000);
    assert!((9_000..=11_000).contains(&slow), "consumed {slow} at 1 MB/s out");
    assert!((8_000..=11_000).contains(&lag), "lag {lag}");
    // A fetch of 10 records (10 KB) takes 10 ms to send at 1 MB/s: ResponseSendTimeMs.
    assert!((9.0..=10.5).contains(&fetch.response_send_time_ms.max), "{fetch:?}");
    let (fast, fast_lag, _) =
        consumed(brook_engine::BrokerResources::default().network_out_bytes_per_sec);
    assert!(fast_lag < 100, "the default network out keeps up: lag {fast_lag}");
    assert!(slow * 10 < fast * 6, "consumed {slow} at 1 MB/s out, {fast} at the default");
}

#[test]
fn invariants_hold_with_tight_resources_across_seeds() {
    // Every preset but the heavy ones, with brokers far smaller than their traffic: queues
    // fill, responses wait, followers and consumers fall behind; nothing is lost or counted
    // twice (check_invariants after every step), and queues stay within their bounds.
    let tight = brook_engine::BrokerResources {
        network_in_bytes_per_sec: 200_000,
        network_out_bytes_per_sec: 300_000,
        disk_write_bytes_per_sec: 500_000,
        num_io_threads: 1,
        queued_max_requests: 8,
        request_cost_us: 700,
        request_cost_ns_per_byte: 10,
    };
    for name in PRESETS.iter().filter(|p| !["stress", "wide-topic", "production"].contains(p)) {
        for seed in 0..8 {
            let mut s = preset(name).expect("preset");
            s.cluster.resources = tight;
            s.seed = seed;
            let mut c = Cluster::new(s);
            for _ in 0..3_000 {
                c.step();
                c.check_invariants()
                    .unwrap_or_else(|e| panic!("{name} seed {seed} at {} us: {e}", c.now_us()));
            }
            for b in 0..c.brokers().len() {
                assert!(c.broker_queues(b).request_queue_max <= 8, "{name}");
            }
        }
    }
}

/// Runs `name` to `until_ms`, returning when its first producer first blocked and first
/// failed, ms.
fn block_and_fail(name: &str, until_ms: u64) -> (Cluster, Option<u64>, Option<u64>) {
    let mut c = Cluster::new(preset(name).expect("preset"));
    let (mut blocked, mut failed) = (None, None);
    while c.now_us() < until_ms * 1000 {
        c.step();
        let p = &c.producers()[0];
        if blocked.is_none() && p.is_blocked() {
            blocked = Some(c.now_us() / 1000);
        }
        if failed.is_none() && p.stats.failed_records > 0 {
            failed = Some(c.now_us() / 1000);
        }
    }
    (c, blocked, failed)
}

#[test]
fn spike_beyond_capacity_blocks_then_fails_when_the_arithmetic_says() {
    // Each of the 3 brokers has one handler thread (num.io.threads = 1) at 10 us + 750 ns a
    // byte: a full batch (batch.size 16,384 bytes: 16 records of 1,000 bytes, 16,000 bytes)
    // takes 0.01 + 12.0 = 12.01 ms, so a broker handles 16,000 / 12.01 ms = 1.33 MB/s and the
    // 3 (each leading 2 of the 6 partitions) 4 MB/s. The network (Kafka's defaults) never
    // limits. The spike sends 8,000 records/s of 1,000 bytes = 8 MB/s from 5 s: 4 MB/s piles
    // up in the 8 MiB (8,388,608-byte) buffer, full after 2.1 s (7.1 s); send() blocks, and
    // fails max.block.ms = 3 s later (10.1 s). Before the spike (2 MB/s) nothing blocks.
    let (c, blocked, failed) = block_and_fail("spike-beyond-capacity", 11_000);
    let blocked = blocked.expect("blocks");
    assert!((6_800..=7_400).contains(&blocked), "blocked at {blocked} ms");
    let failed = failed.expect("fails");
    assert!((9_800..=10_400).contains(&failed), "failed at {failed} ms");
    // The handler threads are the bottleneck (Kafka's RequestChannel): a broker holds up to
    // 2 partitions x 5 (max.in.flight.requests.per.connection) = 10 of the producer's
    // requests, more than its request queue's 5 (queued.max.requests): the queue fills to 5
    // and the rest wait unread. A request read into the back of the full queue waits for the
    // 4 ahead of it and what is left of the one being handled: between 4 x 12.01 = 48 ms and
    // 5 x 12.01 = 60 ms (RequestQueueTimeMs), on every broker.
    for (b, r) in c.summary().requests.iter().enumerate() {
        assert_eq!(r.request_queue_max, 5, "{r:?}");
        let q = r.produce.request_queue_time_ms.p99;
        assert!((48.0..=61.0).contains(&q), "broker {b}: {r:?}");
        let queues = c.broker_queues(b);
        assert_eq!(queues.request_queue, 5, "broker {b}: {queues:?}");
        assert!(queues.unread > 0, "broker {b}: {queues:?}");
        // Full batches take 12.01 ms of handler time: the p99 of LocalTimeMs.
        assert!((11.9..=12.1).contains(&r.produce.local_time_ms.p99), "{r:?}");
    }
}

#[test]
fn hot_partition_saturates_one_broker_and_blocks_the_whole_producer() {
    // Zipf keys with exponent 2 over 1,000 keys: key-0 has 1/H(1000, 2) = 61% of the records.
    // Its partition's broker leads one other partition and so gets about 61% + 39% / 3 = 74%
    // of 7 MB/s, about 5 MB/s (less the other keys that land elsewhere: about 4.5 MB/s) of
    // its 4 MB/s; the other two brokers get about 1 MB/s each. Only that broker has requests
    // waiting to be read; the shared buffer fills at the excess (about 0.5 MB/s) and blocks.
    let (c, blocked, failed) = block_and_fail("hot-partition", 20_000);
    let waiting: Vec<u32> = (0..3).map(|b| c.broker_queues(b).unread).collect();
    assert_eq!(waiting.iter().filter(|&&w| w > 0).count(), 1, "{waiting:?}");
    let blocked = blocked.expect("blocks");
    assert!((12_000..=19_000).contains(&blocked), "blocked at {blocked} ms");
    assert!(failed.expect("fails") >= blocked + 2_999);
}

#[test]
fn a_saturated_link_moves_its_rate_and_the_samples_count_what_each_broker_moved() {
    // As in the first test: 20 MB/s of produce traffic into one broker whose network in is
    // 10 MB/s. A link moves at most its rate (Kafka's `SocketServer` reads what the network
    // delivers), so from 1 s to 3 s the broker reads 10 MB/s x 2 s = 20 MB, and writes the
    // same to its log (one replica). The consumer fetches what was written: about as much out.
    let cluster = ClusterSpec {
        resources: brook_engine::BrokerResources {
            network_in_bytes_per_sec: 10_000_000,
            ..Default::default()
        },
        ..ClusterSpec::default()
    };
    let mut p = ProducerSpec::new("p", "t", constant(20_000.0));
    p.record_bytes = 1_000;
    p.acks = Acks::Leader;
    let mut s = scenario(cluster, TopicSpec::new("t", 1), p);
    s.groups = vec![GroupSpec::new("g", "t", 1, 1)];
    let mut c = Cluster::new(s);
    let at = |c: &mut Cluster, ms: u64| {
        while c.now_us() < ms * 1_000 {
            c.step();
        }
        let sample = *c.history().last().expect("sampled").brokers.first().expect("b0");
        assert_eq!(sample.bytes, c.broker_bytes(0), "the sample is the counters at its step");
        sample
    };
    let (a, b) = (at(&mut c, 1_000), at(&mut c, 3_000));
    let moved = |i: usize| b.bytes[i] - a.bytes[i];
    let near = |v: u64, want: u64| v.abs_diff(want) <= want / 50;
    assert!(near(moved(0), 20_000_000), "read {}", moved(0));
    assert!(near(moved(2), 20_000_000), "written {}", moved(2));
    assert!(near(moved(1), 20_000_000), "sent {}", moved(1));
    // Every produce request answered in the span is in the summed total time.
    assert!(b.produce_requests > a.produce_requests);
    assert!(b.produce_total_us >= a.produce_total_us);
}

#[test]
fn produce_latency_on_a_saturated_broker_grows_with_the_excess() {
    // The first test's arithmetic: 20 MB/s into a broker that reads 10 MB/s, so the batches
    // leave the producer's buffer at half the rate they enter it and the batch acknowledged
    // at time t was created at about t/2: its acknowledgement came t/2 after its send()
    // (Kafka's producer record-queue-time plus request-latency). 0.5 s at 1 s, 1.5 s at 3 s.
    let cluster = ClusterSpec {
        resources: brook_engine::BrokerResources {
            network_in_bytes_per_sec: 10_000_000,
            ..Default::default()
        },
        ..ClusterSpec::default()
    };
    let mut p = ProducerSpec::new("p", "t", constant(20_000.0));
    p.record_bytes = 1_000;
    p.acks = Acks::Leader;
    let mut c = Cluster::new(scenario(cluster, TopicSpec::new("t", 1), p));
    for (at_ms, want_ms) in [(1_000u64, 500u64), (3_000, 1_500)] {
        c.run_until(at_ms * 1_000);
        let got = c.producers()[0].ack_latency_us(0) / 1_000;
        assert!(got.abs_diff(want_ms) <= want_ms / 8, "at {at_ms} ms: {got} ms");
    }
}

#[test]
fn a_saturated_leader_link_gives_every_partition_a_turn_so_no_acknowledgement_starves() {
    // Kafka's follower fetcher asks for its partitions in its `PartitionStates` order and the
    // leader fills the response in that order; `AbstractFetcherThread.processFetchRequest`
    // moves each partition that got records to the end (`PartitionStates.
    // updateAndMoveToEnd`), so under a limit every partition gets a turn.
    //
    // 2 brokers, 8 partitions with replication factor 2: each broker leads 4 and copies the
    // other's 4. Each broker sends 1,000,000 bytes/s (1,000 bytes a 1 ms step, 10,000 held),
    // and only follower fetches spend it (no consumers). The producer offers 20 MB/s with
    // acks=all, so every partition always has batches waiting: the link is saturated. Its
    // max.in.flight.requests.per.connection = 5 batches of at most 16,384 bytes (batch.size)
    // bounds what one partition holds unacknowledged: 81,920 bytes, all of which one fetch
    // may copy. A batch appended at a leader misses the fetch already issued (F1, whose end
    // was fixed when it left) and is copied by the next (F2). Turns rotate: after F1's turn
    // every other partition is ahead, and each moves behind once it copies, so each of the 3
    // others copies at most once before F1 and once between F1 and F2: at most
    // 6 x 81,920 + 81,920 (F1) = 573,440 bytes go before F2 starts, each step starting work
    // only with budget left: 573,440 bytes at 1,000,000 bytes/s = 573 ms. With the fetch's
    // 2 ms round trip (network_delay_us 1 ms each way) and whole-ms times (1 ms at each
    // end): RemoteTimeMs (append to answer) at most 573 + 2 + 2 = 577 ms, for every request
    // on every broker. In a fixed order the last partitions of each broker would get
    // nothing while the first ones always have batches waiting.
    let cluster = ClusterSpec {
        brokers: 2,
        resources: brook_engine::BrokerResources {
            network_out_bytes_per_sec: 1_000_000,
            ..Default::default()
        },
        ..ClusterSpec::default()
    };
    let mut p = ProducerSpec::new("p", "t", constant(20_000.0));
    p.record_bytes = 1_000;
    p.acks = Acks::All;
    p.keys = KeySpec::Uniform { count: 10_000 };
    let topic =
        TopicSpec { replication_factor: 2, min_insync_replicas: 1, ..TopicSpec::new("t", 8) };
    let mut c = Cluster::new(scenario(cluster, topic, p));
    for _ in 0..10_000 {
        c.step();
        c.check_invariants().unwrap_or_else(|e| panic!("{e}"));
    }
    let s = c.summary();
    for (b, r) in s.requests.iter().enumerate() {
        let produce = &r.produce;
        // 1 MB/s each way, in batches of at most 16,384 bytes: at least 600 a broker in 10 s.
        assert!(produce.requests > 600, "broker {b}: {produce:?}");
        assert!(produce.remote_time_ms.max <= 577.0, "broker {b}: {produce:?}");
    }
}
