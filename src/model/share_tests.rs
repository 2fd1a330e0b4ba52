use brook_engine::{preset, Cluster, Command};

use super::*;

fn en(t: Text) -> String {
    t.render(Lang::En)
}

/// A run of `name` with a command applied, as the page shares it at `at_ms`.
fn shared_run(name: &str, at_ms: u64) -> (Shared, Cluster) {
    let mut c = Cluster::new(preset(name).unwrap());
    c.run_until(1_000_000);
    let reader = c.groups()[0].spec.name.clone();
    c.command(Command::AddMember { group: reader }).unwrap();
    c.run_until(at_ms * 1000);
    let s = Shared {
        scenario: c.export(),
        at_ms,
        lang: Lang::ZhTw,
        preset: Some(name.into()),
        lesson: Some(("peak-shaving".into(), 3)),
        address: None,
    };
    (s, c)
}

/// A small deterministic generator for the fuzz-style tests (xorshift64).
struct Gen(u64);
impl Gen {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn text(&mut self, alphabet: &[char], len_max: u64) -> String {
        let len = self.next() % (len_max + 1);
        (0..len).map(|_| alphabet[(self.next() % alphabet.len() as u64) as usize]).collect()
    }
}

#[test]
fn a_run_reads_back_and_replays_to_the_same_trace_hash() {
    let (s, original) = shared_run("quickstart", 4_300);
    let text = payload(&s);
    let back = parse_payload(&text).unwrap();
    assert_eq!(back, s);
    // The engine is deterministic (crates/brook-engine/tests/replay.rs): the export replayed
    // to the same time is the same run.
    let mut replayed = Cluster::new(back.scenario);
    replayed.run_until(back.at_ms * 1000);
    assert_eq!(replayed.trace_hash(), original.trace_hash());
    assert_eq!(replayed.summary(), original.summary());
    // The autosave's address is kept.
    let saved = Shared { address: Some("?preset=quickstart&seed=1".into()), ..s };
    assert_eq!(parse_payload(&payload(&saved)).unwrap(), saved);
}

#[test]
fn base64url_round_trips_and_names_a_bad_character() {
    for len in 0..70u8 {
        let bytes: Vec<u8> = (0..len).map(|i| i.wrapping_mul(37) ^ 0xa5).collect();
        let text = base64url_encode(&bytes);
        assert!(!text.contains(['+', '/', '=']), "{text}");
        assert_eq!(base64url_decode(&text).unwrap(), bytes, "{len} bytes");
    }
    // RFC 4648 section 10's test vectors, in the URL alphabet without padding.
    assert_eq!(base64url_encode(b"foobar"), "Zm9vYmFy");
    assert_eq!(base64url_encode(b"fo"), "Zm8");
    assert_eq!(base64url_decode("Zm8=").unwrap(), b"fo");
    let e = en(base64url_decode("Zm9v!mFy").unwrap_err());
    assert!(e.contains("\"!\" at position 5"), "{e}");
    let e = en(base64url_decode("Zm9vY").unwrap_err());
    assert!(e.contains("5 characters"), "{e}");
}

#[test]
fn a_fragment_is_read_by_its_version() {
    assert_eq!(parse_fragment(""), None, "no fragment");
    assert_eq!(parse_fragment("#charts"), None, "another anchor");
    assert_eq!(parse_fragment("#view=1"), None);
    assert_eq!(parse_fragment("#v1=Zm9v"), Some(Ok(b"foo".to_vec())));
    let e = en(parse_fragment("#v2=Zm9v").unwrap().unwrap_err());
    assert!(e.contains("\"v2\"") && e.contains("v1"), "{e}");
    let e = en(parse_fragment("#v1=").unwrap().unwrap_err());
    assert!(e.contains("no data"), "{e}");
    let long = format!("#v1={}", "A".repeat(SHARE_LINK_CHARS_MAX + 1));
    let e = en(parse_fragment(&long).unwrap().unwrap_err());
    assert!(e.contains(&SHARE_LINK_CHARS_MAX.to_string()), "{e}");
}

