//! `Command`: what changes a running simulation, from the timeline or the UI; and how the
//! shape of a scenario (its names and counts) follows a command once it is applied.

use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize};

use super::tagged::{self, Entries, Tagged};

use super::ReaderSpec;
use crate::assignor::AssignorKind;
use crate::producer::{Acks, KeySpec, ProducerSpec, RateProfile};
use crate::vocab::CommitMode;

/// Something that changes a running simulation: from the timeline or from the UI.
///
/// Read as `{"kind": "set-rate", ...}`, an internally tagged enum, by [`super::tagged`] and
/// a mirror of it (`CommandDef`) that reads the same fields from JSON text.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Command {
    /// Replace a producer's rate profile with a constant rate.
    SetRate {
        /// Producer name.
        producer: String,
        /// Records per second.
        rate_per_sec: f64,
    },
    /// Run a producer at `rate_per_sec` for `duration_ms`, then back to its profile.
    Spike {
        /// Producer name.
        producer: String,
        /// Records per second during the spike.
        rate_per_sec: f64,
        /// Length, ms.
        duration_ms: u64,
    },
    /// A new member joins a group.
    AddMember {
        /// Group name.
        group: String,
    },
    /// The newest live member leaves a group gracefully.
    RemoveMember {
        /// Group name.
        group: String,
    },
    /// A member crashes (no commit, noticed after session.timeout.ms).
    CrashMember {
        /// Group name.
        group: String,
        /// Member index in the group.
        member: u32,
    },
    /// A crashed member restarts and rejoins.
    RestartMember {
        /// Group name.
        group: String,
        /// Member index in the group.
        member: u32,
    },
    /// A broker crashes: its replicas stop; it is noticed after `broker_session_timeout_ms`.
    CrashBroker {
        /// Broker id (0-based).
        broker: u32,
    },
    /// A crashed broker restarts; its replicas catch up and rejoin the ISR.
    RestartBroker {
        /// Broker id.
        broker: u32,
    },
    /// Partitions are added to a topic (keys may move to other partitions).
    AddPartitions {
        /// Topic name.
        topic: String,
        /// Partitions to add.
        count: u32,
    },
    /// A new producer starts.
    AddProducer {
        /// Its configuration (its name must be new).
        spec: ProducerSpec,
    },
    /// A new reader subscribes: a consumer group, a share group or a push subscription.
    AddReader {
        /// What it is.
        reader: ReaderSpec,
    },
    /// A reader (group, share group or subscription) goes away.
    RemoveReader {
        /// Its name.
        name: String,
    },
    /// Changes a producer's settings; fields left out (null) keep their value.
    ConfigureProducer {
        /// Producer name.
        producer: String,
        /// A constant rate from now on, records per second.
        #[serde(default)]
        rate_per_sec: Option<f64>,
        /// `acks`.
        #[serde(default)]
        acks: Option<Acks>,
        /// `linger.ms`.
        #[serde(default)]
        linger_ms: Option<u32>,
        /// `batch.size`, bytes.
        #[serde(default)]
        batch_bytes: Option<u32>,
        /// `buffer.memory`, bytes.
        #[serde(default)]
        buffer_bytes: Option<u64>,
        /// A new rate profile (its times count from the start of the run); not together with
        /// `rate_per_sec`.
        #[serde(default)]
        profile: Option<RateProfile>,
        /// New keys (the key-to-partition map is rebuilt).
        #[serde(default)]
        keys: Option<KeySpec>,
    },
    /// A producer is closed, as `producer.close()` does: it stops creating records, sends what
    /// it holds, and stays on the stage with its totals (its records remain in the logs).
    RemoveProducer {
        /// Producer name.
        producer: String,
    },
    /// A new, empty broker joins the cluster; partitions added later are placed on it too
    /// (Kafka never moves existing replicas on its own).
    AddBroker,
    /// Replicas move from the brokers holding the most to those holding the fewest until
    /// every live broker holds within one of the others (as an operator runs
    /// `kafka-reassign-partitions` after adding brokers); each move copies the log first.
    BalanceReplicas,
    /// The highest-numbered broker leaves the cluster: its replicas first move to other
    /// brokers, each copying the log before it swaps in (crash it to see a failure instead).
    RemoveBroker {
        /// Broker id: the highest one.
        broker: u32,
    },
    /// Changes a push subscription's prefetch window.
    ConfigureSubscription {
        /// Subscription name.
        subscription: String,
        /// Records it may hold unacknowledged; 0 for no limit.
        prefetch: u32,
    },
    /// Changes a consumer group's settings; fields left out keep their value.
    ConfigureGroup {
        /// Group name.
        group: String,
        /// Mean processing time per record, us.
        #[serde(default)]
        processing_us: Option<u32>,
        /// Commit mode.
        #[serde(default)]
        commit: Option<CommitMode>,
        /// Assignor (applies from the next rebalance).
        #[serde(default)]
        assignor: Option<AssignorKind>,
    },
    /// Changes a topic's retention; fields left out keep their value.
    ConfigureTopic {
        /// Topic name.
        topic: String,
        /// `retention.ms`.
        #[serde(default)]
        retention_ms: Option<u64>,
        /// `retention.bytes` per partition.
        #[serde(default)]
        retention_bytes: Option<u64>,
    },
}

