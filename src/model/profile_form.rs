//! The inspector's rate-profile and key fields: which fields each kind has, what they start
//! with, and reading them back into the engine's types. Pure, tested natively.

use brook_engine::{KeySpec, RateProfile};

use crate::model::i18n::{Lang, Msg, Text};

/// Rate profile kinds the form offers: (value, label). A piecewise timeline has too many points
/// for a form; it is kept as it is unless another kind is chosen.
pub const PROFILE_KINDS: [(&str, Msg); 7] = [
    ("constant", Msg::ProfConstant),
    ("poisson", Msg::ProfPoisson),
    ("step", Msg::ProfStep),
    ("bursts", Msg::ProfBursts),
    ("sine", Msg::ProfSine),
    ("ramp", Msg::ProfRamp),
    ("piecewise", Msg::ProfPiecewise),
];

/// Key kinds the form offers: (value, label).
pub const KEY_KINDS: [(&str, Msg); 3] =
    [("none", Msg::KeysNone), ("uniform", Msg::KeysUniform), ("zipf", Msg::KeysZipf)];

/// A field's label: the engine's field name, with its unit in the page's language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Label {
    /// Just the field's name (`duration_ms`).
    Field(&'static str),
    /// A rate field, records per second.
    PerSec(&'static str),
    /// A time field, virtual ms from the start.
    StartMs(&'static str),
    /// A label of its own.
    Msg(Msg),
}

impl Label {
    /// The label in `lang`.
    pub fn text(self, lang: Lang) -> String {
        match self {
            Label::Field(f) => f.to_string(),
            Label::PerSec(f) => lang.f(Msg::UnitPerSec, &[&f]),
            Label::StartMs(f) => lang.f(Msg::UnitStartMs, &[&f]),
            Label::Msg(m) => lang.t(m).to_string(),
        }
    }
}

/// The form value of a profile's kind.
pub fn profile_kind(p: &RateProfile) -> &'static str {
    match p {
        RateProfile::Constant { .. } => "constant",
        RateProfile::Poisson { .. } => "poisson",
        RateProfile::Step { .. } => "step",
        RateProfile::Bursts { .. } => "bursts",
        RateProfile::Sine { .. } => "sine",
        RateProfile::Ramp { .. } => "ramp",
        RateProfile::Piecewise { .. } => "piecewise",
    }
}

/// The form value of a key spec's kind.
pub fn key_kind(k: &KeySpec) -> &'static str {
    match k {
        KeySpec::None => "none",
        KeySpec::Uniform { .. } => "uniform",
        KeySpec::Zipf { .. } => "zipf",
    }
}

/// The profile in a few words, for the inspector's figures.
pub fn describe_profile(p: &RateProfile, lang: Lang) -> String {
    let c = |v: f64| crate::model::format::compact(v, lang);
    let s = |ms: u64| format!("{:.1}", ms as f64 / 1e3);
    match *p {
        RateProfile::Constant { rate_per_sec } => lang.f(Msg::DescConstant, &[&c(rate_per_sec)]),
        RateProfile::Poisson { rate_per_sec } => lang.f(Msg::DescPoisson, &[&c(rate_per_sec)]),
        RateProfile::Step { base_per_sec, spike_per_sec, start_ms, duration_ms } => lang.f(
            Msg::DescStep,
            &[&c(base_per_sec), &c(spike_per_sec), &s(start_ms), &s(duration_ms)],
        ),
        RateProfile::Bursts { base_per_sec, burst_per_sec, period_ms, burst_ms } => lang.f(
            Msg::DescBursts,
            &[&c(base_per_sec), &c(burst_per_sec), &s(burst_ms), &s(period_ms)],
        ),
        RateProfile::Sine { mean_per_sec, amplitude_per_sec, period_ms } => {
            lang.f(Msg::DescSine, &[&c(mean_per_sec), &c(amplitude_per_sec), &s(period_ms)])
        }
        RateProfile::Ramp { from_per_sec, to_per_sec, start_ms, duration_ms } => lang
            .f(Msg::DescRamp, &[&c(from_per_sec), &c(to_per_sec), &s(start_ms), &s(duration_ms)]),
        RateProfile::Piecewise { ref points } => lang.f(Msg::DescPiecewise, &[&points.len()]),
    }
}