#[test]
fn a_link_over_the_limit_is_refused_with_its_length() {
    let page = "https://example.org/brook/";
    let ok = link(page, &[1, 2, 3]).unwrap();
    assert_eq!(ok, "https://example.org/brook/#v1=AQID");
    // The longest that fits, and one byte more.
    let room = (SHARE_LINK_CHARS_MAX - page.len() - 4) / 4 * 3;
    assert!(link(page, &vec![7; room]).is_ok());
    let e = en(link(page, &vec![7; room + 3]).unwrap_err());
    assert!(e.contains(&format!("over the {SHARE_LINK_CHARS_MAX}")), "{e}");
    let e = link(page, &vec![7; room + 3]).unwrap_err().render(Lang::ZhTw);
    assert!(e.contains("匯出"), "{e}");
}

#[test]
fn a_hand_edited_payload_is_named() {
    let (s, _) = shared_run("quickstart", 2_000);
    let text = payload(&s);
    let edit = |from: &str, to: &str| en(parse_payload(&text.replacen(from, to, 1)).unwrap_err());
    // The scenario's validation names the field and its limit, as for an imported file.
    let e = edit("\"partitions\": 4", "\"partitions\": 0");
    assert!(e.contains("topics[0].partitions: 0 is below the minimum 1"), "{e}");
    let e = edit("\"topics\"", "\"topics");
    assert!(e.starts_with("scenario: "), "{e}");
    let e = edit("at_ms=2000", &format!("at_ms={}", SHARE_AT_MS_MAX + 1));
    assert!(e.contains(&format!("from 0 to {SHARE_AT_MS_MAX}")), "{e}");
    let e = edit("at_ms=2000", "at_ms=soon");
    assert!(e.starts_with("at_ms: \"soon\""), "{e}");
    let e = edit("lesson=peak-shaving", "lesson=nope");
    assert!(e.starts_with("lesson: \"nope\" is not one of decoupling, "), "{e}");
    let e = edit("step=3", &format!("step={}", STEPS_MAX + 1));
    assert!(e.starts_with("step: "), "{e}");
    let e = edit("lang=zh-TW", "lang=fr");
    assert!(e.starts_with("lang: \"fr\" is not one of en, zh-TW"), "{e}");
    let e = edit("preset=quickstart", "preset=nope");
    assert!(e.starts_with("preset: \"nope\""), "{e}");
    let e = edit("lang=zh-TW\n", "colour=red\n");
    assert!(e.contains("\"colour=red\""), "{e}");
    let e = edit("at_ms=2000\n", "");
    assert!(e.contains("at_ms"), "{e}");
    let e = en(parse_payload(text.split("\n\n").next().unwrap()).unwrap_err());
    assert!(e.contains("no scenario"), "{e}");
    let e = parse_payload(&text.replacen("at_ms=2000", "at_ms=x", 1)).unwrap_err();
    assert!(e.render(Lang::ZhTw).starts_with("at_ms：「x」"), "{}", e.render(Lang::ZhTw));
}

