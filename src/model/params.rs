//! URL query parameters:
//! `?preset=NAME&seed=N&play=0|1&speed=X&lang=en|zh-TW&lesson=NAME&step=N&embed=1`.
//! Pure, so it is tested natively. (A share link's run is in the fragment: `model::share`.)

use brook_engine::PRESETS;

use crate::model::i18n::{Lang, LangParam, Msg, Text};
use crate::model::lesson::{LESSONS, STEPS_MAX};
use crate::model::sim::{SPEED_MAX, SPEED_MIN};

/// What the URL asked for; fields the URL did not set keep their defaults.
#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    /// Preset to open.
    pub preset: String,
    /// RNG seed.
    pub seed: u64,
    /// Whether to start playing.
    pub play: bool,
    /// Virtual seconds per wall second to start at ([`SPEED_MIN`] to [`SPEED_MAX`]).
    pub speed: f64,
    /// Frame-time benchmark mode: run the preset this many wall seconds, then report.
    pub bench_seconds: Option<u32>,
    /// The page's language, if the URL asked for one.
    pub lang: LangParam,
    /// The lesson to open, if any.
    pub lesson: Option<String>,
    /// Its step to open at, 1-based as written (`step=1` is the first).
    pub step: usize,
    /// Embedded in another page (`embed=1`): the stage, play and step, the lesson's
    /// captions only; no autosave.
    pub embed: bool,
}

/// Longest benchmark run, wall seconds.
pub const BENCH_SECONDS_MAX: u32 = 120;

impl Default for Params {
    fn default() -> Self {
        Params {
            preset: "quickstart".into(),
            seed: 1,
            play: true,
            speed: 1.0,
            bench_seconds: None,
            lang: LangParam::Absent,
            lesson: None,
            step: 1,
            embed: false,
        }
    }
}

/// Checks a seed as typed: a whole number that fits in 64 bits.
pub fn parse_seed(text: &str) -> Result<u64, Text> {
    text.trim().parse::<u64>().map_err(|_| Text::new(Msg::SeedError).arg(text.trim()).arg(u64::MAX))
}

/// Parses a query string (with or without the leading `?`). Every bad parameter is reported
/// with its name and what is allowed; the default is used for it (English for `lang`).
pub fn parse_query(query: &str) -> (Params, Vec<Text>) {
    let mut p = Params::default();
    let mut errors = Vec::new();
    for pair in query.trim_start_matches('?').split('&').filter(|s| !s.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        match key {
            "preset" | "bench" => {
                if !PRESETS.contains(&value) {
                    let all = PRESETS.join(", ");
                    errors.push(Text::new(Msg::UrlNotOneOf).arg(key).arg(value).arg(all));
                    continue;
                }
                p.preset = value.to_string();
                if key == "bench" {
                    p.bench_seconds.get_or_insert(10);
                    p.play = true;
                }
            }
            "seconds" => match value.parse::<u32>() {
                Ok(n) if (1..=BENCH_SECONDS_MAX).contains(&n) => p.bench_seconds = Some(n),
                _ => errors.push(Text::new(Msg::UrlSeconds).arg(value).arg(BENCH_SECONDS_MAX)),
            },
            "speed" => match value.parse::<f64>() {
                Ok(x) if (SPEED_MIN..=SPEED_MAX).contains(&x) => p.speed = x,
                _ => errors.push(Text::new(Msg::UrlSpeed).arg(value).arg(SPEED_MIN).arg(SPEED_MAX)),
            },
            "seed" => match parse_seed(value) {
                Ok(s) => p.seed = s,
                Err(e) => errors.push(e),
            },
            "play" => match value {
                "1" | "true" => p.play = true,
                "0" | "false" => p.play = false,
                _ => errors.push(Text::new(Msg::UrlPlay).arg(value)),
            },
            "lang" => match Lang::from_code(value) {
                Some(l) => p.lang = LangParam::Valid(l),
                None => {
                    p.lang = LangParam::Invalid;
                    errors.push(Text::new(Msg::UrlLang).arg(value));
                }
            },
            "lesson" => {
                if LESSONS.contains(&value) {
                    p.lesson = Some(value.to_string());
                } else {
                    let all = LESSONS.join(", ");
                    errors.push(Text::new(Msg::UrlNotOneOf).arg(key).arg(value).arg(all));
                }
            }
            "embed" => match value {
                "1" | "true" => p.embed = true,
                "0" | "false" => p.embed = false,
                _ => errors.push(Text::new(Msg::UrlEmbed).arg(value)),
            },
            "step" => match value.parse::<usize>() {
                Ok(n) if (1..=STEPS_MAX).contains(&n) => p.step = n,
                _ => errors.push(Text::new(Msg::UrlLessonStep).arg(value).arg(STEPS_MAX)),
            },
            _ => errors.push(Text::new(Msg::UrlUnknown).arg(key)),
        }
    }
    (p, errors)
}