/// The keys in a few words.
pub fn describe_keys(k: &KeySpec, lang: Lang) -> String {
    match *k {
        KeySpec::None => lang.t(Msg::KeysNone).into(),
        KeySpec::Uniform { count } => lang.f(Msg::KeysCountUniform, &[&count]),
        KeySpec::Zipf { count, exponent } => lang.f(Msg::KeysCountZipf, &[&count, &exponent]),
    }
}

/// The fields of a profile kind: (field id, label naming the engine's field and its unit).
pub fn profile_fields(kind: &str) -> &'static [(&'static str, Label)] {
    use Label::{Field, PerSec, StartMs};
    match kind {
        "constant" | "poisson" => &[("rate", PerSec("rate_per_sec"))],
        "step" => &[
            ("base", PerSec("base_per_sec")),
            ("peak", PerSec("spike_per_sec")),
            ("start", StartMs("start_ms")),
            ("duration", Field("duration_ms")),
        ],
        "bursts" => &[
            ("base", PerSec("base_per_sec")),
            ("peak", PerSec("burst_per_sec")),
            ("period", Field("period_ms")),
            ("duration", Field("burst_ms")),
        ],
        "sine" => &[
            ("base", PerSec("mean_per_sec")),
            ("peak", PerSec("amplitude_per_sec")),
            ("period", Field("period_ms")),
        ],
        "ramp" => &[
            ("base", PerSec("from_per_sec")),
            ("peak", PerSec("to_per_sec")),
            ("start", StartMs("start_ms")),
            ("duration", Field("duration_ms")),
        ],
        _ => &[],
    }
}

/// What the profile fields start with: the current profile's values when `kind` is its kind,
/// otherwise values built around the rate now (`rate_now`) that start soon after `now_ms`.
pub fn profile_values(
    current: &RateProfile,
    kind: &str,
    rate_now: f64,
    now_ms: u64,
) -> Vec<(&'static str, String)> {
    let r = |v: f64| format!("{}", (v * 100.0).round() / 100.0);
    let n = |v: u64| v.to_string();
    if profile_kind(current) == kind {
        return match *current {
            RateProfile::Constant { rate_per_sec } | RateProfile::Poisson { rate_per_sec } => {
                vec![("rate", r(rate_per_sec))]
            }
            RateProfile::Step { base_per_sec, spike_per_sec, start_ms, duration_ms } => vec![
                ("base", r(base_per_sec)),
                ("peak", r(spike_per_sec)),
                ("start", n(start_ms)),
                ("duration", n(duration_ms)),
            ],
            RateProfile::Bursts { base_per_sec, burst_per_sec, period_ms, burst_ms } => vec![
                ("base", r(base_per_sec)),
                ("peak", r(burst_per_sec)),
                ("period", n(period_ms)),
                ("duration", n(burst_ms)),
            ],
            RateProfile::Sine { mean_per_sec, amplitude_per_sec, period_ms } => vec![
                ("base", r(mean_per_sec)),
                ("peak", r(amplitude_per_sec)),
                ("period", n(period_ms)),
            ],
            RateProfile::Ramp { from_per_sec, to_per_sec, start_ms, duration_ms } => vec![
                ("base", r(from_per_sec)),
                ("peak", r(to_per_sec)),
                ("start", n(start_ms)),
                ("duration", n(duration_ms)),
            ],
            RateProfile::Piecewise { .. } => Vec::new(),
        };
    }
    // A new kind: around today's rate, starting two virtual seconds from now.
    let soon = n(now_ms + 2_000);
    match kind {
        "constant" | "poisson" => vec![("rate", r(rate_now))],
        "step" => vec![
            ("base", r(rate_now)),
            ("peak", r(rate_now * 10.0)),
            ("start", soon),
            ("duration", n(5_000)),
        ],
        "bursts" => vec![
            ("base", r(rate_now)),
            ("peak", r(rate_now * 5.0)),
            ("period", n(10_000)),
            ("duration", n(2_000)),
        ],
        "sine" => vec![("base", r(rate_now)), ("peak", r(rate_now / 2.0)), ("period", n(20_000))],
        "ramp" => vec![
            ("base", r(rate_now)),
            ("peak", r(rate_now * 4.0)),
            ("start", soon),
            ("duration", n(10_000)),
        ],
        _ => Vec::new(),
    }
}

