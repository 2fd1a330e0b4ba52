//! The shipped lesson files, each validation rule, and the runner.

use std::collections::BTreeSet;
use std::rc::Rc;

use brook_engine::{preset, Cluster};
use serde_json::{json, Value};

use super::*;
use crate::model::i18n::tests::NOT_TAIWANESE;
use crate::model::params::Params;
use crate::model::sim::Sim;
use crate::model::state::{follow, key_action, reduce, Action, Source, State};

fn lesson_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("lessons")
}

fn shipped() -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = std::fs::read_dir(lesson_dir())
        .expect("lessons/ exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| {
            let name = p.file_stem().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&p).unwrap())
        })
        .collect();
    files.sort();
    files
}

#[test]
fn every_shipped_lesson_validates_and_is_named_after_its_file() {
    let files = shipped();
    assert!(!files.is_empty());
    for (name, text) in &files {
        let l = Lesson::from_json(text).unwrap_or_else(|e| panic!("{name}: {e:#?}"));
        assert_eq!(&l.name, name, "the name inside {name}.json");
        assert!(
            (4..=7).contains(&l.steps.len()),
            "{name}: {} steps, the issue asks 4 to 7",
            l.steps.len()
        );
        for (i, s) in l.steps.iter().enumerate() {
            // The page shows a scenario's description as written, in English: an inline one
            // leaves it out (the step's text says what to watch, in both languages).
            let inline = s.scene.as_ref().and_then(|c| c.scenario.as_ref());
            assert!(inline.is_none_or(|s| s.description.is_empty()), "{name} step {}", i + 1);
        }
        let menu = lesson_title(name).unwrap_or_else(|| panic!("{name}: no menu title"));
        assert_eq!(l.title.en, menu.en(), "{name}: the file's title and the menu's");
        assert_eq!(l.title.zh_tw, menu.zh_tw(), "{name}: the file's title and the menu's");
    }
}

#[test]
fn the_lessons_are_the_issues_ten() {
    let issue = [
        "decoupling",
        "asynchrony",
        "peak-shaving",
        "point-to-point",
        "publish-subscribe",
        "log-collection",
        "realtime-analytics",
        "partitions-and-keys",
        "consumer-groups",
        "durability",
    ];
    let files: BTreeSet<String> = shipped().into_iter().map(|(n, _)| n).collect();
    let want: BTreeSet<String> = issue.iter().map(|s| s.to_string()).collect();
    assert_eq!(files, want, "lessons/ holds exactly the issue's ten");
    assert_eq!(LESSONS, issue, "the menu lists them in the issue's order");
}

/// Every Chinese text of every lesson is Chinese, written the Taiwanese way.
#[test]
fn the_chinese_text_is_taiwanese() {
    for (name, text) in shipped() {
        let l = Lesson::from_json(&text).unwrap();
        let mut texts = vec![l.title.clone()];
        for s in &l.steps {
            texts.push(s.text.clone());
            texts.extend(s.question.clone());
            texts.extend(s.answer.clone());
            texts.extend(s.try_command.as_ref().map(|t| t.label.clone()));
        }
        for t in texts {
            assert_ne!(t.en, t.zh_tw, "{name}: not translated");
            assert!(
                t.zh_tw.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{name}: {t:?}"
            );
            for bad in NOT_TAIWANESE {
                assert!(!t.zh_tw.contains(bad), "{name}: {bad} in {:?}", t.zh_tw);
            }
        }
    }
}

/// The course's terms for the claims, in the lessons that teach them (zh-TW.md).
#[test]
fn each_claim_lesson_uses_the_course_term() {
    let terms = [
        ("decoupling", "解耦"),
        ("asynchrony", "非同步"),
        ("peak-shaving", "削峰"),
        ("point-to-point", "點對點"),
        ("publish-subscribe", "發布／訂閱"),
        ("log-collection", "日誌"),
        ("realtime-analytics", "即時"),
    ];
    for (name, term) in terms {
        let text = std::fs::read_to_string(lesson_dir().join(format!("{name}.json"))).unwrap();
        let l = Lesson::from_json(&text).unwrap();
        assert!(l.steps.iter().any(|s| s.text.zh_tw.contains(term)), "{name}: {term}");
    }
}

