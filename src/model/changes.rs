//! What the user changed in the running system since it started, said beside the scenario's
//! description (which describes the system as it started). Pure.

use brook_engine::{Cluster, Command, TimedEvent};

use crate::model::i18n::{Lang, Msg};

/// What a command applied from the page changed, if it changed what a description describes:
/// readers, producers, brokers, partitions, rates, settings (crashes and restarts are faults
/// the run goes through, not changes to the system).
fn change_of(c: &Command) -> Option<Msg> {
    Some(match c {
        Command::AddMember { .. } => Msg::ChgConsumerAdded,
        Command::RemoveMember { .. } => Msg::ChgConsumerRemoved,
        Command::AddReader { .. } => Msg::ChgReaderAdded,
        Command::RemoveReader { .. } => Msg::ChgReaderRemoved,
        Command::AddProducer { .. } => Msg::ChgProducerAdded,
        Command::RemoveProducer { .. } => Msg::ChgProducerClosed,
        Command::AddBroker => Msg::ChgBrokerAdded,
        Command::RemoveBroker { .. } => Msg::ChgBrokerRemoved,
        Command::BalanceReplicas => Msg::ChgBalanced,
        Command::AddPartitions { .. } => Msg::ChgPartitionAdded,
        Command::SetRate { .. } => Msg::ChgRate,
        Command::Spike { .. } => Msg::ChgSpike,
        Command::ConfigureProducer { rate_per_sec, profile, .. } => {
            if rate_per_sec.is_some() || profile.is_some() {
                Msg::ChgRate
            } else {
                Msg::ChgProducerSettings
            }
        }
        Command::ConfigureGroup { .. } => Msg::ChgGroupSettings,
        Command::ConfigureSubscription { .. } => Msg::ChgPrefetch,
        Command::ConfigureTopic { .. } => Msg::ChgRetention,
        Command::CrashMember { .. }
        | Command::RestartMember { .. }
        | Command::CrashBroker { .. }
        | Command::RestartBroker { .. } => return None,
    })
}

/// The commands applied from the page: the applied log less the scenario's own timeline
/// (which its description describes). A step applies its due timeline events before the
/// commands queued from the page, in time order, so the log holds the timeline's applied
/// events in order; one not found where due was refused.
fn page_commands<'a>(c: &'a Cluster, own: &'a [TimedEvent]) -> impl Iterator<Item = &'a Command> {
    let mut timeline: Vec<&TimedEvent> = own.iter().collect();
    brook_engine::sort::sort_by_key(&mut timeline, |e| e.at_ms);
    let mut next = 0;
    c.command_log().iter().filter_map(move |e| {
        let due = |i: usize| timeline.get(i).filter(|t| t.at_ms <= e.at_ms);
        while due(next).is_some_and(|t| t.command != e.command) {
            next += 1; // refused when due
        }
        if due(next).is_some() {
            next += 1;
            return None;
        }
        Some(&e.command)
    })
}

/// What the user changed since the start, by kind in the order first made, with how many
/// times (a partition count adds its partitions). Bounded by the command log.
pub fn user_changes(c: &Cluster) -> Vec<(Msg, u64)> {
    user_changes_since(c, &c.scenario().events)
}

/// [`user_changes`] against the timeline `own` the run started with (a shared run's scenario
/// holds the user's commands in its timeline: its preset's is the one it started with).
pub fn user_changes_since(c: &Cluster, own: &[TimedEvent]) -> Vec<(Msg, u64)> {
    let mut out: Vec<(Msg, u64)> = Vec::new();
    for cmd in page_commands(c, own) {
        let Some(m) = change_of(cmd) else { continue };
        let n = match cmd {
            Command::AddPartitions { count, .. } => u64::from(*count),
            _ => 1,
        };
        match out.iter_mut().find(|(k, _)| *k == m) {
            Some((_, total)) => *total += n,
            None => out.push((m, n)),
        }
    }
    out
}

