//! The engine's only source of randomness: xoshiro256** seeded through SplitMix64.
//!
//! Written here rather than taken from a crate so that the sequence for a seed can never change
//! under us with a dependency upgrade: a seed printed by a failing test replays forever.

/// A seeded pseudo-random generator. Every random decision of a run is drawn from one of these.
#[derive(Clone, Debug)]
pub struct Rng {
    state: [u64; 4],
}

impl Rng {
    /// A generator whose sequence is fully determined by `seed`.
    pub fn new(seed: u64) -> Self {
        let mut sm = seed;
        let mut next = || {
            sm = sm.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = sm;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        };
        Rng { state: [next(), next(), next(), next()] }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let s = &mut self.state;
        let result = s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }

    /// A uniform float in [0, 1) with 53 random bits.
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// A uniform integer in [0, n); `n` must be positive.
    pub fn below(&mut self, n: u64) -> u64 {
        debug_assert!(n > 0);
        // Lemire's multiply-shift; the tiny bias is irrelevant at our sizes. Below 2^32 it
        // stays in 64-bit arithmetic, which WebAssembly does natively (u128 it emulates).
        if n <= u32::MAX as u64 {
            ((self.next_u64() >> 32) * n) >> 32
        } else {
            ((self.next_u64() as u128 * n as u128) >> 64) as u64
        }
    }

    /// An exponentially distributed value with the given mean.
    pub fn exponential(&mut self, mean: f64) -> f64 {
        let u = 1.0 - self.next_f64(); // (0, 1]
        -mean * libm::log(u)
    }

    /// A standard normal value (Box-Muller, one of the pair).
    pub fn normal(&mut self) -> f64 {
        let u1 = 1.0 - self.next_f64();
        let u2 = self.next_f64();
        libm::sqrt(-2.0 * libm::log(u1)) * libm::cos(2.0 * core::f64::consts::PI * u2)
    }

    /// A Poisson-distributed count with mean `lambda` (Knuth below 30, normal approximation above).
    pub fn poisson(&mut self, lambda: f64) -> u64 {
        if lambda <= 0.0 {
            return 0;
        }
        if lambda < 30.0 {
            let limit = libm::exp(-lambda);
            let mut k = 0u64;
            let mut p = 1.0;
            // Bounded: the expected count is lambda < 30; 1000 draws is far past any tail we need.
            while k < 1000 {
                p *= self.next_f64();
                if p <= limit {
                    return k;
                }
                k += 1;
            }
            return k;
        }
        let x = lambda + libm::sqrt(lambda) * self.normal();
        if x <= 0.0 {
            0
        } else {
            libm::round(x) as u64
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_sequence_and_seeds_differ() {
        let mut a = Rng::new(7);
        let mut b = Rng::new(7);
        let mut c = Rng::new(8);
        let va: Vec<u64> = (0..16).map(|_| a.next_u64()).collect();
        let vb: Vec<u64> = (0..16).map(|_| b.next_u64()).collect();
        let vc: Vec<u64> = (0..16).map(|_| c.next_u64()).collect();
        assert_eq!(va, vb);
        assert_ne!(va, vc);
    }

    #[test]
    fn below_stays_in_range_and_covers_it() {
        let mut r = Rng::new(1);
        let mut seen = [0u32; 5];
        for _ in 0..10_000 {
            seen[r.below(5) as usize] += 1;
        }
        assert!(seen.iter().all(|&n| n > 1_800 && n < 2_200), "{seen:?}");
    }

    #[test]
    fn poisson_mean_is_close() {
        let mut r = Rng::new(3);
        for lambda in [0.5, 4.0, 100.0] {
            let n = 20_000;
            let sum: u64 = (0..n).map(|_| r.poisson(lambda)).sum();
            let mean = sum as f64 / n as f64;
            assert!((mean - lambda).abs() < lambda * 0.05 + 0.05, "{lambda}: {mean}");
        }
    }
}
