//! Components rendered in real headless Chromium (wasm-bindgen-test), and the engine's
//! determinism across targets: the trace hash here must equal the native one.
#![cfg(target_arch = "wasm32")]

use std::time::Duration;

use brook_engine::{preset, Cluster, PRESETS};
use brook_ui::model::sim::{GroupStats, Stats};
use brook_ui::view::app::App;
use brook_ui::view::components::{
    Actions, ActionsProps, Controls, ControlsProps, Counters, CountersProps, ImportExport,
    ImportExportProps, Targets,
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

async fn settle() {
    yew::platform::time::sleep(Duration::from_millis(30)).await;
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
        produced: 1234,
        consumed: 1200,
        lag: 34,
        groups: vec![GroupStats {
            name: "billing".into(),
            kind: "consumer group (pull)",
            consumed: 1200,
            lag: 34,
            members: 3,
            idle: 1,
            rebalancing: false,
        }],
        duplicates: 5,
        ..Stats::default()
    };
    yew::Renderer::<Counters>::with_root_and_props(root.clone(), CountersProps { stats }).render();
    settle().await;
    assert_eq!(text_of(&root, "virtual-time"), "2.5 s");
    assert_eq!(text_of(&root, "produced"), "1234");
    assert_eq!(text_of(&root, "lag"), "34");
    assert_eq!(text_of(&root, "faults"), "5 / 0 / 0");
    let row = text_of(&root, "group-row");
    assert!(row.contains("billing") && row.contains("(1 idle)"), "{row}");
}

fn controls_props(playing: bool, seed_error: Option<String>) -> ControlsProps {
    ControlsProps {
        playing,
        speed: 2.0,
        seed: "7".into(),
        seed_error,
        preset: "peak-shaving".into(),
        imported: None,
        on_toggle: Callback::noop(),
        on_step: Callback::noop(),
        on_speed: Callback::noop(),
        on_reset: Callback::noop(),
        on_seed: Callback::noop(),
        on_preset: Callback::noop(),
    }
}

#[wasm_bindgen_test]
async fn controls_reflect_state_and_show_seed_errors() {
    let root = fresh_root();
    let props = controls_props(true, Some("seed: \"x\" is not a whole number".into()));
    yew::Renderer::<Controls>::with_root_and_props(root.clone(), props).render();
    settle().await;
    assert_eq!(text_of(&root, "play"), "Pause");
    assert_eq!(text_of(&root, "speed-value"), "2\u{00d7}");
    assert!(text_of(&root, "seed-error").starts_with("seed:"));
    let options = root.query_selector_all("[data-testid=preset] option").unwrap();
    assert_eq!(options.length() as usize, PRESETS.len());
}

#[wasm_bindgen_test]
async fn controls_play_button_emits_toggle() {
    let root = fresh_root();
    let clicks = std::rc::Rc::new(std::cell::Cell::new(0));
    let mut props = controls_props(false, None);
    let c = clicks.clone();
    props.on_toggle = Callback::from(move |_| c.set(c.get() + 1));
    yew::Renderer::<Controls>::with_root_and_props(root.clone(), props).render();
    settle().await;
    assert_eq!(text_of(&root, "play"), "Play");
    let button: web_sys::HtmlElement =
        root.query_selector("[data-testid=play]").unwrap().unwrap().dyn_into().unwrap();
    button.click();
    assert_eq!(clicks.get(), 1);
    assert!(root.query_selector("[data-testid=seed-error]").unwrap().is_none());
}

#[wasm_bindgen_test]
async fn app_mounts_with_a_canvas_and_every_preset() {
    let root = fresh_root();
    yew::Renderer::<App>::with_root(root.clone()).render();
    settle().await;
    assert!(root.query_selector("canvas[data-testid=stage]").unwrap().is_some());
    assert!(!text_of(&root, "description").is_empty());
}

#[wasm_bindgen_test]
async fn import_errors_are_shown_with_the_field() {
    let root = fresh_root();
    let error =
        brook_ui::model::scenario_io::parse_import("bad.json", r#"{"version": 2}"#).unwrap_err();
    let props = ImportExportProps {
        on_import: Callback::noop(),
        on_export: Callback::noop(),
        error: Some(error),
    };
    yew::Renderer::<ImportExport>::with_root_and_props(root.clone(), props).render();
    settle().await;
    let shown = text_of(&root, "import-error");
    assert!(shown.starts_with("bad.json: "), "{shown}");
    assert!(shown.contains("the current scenario is kept"), "{shown}");
}

#[wasm_bindgen_test]
async fn actions_queue_commands_for_the_chosen_target() {
    let root = fresh_root();
    let sent = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
    let s = sent.clone();
    let props = ActionsProps {
        targets: Targets {
            groups: vec![("billing".into(), 2), ("audit".into(), 1)],
            producers: vec!["shop".into()],
            topics: vec!["orders".into()],
            brokers: 3,
            readers: vec!["billing".into(), "audit".into()],
            producer_specs: Vec::new(),
        },
        on_command: Callback::from(move |c| s.borrow_mut().push(c)),
        notice: Some("no group named \"x\"".into()),
    };
    yew::Renderer::<Actions>::with_root_and_props(root.clone(), props).render();
    settle().await;
    let click = |id: &str| {
        let b: web_sys::HtmlElement = root
            .query_selector(&format!("[data-testid={id}]"))
            .unwrap()
            .unwrap()
            .dyn_into()
            .unwrap();
        b.click();
    };
    click("add-member");
    click("crash-broker");
    click("spike");
    click("add-reader");
    click("remove-broker");
    click("remove-producer");
    let sent = sent.borrow();
    assert_eq!(sent[4], brook_engine::Command::RemoveBroker { broker: 2 }, "the highest id");
    assert_eq!(sent[5], brook_engine::Command::RemoveProducer { producer: "shop".into() });
    assert_eq!(sent[0], brook_engine::Command::AddMember { group: "billing".into() });
    assert_eq!(sent[1], brook_engine::Command::CrashBroker { broker: 0 });
    assert!(
        matches!(&sent[2], brook_engine::Command::Spike { producer, .. } if producer == "shop")
    );
    assert!(text_of(&root, "notice").contains("no group"));
}

type Sent = std::rc::Rc<std::cell::RefCell<Vec<brook_engine::Command>>>;

/// The inspector of `cluster`'s first producer, checking commands against its scenario, and
/// the commands it sends.
async fn mount_producer_inspector(cluster: &Cluster) -> (Element, Sent) {
    use brook_ui::model::inspect::inspect;
    use brook_ui::model::layout::Selection;
    use brook_ui::view::components::{Inspector, InspectorProps};
    let root = fresh_root();
    let view = inspect(cluster, Selection::Producer(0)).unwrap();
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
    };
    yew::Renderer::<Inspector>::with_root_and_props(root.clone(), props).render();
    settle().await;
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
    settle().await;
    assert_eq!(
        text_of(&root, "inspector-error"),
        "command.rate_per_sec: 2e8 exceeds the limit 1e8"
    );
    assert!(sent.borrow().is_empty(), "nothing refused is sent");
    rate.set_value("120");
    apply.click();
    settle().await;
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
    settle().await;
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
    settle().await;
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
