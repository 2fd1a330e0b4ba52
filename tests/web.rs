//! Components rendered in real headless Chromium (wasm-bindgen-test), and the engine's
//! determinism across targets: the trace hash here must equal the native one.
#![cfg(target_arch = "wasm32")]

use std::time::Duration;

use brook_engine::{preset, Cluster, PRESETS};
use brook_ui::model::i18n::Lang;
use brook_ui::model::sim::{GroupStats, Stats};
use brook_ui::model::state::Action;
use brook_ui::model::targets::targets_of;
use brook_ui::view::app::App;
use brook_ui::view::components::{
    Actions, ActionsProps, Controls, ControlsProps, Counters, CountersProps, ImportExport,
    ImportExportProps,
};
use wasm_bindgen_test::*;
use web_sys::Element;
use yew::prelude::*;

wasm_bindgen_test_configure!(run_in_browser);

fn fresh_root() -> Element {
    let doc = web_sys::window().unwrap().document().unwrap();
    let root = doc.create_element("div").unwrap();
    doc.body().unwrap().append_child(&root).unwrap();
    root
}

/// Tries before [`wait_for`] gives up; each flushes Yew's scheduler and yields for at most
/// [`TRY_MS`], so a wait is bounded by about three seconds.
const TRIES: u32 = 300;
/// Longest pause between two tries, ms.
const TRY_MS: u64 = 10;

/// Waits until `ok()` holds, flushing Yew's pending renders before each check; fails the test
/// naming `what` if it never does.
async fn wait_for(what: &str, ok: impl Fn() -> bool) {
    for _ in 0..TRIES {
        yew::scheduler::flush().await;
        if ok() {
            return;
        }
        yew::platform::time::sleep(Duration::from_millis(TRY_MS)).await;
    }
    panic!("gave up waiting for {what}");
}

fn find(root: &Element, selector: &str) -> Option<Element> {
    root.query_selector(selector).unwrap()
}

fn has(root: &Element, testid: &str) -> bool {
    find(root, &format!("[data-testid={testid}]")).is_some()
}

fn text_of(root: &Element, testid: &str) -> String {
    root.query_selector(&format!("[data-testid={testid}]"))
        .unwrap()
        .unwrap_or_else(|| panic!("no element {testid}"))
        .text_content()
        .unwrap_or_default()
}

#[wasm_bindgen_test]
async fn counters_show_the_snapshot() {
    let root = fresh_root();
    let stats = Stats {
        virtual_ms: 2_500,
        acked: 1234,
        groups: vec![GroupStats {
            name: "billing".into(),
            kind: brook_engine::ReaderKind::Group,
            consumed: 1200,
            lag: 34,
            unread: 30,
            uncommitted: 4,
            empty_polls: Some(7),
            recent_ms: Some((12.0, 40.0)),
            run_ms: Some((15.0, 900.0)),
            members: 3,
            idle: 1,
            rebalancing: false,
            skipped_by_reset: 40,
            awaiting_latest: false,
            // 2 members at 1 ms a record: μ 2,000/s; λ 1,500/s, so ρ 0.75 and 34 records
            // drain at 500/s in 0.068 s.
            queue: Some(brook_ui::model::queueing::Queueing {
                arrival_per_sec: 1_500.0,
                workers: 2,
                capacity_per_sec: 2_000.0,
                wait_ms: Some(12.0),
                backlog_records: 34,
                caveat: None,
            }),
        }],
        duplicates: 5,
        saturated_brokers: vec![0, 2],
        ..Stats::default()
    };
    let props = CountersProps { stats: stats.clone(), lang: Lang::En };
    yew::Renderer::<Counters>::with_root_and_props(root.clone(), props).render();
    wait_for("the counters", || has(&root, "virtual-time")).await;
    assert_eq!(text_of(&root, "virtual-time"), "2.5 s");
    assert_eq!(text_of(&root, "produced"), "1234");
    assert_eq!(text_of(&root, "lag"), "34");
    assert_eq!(text_of(&root, "unread"), "30");
    assert_eq!(text_of(&root, "uncommitted"), "4");
    assert_eq!(text_of(&root, "q-rho"), "0.75");
    assert_eq!(
        text_of(&root, "q-drain"),
        "the backlog drains in about 0.1 s (μ − λ = 500 records/s)"
    );
    assert_eq!(text_of(&root, "empty-polls"), "7");
    assert_eq!(text_of(&root, "latency"), "12 / 40 ms");
    assert_eq!(text_of(&root, "faults"), "5 / 0 / 0");
    let row = text_of(&root, "group-row");
    assert!(row.contains("billing") && row.contains("(1 idle)"), "{row}");
    // The notes under the table: the records auto.offset.reset skipped, the brokers that hold
    // records back; one topic, so the produced figure names none.
    assert!(text_of(&root, "reset-note").starts_with("billing skipped 40: "));
    assert!(text_of(&root, "brokers-note").starts_with("Saturated brokers (0, 2): "));
    let label = root.query_selector(".counters .figure:nth-child(2) .label").unwrap().unwrap();
    let label = label.text_content().unwrap_or_default();
    assert!(label.starts_with("Produced, acknowledgedRecords"), "{label}"); // then its definition

    // The same snapshot in Traditional Chinese: labels and units, not the figures, change.
    let zh = fresh_root();
    let props = CountersProps { stats, lang: Lang::ZhTw };
    yew::Renderer::<Counters>::with_root_and_props(zh.clone(), props).render();
    wait_for("the counters in zh-TW", || has(&zh, "virtual-time")).await;
    assert_eq!(text_of(&zh, "virtual-time"), "2.5 秒");
    assert_eq!(text_of(&zh, "produced"), "1234");
    let row = text_of(&zh, "group-row");
    assert!(row.contains("消費者群組（拉取）") && row.contains("（1 個閒置）"), "{row}");
}

