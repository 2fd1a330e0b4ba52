//! What the actions toolbar can name in the running system, and the readers it can add. Pure.

use brook_engine::{Cluster, Command, OffsetReset, Reader, ReaderKind};

use crate::model::i18n::Msg;

/// A reader with members: a consumer group or a share group.
#[derive(Clone, Debug, PartialEq)]
pub struct MemberSet {
    /// Its name.
    pub name: String,
    /// Members now (live or crashed).
    pub members: usize,
    /// Group or share group: only a consumer group takes members added or removed (the engine
    /// refuses it for a share group).
    pub kind: ReaderKind,
}

impl MemberSet {
    /// Whether consumers can be added to it and removed from it.
    pub fn resizable(&self) -> bool {
        self.kind == ReaderKind::Group
    }
}

/// What the actions can name.
#[derive(Clone, PartialEq, Default)]
pub struct Targets {
    /// Consumer groups and share groups (the readers with members to crash and restart).
    pub groups: Vec<MemberSet>,
    /// Producer names.
    pub producers: Vec<String>,
    /// Topic names.
    pub topics: Vec<String>,
    /// Brokers in the cluster.
    pub brokers: usize,
    /// Every reader's name (groups, share groups, subscriptions).
    pub readers: Vec<String>,
    /// The producers' settings (a new producer copies the selected one's).
    pub producer_specs: Vec<brook_engine::ProducerSpec>,
    /// What Spike does to each producer (None for a closed one).
    pub spikes: Vec<Option<Command>>,
}

/// A spike multiplies the producer's rate now by this.
pub const SPIKE_FACTOR: f64 = 10.0;
/// The least a spike asks for, records per second.
pub const SPIKE_PER_SEC_MIN: f64 = 1_000.0;
/// How long a spike lasts, virtual ms.
pub const SPIKE_MS: u64 = 5_000;

/// What Spike does to producer `i`, in the actions bar and in the inspector alike: ten times
/// its rate now (at least 1,000 records/s, at most the scenario limit) for 5 virtual seconds;
/// during a spike, the same rate for 5 s more (not ten times the spike).
/// None for a closed producer or none at all.
pub fn spike(c: &Cluster, i: usize) -> Option<Command> {
    let p = c.producers().get(i).filter(|p| !p.closed)?;
    let rate_per_sec = match p.spike_rate(c.now_us()) {
        Some(running) => running,
        None => (p.current_rate(c.now_us()) * SPIKE_FACTOR)
            .clamp(SPIKE_PER_SEC_MIN, brook_engine::limits::RATE_PER_SEC_MAX),
    };
    Some(Command::Spike { producer: p.spec.name.clone(), rate_per_sec, duration_ms: SPIKE_MS })
}

/// The kinds of reader the toolbar can add, with their labels. The push kinds are push
/// brokers shown for comparison (not Kafka, whose consumers always pull), one per push model.
pub const READER_KINDS: [Msg; 6] = [
    Msg::KindGroup,
    Msg::KindShare,
    Msg::KindNewRabbitPrefetch,
    Msg::KindNewRabbit,
    Msg::KindNewRedis,
    Msg::KindNewMqtt,
];

/// Where a new group or share group starts, in the toolbar's order: Kafka's default first (a
/// learner who adds a reader to a running topic sees what a consumer with default settings
/// does: only what is written from then on), then the replay of everything retained.
pub const READER_STARTS: [OffsetReset; 2] = [OffsetReset::Latest, OffsetReset::Earliest];

/// What a start is called on the page.
pub fn start_label(start: OffsetReset) -> Msg {
    match start {
        OffsetReset::Latest => Msg::StartLatest,
        OffsetReset::Earliest => Msg::StartEarliest,
    }
}

/// Whether the reader kind `kind` (an index into `READER_KINDS`) has a start to choose (push
/// subscriptions are not Kafka's: like a push broker, they send only what is published
/// after they subscribe).
pub fn kind_has_start(kind: usize) -> bool {
    kind < 2
}

