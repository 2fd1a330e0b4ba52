//! Traffic events: what moved during a step, for the UI to animate. Bounded per step.

/// Most events kept from one step; the rest are counted in `Cluster::events_dropped`.
pub const EVENTS_PER_STEP_MAX: usize = 4_096;

/// One movement of traffic during a step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TrafficEvent {
    /// A producer sent a batch towards a partition leader.
    Produce {
        /// Producer index.
        producer: u32,
        /// Topic index.
        topic: u16,
        /// Partition index.
        partition: u32,
        /// Records in the batch.
        records: u32,
        /// Key index of the batch's first record (`u32::MAX` keyless).
        key: u32,
    },
    /// A member sent a fetch request (a poll that reached the network).
    FetchRequest {
        /// Group index.
        group: u16,
        /// Member index.
        member: u32,
    },
    /// A broker answered a fetch with records of one partition.
    FetchResponse {
        /// Group index.
        group: u16,
        /// Member index.
        member: u32,
        /// Topic index.
        topic: u16,
        /// Partition index.
        partition: u32,
        /// Records carried.
        records: u32,
    },
    /// A fetch waited `fetch.max.wait.ms` and came back empty.
    EmptyFetch {
        /// Group index.
        group: u16,
        /// Member index.
        member: u32,
    },
    /// Retention deleted old segments of a partition.
    Retention {
        /// Topic index.
        topic: u16,
        /// Partition index.
        partition: u32,
        /// Records deleted.
        records: u64,
    },
    /// A producer's blocked sends timed out.
    SendFailed {
        /// Producer index.
        producer: u32,
        /// Records failed.
        records: u64,
    },
    /// A member processed records it had processed before.
    Duplicate {
        /// Group index.
        group: u16,
        /// Member index.
        member: u32,
        /// Records processed again.
        records: u64,
    },
    /// Followers copied records of a partition from its leader.
    Replicate {
        /// Topic index.
        topic: u16,
        /// Partition index.
        partition: u32,
        /// Records copied (over all followers).
        records: u64,
        /// Which replicas copied some: bit `i` for replica `i` of the partition.
        followers: u16,
    },
    /// A partition got a new leader.
    LeaderElected {
        /// Topic index.
        topic: u16,
        /// Partition index.
        partition: u32,
        /// Broker of the new leader.
        broker: u32,
        /// Whether it came from outside the ISR.
        unclean: bool,
    },
    /// A broker crashed.
    BrokerDown {
        /// Broker id.
        broker: u32,
    },
    /// A share group member acquired records of a partition.
    ShareFetch {
        /// Share group index.
        share: u16,
        /// Member index.
        member: u32,
        /// Topic index.
        topic: u16,
        /// Partition index.
        partition: u32,
        /// Records acquired.
        records: u32,
    },
    /// The broker pushed records of a partition to a subscriber (one of its consumers).
    Push {
        /// Subscription index.
        subscription: u16,
        /// Consumer index within the subscription.
        member: u32,
        /// Topic index.
        topic: u16,
        /// Partition index.
        partition: u32,
        /// Records pushed.
        records: u32,
    },
    /// The broker dropped records for a subscriber whose queue was full (MQTT QoS 0).
    PushDropped {
        /// Subscription index.
        subscription: u16,
        /// Records dropped.
        records: u64,
    },
    /// The broker sent a consumer deliveries requeued from a crashed one (RabbitMQ).
    PushRedelivered {
        /// Subscription index.
        subscription: u16,
        /// Consumer index.
        member: u32,
        /// Records delivered again.
        records: u64,
    },
    /// A consumer's client process ran out of memory and died (RabbitMQ without prefetch);
    /// its unacknowledged deliveries went back to the queue.
    SubscriberCrashed {
        /// Subscription index.
        subscription: u16,
        /// Consumer index.
        member: u32,
        /// Records requeued.
        requeued: u64,
    },
    /// The server disconnected a subscriber over its output buffer limit (Redis); what the
    /// buffer held is lost.
    SubscriberDisconnected {
        /// Subscription index.
        subscription: u16,
        /// Records lost with the buffer.
        lost: u64,
    },
    /// A crashed consumer restarted, or a disconnected subscriber subscribed again.
    SubscriberBack {
        /// Subscription index.
        subscription: u16,
        /// Consumer index.
        member: u32,
        /// Records published while it was away, which it will never get (Redis).
        missed: u64,
    },
    /// A group started a rebalance.
    Rebalance {
        /// Group index.
        group: u16,
    },
    /// A share group member acquired records delivered before (released after a failure, or
    /// their lock expired).
    Redelivered {
        /// Share group index.
        share: u16,
        /// Member index.
        member: u32,
        /// Records delivered again.
        records: u64,
    },
    /// A share group archived records at the delivery limit (dead letters).
    Archived {
        /// Share group index.
        share: u16,
        /// Records archived.
        records: u64,
    },
    /// A share group member finished records whose lock had expired: the broker refused its
    /// acknowledgements (INVALID_RECORD_STATE), and the records may be processed twice.
    AckRefused {
        /// Share group index.
        share: u16,
        /// Member index.
        member: u32,
        /// Acknowledgements refused.
        records: u64,
    },
}