/// The query string with its `lang` parameter set to `lang`, if it has one (so a reload
/// after switching on the page keeps the switch); None if the URL names no language.
pub fn query_with_lang(query: &str, lang: Lang) -> Option<String> {
    let pairs: Vec<&str> = query.trim_start_matches('?').split('&').collect();
    let named = |pair: &&str| pair.split_once('=').map_or(*pair, |(k, _)| k) == "lang";
    if !pairs.iter().any(named) {
        return None;
    }
    let code = format!("lang={}", lang.code());
    let kept: Vec<&str> = pairs.iter().map(|p| if named(p) { code.as_str() } else { p }).collect();
    Some(format!("?{}", kept.join("&")))
}

/// `query` with the parameter `key` set to `value`: replaced where it stands, else appended.
/// The other parameters keep their order and text.
pub fn query_with(query: &str, key: &str, value: &str) -> String {
    let mut pairs: Vec<String> = query
        .trim_start_matches('?')
        .split('&')
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect();
    let pair = format!("{key}={value}");
    let named = |p: &String| p.split_once('=').map_or(p.as_str(), |(k, _)| k) == key;
    match pairs.iter().position(named) {
        Some(i) => {
            pairs[i] = pair;
            // A repeated parameter keeps one copy (the one that now holds the value).
            let mut seen = false;
            pairs.retain(|p| !named(p) || !std::mem::replace(&mut seen, true));
        }
        None => pairs.push(pair),
    }
    format!("?{}", pairs.join("&"))
}

/// `query` without the parameter `key`.
pub fn query_without(query: &str, key: &str) -> String {
    let kept: Vec<&str> = query
        .trim_start_matches('?')
        .split('&')
        .filter(|p| !p.is_empty() && p.split_once('=').map_or(*p, |(k, _)| k) != key)
        .collect();
    if kept.is_empty() {
        String::new()
    } else {
        format!("?{}", kept.join("&"))
    }
}

/// The address bar's query while lesson `name` shows its step `step` (1-based): a reload
/// reopens it there. The lesson sets the scene, so the preset and seed are left out.
pub fn query_for_lesson(query: &str, name: &str, step: usize) -> String {
    let q = query_without(&query_without(query, "preset"), "seed");
    query_with(&query_with(&q, "lesson", name), "step", &step.to_string())
}