/// A new reader of `kind` (an index into `READER_KINDS`) on `topic`, named after the kind
/// with the first free number; a group or share group starts at `start`.
pub fn new_reader(
    kind: usize,
    topic: &str,
    taken: &[String],
    start: OffsetReset,
) -> brook_engine::ReaderSpec {
    use brook_engine::{GroupSpec, PushModel, ReaderSpec, ShareGroupSpec, SubscriptionSpec};
    let kind = kind.min(READER_KINDS.len() - 1);
    let stem = ["pull", "queue", "push-prefetch", "push", "push-redis", "push-mqtt"][kind];
    let name =
        (1..).map(|n| format!("{stem}-{n}")).find(|n| !taken.contains(n)).expect("a free name");
    let push = |prefetch| SubscriptionSpec::new(&name, topic, 1_000, prefetch);
    match kind {
        0 => {
            let mut g = GroupSpec::new(&name, topic, 2, 1_000);
            g.commit = brook_engine::CommitMode::AfterProcess;
            g.auto_offset_reset = start;
            ReaderSpec::Group(g)
        }
        1 => {
            let mut g = ShareGroupSpec::new(&name, topic, 3, 1_000);
            g.share_auto_offset_reset = start;
            ReaderSpec::Share(g)
        }
        2 => ReaderSpec::Push(push(Some(100))),
        3 => ReaderSpec::Push(push(None)),
        4 => ReaderSpec::Push(push(None).with_model(PushModel::RedisPubsub)),
        _ => ReaderSpec::Push(push(None).with_model(PushModel::MqttQos0)),
    }
}

/// What the actions toolbar can name in `c` now (its live collections, not its starting
/// scenario).
pub fn targets_of(c: &Cluster) -> Targets {
    let groups = c.readers().filter_map(|r| {
        let members = match r {
            Reader::Group(g) => g.members.len(),
            Reader::Share(g) => g.members.len(),
            Reader::Push(_) => return None,
        };
        Some(MemberSet { name: r.name().to_string(), members, kind: r.kind() })
    });
    Targets {
        groups: groups.collect(),
        producers: c.producers().iter().map(|p| p.spec.name.clone()).collect(),
        topics: c.topics().iter().map(|t| t.name.clone()).collect(),
        brokers: c.brokers().len(),
        readers: c.readers().map(|r| r.name().to_string()).collect(),
        producer_specs: c.producers().iter().map(|p| p.spec.clone()).collect(),
        spikes: (0..c.producers().len()).map(|i| spike(c, i)).collect(),
    }
}