/// `Command` as written: its tag, variants in declaration order and those without fields.
const COMMAND: Tagged = Tagged {
    tag: "kind",
    expecting: "internally tagged enum Command",
    variants: &[
        "set-rate",
        "spike",
        "add-member",
        "remove-member",
        "crash-member",
        "restart-member",
        "crash-broker",
        "restart-broker",
        "add-partitions",
        "add-producer",
        "add-reader",
        "remove-reader",
        "configure-producer",
        "remove-producer",
        "add-broker",
        "balance-replicas",
        "remove-broker",
        "configure-subscription",
        "configure-group",
        "configure-topic",
    ],
    units: &["add-broker", "balance-replicas"],
};

/// `Command` as `serde(remote)` reads it: externally tagged (`{"set-rate": {...}}`), from the
/// text [`Tagged::external`] writes.
#[derive(Deserialize)]
#[serde(remote = "Command", rename_all = "kebab-case", deny_unknown_fields)]
#[allow(dead_code)]
enum CommandDef {
    SetRate {
        producer: String,
        rate_per_sec: f64,
    },
    Spike {
        producer: String,
        rate_per_sec: f64,
        duration_ms: u64,
    },
    AddMember {
        group: String,
    },
    RemoveMember {
        group: String,
    },
    CrashMember {
        group: String,
        member: u32,
    },
    RestartMember {
        group: String,
        member: u32,
    },
    CrashBroker {
        broker: u32,
    },
    RestartBroker {
        broker: u32,
    },
    AddPartitions {
        topic: String,
        count: u32,
    },
    AddProducer {
        spec: ProducerSpec,
    },
    AddReader {
        reader: ReaderSpec,
    },
    RemoveReader {
        name: String,
    },
    ConfigureProducer {
        producer: String,
        #[serde(default)]
        rate_per_sec: Option<f64>,
        #[serde(default)]
        acks: Option<Acks>,
        #[serde(default)]
        linger_ms: Option<u32>,
        #[serde(default)]
        batch_bytes: Option<u32>,
        #[serde(default)]
        buffer_bytes: Option<u64>,
        #[serde(default)]
        profile: Option<RateProfile>,
        #[serde(default)]
        keys: Option<KeySpec>,
    },
    RemoveProducer {
        producer: String,
    },
    AddBroker,
    BalanceReplicas,
    RemoveBroker {
        broker: u32,
    },
    ConfigureSubscription {
        subscription: String,
        prefetch: u32,
    },
    ConfigureGroup {
        group: String,
        #[serde(default)]
        processing_us: Option<u32>,
        #[serde(default)]
        commit: Option<CommitMode>,
        #[serde(default)]
        assignor: Option<AssignorKind>,
    },
    ConfigureTopic {
        topic: String,
        #[serde(default)]
        retention_ms: Option<u64>,
        #[serde(default)]
        retention_bytes: Option<u64>,
    },
}