/// The push lesson says that push is not Kafka, in both languages.
#[test]
fn the_push_step_says_push_is_not_kafka() {
    let text = std::fs::read_to_string(lesson_dir().join("publish-subscribe.json")).unwrap();
    let l = Lesson::from_json(&text).unwrap();
    let push = l
        .steps
        .iter()
        .find(|s| {
            s.scene.as_ref().and_then(|c| c.preset.as_deref())
                == Some("slow-subscriber-push-vs-pull")
        })
        .expect("a push scene");
    assert!(push.text.en.contains("not Kafka"), "{}", push.text.en);
    assert!(push.text.zh_tw.contains("不是 Kafka"), "{}", push.text.zh_tw);
}

// Validation: one test per rule. Each starts from a valid lesson and breaks one field.

fn valid() -> Value {
    let text = |s: &str| json!({ "en": s, "zh-TW": "中文" });
    json!({
        "version": 1,
        "name": "sample",
        "title": text("Sample"),
        "steps": [
            {
                "scene": { "preset": "quickstart", "seed": 3, "at_ms": 1000, "speed": 2, "playing": true },
                "highlight": "chart.lag",
                "text": text("First."),
                "pause_when": { "at_ms": 3000 }
            },
            {
                "highlight": "stage.consumers",
                "text": text("Second."),
                "question": text("Why?"),
                "answer": text("Because."),
                "try": { "label": text("Crash"), "command": { "kind": "crash-member", "group": "billing", "member": 0 } }
            },
            { "text": text("Third.") }
        ]
    })
}

/// The problems with `v` after `edit`; the unedited lesson is valid.
fn problems(edit: impl FnOnce(&mut Value)) -> Vec<String> {
    Lesson::from_json(&valid().to_string()).expect("the base lesson is valid");
    let mut v = valid();
    edit(&mut v);
    Lesson::from_json(&v.to_string()).expect_err("refused")
}

fn assert_names(errors: &[String], start: &str) {
    assert!(errors.iter().any(|e| e.starts_with(start)), "wanted {start:?} in {errors:#?}");
}

fn quickstart_value() -> Value {
    serde_json::from_str(&preset("quickstart").unwrap().to_json()).unwrap()
}

#[test]
fn a_version_other_than_1_is_refused() {
    assert_names(&problems(|v| v["version"] = json!(2)), "version: 2 is not supported: must be 1");
}

#[test]
fn a_bad_name_is_refused() {
    assert_names(
        &problems(|v| v["name"] = json!("Peak Shaving")),
        "name: \"Peak Shaving\" must be",
    );
}

#[test]
fn a_missing_language_names_its_path() {
    let e = problems(|v| v["steps"][2]["text"] = json!({ "en": "Only English." }));
    assert_names(&e, "steps[2].text.zh-TW: required");
    let e = problems(|v| v["title"] = json!({ "zh-TW": "只有中文" }));
    assert_names(&e, "title.en: required");
}

#[test]
fn too_long_a_text_names_the_step_and_the_limit() {
    let long = "x".repeat(TEXT_CHARS_MAX + 1);
    let e = problems(|v| v["steps"][1]["text"]["en"] = json!(long));
    assert_names(
        &e,
        &format!("steps[1].text.en: {} characters, at most {TEXT_CHARS_MAX}", TEXT_CHARS_MAX + 1),
    );
    let mut v = valid();
    v["steps"][1]["text"]["en"] = json!("x".repeat(TEXT_CHARS_MAX));
    assert!(Lesson::from_json(&v.to_string()).is_ok(), "the limit itself is allowed");
}

#[test]
fn too_many_or_no_steps_are_refused() {
    let e = problems(|v| {
        let step = v["steps"][2].clone();
        let steps = v["steps"].as_array_mut().unwrap();
        while steps.len() <= STEPS_MAX {
            steps.push(step.clone());
        }
    });
    assert_names(&e, &format!("steps: {} steps, must be 1 to {STEPS_MAX}", STEPS_MAX + 1));
    assert_names(&problems(|v| v["steps"] = json!([])), "steps: 0 steps");
}

