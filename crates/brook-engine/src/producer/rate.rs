//! Rate profiles: how many records per second a producer's application sends over time.

use serde::{Deserialize, Deserializer, Serialize};

use crate::scenario::tagged::{self, Tagged};

/// How many records per second a producer's application tries to send over time.
/// Read as `{"kind": "constant", ...}` by `scenario::tagged` and its mirror `RateProfileDef`.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum RateProfile {
    /// A steady rate, evenly spaced.
    Constant {
        /// Records per second.
        rate_per_sec: f64,
    },
    /// Random arrivals (a Poisson process) with the given mean rate.
    Poisson {
        /// Mean records per second.
        rate_per_sec: f64,
    },
    /// A base rate with one spike (a promotion, a flash sale).
    Step {
        /// Records per second outside the spike.
        base_per_sec: f64,
        /// Records per second during the spike.
        spike_per_sec: f64,
        /// Spike start, virtual ms from the start of the run.
        start_ms: u64,
        /// Spike length, ms.
        duration_ms: u64,
    },
    /// A base rate with a burst at the start of every period.
    Bursts {
        /// Records per second between bursts.
        base_per_sec: f64,
        /// Records per second during a burst.
        burst_per_sec: f64,
        /// Period, ms.
        period_ms: u64,
        /// Burst length within each period, ms.
        burst_ms: u64,
    },
    /// A daily-style curve: mean plus amplitude times sin(2 pi t / period).
    Sine {
        /// Mean records per second.
        mean_per_sec: f64,
        /// Amplitude, records per second (at most the mean).
        amplitude_per_sec: f64,
        /// Period, ms.
        period_ms: u64,
    },
    /// A timeline: `[t_ms, rate_per_sec]` points joined by straight lines, the first rate before
    /// the first point and the last after the last.
    Piecewise {
        /// Points in time order.
        points: Vec<[f64; 2]>,
    },
    /// A linear ramp from one rate to another, then steady.
    Ramp {
        /// Records per second at the start and before it.
        from_per_sec: f64,
        /// Records per second at the end of the ramp and after.
        to_per_sec: f64,
        /// Ramp start, virtual ms from the start of the run (0 if left out).
        #[serde(default, skip_serializing_if = "is_zero")]
        start_ms: u64,
        /// Ramp length, ms.
        duration_ms: u64,
    },
}

const RATE_PROFILE: Tagged = Tagged {
    tag: "kind",
    expecting: "internally tagged enum RateProfile",
    variants: &["constant", "poisson", "step", "bursts", "sine", "piecewise", "ramp"],
    units: &[],
};

#[derive(Deserialize)]
#[serde(remote = "RateProfile", rename_all = "kebab-case", deny_unknown_fields)]
#[allow(dead_code)]
enum RateProfileDef {
    Constant {
        rate_per_sec: f64,
    },
    Poisson {
        rate_per_sec: f64,
    },
    Step {
        base_per_sec: f64,
        spike_per_sec: f64,
        start_ms: u64,
        duration_ms: u64,
    },
    Bursts {
        base_per_sec: f64,
        burst_per_sec: f64,
        period_ms: u64,
        burst_ms: u64,
    },
    Sine {
        mean_per_sec: f64,
        amplitude_per_sec: f64,
        period_ms: u64,
    },
    Piecewise {
        points: Vec<[f64; 2]>,
    },
    Ramp {
        from_per_sec: f64,
        to_per_sec: f64,
        #[serde(default, skip_serializing_if = "is_zero")]
        start_ms: u64,
        duration_ms: u64,
    },
}

impl<'de> Deserialize<'de> for RateProfile {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = RATE_PROFILE.external(d)?;
        tagged::read(&text, |de| RateProfileDef::deserialize(de))
    }
}