/// `description` (the system as it started), said to be changed when the user changed it
/// (`own`: the timeline the run started with, if not its scenario's; see
/// [`user_changes_since`]).
pub fn described(
    description: String,
    c: &Cluster,
    own: Option<&[TimedEvent]>,
    lang: Lang,
) -> String {
    let changes = user_changes_since(c, own.unwrap_or(&c.scenario().events));
    if changes.is_empty() {
        return description;
    }
    let said: Vec<String> = changes
        .iter()
        .map(
            |&(m, n)| {
                if n > 1 {
                    lang.f(Msg::ChgTimes, &[&lang.t(m), &n])
                } else {
                    lang.t(m).into()
                }
            },
        )
        .collect();
    lang.f(Msg::ChgDescription, &[&said.join(lang.list_sep()), &description])
}

#[cfg(test)]
mod tests {
    use brook_engine::{preset, Cluster, Command};

    use super::*;

    #[test]
    fn a_changed_run_says_so_and_an_unchanged_one_does_not() {
        // Issue 10: peak-shaving's description stayed as it was after a consumer was added.
        let mut c = Cluster::new(preset("peak-shaving").unwrap());
        let words = c.scenario().description.clone();
        let words = || words.clone();
        c.run_until(1_000_000);
        assert_eq!(described(words(), &c, None, Lang::En), words(), "nothing changed yet");
        let group = c.groups()[0].spec.name.clone();
        for cmd in [
            Command::AddMember { group: group.clone() },
            Command::AddMember { group: group.clone() },
            Command::CrashMember { group, member: 0 },
            Command::AddBroker,
        ] {
            c.command(cmd).unwrap();
        }
        c.run_until(2_000_000);
        let en = described(words(), &c, None, Lang::En);
        assert_eq!(
            en,
            format!(
                "Changed since the start: consumer added ×2; broker added. As it started: {}",
                words()
            )
        );
        let zh = described("原本的說明".into(), &c, None, Lang::ZhTw);
        assert_eq!(zh, "開始後已變更：新增消費者 2 次；新增 Broker。一開始的情境：原本的說明");
        // A refused command changes nothing.
        c.command(Command::RemoveReader { name: "nope".into() }).unwrap();
        c.run_until(2_100_000);
        assert_eq!(user_changes(&c).len(), 2);
    }

    #[test]
    fn the_scenarios_own_timeline_is_not_a_change() {
        // broker-failure-acks, consumer-crash-rebalance and share-group-queue change themselves
        // on their timeline: that is what their descriptions describe.
        for name in
            ["broker-failure-acks", "consumer-crash-rebalance", "share-group-queue", "peak-shaving"]
        {
            let mut c = Cluster::new(preset(name).unwrap());
            c.run_until(60_000_000);
            assert!(!c.command_log().is_empty() || c.scenario().events.is_empty(), "{name}");
            assert_eq!(user_changes(&c), [], "{name}");
            c.command(Command::AddBroker).unwrap();
            c.run_until(60_100_000);
            assert_eq!(user_changes(&c), [(Msg::ChgBrokerAdded, 1)], "{name}");
        }
    }

    #[test]
    fn a_command_in_the_step_of_a_timeline_event_is_the_users() {
        // The timeline's own rate change and the user's broker, applied in one step.
        let mut s = preset("peak-shaving").unwrap();
        let at_ms = 2_000;
        let producer = s.producers[0].name.clone();
        s.events =
            vec![TimedEvent { at_ms, command: Command::SetRate { producer, rate_per_sec: 10.0 } }];
        let mut c = Cluster::new(s);
        // The next step is the one at `at_ms`: it applies the event and this command.
        c.run_until((at_ms - 1) * 1000);
        c.command(Command::AddBroker).unwrap();
        c.run_until(at_ms * 1000 + 100_000);
        let same_step = c.command_log().iter().filter(|e| e.at_ms == at_ms).count();
        assert_eq!(same_step, 2, "{:?}", c.command_log());
        assert_eq!(user_changes(&c), [(Msg::ChgBrokerAdded, 1)]);
    }
}
