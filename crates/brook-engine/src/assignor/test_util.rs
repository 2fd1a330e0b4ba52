//! Helpers the assignor tests share: topic lists, partitions from "topic-p", and an
//! assignment rendered as one line.

use std::collections::BTreeMap;

use super::{Assignment, TopicPartition};

/// Topics and their partition counts.
pub(super) fn topics(list: &[(&str, u32)]) -> BTreeMap<String, u32> {
    list.iter().map(|(t, n)| (t.to_string(), *n)).collect()
}

/// A partition from "topic-p".
pub(super) fn tp(s: &str) -> TopicPartition {
    let (t, p) = s.rsplit_once('-').unwrap();
    TopicPartition { topic: t.into(), partition: p.parse().unwrap() }
}

/// "member:[topic-p,...]; ..." in member order.
pub(super) fn render(a: &Assignment) -> String {
    a.iter()
        .map(|(m, l)| {
            let parts: Vec<String> = l.iter().map(|t| t.to_string()).collect();
            format!("{m}:[{}]", parts.join(","))
        })
        .collect::<Vec<_>>()
        .join("; ")
}