impl RateProfile {
    /// Whether virtual time `t_us` falls in a spike (`step`) or a burst (`bursts`): the
    /// charts mark where one starts and ends.
    pub fn in_spike(&self, t_us: u64) -> bool {
        let t_ms = t_us / 1000;
        match *self {
            RateProfile::Step { start_ms, duration_ms, .. } => {
                t_ms >= start_ms && t_ms < start_ms.saturating_add(duration_ms)
            }
            RateProfile::Bursts { period_ms, burst_ms, .. } => t_ms % period_ms.max(1) < burst_ms,
            _ => false,
        }
    }

    /// The intended rate at virtual time `t_us`, records per second.
    pub fn rate_at(&self, t_us: u64) -> f64 {
        let t_ms = t_us / 1000;
        match *self {
            RateProfile::Constant { rate_per_sec } | RateProfile::Poisson { rate_per_sec } => {
                rate_per_sec
            }
            RateProfile::Step { base_per_sec, spike_per_sec, start_ms, duration_ms } => {
                if t_ms >= start_ms && t_ms < start_ms.saturating_add(duration_ms) {
                    spike_per_sec
                } else {
                    base_per_sec
                }
            }
            RateProfile::Bursts { base_per_sec, burst_per_sec, period_ms, burst_ms } => {
                if t_ms % period_ms.max(1) < burst_ms {
                    burst_per_sec
                } else {
                    base_per_sec
                }
            }
            RateProfile::Sine { mean_per_sec, amplitude_per_sec, period_ms } => {
                let phase = (t_us as f64) / (period_ms.max(1) as f64 * 1000.0);
                let s = libm::sin(2.0 * core::f64::consts::PI * phase);
                (mean_per_sec + amplitude_per_sec * s).max(0.0)
            }
            RateProfile::Piecewise { ref points } => piecewise(points, t_us as f64 / 1000.0),
            RateProfile::Ramp { from_per_sec, to_per_sec, start_ms, duration_ms } => {
                let into_us = t_us.saturating_sub(start_ms.saturating_mul(1000));
                if t_ms < start_ms {
                    from_per_sec
                } else if into_us >= duration_ms.saturating_mul(1000) {
                    to_per_sec
                } else {
                    let f = into_us as f64 / (duration_ms as f64 * 1000.0);
                    from_per_sec + (to_per_sec - from_per_sec) * f
                }
            }
        }
    }

    /// The highest rate the profile ever asks for, records per second.
    pub fn peak_per_sec(&self) -> f64 {
        match *self {
            RateProfile::Constant { rate_per_sec } | RateProfile::Poisson { rate_per_sec } => {
                rate_per_sec
            }
            RateProfile::Step { base_per_sec, spike_per_sec, .. } => {
                base_per_sec.max(spike_per_sec)
            }
            RateProfile::Bursts { base_per_sec, burst_per_sec, .. } => {
                base_per_sec.max(burst_per_sec)
            }
            RateProfile::Sine { mean_per_sec, amplitude_per_sec, .. } => {
                mean_per_sec + amplitude_per_sec
            }
            RateProfile::Ramp { from_per_sec, to_per_sec, .. } => from_per_sec.max(to_per_sec),
            RateProfile::Piecewise { ref points } => {
                points.iter().map(|p| p[1]).fold(0.0, f64::max)
            }
        }
    }

    pub(super) fn is_poisson(&self) -> bool {
        matches!(self, RateProfile::Poisson { .. })
    }
}

fn is_zero(v: &u64) -> bool {
    *v == 0
}

/// The rate at `t_ms` on a line through `points` (`[t_ms, rate]`, in time order).
fn piecewise(points: &[[f64; 2]], t_ms: f64) -> f64 {
    let Some(first) = points.first() else { return 0.0 };
    if t_ms <= first[0] {
        return first[1];
    }
    for w in points.windows(2) {
        let ([t0, r0], [t1, r1]) = (w[0], w[1]);
        if t_ms < t1 {
            let f = if t1 > t0 { (t_ms - t0) / (t1 - t0) } else { 1.0 };
            return r0 + (r1 - r0) * f;
        }
    }
    points[points.len() - 1][1]
}