fn controls_props(playing: bool, seed_error: Option<String>) -> ControlsProps {
    ControlsProps {
        playing,
        speed: 2.0,
        kept_speed: None,
        seed: "7".into(),
        seed_error,
        preset: "peak-shaving".into(),
        imported: None,
        lesson_open: false,
        dispatch: Callback::noop(),
        lang: Lang::En,
    }
}

#[wasm_bindgen_test]
async fn controls_reflect_state_and_show_seed_errors() {
    let root = fresh_root();
    let props = controls_props(true, Some("seed: \"x\" is not a whole number".into()));
    yew::Renderer::<Controls>::with_root_and_props(root.clone(), props).render();
    wait_for("the controls", || has(&root, "play")).await;
    assert_eq!(text_of(&root, "play"), "Pause");
    assert_eq!(text_of(&root, "speed-value"), "2\u{00d7}");
    assert!(text_of(&root, "seed-error").starts_with("seed:"));
    let options = root.query_selector_all("[data-testid=preset] option").unwrap();
    assert_eq!(options.length() as usize, PRESETS.len());
    assert!(!has(&root, "pace-short"), "a run that keeps its speed says nothing of it");
    // A run short of the speed asked says the pace it kept, in the page's language.
    let slow = fresh_root();
    let props = ControlsProps { kept_speed: Some(0.214), ..controls_props(true, None) };
    yew::Renderer::<Controls>::with_root_and_props(slow.clone(), props).render();
    wait_for("the pace", || has(&slow, "pace-short")).await;
    assert_eq!(
        text_of(&slow, "pace-short"),
        "running at 0.21\u{00d7}: the simulation cannot keep up"
    );
    let zh = fresh_root();
    let props =
        ControlsProps { kept_speed: Some(0.214), lang: Lang::ZhTw, ..controls_props(true, None) };
    yew::Renderer::<Controls>::with_root_and_props(zh.clone(), props).render();
    wait_for("the pace in zh-TW", || has(&zh, "pace-short")).await;
    assert_eq!(text_of(&zh, "pace-short"), "實際 0.21\u{00d7}：模擬跟不上");
}