impl<'de> Deserialize<'de> for Command {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = COMMAND.external(d)?;
        tagged::read(&text, |de| CommandDef::deserialize(de))
    }
}

impl super::Scenario {
    /// Changes this scenario's shape (its names, counts and settings) as `c` changes the
    /// system once applied: what the next command is checked against. The cluster follows
    /// every command it applies; validation follows every valid timeline event in time order.
    pub fn follow(&mut self, c: &Command) {
        let producer = |s: &mut Self, name: &str| s.producers.iter().position(|p| p.name == name);
        match c {
            Command::SetRate { producer: p, rate_per_sec } => {
                if let Some(i) = producer(self, p) {
                    self.producers[i].rate = RateProfile::Constant { rate_per_sec: *rate_per_sec };
                }
            }
            Command::RemoveProducer { producer: p } => {
                if let Some(i) = producer(self, p) {
                    self.producers[i].rate = RateProfile::Constant { rate_per_sec: 0.0 };
                }
            }
            Command::AddMember { group } | Command::RemoveMember { group } => {
                let add = matches!(c, Command::AddMember { .. });
                if let Some(g) = self.groups.iter_mut().find(|g| &g.name == group) {
                    g.members = if add { g.members + 1 } else { g.members.saturating_sub(1) };
                }
            }
            Command::AddBroker => self.cluster.brokers += 1,
            Command::RemoveBroker { .. } => self.cluster.brokers -= 1,
            Command::AddPartitions { topic, count } => {
                if let Some(t) = self.topics.iter_mut().find(|t| &t.name == topic) {
                    t.partitions += count;
                }
            }
            Command::AddProducer { spec } => self.producers.push(spec.clone()),
            Command::AddReader { reader } => match reader.clone() {
                ReaderSpec::Group(g) => self.groups.push(g),
                ReaderSpec::Share(g) => self.share_groups.push(g),
                ReaderSpec::Push(g) => self.subscriptions.push(g),
            },
            Command::RemoveReader { name } => {
                self.groups.retain(|g| &g.name != name);
                self.share_groups.retain(|g| &g.name != name);
                self.subscriptions.retain(|g| &g.name != name);
            }
            Command::ConfigureProducer { producer: p, .. } => {
                if let Some(i) = producer(self, p) {
                    c.configure_producer(&mut self.producers[i]);
                }
            }
            Command::ConfigureGroup { group, processing_us, commit, assignor } => {
                if let Some(g) = self.groups.iter_mut().find(|g| &g.name == group) {
                    g.processing_us = processing_us.unwrap_or(g.processing_us);
                    g.commit = commit.unwrap_or(g.commit);
                    g.assignor = assignor.unwrap_or(g.assignor);
                }
            }
            Command::ConfigureSubscription { subscription, prefetch } => {
                if let Some(s) = self.subscriptions.iter_mut().find(|s| &s.name == subscription) {
                    s.prefetch = (*prefetch > 0).then_some(*prefetch);
                }
            }
            Command::ConfigureTopic { topic, retention_ms, retention_bytes } => {
                if let Some(t) = self.topics.iter_mut().find(|t| &t.name == topic) {
                    t.retention_ms = retention_ms.or(t.retention_ms);
                    t.retention_bytes = retention_bytes.or(t.retention_bytes);
                }
            }
            Command::Spike { .. }
            | Command::CrashMember { .. }
            | Command::RestartMember { .. }
            | Command::CrashBroker { .. }
            | Command::RestartBroker { .. }
            | Command::BalanceReplicas => {}
        }
    }
}

impl Command {
    /// Reads a command from the entries of an object already read, as a `flatten`ed field:
    /// a timeline event's (its `at_ms` taken out), a lesson's `try`.
    pub fn from_entries<E: de::Error>(entries: Entries) -> Result<Command, E> {
        let text = COMMAND.external_from(entries)?;
        tagged::read(&text, |de| CommandDef::deserialize(de))
    }

