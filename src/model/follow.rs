//! Following one record (issue 10, item 3): the journey the engine traced
//! (`Cluster::followed`) in words, who processed it under which rule, what the stage marks,
//! and which moving batch a click on the stage picked.

use brook_engine::{
    key_name, Cluster, FollowTarget, Followed, Hop, LostCause, ReaderKind, ReaderRef, Tp,
};

use crate::model::consumers::reader_index;
use crate::model::flights::{dot_radius, Endpoint, FlightKind, Flights};
use crate::model::i18n::{Lang, Msg};
use crate::model::layout::Layout;

/// The journey as the panel shows it: one line per event (virtual time, words), then who
/// processed it per reader, with the reader's rule ("workers (consumer group: one member per
/// group): processed by #3").
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Journey {
    /// Whether the record is known yet (else the engine waits for the next one written).
    pub known: bool,
    /// `(time, what happened)`.
    pub lines: Vec<(String, String)>,
    /// Per reader: its name and rule, then who processed it.
    pub who: Vec<String>,
}

impl Journey {
    /// The events, one a line: "1.20 s  produced by shop, key key-17".
    pub fn text(&self) -> String {
        let lines: Vec<String> =
            self.lines.iter().map(|(at, what)| format!("{at}  {what}")).collect();
        lines.join("\n")
    }
}

fn reader_name(c: &Cluster, r: ReaderRef) -> String {
    c.reader_name(r).unwrap_or("?").to_string()
}

fn lost(cause: LostCause) -> Msg {
    match cause {
        LostCause::Retention => Msg::LostRetention,
        LostCause::Truncated => Msg::LostTruncated,
        LostCause::Dropped => Msg::LostDropped,
        LostCause::Missed => Msg::LostMissed,
        LostCause::Discarded => Msg::LostDiscarded,
    }
}

/// Virtual time in seconds, two decimals ("1.20 s").
pub fn seconds(lang: Lang, us: u64) -> String {
    lang.f(Msg::FollowSeconds, &[&format!("{:.2}", us as f64 / 1e6)])
}

/// The followed record's journey in `lang`.
pub fn journey(c: &Cluster, f: &Followed, lang: Lang) -> Journey {
    let name = |r| reader_name(c, r);
    let mut lines = Vec::new();
    for e in &f.events {
        // Every message takes at most three figures or names: one call formats them all.
        let none = String::new;
        let (m, x, y, z) = match e.hop {
            Hop::Produced { producer, key } => {
                let p = c.producers().get(producer as usize).map_or("?", |p| &p.spec.name);
                let key = if key == u32::MAX {
                    lang.t(Msg::FollowNoKey).to_string()
                } else {
                    lang.f(Msg::FollowKey, &[&key_name(key)])
                };
                (Msg::FollowProduced, p.to_string(), key, none())
            }
            Hop::Appended { tp, offset, broker } => {
                (Msg::FollowAppended, tp_name(c, tp), offset.to_string(), broker.to_string())
            }
            Hop::Replicated => (Msg::FollowReplicated, none(), none(), none()),
            Hop::Fetched { reader, member } => {
                (Msg::FollowFetched, name(reader), n(member), none())
            }
            Hop::Acquired { reader, member, delivery } => {
                (Msg::FollowAcquired, name(reader), n(member), n(delivery as u32))
            }
            Hop::LockExpired { reader, member } => {
                (Msg::FollowLockExpired, name(reader), n(member), none())
            }
            Hop::Pushed { reader, member, again } => {
                let m = if again { Msg::FollowPushedAgain } else { Msg::FollowPushed };
                (m, name(reader), n(member), none())
            }
            Hop::Processed { reader, member, acknowledged } => {
                let m = match (reader.kind, acknowledged) {
                    (_, false) => Msg::FollowRefused,
                    (ReaderKind::Share, true) => Msg::FollowAccepted,
                    _ => Msg::FollowProcessed,
                };
                (m, name(reader), n(member), none())
            }
            Hop::Released { reader, member } => {
                (Msg::FollowReleased, name(reader), n(member), none())
            }
            Hop::Rebalanced { reader } => (Msg::FollowRebalanced, name(reader), none(), none()),
            Hop::Committed { reader } => (Msg::FollowCommitted, name(reader), none(), none()),
            Hop::Lost { reader: Some(reader), cause } => {
                (Msg::FollowLostFor, name(reader), lang.t(lost(cause)).to_string(), none())
            }
            Hop::Lost { reader: None, cause } => {
                (Msg::FollowLost, lang.t(lost(cause)).to_string(), none(), none())
            }
        };
        let text = lang.f(m, &[&x, &y, &z]);
        lines.push((seconds(lang, e.at_us), text));
    }
    if f.events_dropped > 0 {
        lines.push((String::new(), lang.f(Msg::FollowMore, &[&f.events_dropped])));
    }
    let mut who = Vec::new();
    let kinds = [
        (ReaderKind::Group, c.groups().len(), Msg::FollowRuleGroup),
        (ReaderKind::Share, c.share_groups().len(), Msg::FollowRuleShare),
        (ReaderKind::Push, c.subscriptions().len(), Msg::FollowRulePush),
    ];
    for (kind, n, rule) in kinds {
        for i in 0..n {
            let reader = ReaderRef { kind, index: i as u16 };
            let members: Vec<String> = f
                .processed_by()
                .filter(|(r, _)| *r == reader)
                .map(|(_, m)| format!("#{m}"))
                .collect();
            let done = match members.as_slice() {
                [] => lang.t(Msg::FollowNotYet).to_string(),
                [one] => lang.f(Msg::FollowByOne, &[&one.trim_start_matches('#')]),
                many => lang.f(Msg::FollowByMany, &[&many.len(), &many.join(lang.list_sep())]),
            };
            who.push(format!("{}{}{done}", lang.f(rule, &[&name(reader)]), lang.colon()));
        }
    }
    Journey { known: f.record.is_some(), lines, who }
}