#[wasm_bindgen_test]
async fn controls_dispatch_their_actions() {
    let root = fresh_root();
    let sent = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
    let mut props = controls_props(false, None);
    let s = sent.clone();
    props.dispatch = Callback::from(move |a| s.borrow_mut().push(a));
    yew::Renderer::<Controls>::with_root_and_props(root.clone(), props).render();
    wait_for("the controls", || has(&root, "play")).await;
    assert_eq!(text_of(&root, "play"), "Play");
    click(&root, "play");
    click(&root, "step");
    click(&root, "reset");
    let preset: web_sys::HtmlSelectElement =
        find(&root, "[data-testid=preset]").unwrap().dyn_into().unwrap();
    preset.set_value("stress");
    preset.dispatch_event(&web_sys::Event::new("change").unwrap()).unwrap();
    assert_eq!(
        *sent.borrow(),
        [Action::TogglePlay, Action::Step, Action::Reset, Action::ChoosePreset("stress".into())]
    );
    assert!(!has(&root, "seed-error"));
}

fn click(root: &Element, testid: &str) {
    let b: web_sys::HtmlElement = find(root, &format!("[data-testid={testid}]"))
        .unwrap_or_else(|| panic!("no button {testid}"))
        .dyn_into()
        .unwrap();
    b.click();
}

/// Chooses `value` in the select `testid`, as a user would (a change event follows).
fn choose(root: &Element, testid: &str, value: &str) {
    let select: web_sys::HtmlSelectElement =
        find(root, &format!("[data-testid={testid}]")).unwrap().dyn_into().unwrap();
    select.set_value(value);
    assert_eq!(select.value(), value, "{testid} offers {value}");
    select.dispatch_event(&web_sys::Event::new("change").unwrap()).unwrap();
}

#[wasm_bindgen_test]
async fn app_mounts_with_a_canvas_and_every_preset() {
    let root = fresh_root();
    yew::Renderer::<App>::with_root(root.clone()).render();
    wait_for("the app", || has(&root, "description")).await;
    for name in PRESETS {
        choose(&root, "preset", name);
        let described = preset(name).unwrap().description;
        wait_for(&format!("{name}'s description"), || text_of(&root, "description") == described)
            .await;
        let select: web_sys::HtmlSelectElement =
            find(&root, "[data-testid=preset]").unwrap().dyn_into().unwrap();
        assert_eq!(select.value(), *name, "the preset shown is the one running");
        assert!(find(&root, "canvas[data-testid=stage]").is_some(), "{name}: a stage");
        assert!(find(&root, "[role=alert]").is_none(), "{name}: no error banner");
        // The stage lists this preset's readers: one row each in the figures table.
        let rows = root.query_selector_all("[data-testid=group-row]").unwrap().length() as usize;
        assert_eq!(rows, Cluster::new(preset(name).unwrap()).readers().count(), "{name}");
    }
}

#[wasm_bindgen_test]
async fn app_actions_change_the_engine_as_the_buttons_say() {
    let root = fresh_root();
    yew::Renderer::<App>::with_root(root.clone()).render();
    wait_for("the app", || has(&root, "play")).await;
    if text_of(&root, "play") == "Pause" {
        click(&root, "play");
    }
    choose(&root, "preset", "broker-failure-acks");
    let members = || {
        let cell = find(&root, "[data-testid=group-row] td:nth-child(3)").unwrap();
        cell.text_content().unwrap_or_default()
    };
    wait_for("the preset's group", || members().starts_with('3')).await;
    click(&root, "add-member");
    click(&root, "step");
    wait_for("a fourth member", || members().starts_with('4')).await;
    click(&root, "remove-member");
    click(&root, "step");
    wait_for("back to three members", || members().starts_with('3')).await;
}

