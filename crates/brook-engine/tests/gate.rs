//! One gate for commands: every `Command` kind is checked against the system's shape and the
//! scenario file's limits before it is applied. Each kind below gets a value out of limit (or
//! a name that does not exist); the refusal names the field, nothing changes, and the run goes on.

use brook_engine::{
    limits, preset, Cluster, Command, GroupSpec, ProducerSpec, RateProfile, ReaderSpec,
};

/// A command of each kind that the gate must refuse, with the field its message must name.
/// The match makes this list fail to compile when a new kind is added without a case here.
fn refused_cases() -> Vec<(Command, &'static str)> {
    let rate = RateProfile::Constant { rate_per_sec: 10.0 };
    let mut huge_records = ProducerSpec::new("new-producer", "orders", rate);
    huge_records.record_bytes = limits::RECORD_BYTES_MAX + 1;
    let too_many_members = GroupSpec::new("new-group", "orders", limits::MEMBERS_MAX + 1, 100);
    let cases = vec![
        (Command::SetRate { producer: "checkout".into(), rate_per_sec: 2e8 }, "rate_per_sec"),
        (
            Command::Spike { producer: "checkout".into(), rate_per_sec: 10.0, duration_ms: 0 },
            "duration_ms",
        ),
        (Command::AddMember { group: "full".into() }, "group"),
        (Command::RemoveMember { group: "empty".into() }, "group"),
        (Command::CrashMember { group: "billing".into(), member: 9 }, "member"),
        (Command::RestartMember { group: "billing".into(), member: 9 }, "member"),
        (Command::CrashBroker { broker: limits::BROKERS_MAX }, "broker"),
        (Command::RestartBroker { broker: limits::BROKERS_MAX }, "broker"),
        (Command::AddPartitions { topic: "orders".into(), count: limits::PARTITIONS_MAX }, "count"),
        (Command::AddProducer { spec: huge_records }, "spec.record_bytes"),
        (Command::AddReader { reader: ReaderSpec::Group(too_many_members) }, "reader.members"),
        (Command::RemoveReader { name: "nobody".into() }, "name"),
        (
            Command::ConfigureProducer {
                producer: "checkout".into(),
                rate_per_sec: None,
                acks: None,
                linger_ms: Some(limits::LINGER_MS_MAX + 1),
                batch_bytes: None,
                buffer_bytes: None,
                profile: None,
                keys: None,
            },
            "linger_ms",
        ),
        (Command::RemoveProducer { producer: "nobody".into() }, "producer"),
        (Command::AddBroker, "kind"),
        (Command::BalanceReplicas, "kind"),
        (Command::RemoveBroker { broker: 0 }, "broker"),
        (
            Command::ConfigureSubscription {
                subscription: "feed".into(),
                prefetch: limits::INBOX_RECORDS_MAX + 1,
            },
            "prefetch",
        ),
        (
            Command::ConfigureGroup {
                group: "billing".into(),
                processing_us: Some(limits::PROCESSING_US_MAX + 1),
                commit: None,
                assignor: None,
            },
            "processing_us",
        ),
        (
            Command::ConfigureTopic {
                topic: "orders".into(),
                retention_ms: Some(0),
                retention_bytes: None,
            },
            "retention_ms",
        ),
    ];
    for (c, _) in &cases {
        match c {
            Command::SetRate { .. }
            | Command::Spike { .. }
            | Command::AddMember { .. }
            | Command::RemoveMember { .. }
            | Command::CrashMember { .. }
            | Command::RestartMember { .. }
            | Command::CrashBroker { .. }
            | Command::RestartBroker { .. }
            | Command::AddPartitions { .. }
            | Command::AddProducer { .. }
            | Command::AddReader { .. }
            | Command::RemoveReader { .. }
            | Command::ConfigureProducer { .. }
            | Command::RemoveProducer { .. }
            | Command::AddBroker
            | Command::BalanceReplicas
            | Command::RemoveBroker { .. }
            | Command::ConfigureSubscription { .. }
            | Command::ConfigureGroup { .. }
            | Command::ConfigureTopic { .. } => {}
        }
    }
    cases
}

/// Quickstart grown to the limits the cases need: as many brokers as allowed (so one more is
/// refused), a full group and an empty one, and a push subscription.
fn cluster_at_the_limits() -> Cluster {
    use brook_engine::SubscriptionSpec;
    let mut s = preset("quickstart").unwrap();
    s.cluster.brokers = limits::BROKERS_MAX;
    s.groups.push(GroupSpec::new("full", "orders", limits::MEMBERS_MAX, 100));
    s.groups.push(GroupSpec::new("empty", "orders", 0, 100));
    s.subscriptions.push(SubscriptionSpec::new("feed", "orders", 100, Some(10)));
    s.validate().unwrap();
    Cluster::new(s)
}

