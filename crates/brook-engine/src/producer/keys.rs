//! Keys and partitioners: which key a record carries and which partition it goes to.

use serde::{Deserialize, Deserializer, Serialize};

use super::Producer;
use crate::rng::Rng;
use crate::scenario::tagged::{self, Tagged};

/// Which keys a producer's records carry.
///
/// Read as `{"kind": "uniform", ...}` by `scenario::tagged` and its mirror `KeySpecDef`.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum KeySpec {
    /// Null keys: the keyless partitioner decides.
    None,
    /// Keys `key-0` .. `key-{count-1}`, each equally likely.
    Uniform {
        /// Distinct keys.
        count: u32,
    },
    /// Keys `key-0` .. with Zipf-distributed popularity (`key-0` the hottest).
    Zipf {
        /// Distinct keys.
        count: u32,
        /// Zipf exponent s (1.0 is classic Zipf; larger is more skewed).
        exponent: f64,
    },
}

const KEY_SPEC: Tagged = Tagged {
    tag: "kind",
    expecting: "internally tagged enum KeySpec",
    variants: &["none", "uniform", "zipf"],
    units: &["none"],
};

#[derive(Deserialize)]
#[serde(remote = "KeySpec", rename_all = "kebab-case", deny_unknown_fields)]
#[allow(dead_code)]
enum KeySpecDef {
    None,
    Uniform { count: u32 },
    Zipf { count: u32, exponent: f64 },
}

impl<'de> Deserialize<'de> for KeySpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = KEY_SPEC.external(d)?;
        tagged::read(&text, |de| KeySpecDef::deserialize(de))
    }
}

/// How a producer picks a partition.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PartitionerKind {
    /// Kafka's default: murmur2 of the key; keyless records use the uniform sticky partitioner.
    #[default]
    Default,
    /// Kafka's RoundRobinPartitioner: a new partition for every record, key or not.
    RoundRobin,
}

/// The name Brook gives key number `i`.
pub fn key_name(i: u32) -> String {
    format!("key-{i}")
}

/// The bytes of `key_name(i)`, written into `buf` without allocating (this runs for every key
/// of every producer when partitions change).
pub(super) fn key_bytes(i: u32, buf: &mut [u8; 16]) -> &[u8] {
    buf[..4].copy_from_slice(b"key-");
    let mut digits = [0u8; 10];
    let (mut n, mut len) = (i, 0);
    loop {
        digits[len] = b'0' + (n % 10) as u8;
        len += 1;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for k in 0..len {
        buf[4 + k] = digits[len - 1 - k];
    }
    &buf[..4 + len]
}

/// Cumulative probabilities of Zipf(`count`, `exponent`) over ranks 0..count.
pub fn zipf_cdf(count: u32, exponent: f64) -> Vec<f64> {
    let weights: Vec<f64> = (1..=count).map(|r| 1.0 / libm::pow(r as f64, exponent)).collect();
    let total: f64 = weights.iter().sum();
    let mut acc = 0.0;
    let mut cdf: Vec<f64> = weights
        .iter()
        .map(|w| {
            acc += w / total;
            acc
        })
        .collect();
    if let Some(last) = cdf.last_mut() {
        *last = 1.0;
    }
    cdf
}

impl Producer {
    /// The key of the next record (its index), drawn per the producer's [`KeySpec`].
    pub(super) fn pick_key(&mut self, rng: &mut Rng) -> Option<u32> {
        match self.spec.keys {
            KeySpec::None => None,
            KeySpec::Uniform { count } => Some(rng.below(count as u64) as u32),
            KeySpec::Zipf { .. } => {
                let u = rng.next_f64();
                let i = self.key_cdf.partition_point(|&c| c <= u);
                Some(i.min(self.key_cdf.len() - 1) as u32)
            }
        }
    }

    /// The partition of the next record: round robin, the key's murmur2 partition, or for
    /// keyless records the sticky partition.
    pub(super) fn pick_partition(&mut self, key: Option<u32>, rng: &mut Rng) -> u32 {
        let partitions = self.open.len() as u32;
        if self.spec.partitioner == PartitionerKind::RoundRobin {
            let p = self.round_robin_next % partitions;
            self.round_robin_next = self.round_robin_next.wrapping_add(1);
            return p;
        }
        if let Some(k) = key {
            return self.key_partitions[k as usize] as u32;
        }
        // KIP-794 uniform sticky: stay until batch.size bytes went to the partition.
        match self.sticky_partition {
            Some(p) if self.sticky_bytes < self.spec.batch_bytes as u64 && p < partitions => p,
            _ => {
                let p = rng.below(partitions as u64) as u32;
                self.sticky_partition = Some(p);
                self.sticky_bytes = 0;
                p
            }
        }
    }
}