/// A field's text read as a number, named after the engine's field in the message.
fn required<T: std::str::FromStr>(
    get: &dyn Fn(&str) -> String,
    id: &str,
    field: &str,
) -> Result<T, Text> {
    let text = get(id);
    let t = text.trim();
    if t.is_empty() {
        return Err(Text::new(Msg::ValueNeeded).arg(field));
    }
    t.parse::<T>().map_err(|_| Text::new(Msg::NotANumber).arg(field).arg(t))
}

/// Reads the profile fields of `kind` back (`get` gives a field's text by id); None for
/// piecewise, which the form does not edit.
pub fn read_profile(kind: &str, get: &dyn Fn(&str) -> String) -> Result<Option<RateProfile>, Text> {
    let f = |id: &str, field: &str| required::<f64>(get, id, &format!("profile.{field}"));
    let ms = |id: &str, field: &str| required::<u64>(get, id, &format!("profile.{field}"));
    Ok(Some(match kind {
        "constant" => RateProfile::Constant { rate_per_sec: f("rate", "rate_per_sec")? },
        "poisson" => RateProfile::Poisson { rate_per_sec: f("rate", "rate_per_sec")? },
        "step" => RateProfile::Step {
            base_per_sec: f("base", "base_per_sec")?,
            spike_per_sec: f("peak", "spike_per_sec")?,
            start_ms: ms("start", "start_ms")?,
            duration_ms: ms("duration", "duration_ms")?,
        },
        "bursts" => RateProfile::Bursts {
            base_per_sec: f("base", "base_per_sec")?,
            burst_per_sec: f("peak", "burst_per_sec")?,
            period_ms: ms("period", "period_ms")?,
            burst_ms: ms("duration", "burst_ms")?,
        },
        "sine" => RateProfile::Sine {
            mean_per_sec: f("base", "mean_per_sec")?,
            amplitude_per_sec: f("peak", "amplitude_per_sec")?,
            period_ms: ms("period", "period_ms")?,
        },
        "ramp" => RateProfile::Ramp {
            from_per_sec: f("base", "from_per_sec")?,
            to_per_sec: f("peak", "to_per_sec")?,
            start_ms: ms("start", "start_ms")?,
            duration_ms: ms("duration", "duration_ms")?,
        },
        _ => return Ok(None),
    }))
}

/// The key fields of a key kind: (field id, label).
pub fn key_fields(kind: &str) -> &'static [(&'static str, Label)] {
    const COUNT: (&str, Label) = ("key-count", Label::Msg(Msg::KeyCount));
    match kind {
        "uniform" => &[COUNT],
        "zipf" => &[COUNT, ("key-exponent", Label::Msg(Msg::KeyExponent))],
        _ => &[],
    }
}

/// What the key fields start with: the current spec's values, or defaults for a new kind.
pub fn key_values(current: &KeySpec, kind: &str) -> Vec<(&'static str, String)> {
    let (count, exponent) = match *current {
        KeySpec::None => (100, 1.2),
        KeySpec::Uniform { count } => (count, 1.2),
        KeySpec::Zipf { count, exponent } => (count, exponent),
    };
    match kind {
        "uniform" => vec![("key-count", count.to_string())],
        "zipf" => vec![("key-count", count.to_string()), ("key-exponent", exponent.to_string())],
        _ => Vec::new(),
    }
}