#[test]
fn the_first_step_must_set_the_scene() {
    let e = problems(|v| v["steps"][0].as_object_mut().unwrap().remove("scene").map(drop).unwrap());
    assert_names(&e, "steps[0].scene: required");
}

#[test]
fn a_scene_is_a_preset_or_a_scenario_not_both() {
    let e = problems(|v| v["steps"][0]["scene"]["scenario"] = quickstart_value());
    assert_names(&e, "steps[0].scene: set exactly one of preset and scenario");
}

#[test]
fn an_unknown_preset_is_refused() {
    let e = problems(|v| v["steps"][0]["scene"]["preset"] = json!("nope"));
    assert_names(&e, "steps[0].scene.preset: \"nope\" is not one of quickstart, ");
}

#[test]
fn an_inline_scenario_is_validated_by_the_engine() {
    let e = problems(|v| {
        let mut s = quickstart_value();
        s["topics"][0]["partitions"] = json!(0);
        let scene = v["steps"][0]["scene"].as_object_mut().unwrap();
        scene.remove("preset");
        scene.insert("scenario".into(), s);
    });
    assert_names(&e, "steps[0].scene.scenario.topics[0].partitions: ");
}

#[test]
fn a_scene_past_the_time_limit_is_refused() {
    let e = problems(|v| v["steps"][0]["scene"]["at_ms"] = json!(LESSON_TIME_MS_MAX + 1));
    assert_names(
        &e,
        &format!(
            "steps[0].scene.at_ms: {} is above the limit {LESSON_TIME_MS_MAX}",
            LESSON_TIME_MS_MAX + 1
        ),
    );
}

#[test]
fn a_speed_out_of_range_is_refused() {
    let e = problems(|v| v["steps"][0]["scene"]["speed"] = json!(1000));
    assert_names(&e, "steps[0].scene.speed: 1000 must be from 0.1 to 100");
}

#[test]
fn an_unknown_highlight_is_refused() {
    let e = problems(|v| v["steps"][1]["highlight"] = json!("chart.nope"));
    assert_names(&e, "steps[1].highlight: \"chart.nope\" is not one of stage.producers");
}

#[test]
fn a_pause_needs_exactly_one_condition() {
    let e = problems(|v| v["steps"][0]["pause_when"]["lost_records_above"] = json!(0));
    assert_names(&e, "steps[0].pause_when: set exactly one of");
    let e = problems(|v| v["steps"][0]["pause_when"] = json!({}));
    assert_names(&e, "steps[0].pause_when: set exactly one of");
}

#[test]
fn a_pause_past_the_time_limit_is_refused() {
    let e = problems(|v| v["steps"][0]["pause_when"] = json!({ "at_ms": LESSON_TIME_MS_MAX + 1 }));
    assert_names(&e, "steps[0].pause_when.at_ms: ");
}

#[test]
fn a_lag_threshold_above_the_limit_is_refused() {
    let e =
        problems(|v| v["steps"][2]["pause_when"] = json!({ "lag_records_above": RECORDS_MAX + 1 }));
    assert_names(
        &e,
        &format!(
            "steps[2].pause_when.lag_records_above: {} is above the limit {RECORDS_MAX}",
            RECORDS_MAX + 1
        ),
    );
}

#[test]
fn spike_started_false_is_refused() {
    let e = problems(|v| v["steps"][0]["pause_when"] = json!({ "spike_started": false }));
    assert_names(&e, "steps[0].pause_when.spike_started: must be true");
}

#[test]
fn a_question_needs_its_answer_and_an_answer_its_question() {
    let e =
        problems(|v| v["steps"][1].as_object_mut().unwrap().remove("answer").map(drop).unwrap());
    assert_names(&e, "steps[1].answer: required with a question");
    let e =
        problems(|v| v["steps"][1].as_object_mut().unwrap().remove("question").map(drop).unwrap());
    assert_names(&e, "steps[1].question: required with an answer");
}

#[test]
fn a_try_command_is_checked_by_the_engine_gate_against_its_scene() {
    let e = problems(|v| v["steps"][1]["try"]["command"]["group"] = json!("nobody"));
    assert_names(&e, "steps[1].try.command.group: ");
    let e = problems(|v| v["steps"][1]["try"]["command"]["member"] = json!(7));
    assert_names(&e, "steps[1].try.command.member: ");
}