/// The address bar's query for a run of the preset `preset` with `seed`: a reload reopens it.
pub fn query_for_preset(query: &str, preset: &str, seed: u64) -> String {
    let q = query_without(&query_without(query, "lesson"), "step");
    query_with(&query_with(&q, "preset", preset), "seed", &seed.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn en(errors: &[Text]) -> Vec<String> {
        errors.iter().map(|e| e.render(Lang::En)).collect()
    }

    #[test]
    fn the_address_follows_the_preset_and_seed() {
        assert_eq!(query_for_preset("", "peak-shaving", 7), "?preset=peak-shaving&seed=7");
        assert_eq!(
            query_for_preset("?lang=zh-TW&preset=quickstart&play=0", "stress", 3),
            "?lang=zh-TW&preset=stress&play=0&seed=3"
        );
        assert_eq!(query_with("?seed=1&seed=2&a", "seed", "9"), "?seed=9&a");
        let (p, e) = parse_query(&query_for_preset("?play=0", "hot-key-skew", 42));
        assert!(e.is_empty(), "{e:?}");
        assert_eq!((p.preset.as_str(), p.seed, p.play), ("hot-key-skew", 42, false));
    }

    #[test]
    fn defaults_and_values() {
        assert_eq!(parse_query(""), (Params::default(), vec![]));
        let (p, e) = parse_query("?preset=peak-shaving&seed=42&play=0");
        assert!(e.is_empty());
        let want =
            Params { preset: "peak-shaving".into(), seed: 42, play: false, ..Params::default() };
        assert_eq!(p, want);
        let (p, e) = parse_query("bench=stress&seconds=5");
        assert!(e.is_empty());
        assert_eq!((p.preset.as_str(), p.bench_seconds, p.play), ("stress", Some(5), true));
        let (_, e) = parse_query("seconds=0");
        assert!(en(&e)[0].starts_with("seconds: \"0\""), "{e:?}");
        let (p, e) = parse_query("lang=zh-tw");
        assert!(e.is_empty());
        assert_eq!(p.lang, LangParam::Valid(Lang::ZhTw), "case does not matter");
        let (p, e) = parse_query("?embed=1&play=0");
        assert!(e.is_empty() && p.embed && !p.play, "{e:?}");
        let (p, e) = parse_query("?embed=yes");
        assert!(!p.embed && en(&e)[0].starts_with("embed: \"yes\" must be 0 or 1"), "{e:?}");
    }

    #[test]
    fn bad_values_are_named_and_defaults_kept() {
        let (p, e) = parse_query("seed=-3&preset=nope&pace=2");
        assert_eq!(p, Params::default());
        let e = en(&e);
        assert_eq!(e.len(), 3);
        assert!(e[0].starts_with("seed: \"-3\""), "{e:?}");
        assert!(e[1].starts_with("preset: \"nope\""), "{e:?}");
        assert!(e[2].starts_with("pace: unknown"), "{e:?}");
    }

    #[test]
    fn a_speed_is_read_within_the_controls_range_and_a_bad_one_named() {
        let (p, e) = parse_query("?preset=production&speed=100");
        assert!(e.is_empty(), "{e:?}");
        assert_eq!(p.speed, SPEED_MAX);
        assert_eq!(parse_query("speed=0.5").0.speed, 0.5);
        for bad in ["0", "101", "fast", "NaN", "inf", ""] {
            let (p, e) = parse_query(&format!("speed={bad}"));
            assert_eq!(p.speed, 1.0, "{bad}: the default kept");
            let want = format!("speed: \"{bad}\" must be a number from 0.1 to 100");
            assert_eq!(en(&e), vec![want], "{bad}");
        }
    }

    #[test]
    fn a_lesson_and_its_step_are_read_and_bad_ones_named() {
        let (p, e) = parse_query("?lesson=peak-shaving&step=3");
        assert!(e.is_empty(), "{e:?}");
        assert_eq!((p.lesson.as_deref(), p.step), (Some("peak-shaving"), 3));
        let (p, e) = parse_query("?lesson=nope&step=0");
        assert_eq!((p.lesson, p.step), (None, 1), "defaults kept");
        let e = en(&e);
        assert!(e[0].starts_with("lesson: \"nope\" is not one of decoupling, "), "{e:?}");
        let limit = format!("step: \"0\" must be a whole number from 1 to {STEPS_MAX}");
        assert!(e[1].starts_with(&limit), "{e:?}");
        let (_, e) = parse_query(&format!("step={}", STEPS_MAX + 1));
        assert_eq!(e.len(), 1, "one past the limit is refused");
    }

    #[test]
    fn the_address_follows_the_lesson_and_leaves_it_for_a_preset() {
        let q = query_for_lesson("?lang=zh-TW&preset=stress&seed=3", "durability", 2);
        assert_eq!(q, "?lang=zh-TW&lesson=durability&step=2");
        assert_eq!(query_for_lesson(&q, "durability", 3), "?lang=zh-TW&lesson=durability&step=3");
        assert_eq!(query_for_preset(&q, "quickstart", 1), "?lang=zh-TW&preset=quickstart&seed=1");
        assert_eq!(query_without("?step=2", "step"), "");
    }

    #[test]
    fn switching_rewrites_a_lang_parameter_only() {
        assert_eq!(
            query_with_lang("?play=0&lang=en", Lang::ZhTw).as_deref(),
            Some("?play=0&lang=zh-TW")
        );
        assert_eq!(query_with_lang("?lang=xx", Lang::En).as_deref(), Some("?lang=en"));
        assert_eq!(query_with_lang("?play=0", Lang::ZhTw), None);
        assert_eq!(query_with_lang("", Lang::ZhTw), None);
    }

    #[test]
    fn a_bad_lang_names_the_parameter_and_the_allowed_values() {
        let (p, e) = parse_query("lang=fr");
        assert_eq!(p.lang, LangParam::Invalid);
        let e = en(&e);
        assert!(e[0].starts_with("lang: \"fr\" is not one of en, zh-TW"), "{e:?}");
    }
}
