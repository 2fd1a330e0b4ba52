//! `brook run --follow-next`: one record's journey in words, one event a line, then the rule
//! each reader followed (one member per consumer group, one at a time in a share group, every
//! push subscriber).

use brook_engine::{key_name, Cluster, Followed, Hop, LostCause, ReaderKind, ReaderRef};

fn secs(us: u64) -> String {
    format!("{:.3} s", us as f64 / 1e6)
}

fn reader_name(c: &Cluster, r: ReaderRef) -> String {
    c.reader_name(r).map_or_else(|| format!("reader {} (removed)", r.index), str::to_string)
}

fn lost(cause: LostCause) -> &'static str {
    match cause {
        LostCause::Retention => "retention deleted it from the log",
        LostCause::Truncated => "a leader change truncated the log below it",
        LostCause::Dropped => "dropped: the MQTT client's queue was full (QoS 0)",
        LostCause::Missed => "published while the Redis subscriber was disconnected",
        LostCause::Discarded => {
            "discarded with the Redis output buffer when the subscriber was cut off"
        }
    }
}

/// One line per event.
pub fn lines(c: &Cluster, f: &Followed) -> Vec<String> {
    let mut out = Vec::new();
    for e in &f.events {
        let r = |r| reader_name(c, r);
        let text = match e.hop {
            Hop::Produced { producer, key } => {
                let name = c.producers().get(producer as usize).map_or("?", |p| &p.spec.name);
                let key = if key == u32::MAX { "no key".to_string() } else { format!("key {}", key_name(key)) };
                format!("produced by {name}, {key}")
            }
            Hop::Appended { tp, offset, broker } => format!(
                "appended to {}-{} at offset {offset} by the leader on broker {broker}",
                c.topics()[tp.topic as usize].name,
                tp.partition
            ),
            Hop::Replicated => "replicated: the high watermark passed it, readers may read it".into(),
            Hop::Fetched { reader, member } => format!("{} #{member} fetched it", r(reader)),
            Hop::Acquired { reader, member, delivery } => {
                format!("{} #{member} acquired it under a lock (delivery {delivery})", r(reader))
            }
            Hop::LockExpired { reader, member } => {
                format!("{} #{member}'s lock expired: the record is available again", r(reader))
            }
            Hop::Pushed { reader, member, again } => format!(
                "the broker pushed it to {} #{member}{}",
                r(reader),
                if again { " (requeued from a crashed consumer)" } else { "" }
            ),
            Hop::Processed { reader, member, acknowledged } => format!(
                "{} #{member} processed it{}",
                r(reader),
                match (reader.kind, acknowledged) {
                    (ReaderKind::Share, true) => "; the broker accepted its acknowledgement",
                    (_, true) => "",
                    (_, false) => ", but its acknowledgement was refused (its lock had expired)",
                }
            ),
            Hop::Released { reader, member } => {
                format!("{} #{member} could not process it and released it", r(reader))
            }
            Hop::Rebalanced { reader } => format!(
                "{} rebalanced before committing it: the next owner reads from the committed offset",
                r(reader)
            ),
            Hop::Committed { reader } => format!("{} committed an offset past it", r(reader)),
            Hop::Lost { reader: Some(reader), cause } => format!("lost for {}: {}", r(reader), lost(cause)),
            Hop::Lost { reader: None, cause } => format!("lost: {}", lost(cause)),
        };
        out.push(format!("{:>10}  {text}", secs(e.at_us)));
    }
    if f.events_dropped > 0 {
        out.push(format!("({} more events not kept)", f.events_dropped));
    }
    out
}

/// The rule each reader followed, and who processed the record.
pub fn rules(c: &Cluster, f: &Followed) -> Vec<String> {
    let readers = c.groups().len() + c.share_groups().len() + c.subscriptions().len();
    let mut out = Vec::new();
    for i in 0..readers {
        let (kind, index) = if i < c.groups().len() {
            (ReaderKind::Group, i)
        } else if i < c.groups().len() + c.share_groups().len() {
            (ReaderKind::Share, i - c.groups().len())
        } else {
            (ReaderKind::Push, i - c.groups().len() - c.share_groups().len())
        };
        let reader = ReaderRef { kind, index: index as u16 };
        let who: Vec<String> =
            f.processed_by().filter(|(r, _)| *r == reader).map(|(_, m)| format!("#{m}")).collect();
        let rule = match kind {
            ReaderKind::Group => "consumer group: one member per group",
            ReaderKind::Share => "share group: one member at a time",
            ReaderKind::Push => "push subscription, not Kafka: every subscriber",
        };
        let done = match who.len() {
            0 => "not processed (yet)".to_string(),
            1 => format!("processed by {}", who[0]),
            n => format!(
                "processed {n} times: {} (again after a rebalance or a lock expiry: at-least-once)",
                who.join(", ")
            ),
        };
        out.push(format!("{} ({rule}): {done}", reader_name(c, reader)));
    }
    out
}