impl TrafficEvent {
    /// A compact fingerprint of the event (kind and fields) for the run's trace hash.
    pub fn digest(&self) -> u64 {
        let f = |kind: u64, a: u64, b: u64, n: u64| kind | (a << 8) | (b << 24) | (n << 40);
        match *self {
            TrafficEvent::Produce { producer, partition, records, .. } => {
                f(1, producer as u64, partition as u64, records as u64)
            }
            TrafficEvent::FetchRequest { group, member } => f(2, group as u64, member as u64, 0),
            TrafficEvent::FetchResponse { member, partition, records, .. } => {
                f(3, member as u64, partition as u64, records as u64)
            }
            TrafficEvent::EmptyFetch { group, member } => f(4, group as u64, member as u64, 0),
            TrafficEvent::Retention { partition, records, .. } => {
                f(5, 0, partition as u64, records)
            }
            TrafficEvent::SendFailed { producer, records } => f(6, producer as u64, 0, records),
            TrafficEvent::Duplicate { member, records, .. } => f(7, member as u64, 0, records),
            TrafficEvent::Replicate { partition, records, .. } => {
                f(8, 0, partition as u64, records)
            }
            TrafficEvent::LeaderElected { partition, broker, .. } => {
                f(9, broker as u64, partition as u64, 0)
            }
            TrafficEvent::BrokerDown { broker } => f(10, broker as u64, 0, 0),
            TrafficEvent::ShareFetch { member, partition, records, .. } => {
                f(11, member as u64, partition as u64, records as u64)
            }
            TrafficEvent::Push { subscription, member, partition, records, .. } => {
                f(12, subscription as u64 | (member as u64) << 5, partition as u64, records as u64)
            }
            TrafficEvent::PushDropped { subscription, records } => {
                f(13, subscription as u64, 0, records)
            }
            TrafficEvent::Rebalance { group } => f(14, group as u64, 0, 0),
            TrafficEvent::Redelivered { member, records, .. } => f(15, member as u64, 0, records),
            TrafficEvent::Archived { share, records } => f(16, share as u64, 0, records),
            TrafficEvent::PushRedelivered { subscription, member, records } => {
                f(17, subscription as u64, member as u64, records)
            }
            TrafficEvent::SubscriberCrashed { subscription, member, requeued } => {
                f(18, subscription as u64, member as u64, requeued)
            }
            TrafficEvent::SubscriberDisconnected { subscription, lost } => {
                f(19, subscription as u64, 0, lost)
            }
            TrafficEvent::SubscriberBack { subscription, member, missed } => {
                f(20, subscription as u64, member as u64, missed)
            }
            TrafficEvent::AckRefused { member, records, .. } => f(21, member as u64, 0, records),
        }
    }
}