fn n(v: u32) -> String {
    v.to_string()
}

fn tp_name(c: &Cluster, tp: Tp) -> String {
    let topic = c.topics().get(tp.topic as usize).map_or("?", |t| &t.name);
    format!("{topic}-{}", tp.partition)
}

/// Members as the stage draws them: reader position in `Cluster::readers()`, member index.
pub type DrawnMembers = Vec<(usize, u32)>;

/// What the stage marks: the record's partition and offset, and the members that processed
/// it, each once.
pub fn marks(c: &Cluster, f: &Followed) -> Option<(Tp, u64, DrawnMembers)> {
    let (tp, offset) = f.record?;
    let mut members: Vec<(usize, u32)> = Vec::new();
    for (r, m) in f.processed_by() {
        let Some(set) = reader_index(c, r.kind, r.index as usize) else { continue };
        if !members.contains(&(set, m)) {
            members.push((set, m));
        }
    }
    Some((tp, offset, members))
}

/// The batch dot under `(x, y)` (CSS px) at wall time `now_ms`, as a follow of the next record
/// its producer writes to its partition: the dot is that batch on its way (or, if it is lost
/// on the way, the producer's next one there).
pub fn dot_at(l: &Layout, flights: &Flights, x: f64, y: f64, now_ms: f64) -> Option<FollowTarget> {
    let mut best: Option<(f64, FollowTarget)> = None;
    for f in flights.iter().filter(|f| f.kind == FlightKind::Produce) {
        let (Endpoint::Producer(p), Endpoint::Partition(_, part)) = (f.from, f.to) else {
            continue;
        };
        let Some((fx, fy)) = l.flight_position(f, now_ms) else { continue };
        let d = ((fx - x).powi(2) + (fy - y).powi(2)).sqrt();
        // A little more than the dot: moving targets are hard to hit.
        if d <= dot_radius(f.records) + 5.0 && best.is_none_or(|(b, _)| d < b) {
            let target = FollowTarget::Next { producer: Some(p), partition: Some(part) };
            best = Some((d, target));
        }
    }
    best.map(|(_, t)| t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use brook_engine::preset;

    fn followed(name: &str, seed: u64, until_us: u64) -> Cluster {
        let mut s = preset(name).unwrap();
        s.seed = seed;
        let mut c = Cluster::new(s);
        c.run_until(1_000_000);
        c.follow(FollowTarget::Next { producer: None, partition: None }).unwrap();
        c.run_until(until_us);
        c
    }

    #[test]
    fn the_journey_names_one_member_per_group_in_words() {
        // p2p-vs-pubsub: three consumer groups each read every record (publish/subscribe);
        // within a group one member processes it (Kafka assigns a partition to one member).
        let c = followed("p2p-vs-pubsub", 3, 5_000_000);
        let f = c.followed().unwrap();
        let j = journey(&c, f, Lang::En);
        assert!(j.known);
        let (tp, offset) = f.record.unwrap();
        assert!(j.lines[0].1.starts_with("produced by api, "), "{:?}", j.lines);
        let written = format!("written to tasks-{} at offset {offset} by", tp.partition);
        assert!(j.lines[1].1.starts_with(&written), "{:?}", j.lines);
        assert!(j.lines[0].0.ends_with(" s"), "{:?}", j.lines[0]);
        assert_eq!(j.who.len(), 3);
        for (i, g) in ["workers", "audit", "analytics"].iter().enumerate() {
            let rule = format!("{g} (consumer group: one member per group): processed by #");
            assert!(j.who[i].starts_with(&rule), "{:?}", j.who[i]);
            let processed = j.lines.iter().filter(|(_, t)| t.starts_with(&format!("{g} #")));
            assert_eq!(processed.filter(|(_, t)| t.ends_with("processed it")).count(), 1);
        }
        // Every member that processed it is marked once, in the group's set.
        let (_, _, members) = marks(&c, f).unwrap();
        assert_eq!(members.len(), 3);
        assert_eq!(members.iter().map(|m| m.0).collect::<Vec<_>>().len(), 3);
        // The same journey in Chinese: every line translated, names and figures kept.
        let zh = journey(&c, f, Lang::ZhTw);
        assert_eq!(zh.lines.len(), j.lines.len());
        assert!(zh.lines[1].1.contains(&format!("tasks-{}", tp.partition)));
        assert!(
            zh.who[0].starts_with("workers（消費者群組：每個群組一個成員）：由 #"),
            "{:?}",
            zh.who
        );
    }

    #[test]
    fn the_journey_of_a_share_group_names_the_lock_holder() {
        // share-group-queue: the share group (KIP-932) gives a record to one member under a
        // lock; the classic group's owner of the partition processes it too.
        let c = followed("share-group-queue", 1, 9_000_000);
        let f = c.followed().unwrap();
        let j = journey(&c, f, Lang::En);
        let acquired: Vec<_> = j.lines.iter().filter(|(_, t)| t.contains("acquired it")).collect();
        assert!(!acquired.is_empty(), "{:?}", j.lines);
        assert!(acquired[0].1.starts_with("workers #"), "{acquired:?}");
        assert!(acquired[0].1.ends_with("(delivery 1)"), "{acquired:?}");
        let share = j.who.iter().find(|w| w.starts_with("workers")).unwrap();
        assert!(share.starts_with("workers (share group: one member at a time): processed by #"));
    }

    #[test]
    fn a_click_on_a_moving_batch_follows_its_producer_and_partition() {
        let mut sim = crate::model::sim::Sim::new(preset("quickstart").unwrap());
        sim.advance(50_000.0, 0.0);
        let l = Layout::new(&sim.cluster, 1200.0, 600.0);
        let f = *sim.flights.iter().find(|f| f.kind == FlightKind::Produce).expect("a batch");
        let (Endpoint::Producer(p), Endpoint::Partition(_, part)) = (f.from, f.to) else {
            panic!("a batch goes from a producer to a partition");
        };
        let (x, y) = l.flight_position(&f, 200.0).unwrap();
        let want = FollowTarget::Next { producer: Some(p), partition: Some(part) };
        assert_eq!(dot_at(&l, &sim.flights, x + 1.0, y, 200.0), Some(want));
        assert_eq!(dot_at(&l, &sim.flights, 2.0, 590.0, 200.0), None);
    }

    #[test]
    fn waiting_for_the_record_says_so() {
        let mut c = Cluster::new(preset("quickstart").unwrap());
        c.follow(FollowTarget::Next { producer: None, partition: None }).unwrap();
        let j = journey(&c, c.followed().unwrap(), Lang::En);
        assert!(!j.known && j.lines.is_empty());
        assert!(j.who.iter().all(|w| w.ends_with(": not processed yet")));
        assert_eq!(seconds(Lang::En, 1_204_000), "1.20 s");
        assert_eq!(seconds(Lang::ZhTw, 1_204_000), "1.20 秒");
    }
}