#[test]
fn every_command_kind_out_of_limit_is_refused_naming_the_field() {
    let mut c = cluster_at_the_limits();
    c.run_until(500_000);
    for (command, field) in refused_cases() {
        let kind = format!("{command:?}");
        let why = match (&command, c.check_command(&command)) {
            (Command::BalanceReplicas, Ok(())) => continue,
            (_, Ok(())) => panic!("the gate let {kind} through"),
            (_, Err(why)) => why,
        };
        assert!(why.contains(&format!("command.{field}")), "{kind}: {why}");
        // Sent anyway, it is refused when applied: a notice, nothing changes, the run goes on.
        let (shape, log) = (c.shape().clone(), c.command_log().len());
        c.command(command).unwrap();
        c.step();
        assert_eq!(c.notices().last(), Some(&why), "{kind}");
        assert_eq!((c.shape(), c.command_log().len()), (&shape, log), "{kind}");
        c.check_invariants().unwrap();
    }
    c.run_until(2_000_000);
    assert!(c.summary().produced_records > 0, "the run went on");
}

#[test]
fn balancing_has_no_field_and_is_refused_for_the_state_it_finds() {
    // BalanceReplicas carries no value to check; the cluster refuses it while moves copy.
    let mut s = preset("broker-failure-acks").unwrap();
    s.events.clear();
    let mut c = Cluster::new(s);
    c.run_until(1_000_000);
    c.command(Command::AddBroker).unwrap();
    c.command(Command::BalanceReplicas).unwrap();
    c.step();
    assert_eq!(c.command_log().len(), 2);
    assert!(c.check_command(&Command::BalanceReplicas).is_ok());
    c.command(Command::BalanceReplicas).unwrap();
    c.step();
    assert!(c.notices().last().unwrap().contains("still copying"), "{:?}", c.notices().last());
    assert_eq!(c.command_log().len(), 2, "a refused command is not logged");
}

#[test]
fn a_command_valid_alone_is_checked_against_the_commands_queued_before_it() {
    let mut c = Cluster::new(preset("quickstart").unwrap());
    let before = c.producers().len();
    let spec = ProducerSpec::new("late", "orders", RateProfile::Constant { rate_per_sec: 5.0 });
    c.command(Command::AddProducer { spec: spec.clone() }).unwrap();
    c.command(Command::AddProducer { spec }).unwrap();
    c.command(Command::SetRate { producer: "late".into(), rate_per_sec: 50.0 }).unwrap();
    c.step();
    assert_eq!(c.producers().len(), before + 1);
    assert!(c.notices().any(|n| n.contains("\"late\" is used already")));
    assert_eq!(c.command_log().len(), 2, "the added producer and its new rate");
}

/// Notices are kept oldest first, the newest `NOTICES_MAX` of them; the count goes on.
#[test]
fn the_newest_notices_are_kept_up_to_their_bound() {
    use brook_engine::NOTICES_MAX;
    let mut c = Cluster::new(preset("quickstart").unwrap());
    let ghost = |i: usize| Command::SetRate { producer: format!("ghost-{i}"), rate_per_sec: 1.0 };
    let said = |c: &Cluster| c.notices().map(|n| n.contains("ghost-")).filter(|&g| g).count();
    for i in 0..2 {
        c.command(ghost(i)).unwrap();
    }
    c.step();
    assert_eq!(said(&c), 2, "both refusals are kept: {:?}", c.notices().collect::<Vec<_>>());
    let total = NOTICES_MAX + 6;
    for i in 2..total {
        c.command(ghost(i)).unwrap();
        c.step();
    }
    let kept: Vec<&String> = c.notices().collect();
    assert_eq!(kept.len(), NOTICES_MAX);
    assert!(kept[0].contains(&format!("\"ghost-{}\"", total - NOTICES_MAX)), "{}", kept[0]);
    assert!(kept[NOTICES_MAX - 1].contains(&format!("\"ghost-{}\"", total - 1)));
    assert_eq!(c.notice_count(), total as u64);
}

/// Partitions may be added up to the limit exactly (`limits::PARTITIONS_TOTAL_MAX` in all);
/// one more is refused.
#[test]
fn partitions_are_added_up_to_the_limit_exactly() {
    let mut c = Cluster::new(preset("quickstart").unwrap());
    let total = |c: &Cluster| c.topics().iter().map(|t| t.partitions.len() as u32).sum::<u32>();
    let topic = c.topics()[0].name.clone();
    let room = limits::PARTITIONS_TOTAL_MAX - total(&c);
    c.command(Command::AddPartitions { topic: topic.clone(), count: room }).unwrap();
    c.step();
    assert_eq!(total(&c), limits::PARTITIONS_TOTAL_MAX, "{:?}", c.notices().last());
    c.command(Command::AddPartitions { topic, count: 1 }).unwrap();
    c.step();
    assert_eq!(total(&c), limits::PARTITIONS_TOTAL_MAX);
    let notice = c.notices().last().unwrap();
    assert!(notice.contains("exceeds the limit"), "{notice}");
    c.check_invariants().unwrap();
}