#[wasm_bindgen_test]
async fn import_errors_are_shown_with_the_field() {
    let root = fresh_root();
    let error =
        brook_ui::model::scenario_io::parse_import("bad.json", r#"{"version": 2}"#).unwrap_err();
    let props = ImportExportProps {
        on_import: Callback::noop(),
        on_refused: Callback::noop(),
        on_export: Callback::noop(),
        on_csv: Callback::noop(),
        error: Some(error.render(Lang::En)),
        lang: Lang::En,
    };
    yew::Renderer::<ImportExport>::with_root_and_props(root.clone(), props).render();
    wait_for("the import error", || has(&root, "import-error")).await;
    let shown = text_of(&root, "import-error");
    assert!(shown.starts_with("bad.json: "), "{shown}");
    assert!(shown.contains("the current scenario is kept"), "{shown}");
}

/// The actions toolbar over a real cluster of `preset_name`: clicks queue commands on it.
async fn mount_actions(preset_name: &str) -> (Element, std::rc::Rc<std::cell::RefCell<Cluster>>) {
    let root = fresh_root();
    let mut c = Cluster::new(preset(preset_name).unwrap());
    c.run_until(1_000_000);
    let targets = targets_of(&c);
    let cluster = std::rc::Rc::new(std::cell::RefCell::new(c));
    let queue = cluster.clone();
    let props = ActionsProps {
        targets,
        on_command: Callback::from(move |cmd| queue.borrow_mut().command(cmd).unwrap()),
        notice: Some("no group named \"x\"".into()),
        lang: Lang::En,
    };
    yew::Renderer::<Actions>::with_root_and_props(root.clone(), props).render();
    wait_for("the actions", || has(&root, "add-reader")).await;
    (root, cluster)
}

#[wasm_bindgen_test]
async fn actions_change_the_engine_as_their_buttons_say() {
    let (root, cluster) = mount_actions("broker-failure-acks").await;
    let (members, readers, rate) = {
        let c = cluster.borrow();
        (
            c.groups()[0].members.len(),
            c.readers().count(),
            c.producers()[0].current_rate(c.now_us()),
        )
    };
    // The toolbar was drawn with three brokers: it offers to remove broker 2, whose replicas
    // have nowhere else to go, and the engine says so about broker 2.
    assert_eq!(text_of(&root, "remove-broker"), "Remove broker 2");
    click(&root, "remove-broker");
    cluster.borrow_mut().step();
    let refused = cluster.borrow().notices().last().cloned().unwrap_or_default();
    assert!(refused.contains("on broker 2"), "{refused}");
    let brokers = cluster.borrow().brokers().len();
    for id in ["add-member", "spike", "add-reader", "add-broker"] {
        click(&root, id);
    }
    let mut c = cluster.borrow_mut();
    c.step();
    assert_eq!(c.groups()[0].members.len(), members + 1, "add consumer adds a member");
    assert!(c.producers()[0].current_rate(c.now_us()) > rate, "spike raises the rate");
    assert_eq!(c.readers().count(), readers + 1, "add reader adds a reader");
    assert_eq!(c.brokers().len(), brokers + 1, "add broker adds one");
    drop(c);
    click(&root, "crash-broker");
    let mut c = cluster.borrow_mut();
    c.step();
    assert!(!c.brokers()[0].alive, "crash broker crashes the chosen broker (0)");
    drop(c);
    click(&root, "remove-producer");
    cluster.borrow_mut().step();
    assert!(cluster.borrow().producers()[0].closed, "remove producer closes it");
    assert!(text_of(&root, "notice").contains("no group"));
}

#[wasm_bindgen_test]
async fn share_groups_are_crashed_and_restarted_but_not_resized() {
    let (root, cluster) = mount_actions("share-group-queue").await;
    let share = cluster.borrow().share_groups()[0].spec.name.clone();
    assert!(has(&root, "add-member"), "the consumer group comes first and can grow");
    choose(&root, "action-group", &share);
    wait_for("the share group's buttons", || !has(&root, "add-member")).await;
    assert!(!has(&root, "remove-member"));
    choose(&root, "action-member", "#1");
    wait_for("member #1 chosen", || {
        find(&root, "[data-testid=action-member]")
            .and_then(|e| e.dyn_into::<web_sys::HtmlSelectElement>().ok())
            .is_some_and(|s| s.value() == "#1")
    })
    .await;
    click(&root, "crash-member");
    let mut c = cluster.borrow_mut();
    c.step();
    assert!(c.share_groups()[0].members[1].crashed, "crash crashes the chosen share member");
    drop(c);
    click(&root, "restart-member");
    let mut c = cluster.borrow_mut();
    c.step();
    assert!(!c.share_groups()[0].members[1].crashed, "restart brings it back");
}

#[wasm_bindgen_test]
async fn a_new_reader_starts_where_the_learner_chose() {
    use brook_engine::OffsetReset;
    use brook_ui::model::targets::{start_label, READER_KINDS};
    let (root, cluster) = mount_actions("quickstart").await;
    let select = |id: &str| {
        find(&root, &format!("[data-testid={id}]"))
            .and_then(|e| e.dyn_into::<web_sys::HtmlSelectElement>().ok())
    };
    let latest = Lang::En.t(start_label(OffsetReset::Latest));
    assert_eq!(select("reader-start").unwrap().value(), latest, "Kafka's default first");
    let earliest = Lang::En.t(start_label(OffsetReset::Earliest));
    choose(&root, "reader-start", earliest);
    wait_for("earliest chosen", || select("reader-start").is_some_and(|s| s.value() == earliest))
        .await;
    click(&root, "add-reader");
    cluster.borrow_mut().step();
    let added = cluster.borrow().groups().last().unwrap().spec.auto_offset_reset;
    assert_eq!(added, OffsetReset::Earliest, "the group starts where chosen");
    choose(&root, "reader-kind", Lang::En.t(READER_KINDS[2]));
    wait_for("no start for a push subscription", || !has(&root, "reader-start")).await;
}

type Sent = std::rc::Rc<std::cell::RefCell<Vec<brook_engine::Command>>>;

/// The inspector of `cluster`'s first producer, checking commands against its scenario, and
/// the commands it sends.
async fn mount_producer_inspector(cluster: &Cluster) -> (Element, Sent) {
    use brook_ui::model::inspect::inspect;
    use brook_ui::model::layout::Selection;
    use brook_ui::view::components::{Inspector, InspectorProps};
    let root = fresh_root();
    let view = inspect(cluster, Selection::Producer(0), Lang::En).unwrap();
    let scenario = cluster.scenario().clone();
    let sent = Sent::default();
    let s = sent.clone();
    let props = InspectorProps {
        view,
        validate: Callback::from(move |c: brook_engine::Command| {
            scenario.validate_command(&c).err().map(|e| e[0].to_string())
        }),
        on_command: Callback::from(move |c| s.borrow_mut().push(c)),
        on_close: Callback::noop(),
        lang: Lang::En,
    };
    yew::Renderer::<Inspector>::with_root_and_props(root.clone(), props).render();
    wait_for("the inspector's first values", || {
        find(&root, "[data-testid=field-linger]")
            .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
            .is_some_and(|i| !i.value().is_empty())
    })
    .await;
    (root, sent)
}

#[wasm_bindgen_test]
async fn inspector_refuses_a_value_past_the_limit_and_sends_a_good_one() {
    let (root, sent) = mount_producer_inspector(&Cluster::new(preset("quickstart").unwrap())).await;
    let rate: web_sys::HtmlInputElement =
        root.query_selector("[data-testid=field-rate]").unwrap().unwrap().dyn_into().unwrap();
    assert_eq!(rate.value(), "400", "the form opens with the current value");
    let apply: web_sys::HtmlElement =
        root.query_selector("[data-testid=apply]").unwrap().unwrap().dyn_into().unwrap();
    rate.set_value("200000000");
    apply.click();
    wait_for("the refusal", || has(&root, "inspector-error")).await;
    assert_eq!(
        text_of(&root, "inspector-error"),
        "command.rate_per_sec: 2e8 exceeds the limit 1e8"
    );
    assert!(sent.borrow().is_empty(), "nothing refused is sent");
    rate.set_value("120");
    apply.click();
    wait_for("the command", || !sent.borrow().is_empty()).await;
    let sent = sent.borrow();
    assert!(
        matches!(&sent[0], brook_engine::Command::ConfigureProducer { rate_per_sec: Some(r), .. } if *r == 120.0)
    );
}

#[wasm_bindgen_test]
async fn inspector_switches_profile_kind_and_sends_the_new_profile_and_keys() {
    use brook_engine::{Command, KeySpec, RateProfile};
    let mut cluster = Cluster::new(preset("quickstart").unwrap());
    cluster.run_until(3_000_000);
    let (root, sent) = mount_producer_inspector(&cluster).await;
    let q = |id: &str| root.query_selector(&format!("[data-testid=field-{id}]")).unwrap();
    assert!(q("start").is_none(), "a constant profile has no start field");
    let choose = |id: &str, value: &str| {
        let select: web_sys::HtmlSelectElement = q(id).unwrap().dyn_into().unwrap();
        select.set_value(value);
        select.dispatch_event(&web_sys::Event::new("change").unwrap()).unwrap();
    };
    choose("profile", "ramp");
    choose("keys", "zipf");
    let filled = |id: &str| {
        q(id)
            .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
            .is_some_and(|i| !i.value().is_empty())
    };
    wait_for("the ramp and Zipf fields", || filled("start") && filled("key-exponent")).await;
    let value = |id: &str| q(id).unwrap().dyn_into::<web_sys::HtmlInputElement>().unwrap().value();
    let kind = |id: &str| q(id).unwrap().dyn_into::<web_sys::HtmlSelectElement>().unwrap().value();
    assert_eq!((kind("profile"), kind("keys")), ("ramp".to_string(), "zipf".to_string()));
    assert_eq!(value("start"), "5000", "a new ramp starts two virtual seconds from now");
    assert_eq!(value("base"), "400");
    assert_eq!(value("key-count"), "100");
    assert_eq!(value("key-exponent"), "1.2");
    let apply: web_sys::HtmlElement =
        root.query_selector("[data-testid=apply]").unwrap().unwrap().dyn_into().unwrap();
    apply.click();
    wait_for("the command", || !sent.borrow().is_empty()).await;
    let sent = sent.borrow();
    let Command::ConfigureProducer { rate_per_sec, profile, keys, .. } = &sent[0] else {
        panic!("{sent:?}")
    };
    assert_eq!(*rate_per_sec, None);
    assert_eq!(
        *profile,
        Some(RateProfile::Ramp {
            from_per_sec: 400.0,
            to_per_sec: 1600.0,
            start_ms: 5_000,
            duration_ms: 10_000
        })
    );
    assert_eq!(*keys, Some(KeySpec::Zipf { count: 100, exponent: 1.2 }));
}

/// Must equal `QUICKSTART_TRACE_HASH` in crates/brook-engine/tests/simulation.rs.
const QUICKSTART_TRACE_HASH: u64 =
    include!("../crates/brook-engine/tests/quickstart_trace_hash.txt");

#[wasm_bindgen_test]
fn engine_is_bit_identical_in_wasm() {
    let mut s = preset("quickstart").unwrap();
    s.seed = 99;
    let mut c = Cluster::new(s);
    c.run_until(5_000_000);
    assert_eq!(c.trace_hash(), QUICKSTART_TRACE_HASH, "wasm hash {:#x}", c.trace_hash());
}

use wasm_bindgen::JsCast;

/// A share link is decompressed at most `SHARE_TEXT_BYTES_MAX` bytes at a time: 6 MB of one
/// letter compress to a few kilobytes (a link of 8,000 characters holds such a bomb), and the
/// stream is cancelled once past the limit rather than inflated whole and refused afterwards.
#[wasm_bindgen_test]
async fn a_share_link_is_inflated_only_up_to_its_limit() {
    use brook_ui::model::i18n::Msg;
    use brook_ui::model::share::SHARE_TEXT_BYTES_MAX;
    use brook_ui::view::share::{compress, deflate_raw, open_link, read_bounded};

    let bomb = compress(&"a".repeat(6_000_000)).await.expect("compresses");
    assert!(bomb.len() < 8_000, "the bomb fits a link: {} bytes", bomb.len());
    let inflate = || deflate_raw("DecompressionStream", &bomb).unwrap();
    assert_eq!(read_bounded(&inflate(), 100_000).await.unwrap(), None, "stops past 100,000");
    let whole = read_bounded(&inflate(), 6_000_000).await.unwrap().expect("exactly the limit");
    assert_eq!(whole.len(), 6_000_000);
    let refused = open_link(&bomb).await.expect_err("a bomb is refused");
    assert_eq!(refused.msg, Msg::ShareTooBig);
    assert_eq!(refused.args.len(), 1, "the message names the limit, {SHARE_TEXT_BYTES_MAX} bytes");
}