#[test]
fn a_long_try_label_is_refused() {
    let e = problems(|v| {
        v["steps"][1]["try"]["label"]["zh-TW"] = json!("長".repeat(LABEL_CHARS_MAX + 1))
    });
    assert_names(
        &e,
        &format!(
            "steps[1].try.label.zh-TW: {} characters, at most {LABEL_CHARS_MAX}",
            LABEL_CHARS_MAX + 1
        ),
    );
}

#[test]
fn an_unknown_field_is_refused() {
    let e = problems(|v| v["steps"][0]["pause_when"] = json!({ "lag_above": 5 }));
    assert!(e[0].starts_with("steps[0].pause_when.lag_above: unknown field `lag_above`"), "{e:?}");
    let e = problems(|v| v["steps"][2]["pause_when"] = json!({ "at_ms": "soon" }));
    assert!(e[0].starts_with("steps[2].pause_when.at_ms: invalid type: string \"soon\""), "{e:?}");
}

// The runner.

#[test]
fn without_queue_must_be_a_bool_and_not_with_a_chart_or_a_follow() {
    let e = problems(|v| v["steps"][1]["without_queue"] = json!("yes"));
    assert_names(&e, "steps[1].without_queue: invalid type: string \"yes\"");
    // The panel takes the focus chart's place: a chart to look at would not be shown.
    let e = problems(|v| v["steps"][0]["without_queue"] = json!(true));
    assert_names(&e, "steps[0].highlight: \"chart.lag\": a step with without_queue shows");
    let e = problems(|v| {
        v["steps"][1]["without_queue"] = json!(true);
        v["steps"][1]["follow"] = json!({});
    });
    assert_names(&e, "steps[1].follow: not with without_queue");
    // A stage highlight is fine.
    let mut v = valid();
    v["steps"][1]["without_queue"] = json!(true);
    v["steps"][2]["follow"] = json!({ "producer": "mobile" });
    Lesson::from_json(&v.to_string()).expect("valid");
}

#[test]
fn a_follow_names_a_producer_of_its_scene() {
    let e = problems(|v| v["steps"][2]["follow"] = json!({ "producer": "nope" }));
    assert_names(&e, "steps[2].follow.producer: \"nope\" is not one of checkout, mobile");
    let e = problems(|v| v["steps"][2]["follow"] = json!({ "partition": 1 }));
    assert_names(&e, "steps[2].follow.partition: unknown field `partition`");
    let e = problems(|v| v["steps"][0]["follow"] = json!({}));
    assert_names(&e, "steps[0].highlight: \"chart.lag\": a step with follow shows");
}

/// A lesson on the quickstart: a scene at 1 s that pauses at 3 s, a step that pauses at 4 s,
/// then a step without a scene, then a scene of its own.
fn runner_lesson() -> Rc<Lesson> {
    let mut v = valid();
    v["steps"][1]["pause_when"] = json!({ "at_ms": 4000 });
    v["steps"]
        .as_array_mut()
        .unwrap()
        .push(json!({ "scene": { "preset": "peak-shaving", "at_ms": 500 }, "text": { "en": "Fourth.", "zh-TW": "第四" } }));
    Rc::new(Lesson::from_json(&v.to_string()).unwrap())
}

fn opened(step: usize) -> State {
    let s = State::new(&Params { play: false, ..Params::default() });
    reduce(&s, Action::OpenLesson(runner_lesson(), step))
}

/// The engine of `state`, its replay run to the end in chunks.
fn engine_of(state: &State) -> Sim {
    let mut sim = state.new_sim();
    follow(&mut sim, state, 0.0);
    let mut chunks = 0;
    while sim.replaying() {
        sim.replay_chunk(REPLAY_CHUNK);
        chunks += 1;
        assert!(chunks < 1_000, "a replay ends");
    }
    sim
}

const REPLAY_CHUNK: u64 = 300;

