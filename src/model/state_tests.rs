use brook_engine::{preset, Command};

use super::*;
use crate::model::charts::ChartKind;
use crate::model::i18n::Lang;
use crate::model::layout::Selection;
use crate::model::params::parse_query;

fn paused(preset_name: &str) -> State {
    let (params, errors) = parse_query(&format!("preset={preset_name}&seed=7&play=0"));
    assert!(errors.is_empty(), "{errors:?}");
    State::new(&params)
}

fn run(s: &State, actions: impl IntoIterator<Item = Action>) -> State {
    actions.into_iter().fold(s.clone(), |s, a| reduce(&s, a))
}

#[test]
fn play_speed_and_keys() {
    let s = paused("quickstart");
    let s = run(&s, [Action::TogglePlay, Action::SetSpeed(1e9)]);
    assert!(s.playing);
    assert_eq!(s.speed, SPEED_MAX, "clamped");
    let s = run(&s, [Action::Slower, Action::Slower]);
    assert_eq!(s.speed, SPEED_MAX / 4.0);
    let s = run(&s, [Action::SetSpeed(0.15), Action::Slower]);
    assert_eq!(s.speed, SPEED_MIN, "clamped below too");
    assert_eq!(key_action(" ", false), Some(Action::TogglePlay));
    assert_eq!(key_action("=", false), Some(Action::Faster));
    assert_eq!(key_action("r", false), Some(Action::Reset));
    assert_eq!(key_action("x", false), None);
}

#[test]
fn step_counts_only_while_paused() {
    let s = run(&paused("quickstart"), [Action::Step, Action::Step]);
    assert_eq!(s.steps, 2);
    let s = run(&s, [Action::TogglePlay, Action::Step]);
    assert_eq!(s.steps, 2, "a step while playing does nothing");
}

#[test]
fn a_bad_seed_is_named_and_keeps_the_run() {
    let s = run(&paused("quickstart"), [Action::EditSeed("12x".into())]);
    let why = s.seed_error.as_ref().unwrap();
    assert!(why.render(Lang::En).starts_with("seed: \"12x\""));
    assert!(why.render(Lang::ZhTw).starts_with("seed：「12x」"));
    let after = run(&s, [Action::Reset, Action::ChoosePreset("peak-shaving".into())]);
    assert_eq!((after.run, &after.source), (s.run, &s.source), "no restart");
    let s = run(&after, [Action::EditSeed("42".into()), Action::ChoosePreset("stress".into())]);
    assert_eq!((s.run, s.seed, s.seed_error.clone()), (1, 42, None));
    assert_eq!(s.source, Source::Preset("stress".into()));
}

#[test]
fn a_restart_resets_what_a_fresh_engine_would() {
    let s = run(
        &paused("quickstart"),
        [Action::Step, Action::SetSpeed(4.0), Action::ColourByKey(true), Action::LagGroup(1)],
    );
    let r = reduce(&s, Action::Reset);
    // The speed and colours are how the run is watched: a reset keeps them (issue 10).
    assert_eq!((r.run, r.steps, r.speed, r.colour_by_key, r.lag_group), (1, 0, 4.0, true, 0));
    assert!(!r.playing, "play state is kept");
}

#[test]
fn import_starts_the_file_or_says_why_not() {
    let s = paused("quickstart");
    let bad = reduce(&s, Action::Import { file_name: "b.json".into(), text: "{".into() });
    assert!(bad.import_error.as_ref().unwrap().render(Lang::En).starts_with("b.json: "));
    assert_eq!(bad.run, s.run, "the run is kept");
    let mut file = preset("peak-shaving").unwrap();
    file.seed = 9;
    let text = file.to_json();
    let ok = reduce(&bad, Action::Import { file_name: "a.json".into(), text });
    assert_eq!((ok.run, ok.seed, ok.seed_text.as_str()), (1, 9, "9"));
    assert_eq!(ok.import_error, None);
    assert_eq!(ok.imported_name().as_deref(), Some("peak-shaving"));
}

