//! Number formatting shared by the stage, the charts and the panels.

/// Compact count: 950, 12.3k, 4.5M.
pub fn compact(n: f64) -> String {
    if n >= 1e6 {
        format!("{:.1}M", n / 1e6)
    } else if n >= 1e4 {
        format!("{:.0}k", n / 1e3)
    } else if n >= 1e3 {
        format!("{:.1}k", n / 1e3)
    } else {
        format!("{n:.0}")
    }
}

/// A speed factor with two significant digits (at least one decimal below 10): 0.043, 0.21,
/// 1.5, 12 (at most four decimals: a frame runs at least one 1 ms step, so a playing run
/// keeps 0.001x or more unless a step takes over a second).
pub fn speed_factor(x: f64) -> String {
    if x >= 10.0 {
        format!("{x:.0}")
    } else if x >= 1.0 {
        format!("{x:.1}")
    } else if x > 0.0 {
        let decimals = (1.0 - libm::floor(libm::log10(x))).clamp(1.0, 4.0) as usize;
        format!("{x:.decimals$}")
    } else {
        "0".into()
    }
}

#[cfg(test)]
mod tests {
    use super::{compact, speed_factor};

    #[test]
    fn speed_factors_keep_two_significant_digits() {
        assert_eq!(speed_factor(0.0434), "0.043");
        assert_eq!(speed_factor(0.214), "0.21");
        assert_eq!(speed_factor(0.9), "0.90");
        assert_eq!(speed_factor(1.54), "1.5");
        assert_eq!(speed_factor(12.4), "12");
        assert_eq!(speed_factor(0.00123), "0.0012");
        assert_eq!(speed_factor(0.0), "0");
    }

    #[test]
    fn compact_counts() {
        assert_eq!(compact(950.0), "950");
        assert_eq!(compact(1_234.0), "1.2k");
        assert_eq!(compact(12_345.0), "12k");
        assert_eq!(compact(4_500_000.0), "4.5M");
    }
}