#[test]
fn a_scene_starts_its_preset_with_its_seed_speed_and_play_and_fast_forwards() {
    let s = opened(0);
    assert_eq!(s.source, Source::Preset("quickstart".into()));
    assert_eq!((s.seed, s.speed, s.playing, s.run), (3, 2.0, true, 1));
    assert_eq!(s.focus_chart, crate::model::charts::ChartKind::Lag, "the step's chart is in focus");
    let sim = engine_of(&s);
    assert_eq!(sim.cluster.now_us(), 1_000_000, "fast-forwarded to the scene's at_ms");
    let mut fresh = Cluster::new(
        preset("quickstart")
            .map(|mut p| {
                p.seed = 3;
                p
            })
            .unwrap(),
    );
    fresh.run_until(1_000_000);
    assert_eq!(sim.cluster.trace_hash(), fresh.trace_hash(), "the same run as the engine's own");
}

#[test]
fn a_replay_runs_in_bounded_chunks() {
    let s = opened(0);
    let mut sim = s.new_sim();
    assert_eq!(sim.replay_chunk(REPLAY_CHUNK), REPLAY_CHUNK, "no more than asked per frame");
    assert!(sim.replaying(), "and not done after one chunk");
    assert_eq!(sim.cluster.now_us(), REPLAY_CHUNK * brook_engine::TICK_US);
}

#[test]
fn a_step_without_a_scene_keeps_the_run_and_one_with_a_scene_starts_its_own() {
    let s = opened(0);
    let mut sim = engine_of(&s);
    let next = reduce(&s, Action::LessonNext);
    assert_eq!(next.run, s.run, "the run goes on");
    // Step 0 waits for 3 s: Next shows that moment, on the same run.
    let at_3s = PauseWhen { at_ms: Some(3000), ..Default::default() };
    assert_eq!(next.replay, vec![Goal::Until(at_3s)]);
    follow(&mut sim, &next, 0.0);
    while sim.replaying() {
        sim.replay_chunk(REPLAY_CHUNK);
    }
    assert_eq!(sim.cluster.now_us(), 3_000_000, "fast-forwarded on the same run");
    assert_eq!(sim.run, s.run);
    let third = reduce(&next, Action::LessonNext);
    assert_eq!((third.run, third.replay_seq), (s.run, next.replay_seq + 1));
    let fourth = reduce(&third, Action::LessonNext);
    assert_eq!(fourth.run, s.run + 1, "a new scene, a new run");
    assert_eq!(fourth.source, Source::Preset("peak-shaving".into()));
    assert_eq!(fourth.replay, vec![Goal::AtMs(500)]);
    assert_eq!((fourth.seed, fourth.speed, fourth.playing), (1, 1.0, true), "the scene's defaults");
    // A step with no pause leaves the run alone.
    let mut v = valid();
    v["steps"][0].as_object_mut().unwrap().remove("pause_when");
    let lesson = Rc::new(Lesson::from_json(&v.to_string()).unwrap());
    let plain = reduce(&State::new(&Params::default()), Action::OpenLesson(lesson, 0));
    let next = reduce(&plain, Action::LessonNext);
    assert_eq!((next.run, next.replay_seq), (plain.run, plain.replay_seq));
}

#[test]
fn next_after_the_lesson_paused_the_run_plays_on() {
    let s = reduce(&reduce(&opened(0), Action::LessonPaused), Action::LessonNext);
    assert!(s.playing);
    let paused_by_hand = reduce(&reduce(&opened(0), Action::TogglePlay), Action::LessonNext);
    assert!(!paused_by_hand.playing, "a pause the learner chose stays");
}

#[test]
fn previous_rebuilds_the_nearest_scene_and_replays_to_the_steps_moment() {
    let at_third = reduce(&reduce(&opened(0), Action::LessonNext), Action::LessonNext);
    let back = reduce(&at_third, Action::LessonPrev);
    assert_eq!(back.lesson.as_ref().unwrap().step, 1);
    assert_eq!(back.run, at_third.run + 1, "rebuilt");
    // Step 1 opened when step 0 paused at 3 s: the replay runs the scene to 1 s, then to 3 s.
    assert_eq!(
        back.replay,
        vec![Goal::AtMs(1000), Goal::Until(PauseWhen { at_ms: Some(3000), ..Default::default() })]
    );
    let sim = engine_of(&back);
    assert_eq!(sim.cluster.now_us(), 3_000_000);
    // Opened from the address at step 2 (1-based) lands on the same moment.
    let direct = engine_of(&opened(1));
    assert_eq!(direct.cluster.trace_hash(), sim.cluster.trace_hash());
    // Back from the third step's successor scene, to the third: both pauses replayed.
    let third = engine_of(&opened(2));
    assert_eq!(third.cluster.now_us(), 4_000_000);
}