#[test]
fn the_engine_follows_the_state() {
    let s = paused("quickstart");
    let mut sim = s.new_sim();
    let s = run(&s, [Action::Step, Action::Step, Action::SetSpeed(3.0)]);
    assert!(!follow(&mut sim, &s, 0.0));
    assert_eq!(sim.cluster.now_us(), 2 * STEP_US as u64);
    assert_eq!(sim.speed, 3.0);
    assert!(!follow(&mut sim, &s, 0.0));
    assert_eq!(sim.cluster.now_us(), 2 * STEP_US as u64, "steps run once");
    let s = run(&s, [Action::EditSeed("5".into()), Action::Reset]);
    assert!(follow(&mut sim, &s, 0.0), "a new engine");
    assert_eq!((sim.cluster.now_us(), sim.cluster.scenario().seed), (0, 5));
    let s = run(&s, [Action::Step, Action::TogglePlay]);
    follow(&mut sim, &s, 0.0);
    assert_eq!(sim.cluster.now_us(), STEP_US as u64);
    assert!(sim.playing);
}

#[test]
fn commands_and_refreshes_only_ask_for_a_new_look() {
    let s = paused("quickstart");
    let c = reduce(&s, Action::Command(Command::AddBroker));
    assert_eq!(c, State { refreshes: 1, ..s.clone() });
    assert_eq!(reduce(&c, Action::Refresh).refreshes, 2);
}

#[test]
fn the_language_is_the_urls_then_the_switchs_and_the_engine_follows() {
    let (params, _) = parse_query("lang=zh-TW&play=0");
    let s = State::new(&params);
    assert_eq!(s.lang, Lang::ZhTw);
    let mut sim = s.new_sim();
    assert_eq!(sim.lang, Lang::ZhTw, "the stage is drawn in it");
    let s = reduce(&s, Action::SetLang(Lang::En));
    assert!(!follow(&mut sim, &s, 0.0), "no restart");
    assert_eq!(sim.lang, Lang::En);
    // A preset is described in the page's language; an imported file in its own words.
    let zh = State { lang: Lang::ZhTw, ..s.clone() };
    let running = sim.cluster.scenario().clone();
    assert_eq!(s.description(&running), running.description);
    assert!(zh.description(&running).starts_with("兩個生產者"));
    let mut own = running.clone();
    own.description = "my own words".into();
    let text = own.to_json();
    let imported = reduce(&zh, Action::Import { file_name: "a.json".into(), text });
    assert_eq!(imported.description(&own), "my own words");
}

#[test]
fn reset_restarts_the_run_but_keeps_the_speed_and_colours() {
    let s = run(&paused("quickstart"), [Action::SetSpeed(8.0), Action::ColourByKey(true)]);
    let s = run(&s, [Action::Step, Action::Reset]);
    assert_eq!((s.steps, s.speed, s.colour_by_key), (0, 8.0, true));
    let s = run(&s, [Action::ChoosePreset("peak-shaving".into())]);
    assert_eq!(s.speed, 1.0, "a new preset starts at its own pace");
}

/// The inspector's title after `s` has been followed by the engine, if it is open.
fn inspector_title(s: &State, sim: &mut Sim) -> Option<String> {
    follow(sim, s, 0.0);
    s.inspector(sim).map(|(_, v)| v.title)
}

#[test]
fn the_inspector_follows_its_thing_not_its_slot_across_restarts() {
    // Producer 0 is "checkout" in the quickstart and "web" in log-collection (issue 10: the
    // inspector said "checkout" became "web").
    let s = paused("quickstart");
    let mut sim = s.new_sim();
    let open = select(&sim.cluster, Selection::Producer(0), Lang::En);
    let s = reduce(&s, Action::Select(open));
    assert_eq!(inspector_title(&s, &mut sim).as_deref(), Some("Producer checkout"));
    // A reset: the same scenario, so the same producer, with fresh figures.
    let s = reduce(&s, Action::Reset);
    assert_eq!(inspector_title(&s, &mut sim).as_deref(), Some("Producer checkout"));
    // Another preset without a "checkout": never another producer under the old slot.
    let s = reduce(&s, Action::ChoosePreset("log-collection".into()));
    assert_eq!(inspector_title(&s, &mut sim), None, "closed, not 'Producer web'");
    // The same goes for a reader and a partition: by name, wherever they now sit.
    let s = reduce(&s, Action::ChoosePreset("quickstart".into()));
    follow(&mut sim, &s, 0.0);
    let open = select(&sim.cluster, Selection::Set(0), Lang::En);
    let s = reduce(&s, Action::Select(open));
    let s = reduce(&s, Action::ChoosePreset("log-collection".into()));
    assert_eq!(inspector_title(&s, &mut sim), None, "'billing' is not in log-collection");
}