/// Reads the key fields of `kind` back.
pub fn read_keys(kind: &str, get: &dyn Fn(&str) -> String) -> Result<KeySpec, Text> {
    Ok(match kind {
        "uniform" => KeySpec::Uniform { count: required(get, "key-count", "keys.count")? },
        "zipf" => KeySpec::Zipf {
            count: required(get, "key-count", "keys.count")?,
            exponent: required(get, "key-exponent", "keys.exponent")?,
        },
        _ => KeySpec::None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn reader(values: Vec<(&'static str, String)>) -> impl Fn(&str) -> String {
        let map: HashMap<&str, String> = values.into_iter().collect();
        move |id: &str| map.get(id).cloned().unwrap_or_default()
    }

    #[test]
    fn every_kind_reads_back_what_it_starts_with() {
        let profiles = [
            RateProfile::Constant { rate_per_sec: 400.0 },
            RateProfile::Poisson { rate_per_sec: 12.5 },
            RateProfile::Step {
                base_per_sec: 1.0,
                spike_per_sec: 2.0,
                start_ms: 3,
                duration_ms: 4,
            },
            RateProfile::Bursts {
                base_per_sec: 1.0,
                burst_per_sec: 2.0,
                period_ms: 30,
                burst_ms: 4,
            },
            RateProfile::Sine { mean_per_sec: 10.0, amplitude_per_sec: 5.0, period_ms: 9 },
            RateProfile::Ramp { from_per_sec: 1.0, to_per_sec: 2.0, start_ms: 3, duration_ms: 4 },
        ];
        for p in profiles {
            let kind = profile_kind(&p);
            let values = profile_values(&p, kind, 0.0, 0);
            let ids: Vec<&str> = profile_fields(kind).iter().map(|f| f.0).collect();
            assert_eq!(values.iter().map(|v| v.0).collect::<Vec<_>>(), ids, "{kind}");
            assert_eq!(read_profile(kind, &reader(values)).unwrap(), Some(p));
        }
        let pw = RateProfile::Piecewise { points: vec![[0.0, 1.0]] };
        assert_eq!(read_profile("piecewise", &reader(Vec::new())).unwrap(), None);
        assert!(profile_values(&pw, "piecewise", 0.0, 0).is_empty());
    }

    #[test]
    fn a_new_kind_starts_around_the_rate_now_and_soon() {
        let now = RateProfile::Constant { rate_per_sec: 100.0 };
        let v = profile_values(&now, "step", 100.0, 7_000);
        let p = read_profile("step", &reader(v)).unwrap().unwrap();
        assert_eq!(
            p,
            RateProfile::Step {
                base_per_sec: 100.0,
                spike_per_sec: 1000.0,
                start_ms: 9_000,
                duration_ms: 5_000
            }
        );
    }

    #[test]
    fn bad_or_missing_numbers_name_the_engine_field() {
        let v = vec![("base", "1".to_string()), ("peak", "lots".to_string())];
        let e = read_profile("ramp", &reader(v)).unwrap_err();
        assert_eq!(e.render(Lang::En), "profile.to_per_sec: \"lots\" is not a valid number");
        assert_eq!(e.render(Lang::ZhTw), "profile.to_per_sec：「lots」不是有效的數字");
        let v = vec![("base", "1".to_string()), ("peak", "2".to_string())];
        let e = read_profile("ramp", &reader(v)).unwrap_err();
        assert_eq!(e.render(Lang::En), "profile.start_ms: a value is needed");
        let e = read_keys("zipf", &reader(vec![("key-count", "-3".into())])).unwrap_err();
        assert_eq!(e.render(Lang::En), "keys.count: \"-3\" is not a valid number");
    }

    #[test]
    fn descriptions_and_labels_in_both_languages() {
        let p = RateProfile::Step {
            base_per_sec: 400.0,
            spike_per_sec: 900.0,
            start_ms: 0,
            duration_ms: 60_000,
        };
        assert_eq!(describe_profile(&p, Lang::En), "400/s, 900/s from 0.0 s for 60.0 s");
        assert_eq!(
            describe_profile(&p, Lang::ZhTw),
            "400／秒，從第 0.0 秒起 900／秒，持續 60.0 秒"
        );
        let k = KeySpec::Zipf { count: 10, exponent: 1.2 };
        assert_eq!(describe_keys(&k, Lang::En), "10 keys, Zipf s=1.2");
        let labels: Vec<String> =
            profile_fields("step").iter().map(|f| f.1.text(Lang::En)).collect();
        assert_eq!(labels[0], "base_per_sec, records/s");
        assert_eq!(labels[2], "start_ms, virtual ms from the start");
        assert_eq!(profile_fields("step")[0].1.text(Lang::ZhTw), "base_per_sec，筆／秒");
    }

    #[test]
    fn keys_read_back() {
        let k = KeySpec::Zipf { count: 1000, exponent: 1.5 };
        let v = key_values(&k, "zipf");
        assert_eq!(read_keys("zipf", &reader(v)).unwrap(), k);
        let v = key_values(&KeySpec::None, "uniform");
        assert_eq!(read_keys("uniform", &reader(v)).unwrap(), KeySpec::Uniform { count: 100 });
        assert_eq!(read_keys("none", &reader(Vec::new())).unwrap(), KeySpec::None);
    }
}