#[test]
fn past_the_last_step_the_sandbox_stays_open_and_the_run_goes_on() {
    let mut s = opened(3);
    let run = s.run;
    s = reduce(&s, Action::LessonNext);
    let l = s.lesson.as_ref().unwrap();
    assert!(l.finished() && l.current().is_none());
    assert_eq!(s.run, run, "the run is not touched");
    s = reduce(&s, Action::LessonNext);
    assert_eq!(s.lesson.as_ref().unwrap().step, 4, "no step past the end");
    s = reduce(&s, Action::LessonPrev);
    assert_eq!(
        (s.lesson.as_ref().unwrap().step, s.run),
        (3, run),
        "back to the last step, same run"
    );
    s = reduce(&s, Action::CloseLesson);
    assert!(s.lesson.is_none());
    assert_eq!(s.run, run);
}

#[test]
fn a_step_past_the_end_opens_the_first() {
    assert_eq!(opened(40).lesson.unwrap().step, 0);
}

/// Plays `sim` frame by frame (16 ms at its speed) until the lesson pauses it or `limit_ms`.
fn play_until_paused(sim: &mut Sim, limit_ms: u64) -> Option<u64> {
    let mut t = 0.0;
    sim.frame(t);
    while sim.cluster.now_us() < limit_ms * 1000 {
        t += 16.0;
        sim.frame(t);
        if std::mem::take(&mut sim.lesson_paused) {
            assert!(!sim.playing);
            return Some(sim.cluster.now_us() / 1000);
        }
    }
    None
}

fn watching(scenario: &str, when: PauseWhen, speed: f64) -> Sim {
    let mut sim = Sim::new(preset(scenario).unwrap());
    sim.playing = true;
    sim.speed = speed;
    sim.watch = Some(Watch { key: (0, 0), when, last: None });
    sim
}

#[test]
fn pause_when_the_spike_starts() {
    // peak-shaving's spike starts at 5 s (its `step` profile).
    let mut sim = watching(
        "peak-shaving",
        PauseWhen { spike_started: Some(true), ..Default::default() },
        4.0,
    );
    let at = play_until_paused(&mut sim, 20_000).expect("paused");
    assert!((5_000..5_000 + 70).contains(&at), "paused at {at} ms, within a frame of 5 s");
}

#[test]
fn pause_when_lag_passes_a_value() {
    let mut sim = watching(
        "peak-shaving",
        PauseWhen { lag_records_above: Some(20_000), ..Default::default() },
        4.0,
    );
    play_until_paused(&mut sim, 30_000).expect("paused");
    let lag: u64 = sim.cluster.readers().map(|r| sim.cluster.reader_lag(r)).sum();
    assert!(lag > 20_000, "{lag}");
}

#[test]
fn pause_when_records_are_lost_or_duplicated() {
    // broker-failure-acks loses acks=1 records after broker 0 crashes at 5 s.
    let mut sim = watching(
        "broker-failure-acks",
        PauseWhen { lost_records_above: Some(0), ..Default::default() },
        8.0,
    );
    let at = play_until_paused(&mut sim, 30_000).expect("paused");
    assert!(at > 5_000 && sim.cluster.summary().lost_records > 0);
    let mut sim = watching(
        "consumer-crash-rebalance",
        PauseWhen { duplicate_records_above: Some(0), ..Default::default() },
        8.0,
    );
    let at = play_until_paused(&mut sim, 30_000).expect("paused");
    assert!(at > 6_000 && sim.cluster.summary().duplicate_records > 0);
}