#[test]
fn the_inspector_follows_its_thing_when_another_one_goes() {
    // Within a run: a reader removed before the one inspected moves it up a slot.
    let s = paused("log-collection");
    let mut sim = s.new_sim();
    let open = select(&sim.cluster, Selection::Set(1), Lang::En);
    let s = reduce(&s, Action::Select(open));
    let before = inspector_title(&s, &mut sim).expect("open");
    let first = sim.cluster.readers().next().unwrap().name().to_string();
    sim.cluster.command(Command::RemoveReader { name: first }).unwrap();
    let s = reduce(&s, Action::Step);
    assert_eq!(inspector_title(&s, &mut sim), Some(before));
}

#[test]
fn refusals_go_with_their_cause_and_a_restart_clears_them() {
    // Issue 10: notices that outlive their cause. A refused import is about that file: a
    // restart (another preset, a reset) starts something else, so it goes.
    let s = paused("quickstart");
    let bad = reduce(&s, Action::Import { file_name: "b.json".into(), text: "{".into() });
    assert!(bad.import_error.is_some());
    assert_eq!(reduce(&bad, Action::Reset).import_error, None, "a reset clears it");
    let other = reduce(&bad, Action::ChoosePreset("peak-shaving".into()));
    assert_eq!(other.import_error, None, "another preset clears it");
    // A refused seed is about the typed text: it goes when the text is fixed.
    let typed = reduce(&s, Action::EditSeed("x".into()));
    assert!(typed.seed_error.is_some());
    assert_eq!(reduce(&typed, Action::EditSeed("3".into())).seed_error, None);
    // Ignored URL parameters are about the address the page opened with: they are said until
    // the user starts something else.
    let (params, errors) = parse_query("preset=nope&play=0");
    assert!(!errors.is_empty());
    let s = State::new(&params);
    assert!(s.url_errors_shown());
    assert!(!reduce(&s, Action::ChoosePreset("quickstart".into())).url_errors_shown());
    assert!(!reduce(&s, Action::Reset).url_errors_shown());
}

#[test]
fn a_preset_opens_on_its_telling_chart_until_the_user_chooses_one() {
    // Opened by its link, or chosen from the menu, a preset brings its own chart.
    assert_eq!(paused("hot-key-skew").focus_chart, ChartKind::PartitionLag);
    let s = paused("peak-shaving");
    assert_eq!(s.focus_chart, ChartKind::Flow);
    let s = run(&s, [Action::ChoosePreset("spike-beyond-capacity".into())]);
    assert_eq!(s.focus_chart, ChartKind::RequestTime);
    // A seed that does not parse leaves the run, and its chart, as they were.
    let bad = run(&s, [Action::EditSeed("x".into()), Action::ChoosePreset("quickstart".into())]);
    assert!(bad.seed_error.is_some());
    assert_eq!(bad.focus_chart, ChartKind::RequestTime);
    // A lesson step's chart is the lesson's choice, not the user's: the next preset still
    // brings its own.
    let mut lesson_chart = s.clone();
    lesson_chart.focus_chart = ChartKind::Lag;
    assert!(!lesson_chart.chart_chosen);
    let s = run(&lesson_chart, [Action::ChoosePreset("broker-failure-acks".into())]);
    assert_eq!(s.focus_chart, ChartKind::Faults);
    // Once the user clicks a chart's title, presets keep it.
    let s = run(&s, [Action::FocusChart(ChartKind::Latency)]);
    let s = run(&s, [Action::ChoosePreset("hot-key-skew".into())]);
    assert_eq!(s.focus_chart, ChartKind::Latency);
}

#[test]
fn the_focus_chart_and_presenter_mode_are_ui_state_a_restart_keeps() {
    let s = paused("peak-shaving");
    assert_eq!((s.focus_chart, s.presenter), (ChartKind::Flow, false));
    let s = run(&s, [Action::FocusChart(ChartKind::Lag), key_action("p", false).unwrap()]);
    assert_eq!((s.focus_chart, s.presenter), (ChartKind::Lag, true));
    // How the run is watched, chosen by the user: a reset or another preset keeps it.
    let s = run(&s, [Action::Reset, Action::ChoosePreset("hot-key-skew".into())]);
    assert_eq!((s.focus_chart, s.presenter), (ChartKind::Lag, true));
    let mut sim = s.new_sim();
    follow(&mut sim, &s, 0.0);
    assert!(sim.presenter, "the stage draws the simpler layer");
    // `p` again, or Escape, leaves it; Escape outside presenter mode changes nothing.
    assert!(!run(&s, [key_action("p", false).unwrap()]).presenter);
    let out = run(&s, [key_action("Escape", false).unwrap()]);
    assert!(!out.presenter);
    assert_eq!(run(&out, [key_action("Escape", false).unwrap()]), out);
}
