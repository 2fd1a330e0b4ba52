//! Number formatting shared by the stage, the charts and the panels.

use crate::model::i18n::Lang;

/// Compact count in `lang`'s units: in English 950, 1.2k, 12k, 4.5M; in Traditional Chinese
/// the ten-thousands a Taiwanese reader counts in, as Unicode's CLDR writes them for zh-TW (and
/// Taiwanese sites show counts): 950, 8000, 1.2萬, 2萬, 12萬, 450萬, 1.5億. A Chinese count takes
/// the unit it has after rounding (99,960 is 10萬, not 10.0萬).
pub fn compact(n: f64, lang: Lang) -> String {
    match lang {
        Lang::En if n >= 1e6 => format!("{:.1}M", n / 1e6),
        Lang::En if n >= 1e4 => format!("{:.0}k", n / 1e3),
        Lang::En if n >= 1e3 => format!("{:.1}k", n / 1e3),
        Lang::En => format!("{n:.0}"),
        Lang::ZhTw => {
            if n.is_nan() || n < 9_999.5 {
                return format!("{n:.0}"); // below 10,000 after rounding
            }
            // Under 10,000萬 after rounding (`short` keeps no decimal from 10 on).
            if n / 1e4 < 9_999.5 {
                return format!("{}萬", short(n / 1e4));
            }
            format!("{}億", short(n / 1e8))
        }
    }
}

/// `v` with one decimal below 10, none from 10 on, and no ".0": 1.2, 2, 12.
fn short(v: f64) -> String {
    let s = if v < 9.95 { format!("{v:.1}") } else { format!("{v:.0}") };
    match s.strip_suffix(".0") {
        Some(whole) => whole.to_string(),
        None => s,
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
        let decimals = decimals_below_one(x, 2, 4);
        format!("{x:.decimals$}")
    } else {
        "0".into()
    }
}

/// A speed factor in at most four characters, where the bar has room for no more (the pace
/// note's brief form): one significant digit below 1 (0.06, 0.2), else as [`speed_factor`].
pub fn speed_factor_brief(x: f64) -> String {
    if x > 0.0 && x < 1.0 {
        let decimals = decimals_below_one(x, 1, 3);
        let s = format!("{x:.decimals$}");
        // Rounding up can reach the next digit (0.096 to "0.10"): one digit fewer then.
        match s.strip_suffix('0').filter(|t| !t.ends_with('.')) {
            Some(t) => t.to_string(),
            None => s,
        }
    } else {
        speed_factor(x)
    }
}

/// The decimals that show `x` (below 1) with `digits` significant digits, from 1 to `most`.
fn decimals_below_one(x: f64, digits: u32, most: u32) -> usize {
    let first = -libm::floor(libm::log10(x)); // the first significant digit's decimal place
    (first + digits as f64 - 1.0).clamp(1.0, most as f64) as usize
}

#[cfg(test)]
mod tests {
    use super::{compact, speed_factor, speed_factor_brief};
    use crate::model::i18n::Lang;

    #[test]
    fn brief_speed_factors_keep_one_significant_digit_below_one() {
        let cases = [(0.0434, "0.04"), (0.0607, "0.06"), (0.096, "0.1"), (0.214, "0.2")];
        for (x, brief) in cases {
            assert_eq!(speed_factor_brief(x), brief, "{x}");
        }
        assert_eq!(speed_factor_brief(0.0049), "0.005");
        assert_eq!(speed_factor_brief(1.54), "1.5");
        assert_eq!(speed_factor_brief(12.4), "12");
    }

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
        let en = |n: f64| compact(n, Lang::En);
        assert_eq!(en(950.0), "950");
        assert_eq!(en(1_234.0), "1.2k");
        assert_eq!(en(12_345.0), "12k");
        assert_eq!(en(4_500_000.0), "4.5M");
        let zh = |n: f64| compact(n, Lang::ZhTw);
        assert_eq!(zh(950.0), "950");
        assert_eq!(zh(8_000.0), "8000");
        assert_eq!(zh(9_999.4), "9999");
        assert_eq!(zh(9_999.6), "1萬", "10,000 after rounding");
        assert_eq!(zh(12_345.0), "1.2萬");
        assert_eq!(zh(20_000.0), "2萬");
        assert_eq!(zh(99_960.0), "10萬");
        assert_eq!(zh(123_456.0), "12萬");
        assert_eq!(zh(4_500_000.0), "450萬");
        assert_eq!(zh(10_000_000.0), "1000萬");
        assert_eq!(zh(99_996_000.0), "1億", "10,000萬 after rounding");
        assert_eq!(zh(150_000_000.0), "1.5億");
    }
}