#[test]
fn random_and_truncated_links_give_a_message_never_a_panic() {
    let mut g = Gen(0x9e37_79b9_7f4a_7c15);
    let b64: Vec<char> = ALPHABET.iter().map(|&b| b as char).collect();
    let mut any: Vec<char> = (' '..='~').collect();
    any.extend(['\n', '\n', '=', '#', 'é', '界', '\u{0}']);
    for _ in 0..2_000 {
        let f = format!("#v1={}", g.text(&any, 60));
        if let Some(Err(e)) = parse_fragment(&f) {
            assert!(!en(e).is_empty());
        }
        let _ = parse_fragment(&g.text(&any, 40));
        let _ = parse_fragment(&format!("v{}={}", g.next() % 5, g.text(&b64, 80)));
        let e = parse_payload(&g.text(&any, 200)).expect_err("random text is no run");
        assert!(!en(e).is_empty());
        let head = format!("at_ms={}\nlang=en\n\n", g.next() % 1_000);
        assert!(parse_payload(&(head + &g.text(&any, 100))).is_err());
    }
    // A real payload cut anywhere: refused with a message (a cut in the header loses the
    // scenario; a cut in the JSON is a JSON error), never a panic. Its base64 cut anywhere
    // still decodes or is named.
    let (s, _) = shared_run("peak-shaving", 1_500);
    let text = payload(&s);
    let mut cut = 0;
    while cut < text.len() {
        if text.is_char_boundary(cut) {
            let e = parse_payload(&text[..cut]).expect_err("a cut payload is refused");
            assert!(!en(e).is_empty());
        }
        cut += 1 + (g.next() % 97) as usize;
    }
    let encoded = base64url_encode(text.as_bytes());
    for cut in (0..encoded.len()).step_by(101) {
        match parse_fragment(&format!("#v1={}", &encoded[..cut])).unwrap() {
            Ok(bytes) => {
                let t = String::from_utf8_lossy(&bytes);
                assert!(parse_payload(&t).is_err(), "cut at {cut}");
            }
            Err(e) => assert!(!en(e).is_empty()),
        }
    }
}

#[test]
fn a_shared_run_opens_paused_at_its_time_with_the_same_figures_and_rates() {
    use crate::model::params::Params;
    use crate::model::sim::Sim;
    use crate::model::state::{follow, reduce, Action, Source, State};
    // The run as the page plays it: frames, a command through the actions bar, more frames.
    let mut sim = Sim::new(preset("peak-shaving").unwrap());
    sim.playing = true;
    let mut t = 0.0;
    for i in 0..400 {
        if i == 150 {
            let group = sim.cluster.groups()[0].spec.name.clone();
            sim.command(Command::AddMember { group }).unwrap();
        }
        sim.frame(t);
        t += 16.0;
    }
    let at_ms = sim.cluster.now_us() / 1000;
    let shared = Shared {
        scenario: sim.cluster.export(),
        at_ms,
        lang: Lang::ZhTw,
        preset: Some("peak-shaving".into()),
        lesson: None,
        address: None,
    };
    let shared = parse_payload(&payload(&shared)).unwrap();
    let state = reduce(&State::new(&Params::default()), Action::OpenShared(Box::new(shared)));
    assert!(!state.playing, "opens paused");
    assert_eq!(state.lang, Lang::ZhTw);
    assert_eq!(state.preset_name(), "peak-shaving");
    assert_eq!(state.imported_name(), None, "a preset's run is not said to be imported");
    assert!(matches!(state.source, Source::Shared { .. }));
    let mut opened = State::new(&Params::default()).new_sim();
    follow(&mut opened, &state, 0.0);
    let mut frames = 0;
    while opened.replaying() {
        opened.frame(frames as f64 * 16.0);
        frames += 1;
        assert!(frames < 1_000, "the replay ends");
    }
    assert_eq!(opened.cluster.now_us(), sim.cluster.now_us());
    let (a, b) = (sim.stats(), opened.stats());
    assert_eq!((a.trace_hash, a.acked, &a.groups), (b.trace_hash, b.acked, &b.groups));
    assert_eq!(sim.rates.per_sec, opened.rates.per_sec, "the stage's member rates");
    // What the user changed is said against the preset's timeline, as in the run shared.
    use crate::model::changes::{user_changes, user_changes_since};
    let own = preset("peak-shaving").unwrap().events;
    assert_eq!(user_changes(&sim.cluster), [(Msg::ChgConsumerAdded, 1)]);
    assert_eq!(user_changes_since(&opened.cluster, &own), user_changes(&sim.cluster));
    // Paused there: more frames do not move it.
    opened.frame(frames as f64 * 16.0 + 500.0);
    assert_eq!(opened.cluster.now_us(), sim.cluster.now_us());
}
