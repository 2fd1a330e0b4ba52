//! Kafka's default partitioner for keyed records: murmur2 of the key bytes.

const SEED: u32 = 0x9747_b28c;
const M: u32 = 0x5bd1_e995;
const R: u32 = 24;

/// Kafka's murmur2 hash (`Utils.murmur2`) of `data`, as the signed 32-bit value Java returns.
pub fn murmur2(data: &[u8]) -> i32 {
    let len = data.len();
    let mut h: u32 = SEED ^ (len as u32);
    let blocks = len / 4;
    for i in 0..blocks {
        let b = &data[i * 4..i * 4 + 4];
        let mut k = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
        k = k.wrapping_mul(M);
        k ^= k >> R;
        k = k.wrapping_mul(M);
        h = h.wrapping_mul(M);
        h ^= k;
    }
    let tail = &data[len & !3..];
    if tail.len() >= 3 {
        h ^= (tail[2] as u32) << 16;
    }
    if tail.len() >= 2 {
        h ^= (tail[1] as u32) << 8;
    }
    if !tail.is_empty() {
        h ^= tail[0] as u32;
        h = h.wrapping_mul(M);
    }
    h ^= h >> 13;
    h = h.wrapping_mul(M);
    h ^= h >> 15;
    h as i32
}

/// Kafka's `Utils.toPositive`: clears the sign bit (it is not `abs`).
pub fn to_positive(x: i32) -> u32 {
    (x as u32) & 0x7fff_ffff
}

/// The partition Kafka's default partitioner picks for a non-null key among `partitions`
/// (all partitions of the topic, available or not). `partitions` must be positive.
pub fn key_partition(key: &[u8], partitions: u32) -> u32 {
    debug_assert!(partitions > 0);
    to_positive(murmur2(key)) % partitions
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every case of Kafka's `UtilsTest.testMurmur2`: key lengths 2, 3, 6, 24, 26 and 48, so
    /// tails of 0, 2 and 3 bytes after whole 4-byte blocks (`abc` is the only 3-byte tail).
    const KAFKA_CASES: [(&[u8], i32); 6] = [
        (b"21", -973_932_308),
        (b"foobar", -790_332_482),
        (b"a-little-bit-long-string", -985_981_536),
        (b"a-little-bit-longer-string", -1_486_304_829),
        (b"lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58_897_971),
        (b"abc", 479_470_107),
    ];

    #[test]
    fn matches_kafka_utils_test() {
        for (key, hash) in KAFKA_CASES {
            assert_eq!(murmur2(key), hash, "{}", String::from_utf8_lossy(key));
        }
    }

    /// Kafka's `BuiltInPartitioner.partitionForKey`: `toPositive(murmur2(key)) % numPartitions`,
    /// here with the hashes of `UtilsTest.testMurmur2` worked out by hand (sign bit cleared,
    /// then the remainder).
    #[test]
    fn key_partition_is_the_positive_hash_modulo_the_partitions() {
        let expected_7 = [3, 0, 1, 0, 3, 4];
        let expected_1024 = [236, 958, 416, 451, 461, 539];
        for (i, (key, _)) in KAFKA_CASES.iter().enumerate() {
            assert_eq!(key_partition(key, 7), expected_7[i], "{i}");
            assert_eq!(key_partition(key, 1_024), expected_1024[i], "{i}");
            assert_eq!(key_partition(key, 1), 0);
        }
        assert_eq!(to_positive(-973_932_308), 1_173_551_340);
    }

    #[test]
    fn every_tail_length_is_hashed() {
        // Lengths 0..=7 cover all tail cases; each must differ from its one-shorter prefix.
        let s = b"abcdefg";
        let hashes: Vec<i32> = (0..=s.len()).map(|n| murmur2(&s[..n])).collect();
        for w in hashes.windows(2) {
            assert_ne!(w[0], w[1]);
        }
    }

    #[test]
    fn to_positive_is_not_abs() {
        assert_eq!(to_positive(-1), 0x7fff_ffff);
        assert_eq!(to_positive(i32::MIN), 0);
        assert_eq!(to_positive(5), 5);
    }

    #[test]
    fn empty_key_is_hashed_not_keyless() {
        assert!(key_partition(b"", 3) < 3);
    }
}