/// A spike's button label ("Spike: 4k/s for 5 s"), from its command.
pub fn spike_label(c: &Command, lang: crate::model::i18n::Lang) -> String {
    match c {
        Command::Spike { rate_per_sec, .. } => {
            lang.f(Msg::SpikeAction, &[&crate::model::format::compact(*rate_per_sec, lang)])
        }
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use brook_engine::preset;

    #[test]
    fn the_actions_bar_and_the_inspector_spike_alike() {
        // Issue 10: two Spike buttons did different things (the bar 10,000/s, the inspector
        // ten times the rate now). One action, one meaning, one label.
        use crate::model::i18n::Lang;
        use crate::model::inspect::inspect;
        use crate::model::layout::Selection;
        let c = Cluster::new(preset("quickstart").unwrap());
        let t = targets_of(&c);
        for i in 0..c.producers().len() {
            let v = inspect(&c, Selection::Producer(i), Lang::En).unwrap();
            let (label, command) =
                v.actions.iter().find(|(_, c)| matches!(c, Command::Spike { .. })).unwrap();
            assert_eq!(t.spikes[i].as_ref(), Some(command), "producer {i}");
            assert_eq!(&spike_label(command, Lang::En), label);
        }
    }

    #[test]
    fn spiking_during_a_spike_keeps_its_rate() {
        // A second Spike during one asked for ten times the spiked rate (a hundred times the
        // rate): it now keeps the running spike's rate for 5 s more.
        let mut c = Cluster::new(preset("quickstart").unwrap());
        c.run_until(1_000_000);
        let first = spike(&c, 0).unwrap();
        let Command::Spike { rate_per_sec: r1, .. } = first else { unreachable!() };
        c.command(first).unwrap();
        c.run_until(2_000_000);
        let again = spike(&c, 0).unwrap();
        let Command::Spike { rate_per_sec: r2, .. } = again else { unreachable!() };
        assert_eq!(r2, r1);
        c.command(again).unwrap();
        c.run_until(8_000_000);
        let p = &c.producers()[0];
        assert!(p.spike_rate(c.now_us()).is_none(), "the second spike ended at 7 s");
        let Command::Spike { rate_per_sec: r3, .. } = spike(&c, 0).unwrap() else { unreachable!() };
        // Quickstart's profile is a constant rate: ten times it again, as at first.
        assert_eq!(r3, r1, "after the spike");
        assert!(r2 < 10.0 * r1);
    }

    #[test]
    fn targets_name_what_runs_now() {
        let mut c = Cluster::new(preset("share-group-queue").unwrap());
        let t = targets_of(&c);
        assert!(t.groups.iter().any(|g| g.kind == ReaderKind::Share && !g.resizable()));
        assert_eq!(t.readers.len(), c.readers().count());
        let g = c.groups()[0].spec.name.clone();
        let before = t.groups.iter().find(|s| s.name == g).unwrap().members;
        c.command(brook_engine::Command::AddMember { group: g.clone() }).unwrap();
        c.step();
        let after = targets_of(&c).groups.into_iter().find(|s| s.name == g).unwrap();
        assert!(after.resizable());
        assert_eq!(after.members, before + 1, "live members, not the starting scenario's");
    }

    #[test]
    fn new_readers_take_the_first_free_name() {
        let taken = vec!["pull-1".to_string()];
        let r = new_reader(0, "orders", &taken, READER_STARTS[0]);
        assert!(matches!(r, brook_engine::ReaderSpec::Group(g) if g.name == "pull-2"));
        let models: Vec<_> = (2..READER_KINDS.len())
            .map(|k| match new_reader(k, "orders", &taken, READER_STARTS[0]) {
                brook_engine::ReaderSpec::Push(s) => (s.push_model, s.prefetch),
                _ => panic!("kind {k} is a push kind"),
            })
            .collect();
        use brook_engine::PushModel::*;
        let expected =
            [(Rabbitmq, Some(100)), (Rabbitmq, None), (RedisPubsub, None), (MqttQos0, None)];
        assert_eq!(models, expected);
    }

    #[test]
    fn new_groups_start_where_the_learner_chose_kafkas_default_first() {
        use brook_engine::ReaderSpec;
        assert_eq!(READER_STARTS[0], OffsetReset::default(), "Kafka's default is offered first");
        let r = new_reader(0, "orders", &[], OffsetReset::Earliest);
        assert!(matches!(r, ReaderSpec::Group(g) if g.auto_offset_reset == OffsetReset::Earliest));
        let r = new_reader(1, "orders", &[], OffsetReset::Latest);
        assert!(
            matches!(r, ReaderSpec::Share(g) if g.share_auto_offset_reset == OffsetReset::Latest)
        );
        assert!(kind_has_start(0) && kind_has_start(1) && !kind_has_start(2));
        // A group added to a running topic with Kafka's default reads only what comes next.
        let mut c = Cluster::new(brook_engine::preset("quickstart").unwrap());
        c.run_until(3_000_000);
        for start in READER_STARTS {
            let reader = new_reader(0, "orders", &targets_of(&c).readers, start);
            c.command(brook_engine::Command::AddReader { reader }).unwrap();
            c.step();
        }
        c.run_until(3_500_000);
        let s = c.summary();
        assert!(s.lag_records["pull-1"] < 500, "latest: no backlog to catch up on: {s:?}");
        assert!(s.lag_records["pull-2"] > 1_000, "earliest: the whole log to read: {s:?}");
    }
}