    /// For `ConfigureProducer`: writes the settings it changes into `spec` (the rate or the
    /// profile, keys, acks, `linger.ms`, `batch.size`, `buffer.memory`); others it leaves.
    pub fn configure_producer(&self, spec: &mut ProducerSpec) {
        let Command::ConfigureProducer {
            rate_per_sec,
            acks,
            linger_ms,
            batch_bytes,
            buffer_bytes,
            profile,
            keys,
            ..
        } = self
        else {
            return;
        };
        if let Some(r) = rate_per_sec {
            spec.rate = RateProfile::Constant { rate_per_sec: *r };
        }
        if let Some(p) = profile {
            spec.rate = p.clone();
        }
        if let Some(k) = keys {
            spec.keys = k.clone();
        }
        spec.acks = acks.unwrap_or(spec.acks);
        spec.linger_ms = linger_ms.unwrap_or(spec.linger_ms);
        spec.batch_bytes = batch_bytes.unwrap_or(spec.batch_bytes);
        spec.buffer_bytes = buffer_bytes.unwrap_or(spec.buffer_bytes);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// serde's own internally tagged reading of `Command`, the oracle for `tagged`.
    #[derive(Deserialize)]
    #[serde(remote = "Command", tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
    #[allow(dead_code)]
    enum SerdeCommand {
        SetRate {
            producer: String,
            rate_per_sec: f64,
        },
        Spike {
            producer: String,
            rate_per_sec: f64,
            duration_ms: u64,
        },
        AddMember {
            group: String,
        },
        RemoveMember {
            group: String,
        },
        CrashMember {
            group: String,
            member: u32,
        },
        RestartMember {
            group: String,
            member: u32,
        },
        CrashBroker {
            broker: u32,
        },
        RestartBroker {
            broker: u32,
        },
        AddPartitions {
            topic: String,
            count: u32,
        },
        AddProducer {
            spec: ProducerSpec,
        },
        AddReader {
            reader: ReaderSpec,
        },
        RemoveReader {
            name: String,
        },
        ConfigureProducer {
            producer: String,
            #[serde(default)]
            rate_per_sec: Option<f64>,
            #[serde(default)]
            acks: Option<Acks>,
            #[serde(default)]
            linger_ms: Option<u32>,
            #[serde(default)]
            batch_bytes: Option<u32>,
            #[serde(default)]
            buffer_bytes: Option<u64>,
            #[serde(default)]
            profile: Option<RateProfile>,
            #[serde(default)]
            keys: Option<KeySpec>,
        },
        RemoveProducer {
            producer: String,
        },
        AddBroker,
        BalanceReplicas,
        RemoveBroker {
            broker: u32,
        },
        ConfigureSubscription {
            subscription: String,
            prefetch: u32,
        },
        ConfigureGroup {
            group: String,
            #[serde(default)]
            processing_us: Option<u32>,
            #[serde(default)]
            commit: Option<CommitMode>,
            #[serde(default)]
            assignor: Option<AssignorKind>,
        },
        ConfigureTopic {
            topic: String,
            #[serde(default)]
            retention_ms: Option<u64>,
            #[serde(default)]
            retention_bytes: Option<u64>,
        },
    }

    mod oracle {
        use super::*;

        /// A timeline event as serde's `flatten` reads it (named as ours, as serde's
        /// messages name it).
        #[derive(Debug, Deserialize)]
        pub struct TimedEvent {
            pub at_ms: u64,
            #[serde(flatten, with = "SerdeCommand")]
            pub command: Command,
        }
    }

    #[derive(Debug, Deserialize)]
    struct SerdeDoc {
        events: Vec<oracle::TimedEvent>,
    }

    #[derive(Debug, Deserialize)]
    struct Doc {
        events: Vec<super::super::TimedEvent>,
    }

    /// Each event, alone and followed by another, read by `tagged` and by serde's derive:
    /// the same command, or the same message at the same line and column.
    #[test]
    fn timeline_events_read_as_serde_reads_them() {
        let events = [
            "{\"at_ms\":0,\"kind\":\"set-rate\",\"producer\":\"p\",\"rate_per_sec\":7}",
            "{\"kind\":\"set-rate\",\"at_ms\":0,\"producer\":\"p\",\"rate_per_sec\":7}",
            "{\"producer\":\"p\",\"rate_per_sec\":7,\"kind\":\"set-rate\",\"at_ms\":10}",
            "{\"at_ms\":0,\"kind\":\"set-rate\",\"producer\":\"p\",\"rate_per_sec\":\"x\"}",
            "{\"at_ms\":0,\"kind\":\"set-rate\",\"producer\":\"p\",\"rate_per_sec\":\"x\",\"b\":1}",
            "{\"at_ms\":0,\"kind\":\"nope\",\"producer\":\"p\"}",
            "{\"at_ms\":0,\"producer\":\"p\"}",
            "{\"at_ms\":0,\"kind\":\"set-rate\",\"kind\":\"set-rate\",\"producer\":\"p\",\"rate_per_sec\":1}",
            "{\"at_ms\":0,\"at_ms\":1,\"kind\":\"set-rate\",\"producer\":\"p\",\"rate_per_sec\":1}",
            "{\"kind\":\"set-rate\",\"producer\":\"p\",\"rate_per_sec\":1}",
            "{\"at_ms\":\"x\",\"kind\":\"set-rate\",\"producer\":\"p\",\"rate_per_sec\":1}",
            "{\"at_ms\":0,\"kind\":\"set-rate\",\"producer\":\"p\",\"rate_per_sec\":1,\"bogus\":2}",
            "{\"at_ms\":0,\"kind\":\"set-rate\",\"producer\":\"p\"}",
            "{\"at_ms\":0,\"kind\":0,\"producer\":\"p\",\"rate_per_sec\":1}",
            "{\"at_ms\":0,\"kind\":25,\"producer\":\"p\",\"rate_per_sec\":1}",
            "{\"at_ms\":0,\"kind\":-1,\"producer\":\"p\",\"rate_per_sec\":1}",
            "{\"at_ms\":0,\"kind\":1.5,\"producer\":\"p\",\"rate_per_sec\":1}",
            "{\"at_ms\":0,\"kind\":null}",
            "{\"at_ms\":0,\"kind\":\"add-broker\"}",
            "{\"at_ms\":0,\"kind\":\"add-broker\",\"x\":[1,2]}",
            "{\"at_ms\":0,\"kind\":\"balance-replicas\"}",
            "{\"at_ms\":0,\"kind\":\"crash-broker\",\"broker\":0}",
            "{\"at_ms\":0,\"kind\":\"crash-broker\",\"broker\":-1}",
            "{\"at_ms\":0,\"kind\":\"crash-broker\",\"broker\":1e3}",
            "{\"at_ms\":0,\"kind\":\"crash-broker\",\"broker\":5000000000}",
            "{\"at_ms\":0,\"kind\":\"crash-broker\",\"broker\":null}",
            "{\"at_ms\":0,\"kind\":\"configure-producer\",\"producer\":\"p\",\"acks\":\"1\"}",
            "{\"at_ms\":0,\"kind\":\"configure-producer\",\"producer\":\"p\",\"acks\":1}",
            "{\"at_ms\":0,\"kind\":\"configure-producer\",\"producer\":\"p\",\"acks\":\"2\"}",
            "{\"at_ms\":0,\"kind\":\"configure-producer\",\"producer\":\"p\",\"acks\":null,\"linger_ms\":5}",
            "{\"at_ms\":0,\"kind\":\"configure-producer\",\"producer\":\"p\",\"profile\":{\"kind\":\"poisson\",\"rate_per_sec\":3}}",
            "{\"at_ms\":0,\"kind\":\"configure-producer\",\"producer\":\"p\",\"profile\":{\"rate_per_sec\":3}}",
            "{\"at_ms\":0,\"kind\":\"configure-producer\",\"producer\":\"p\",\"profile\":{\"kind\":\"poisson\",\"rate_per_sec\":\"a\"}}",
            "{\"at_ms\":0,\"kind\":\"configure-producer\",\"producer\":\"p\",\"profile\":{\"kind\":0,\"rate_per_sec\":3}}",
            "{\"at_ms\":0,\"kind\":\"configure-producer\",\"producer\":\"p\",\"keys\":{\"kind\":\"none\"}}",
            "{\"at_ms\":0,\"kind\":\"configure-producer\",\"producer\":\"p\",\"keys\":{\"kind\":\"none\",\"count\":3}}",
            "{\"at_ms\":0,\"kind\":\"configure-producer\",\"producer\":\"p\",\"keys\":{\"kind\":\"zipf\",\"count\":3}}",
            "{\"at_ms\":0,\"kind\":\"configure-producer\",\"producer\":\"p\",\"keys\":\"none\"}",
            "{\"at_ms\":0,\"kind\":\"configure-producer\",\"producer\":\"p\",\"keys\":[\"uniform\",4]}",
            "{\"at_ms\":0,\"kind\":\"configure-producer\",\"producer\":\"p\",\"keys\":[]}",
            "{\"at_ms\":0,\"kind\":\"configure-group\",\"group\":\"g\",\"commit\":\"auto\",\"assignor\":\"range\"}",
            "{\"at_ms\":0,\"kind\":\"configure-group\",\"group\":\"g\",\"assignor\":\"bogus\"}",
            "{\"at_ms\":0,\"kind\":\"configure-group\",\"group\":\"g\",\"assignor\":3}",
            "{\"at_ms\":0,\"kind\":\"add-producer\",\"spec\":{\"name\":\"q\",\"topic\":\"t\",\"rate\":{\"kind\":\"constant\",\"rate_per_sec\":2}}}",
            "{\"at_ms\":0,\"kind\":\"add-producer\",\"spec\":{\"name\":\"q\",\"topic\":\"t\",\"rate\":{\"kind\":\"constant\",\"rate_per_sec\":2},\"acks\":1}}",
            "{\"at_ms\":0,\"kind\":\"add-producer\",\"spec\":{\"name\":\"q\",\"topic\":\"t\",\"rate\":{\"kind\":\"constant\",\"rate_per_sec\":2},\"bad\":1}}",
            "{\"at_ms\":0,\"kind\":\"add-producer\",\"spec\":{\"name\":\"q\",\"topic\":\"t\"}}",
            "{\"at_ms\":0,\"kind\":\"add-producer\",\"spec\":{\"name\":\"q\",\"topic\":\"t\",\"rate\":{\"kind\":\"constant\",\"rate_per_sec\":2},\"keys\":{\"kind\":\"uniform\",\"count\":\"x\"}}}",
            "{\"at_ms\":0,\"kind\":\"add-reader\",\"reader\":{\"type\":\"group\",\"name\":\"g2\",\"topics\":[\"t\"],\"members\":2,\"processing_us\":10}}",
            "{\"at_ms\":0,\"kind\":\"add-reader\",\"reader\":{\"name\":\"g2\",\"topics\":[\"t\"],\"members\":2,\"processing_us\":10,\"type\":\"group\"}}",
            "{\"at_ms\":0,\"kind\":\"add-reader\",\"reader\":{\"type\":\"group\",\"name\":\"g2\",\"topics\":[\"t\"],\"members\":2,\"processing_us\":10,\"zz\":1}}",
            "{\"at_ms\":0,\"kind\":\"add-reader\",\"reader\":{\"type\":\"nope\",\"name\":\"g2\"}}",
            "{\"at_ms\":0,\"kind\":\"add-reader\",\"reader\":{\"type\":\"push\",\"name\":\"s\",\"topics\":[\"t\"]}}",
            "{\"at_ms\":0,\"kind\":\"add-reader\",\"reader\":{\"type\":\"share\",\"name\":\"s\",\"topics\":[\"t\"]}}",
            "{\"at_ms\":0,\"kind\":\"add-reader\",\"reader\":{\"type\":\"share\",\"name\":\"s\",\"topics\":[\"t\"],\"members\":\"x\"}}",
            "{\"at_ms\":0,\"kind\":\"add-reader\",\"reader\":{\"type\":\"group\",\"name\":\"g2\",\"topics\":[\"t\"],\"members\":2,\"processing_us\":10,\"commit\":\"sync\"}}",
            "{\"at_ms\":0,\"kind\":\"add-reader\",\"reader\":{\"type\":\"group\",\"name\":\"g2\",\"topics\":[\"t\"],\"members\":2,\"processing_us\":10,\"auto_offset_reset\":\"latest\"}}",
            "{\"at_ms\":0,\"kind\":\"add-reader\",\"reader\":{\"type\":\"group\",\"name\":\"g2\",\"topics\":[\"t\"],\"members\":2,\"processing_us\":10,\"auto_offset_reset\":\"bogus\"}}",
            "{\"at_ms\":0,\"kind\":\"configure-topic\",\"topic\":\"t\",\"retention_ms\":1000}",
            "{\"at_ms\":0,\"kind\":\"configure-topic\",\"topic\":\"t\",\"retention_ms\":-1}",
            "{\"at_ms\":0,\"kind\":\"spike\",\"producer\":\"p\",\"rate_per_sec\":100,\"duration_ms\":100}",
            "{\"at_ms\":0,\"kind\":\"spike\",\"producer\":\"p\",\"rate_per_sec\":1e999,\"duration_ms\":100}",
            "{\"at_ms\":0,\"kind\":\"configure-subscription\",\"subscription\":\"s\",\"prefetch\":3}",
            "{\"at_ms\":0,\"kind\":\"remove-reader\",\"name\":\"g\"}",
            "{\"at_ms\":0,\"kind\":\"set-rate\",\"producer\":\"p\\u0041\",\"rate_per_sec\":7}",
            "{\"at_ms\":0,\"kind\":\"set-rate\",\"producer\":\"p\",\"rate_per_sec\":7}  ",
            "{\"at_ms\":0,\"kind\":\"set-rate\",\"pro\\\"ducer\":\"p\",\"rate_per_sec\":7}",
            "{\"at_ms\":0,\"kind\":\"set\\u002drate\",\"producer\":\"p\",\"rate_per_sec\":7}",
            "\"x\"",
            "[1,2]",
            "3",
            "null",
            "{}",
            "{\"at_ms\":0,\"kind\":\"set-rate\",\"producer\":\"p\",\"rate_per_sec\":7,}",
        ];
        for event in events {
            for text in [
                format!("{{\"events\": [\n  {event}\n]}}"),
                format!("{{\"events\": [{event},\n  {{\"at_ms\": 5, \"kind\": \"add-broker\"}}]}}"),
            ] {
                let ours = serde_json::from_str::<Doc>(&text).map(|d| {
                    d.events.into_iter().map(|e| (e.at_ms, e.command)).collect::<Vec<_>>()
                });
                let serde = serde_json::from_str::<SerdeDoc>(&text).map(|d| {
                    d.events.into_iter().map(|e| (e.at_ms, e.command)).collect::<Vec<_>>()
                });
                match (ours, serde) {
                    (Ok(a), Ok(b)) => assert_eq!(a, b, "{text}"),
                    // A tagged enum's message may name the field first
                    // (`json_path::FIELD_MARK`), at a depth serde's buffer does not reach;
                    // the words after it are serde's.
                    (Err(a), Err(b)) => {
                        let (a, b) = (a.to_string(), b.to_string());
                        let words =
                            |m: &str| crate::scenario::json_path::split_field(m).1.to_string();
                        assert_eq!(words(&a), words(&b), "{text}")
                    }
                    (a, b) => panic!("{text}: ours {a:?}, serde's {b:?}"),
                }
            }
        }
    }

    /// The variant names `tagged` checks a tag against are the mirror's, in its order.
    #[test]
    fn the_variant_list_is_the_mirrors() {
        let e = serde_json::from_str::<Command>("{\"kind\": \"?\"}").unwrap_err().to_string();
        let mirror = CommandDef::deserialize(&mut serde_json::Deserializer::from_str("{\"?\": 1}"))
            .unwrap_err()
            .to_string();
        assert_eq!(e.split(" at line").next(), mirror.split(" at line").next());
    }
}