#[test]
fn a_condition_already_true_when_the_step_opens_does_not_pause() {
    let mut sim = watching("quickstart", PauseWhen { at_ms: Some(0), ..Default::default() }, 4.0);
    assert_eq!(play_until_paused(&mut sim, 3_000), None);
    let mut sim =
        watching("quickstart", PauseWhen { at_ms: Some(1_000), ..Default::default() }, 4.0);
    let at = play_until_paused(&mut sim, 3_000).expect("paused");
    assert!((1_000..1_070).contains(&at), "{at}");
}

#[test]
fn a_spike_is_its_profiles_window_or_a_spike_command() {
    let mut c = Cluster::new(preset("peak-shaving").unwrap());
    c.run_until(4_990_000);
    assert!(!in_spike(&c));
    c.run_until(5_000_000);
    assert!(in_spike(&c));
    c.run_until(10_010_000);
    assert!(!in_spike(&c));
    let mut q = Cluster::new(preset("quickstart").unwrap());
    q.run_until(1_000_000);
    assert!(!in_spike(&q));
    q.command(brook_engine::Command::Spike {
        producer: "checkout".into(),
        rate_per_sec: 2_000.0,
        duration_ms: 1_000,
    })
    .unwrap();
    q.run_until(1_100_000);
    assert!(in_spike(&q));
}

#[test]
fn the_lesson_keys_move_steps_only_while_a_lesson_is_open() {
    assert_eq!(key_action("ArrowRight", true), Some(Action::LessonNext));
    assert_eq!(key_action("PageDown", true), Some(Action::LessonNext));
    assert_eq!(key_action("ArrowLeft", true), Some(Action::LessonPrev));
    assert_eq!(key_action("PageUp", true), Some(Action::LessonPrev));
    assert_eq!(key_action("Escape", true), Some(Action::CloseLesson));
    assert_eq!(key_action(".", true), Some(Action::Step), "the run still steps");
    assert_eq!(key_action("ArrowRight", false), Some(Action::Step));
    assert_eq!(key_action("PageDown", false), None);
    assert_eq!(key_action("Escape", false), Some(Action::LeavePresenter), "not a lesson key");
}

#[test]
fn every_highlight_name_parses_and_a_chart_is_focused() {
    for name in HIGHLIGHTS.split(", ") {
        assert!(Highlight::parse(name).is_some(), "{name}");
    }
    assert_eq!(
        Highlight::parse("chart.partition-lag"),
        Some(Highlight::Chart(crate::model::charts::ChartKind::PartitionLag))
    );
    assert_eq!(Highlight::parse("chart."), None);
    let s = reduce(&opened(0), Action::LessonNext);
    assert_eq!(
        s.focus_chart,
        crate::model::charts::ChartKind::Lag,
        "a stage highlight leaves the chart"
    );
}

#[test]
fn a_stage_frame_surrounds_its_region() {
    let c = Cluster::new(preset("quickstart").unwrap());
    let l = crate::model::layout::Layout::new(&c, 900.0, 500.0);
    let f = l.region(StageRegion::Producers).unwrap();
    for p in &l.producers {
        assert!(f.x <= p.x && f.y <= p.y && f.right() >= p.right() && f.y + f.h >= p.y + p.h);
    }
    let f = l.region(StageRegion::Consumers).unwrap();
    assert!(f.x >= 0.0 && f.right() <= 900.0 && f.y + f.h <= 500.0, "inside the canvas: {f:?}");
}

/// Every step of every shipped lesson opens: its replay reaches the step's moment (each
/// condition before it happens, before the time limit) and its `try` command passes the
/// engine's gate there.
#[test]
fn every_step_of_every_lesson_opens_and_its_command_is_accepted() {
    for (name, text) in shipped() {
        let lesson = Rc::new(Lesson::from_json(&text).unwrap());
        for k in 0..lesson.steps.len() {
            let s = State::new(&Params { play: false, ..Params::default() });
            let s = reduce(&s, Action::OpenLesson(lesson.clone(), k));
            let sim = engine_of(&s);
            let now = sim.cluster.now_us();
            assert!(now < LESSON_TIME_MS_MAX * 1000, "{name} step {}: replay hit the limit", k + 1);
            if let Some(t) = &lesson.steps[k].try_command {
                sim.cluster
                    .check_command(&t.command.command)
                    .unwrap_or_else(|e| panic!("{name} step {}: {e}", k + 1));
            }
        }
    }
}

