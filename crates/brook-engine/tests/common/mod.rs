//! Helpers the engine's integration tests share.
#![allow(dead_code)]

use brook_engine::{Cluster, Command};

pub fn configure_producer(name: &str) -> Command {
    Command::ConfigureProducer {
        producer: name.into(),
        rate_per_sec: None,
        acks: None,
        linger_ms: None,
        batch_bytes: None,
        buffer_bytes: None,
        profile: None,
        keys: None,
    }
}

/// A random command a user could click now, drawn from `rng`.
pub fn random_command(c: &Cluster, rng: &mut brook_engine::Rng) -> Command {
    use brook_engine::{
        AssignorKind, CommitMode, GroupSpec, KeySpec, ProducerSpec, PushModel, RateProfile,
        ReaderSpec, ShareGroupSpec, SubscriptionSpec,
    };
    let pick = |rng: &mut brook_engine::Rng, n: usize| rng.below(n.max(1) as u64) as usize;
    let producer = c.producers()[pick(rng, c.producers().len())].spec.name.clone();
    let brokers = c.brokers().len() as u32;
    let broker = pick(rng, brokers as usize) as u32;
    let topic = c.topics()[pick(rng, c.topics().len())].name.clone();
    let group = c.groups().get(pick(rng, c.groups().len())).map(|g| g.spec.name.clone());
    match rng.below(20) {
        13 => Command::SetRate { producer, rate_per_sec: 500.0 },
        14 => {
            let rate = RateProfile::Constant { rate_per_sec: 400.0 };
            let name = format!("p{}", rng.below(1_000));
            Command::AddProducer { spec: ProducerSpec::new(&name, &topic, rate) }
        }
        15 => {
            let name = format!("r{}", rng.below(1_000));
            let push = SubscriptionSpec::new(&name, &topic, 200, None);
            let reader = match rng.below(6) {
                0 => ReaderSpec::Group(GroupSpec::new(&name, &topic, 2, 200)),
                1 => ReaderSpec::Share(ShareGroupSpec::new(&name, &topic, 2, 200)),
                2 => ReaderSpec::Push(SubscriptionSpec::new(&name, &topic, 200, Some(20))),
                // RabbitMQ without prefetch, small clients: they die and requeue.
                3 => ReaderSpec::Push(SubscriptionSpec {
                    consumers: 2,
                    memory_bytes_max: 64 << 10,
                    restart_delay_ms: 500,
                    ..push
                }),
                // Redis with small limits: disconnects and misses.
                4 => ReaderSpec::Push(SubscriptionSpec {
                    output_buffer_hard_bytes: 128 << 10,
                    output_buffer_soft_bytes: 32 << 10,
                    output_buffer_soft_seconds: 1,
                    reconnect_delay_ms: 300,
                    ..push.with_model(PushModel::RedisPubsub)
                }),
                _ => ReaderSpec::Push(SubscriptionSpec {
                    inbox_records_max: 100,
                    ..push.with_model(PushModel::MqttQos0)
                }),
            };
            Command::AddReader { reader }
        }
        16 => match c.readers().nth(pick(rng, c.readers().count())) {
            Some(r) => Command::RemoveReader { name: r.name().to_string() },
            None => Command::BalanceReplicas,
        },
        17 => Command::ConfigureTopic {
            topic,
            retention_ms: Some(5_000),
            retention_bytes: Some(1 << 20),
        },
        18 => match group {
            Some(group) => Command::ConfigureGroup {
                group,
                processing_us: Some(300),
                commit: Some(CommitMode::AfterProcess),
                assignor: Some(AssignorKind::CooperativeSticky),
            },
            None => Command::BalanceReplicas,
        },
        19 => match c.subscriptions().first() {
            Some(s) => Command::ConfigureSubscription {
                subscription: s.spec.name.clone(),
                prefetch: rng.below(100) as u32,
            },
            None => Command::BalanceReplicas,
        },
        12 => Command::BalanceReplicas,
        0 => Command::AddBroker,
        1 => Command::RemoveBroker { broker: brokers - 1 },
        2 => Command::CrashBroker { broker },
        3 => Command::RestartBroker { broker },
        4 => Command::AddPartitions { topic, count: 1 },
        5 => Command::Spike { producer, rate_per_sec: 20_000.0, duration_ms: 2_000 },
        6 => Command::RemoveProducer { producer },
        7 => {
            let mut cmd = configure_producer(&producer);
            if let Command::ConfigureProducer { profile, keys, .. } = &mut cmd {
                *profile = Some(RateProfile::Sine {
                    mean_per_sec: 2_000.0,
                    amplitude_per_sec: 1_000.0,
                    period_ms: 4_000,
                });
                *keys = Some(KeySpec::Zipf { count: 20, exponent: 1.5 });
            }
            cmd
        }
        8 => group.map_or(Command::AddBroker, |group| Command::AddMember { group }),
        9 => group.map_or(Command::AddBroker, |group| Command::RemoveMember { group }),
        10 => group.map_or(Command::AddBroker, |group| Command::CrashMember {
            group,
            member: rng.below(3) as u32,
        }),
        _ => group.map_or(Command::AddBroker, |group| Command::RestartMember {
            group,
            member: rng.below(3) as u32,
        }),
    }
}

/// Runs `c` to `until_us`, checking the invariants after every step; a failure names the time.
pub fn run_checked(c: &mut Cluster, until_us: u64) {
    while c.now_us() < until_us {
        c.step();
        if let Err(e) = c.check_invariants() {
            panic!("invariant broken at {} us: {e}", c.now_us());
        }
    }
}