/// The example in docs/lessons.md is a valid lesson.
#[test]
fn the_documented_example_is_valid() {
    let doc = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/lessons.md"),
    )
    .unwrap();
    let start = doc.find("```json\n").expect("an example") + "```json\n".len();
    let end = start + doc[start..].find("```").unwrap();
    Lesson::from_json(&doc[start..end]).unwrap_or_else(|e| panic!("{e:#?}"));
}

fn shipped_lesson(name: &str) -> Rc<Lesson> {
    let text = std::fs::read_to_string(lesson_dir().join(format!("{name}.json"))).unwrap();
    Rc::new(Lesson::from_json(&text).unwrap())
}

/// Peak shaving's comparison step shows the run without a queue beside the queued run, caught
/// up with it; the next step, which does not ask, closes it, unless the learner opened it.
#[test]
fn a_without_queue_step_shows_the_direct_run_and_a_later_step_closes_it() {
    let lesson = shipped_lesson("peak-shaving");
    let k = lesson.steps.iter().position(|s| s.without_queue).expect("a comparison step");
    let s = State::new(&Params { play: false, ..Params::default() });
    let s = reduce(&s, Action::OpenLesson(lesson, k));
    assert!(s.without_queue_shown() && !s.show_without_queue, "the step shows it");
    let mut sim = engine_of(&s);
    let d = sim.direct.as_ref().expect("shown");
    assert_eq!(d.now_us(), sim.cluster.now_us(), "caught up with the replay");
    // The same claim as the engine's direct_call test, at the step's moment (the spike).
    let v = crate::model::without_queue::without_queue(d, &sim.cluster);
    assert!(v.failed + v.timed_out > 0, "{v:?}");
    assert_eq!(v.queue_lost, 0, "{v:?}");
    let next = reduce(&s, Action::LessonNext);
    follow(&mut sim, &next, 0.0);
    assert!(sim.direct.is_none(), "closed by the next step");
    let own = reduce(&reduce(&s, Action::ShowWithoutQueue(true)), Action::LessonNext);
    assert!(own.without_queue_shown(), "the learner's own stays");
    assert!(!reduce(&s, Action::CloseLesson).without_queue_shown(), "closed with the lesson");
}

/// Point-to-point's follow step traces the next record once the step's moment is reached
/// (not during the replay): one member of each group processes it, and every group does.
/// Kafka's rule (documentation, "Introduction", consumers): "each record published to a topic
/// is delivered to one consumer instance within each subscribing consumer group". The next
/// step, which follows nothing, stops following.
#[test]
fn a_follow_step_traces_one_record_to_one_member_of_each_group() {
    let lesson = shipped_lesson("point-to-point");
    let k = lesson.steps.iter().position(|s| s.follow.is_some()).expect("a follow step");
    let s = State::new(&Params { play: false, ..Params::default() });
    let s = reduce(&s, Action::OpenLesson(lesson, k));
    let mut sim = engine_of(&s);
    assert!(sim.cluster.followed().is_none(), "not during the replay");
    follow(&mut sim, &s, 0.0);
    let at_ms = sim.cluster.now_us() / 1000;
    sim.run_until_ms(at_ms + 2_000);
    let f = sim.cluster.followed().expect("followed once the replay is done");
    let record = f.record.expect("a record was written");
    let by: Vec<_> = f.processed_by().collect();
    let groups = sim.cluster.groups().len();
    assert!(groups >= 2, "several groups subscribe");
    for g in 0..groups {
        let n = by
            .iter()
            .filter(|(r, _)| r.kind == brook_engine::ReaderKind::Group && r.index as usize == g);
        assert_eq!(n.count(), 1, "group {g}: one member processed it: {by:?}");
    }
    assert_eq!(by.len(), groups, "{by:?}");
    // Once per step: the same record while the step stays.
    follow(&mut sim, &s, 0.0);
    assert_eq!(sim.cluster.followed().and_then(|f| f.record), Some(record));
    follow(&mut sim, &reduce(&s, Action::LessonNext), 0.0);
    assert!(sim.cluster.followed().is_none(), "the next step stops following");
}
