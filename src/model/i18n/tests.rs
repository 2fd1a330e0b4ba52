use std::collections::BTreeSet;

use brook_engine::{preset, Cluster, Command, Scenario, PRESETS};

use super::engine::{match_template, ENGINE_MESSAGES};
use super::presets::TRANSLATED_FROM;
use super::*;

fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{9fff}' | '\u{f900}'..='\u{faff}')
}

fn placeholders(s: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = s;
    while let Some(i) = rest.find('{') {
        let after = &rest[i + 1..];
        let n = after.bytes().take_while(u8::is_ascii_digit).count();
        if n > 0 && after.as_bytes().get(n) == Some(&b'}') {
            out.insert(after[..n].to_string());
        }
        rest = after;
    }
    out
}

/// Words and characters written in mainland China that Taiwan writes otherwise (zh-TW.md),
/// and simplified characters that never appear in Traditional text.
pub(crate) const NOT_TAIWANESE: &[&str] = &[
    "信息",
    "消息",
    "隊列",
    "队列",
    "數據",
    "默認",
    "文件",
    "程序",
    "服務器",
    "網絡",
    "支持",
    "配置",
    "質量",
    "界面",
    "實時",
    "客戶端",
    "內存",
    "緩存",
    "線程",
    "進程",
    "鏈接",
    "菜單",
    "屏幕",
    "運行",
    "集群",
    "設置",
    "獲取",
    "創建",
    "字節",
    "異步",
    "模塊",
    "兼容",
    "窗口",
    "文本",
    "代碼",
    "信號",
    "單擊",
    "保存",
    "視頻",
    "軟件",
    "硬件",
    "激活",
    "調用",
    "缺省",
    "回調",
    "源碼",
    "登錄",
    "打印",
    "发",
    "数",
    "据",
    "个",
    "们",
    "这",
    "时",
    "为",
    "对",
    "应",
    "与",
    "过",
    "处",
    "现",
    "动",
    "间",
    "错",
    "项",
    "页",
    "设",
    "还",
    "进",
    "后",
    "态",
    "机",
    "号",
    "长",
    "网",
    "络",
    "库",
    "认",
    "写",
    "读",
    "点",
    "区",
    "务",
    "条",
    "图",
    "经",
    "总",
    "统",
    "问",
    "题",
    "志",
    "该",
    "将",
    "满",
    "队",
];

/// Phrases that read as another of the course's terms: 非同步 is asynchrony, so a replica out
/// of the ISR is 未同步, never 非同步.
const MISREAD: &[&str] = &["非同步副本", "非同步的副本"];

/// Keys whose Chinese has no Chinese character: the Kafka term zh-TW.md keeps in English.
const LATIN_IN_CHINESE: &[Msg] = &[Msg::BrokerLabel];

/// Every language of every key: present, not the English copied, Chinese, Taiwanese, with
/// full-width punctuation beside Chinese, and the same placeholders as the English.
#[test]
fn every_key_has_every_language() {
    let mut problems = Vec::new();
    for &m in Msg::ALL {
        let (en, zh) = (m.en(), m.zh_tw());
        if en.is_empty() || zh.is_empty() {
            problems.push(format!("{m:?}: a language is empty"));
        }
        if en == zh || !(zh.chars().any(is_cjk) || LATIN_IN_CHINESE.contains(&m)) {
            problems.push(format!("{m:?}: not translated: {zh:?}"));
        }
        if placeholders(en) != placeholders(zh) {
            problems.push(format!("{m:?}: placeholders differ: {en:?} / {zh:?}"));
        }
        for w in NOT_TAIWANESE.iter().filter(|w| zh.contains(*w)) {
            problems.push(format!("{m:?}: {w:?} is not Taiwanese usage: {zh:?}"));
        }
        for w in MISREAD.iter().filter(|w| zh.contains(*w)) {
            problems.push(format!("{m:?}: {w:?} reads as asynchrony: {zh:?}"));
        }
        let chars: Vec<char> = zh.chars().collect();
        for (i, &c) in chars.iter().enumerate() {
            let beside_cjk =
                (i > 0 && is_cjk(chars[i - 1])) || chars.get(i + 1).is_some_and(|&n| is_cjk(n));
            if ",.;:()!?".contains(c) && beside_cjk {
                problems.push(format!("{m:?}: half-width {c:?} in Chinese: {zh:?}"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn keys_are_many_and_distinct() {
    let all: BTreeSet<String> = Msg::ALL.iter().map(|m| format!("{m:?}")).collect();
    assert_eq!(all.len(), Msg::ALL.len());
    assert_eq!(Lang::ZhTw.t(Msg::Play), "播放");
    assert_eq!(Lang::En.t(Msg::Play), "Play");
}

#[test]
fn placeholders_take_figures_and_names() {
    assert_eq!(Lang::En.f(Msg::RemoveBrokerN, &[&3]), "Remove broker 3");
    assert_eq!(Lang::ZhTw.f(Msg::RemoveBrokerN, &[&3]), "移除 Broker 3");
    assert_eq!(fill("{1} before {0}", &["a".into(), "b".into()]), "b before a");
    assert_eq!(fill("{2} and {", &["a".into()]), "{2} and {", "no argument: left as it is");
    // A Chinese count's unit joins the next Chinese word, not a symbol; a plain number keeps
    // its space, and so does a name that ends in 萬.
    assert_eq!(fill("{0} 筆／秒", &["1.2萬".into()]), "1.2萬筆／秒");
    assert_eq!(fill("{0} 筆／秒", &["950".into()]), "950 筆／秒");
    assert_eq!(fill("落後 {0} · {1}", &["1.2萬".into(), "5".into()]), "落後 1.2萬 · 5");
    assert_eq!(fill("{0} 群組", &["一萬".into()]), "一萬 群組");
    let t = Text::new(Msg::PerSec).count(12_345);
    assert_eq!((t.render(Lang::En), t.render(Lang::ZhTw)), ("12k/s".into(), "1.2萬／秒".into()));
    let t = Text::new(Msg::ImportInvalid)
        .arg("f.json")
        .engine("topics[0].partitions: 0 is below the minimum 1")
        .text(Text::new(Msg::ImportMore).arg(2));
    assert_eq!(
        t.render(Lang::En),
        "f.json: topics[0].partitions: 0 is below the minimum 1 (and 2 more); the current scenario is kept"
    );
    assert_eq!(
        t.render(Lang::ZhTw),
        "f.json：topics[0].partitions：0 低於下限 1（另有 2 項）；目前的情境保持不變"
    );
}

#[test]
fn the_course_terms_name_its_claims() {
    // The course's words for what the presets show (course-source-zh-TW.txt, zh-TW.md).
    let terms = [
        ("peak-shaving", "削峰"),
        ("log-collection", "日誌收集和監控"),
        ("realtime-analytics", "即時資料處理和分析"),
        ("p2p-vs-pubsub", "點對點模式"),
        ("p2p-vs-pubsub", "發布／訂閱模式"),
    ];
    for (name, term) in terms {
        let shown = format!(
            "{} {}",
            preset_title(name, Lang::ZhTw),
            preset_description(name, Lang::ZhTw).unwrap()
        );
        assert!(shown.contains(term), "{name}: {term} in {shown}");
    }
    assert!(Msg::ALL.iter().any(|m| m.zh_tw().contains("推播")));
    assert!(Msg::ALL.iter().any(|m| m.zh_tw().contains("拉取")));
    assert!(Msg::ALL.iter().any(|m| m.zh_tw().contains("輪詢")));
}

#[test]
fn every_preset_has_a_title_and_a_description_in_every_language() {
    for name in PRESETS {
        for lang in Lang::ALL {
            let title = preset_title(name, lang);
            assert!(!title.is_empty() && title != *name, "{name}: no title in {lang:?}");
        }
        assert!(preset_title(name, Lang::ZhTw).chars().any(is_cjk), "{name}");
        let zh = preset_description(name, Lang::ZhTw).unwrap_or_else(|| panic!("{name}"));
        assert!(zh.chars().any(is_cjk) && !zh.contains("  "), "{name}: {zh}");
        let mainland: Vec<&&str> = NOT_TAIWANESE.iter().filter(|w| zh.contains(**w)).collect();
        assert!(mainland.is_empty(), "{name}: {mainland:?} is not Taiwanese usage: {zh}");
        assert_eq!(preset_description(name, Lang::En), None, "English is the engine's");
    }
}

#[test]
fn each_translation_follows_the_engine_description() {
    for name in PRESETS {
        let engine = preset(name).unwrap().description;
        let from = TRANSLATED_FROM.iter().find(|(n, _)| n == name).map(|p| p.1);
        assert_eq!(
            from,
            Some(engine.as_str()),
            "{name}: the engine's description changed; translate it again in i18n/presets.rs \
             and copy the English into TRANSLATED_FROM"
        );
    }
}

#[test]
fn language_choice_order() {
    let tags = |t: &[&str]| t.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let zh = tags(&["zh-TW", "en"]);
    assert_eq!(choose_lang(LangParam::Valid(Lang::En), Some("zh-TW"), &zh), Lang::En);
    assert_eq!(choose_lang(LangParam::Invalid, Some("zh-TW"), &zh), Lang::En, "bad ?lang=");
    assert_eq!(choose_lang(LangParam::Absent, Some("en"), &zh), Lang::En, "remembered");
    assert_eq!(choose_lang(LangParam::Absent, Some("junk"), &zh), Lang::ZhTw, "browser");
    assert_eq!(choose_lang(LangParam::Absent, None, &tags(&["fr", "de"])), Lang::En);
    assert_eq!(choose_lang(LangParam::Absent, None, &[]), Lang::En);
    for t in ["zh-TW", "zh-Hant", "zh-HK", "zh-Hant-MO", "zh_TW", "zh", "zh-CN", "ZH-tw"] {
        assert_eq!(lang_of_browser(&tags(&[t])), Some(Lang::ZhTw), "{t}");
    }
    assert_eq!(lang_of_browser(&tags(&["fr-FR", "zh-TW"])), Some(Lang::ZhTw), "first we have");
    assert_eq!(lang_of_browser(&tags(&["en-GB", "zh-TW"])), Some(Lang::En));
    assert_eq!(Lang::from_code("ZH-tw"), Some(Lang::ZhTw));
    assert_eq!(Lang::from_code("zh"), None);
}

#[test]
fn templates_match_their_own_form_only() {
    let m = |t: &str, s: &str| match_template(t, s).map(|v| v.join("|"));
    assert_eq!(m("{0} exceeds the limit {1}", "5e9 exceeds the limit 1e8").unwrap(), "5e9|1e8");
    assert_eq!(m("{0} has no member", "g has no member to remove"), None);
    assert_eq!(m("no topic named \"{0}\"", "no topic named \"a b\"").unwrap(), "a b");
    assert_eq!(m("the only broker cannot leave", "the only broker cannot leave").unwrap(), "");
    assert_eq!(m("x {0}", "y 1"), None);
}

fn zh(s: &str) -> String {
    engine_text(Lang::ZhTw, s)
}

/// English words left in a translated engine message (paths, names and figures aside).
fn english_left(zh: &str, names: &[&str]) -> Vec<String> {
    zh.split(|c: char| !(c.is_ascii_alphanumeric() || "_.[]-\"`".contains(c)))
        .filter(|w| w.chars().filter(char::is_ascii_alphabetic).count() >= 3)
        .filter(|w| !w.contains(['_', '.', '[']) && !names.contains(&w.trim_matches('"')))
        .filter(|w| !["Broker", "acks", "all", "true", "false", "null", "ISR"].contains(w))
        .map(str::to_string)
        .collect()
}

/// Real refusals from the engine, each translated with nothing English left but names.
#[test]
fn engine_refusals_are_translated() {
    let mut c = Cluster::new(preset("quickstart").unwrap());
    let refusals = [
        Command::CrashBroker { broker: 9 },
        Command::RemoveBroker { broker: 0 },
        Command::AddMember { group: "nobody".into() },
        Command::RemoveProducer { producer: "ghost".into() },
        Command::RemoveReader { name: "ghost".into() },
        Command::AddPartitions { topic: "orders".into(), count: 0 },
        Command::ConfigureTopic {
            topic: "nope".into(),
            retention_ms: Some(0),
            retention_bytes: None,
        },
        Command::ConfigureSubscription { subscription: "nope".into(), prefetch: 1 },
        Command::SetRate { producer: "checkout".into(), rate_per_sec: f64::INFINITY },
    ];
    let names = ["nobody", "ghost", "orders", "nope", "checkout", "billing", "inf"];
    for cmd in refusals {
        let why = c.check_command(&cmd).expect_err("refused");
        let t = zh(&why);
        assert!(t.starts_with("command."), "{t}");
        assert!(t.contains('：') && t.chars().any(is_cjk), "{why} -> {t}");
        assert!(
            english_left(&t, &names).is_empty(),
            "{why} -> {t}: {:?}",
            english_left(&t, &names)
        );
    }
    // Refused when applied: the notice.
    c.command(Command::CrashBroker { broker: 0 }).unwrap();
    c.step();
    c.command(Command::CrashBroker { broker: 0 }).unwrap();
    c.step();
    let notice = c.notices().last().unwrap().clone();
    assert_eq!(notice, "broker 0 is already down");
    assert_eq!(zh(&notice), "Broker 0 已經當機");
    assert_eq!(engine_text(Lang::En, &notice), notice, "English passes through");
}

/// Import problems: several joined, serde's messages and positions, unknown ones kept.
#[test]
fn import_problems_are_translated() {
    let mut s = preset("quickstart").unwrap();
    s.topics[0].partitions = 0;
    s.producers[0].linger_ms = u32::MAX;
    let errors = Scenario::from_json(&s.to_json()).unwrap_err();
    let joined: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
    let t = zh(&joined.join("; "));
    assert!(t.contains("topics[0].partitions：0 低於下限 1；"), "{t}");
    assert!(t.contains("producers[0].linger_ms：4294967295 超過上限"), "{t}");
    let e = Scenario::from_json("{ \"version\": 1 ").unwrap_err();
    assert!(
        english_left(&zh(&e[0].to_string()), &[]).is_empty(),
        "{} -> {}",
        e[0],
        zh(&e[0].to_string())
    );
    let e = Scenario::from_json("{ \"version\": 1 }").unwrap_err();
    let t = zh(&e[0].to_string());
    assert!(t.contains("缺少欄位 `name`") && t.contains("（第 1 行第"), "{} -> {t}", e[0]);
    assert_eq!(
        zh("something new: a message no template has"),
        "something new: a message no template has"
    );
    assert_eq!(zh("a: b; c.d: e"), "a：b；c.d：e");
    assert_eq!(
        zh("command.group: g has 99 members; the limit is 64"),
        "command.group：g 已有 99 個成員；上限是 64"
    );
    assert_eq!(
        zh("topics[0].replication_factor: 3 exceeds the limit 2 set by cluster.brokers"),
        "topics[0].replication_factor：3 超過上限 2（由 cluster.brokers 決定）"
    );
    assert_eq!(
        zh("producers[1].batch_bytes: 10 is below the minimum 20 set by producers[1].record_bytes"),
        "producers[1].batch_bytes：10 低於下限 20（由 producers[1].record_bytes 決定）"
    );
    assert_eq!(
        zh("orders: 1024 + 1 partitions exceeds the limit 1024"),
        "orders：1024 + 1 個分區超過上限 1024"
    );
}

/// Every message the engine can refuse a command or a scenario with has its template: the
/// message literals of the engine's validation and command files, compared with the
/// catalogue's English (placeholders as `{}`). A new engine message fails here until it is
/// translated.
#[test]
fn every_engine_message_has_a_template() {
    const SOURCES: [(&str, &str); 4] = [
        ("validate.rs", include_str!("../../../crates/brook-engine/src/scenario/validate.rs")),
        ("commands.rs", include_str!("../../../crates/brook-engine/src/cluster/commands.rs")),
        ("controller.rs", include_str!("../../../crates/brook-engine/src/cluster/controller.rs")),
        ("mod.rs", include_str!("../../../crates/brook-engine/src/cluster/mod.rs")),
    ];
    // Messages the engine composes from parts: each part's template is listed above.
    const COMPOSED: [&str; 2] = [
        "{} member {} is already {}",                // down | running
        "broker {} is leaving; {} once it has left", // add partitions | add a broker | balance
    ];
    let known: BTreeSet<String> = ENGINE_MESSAGES.iter().map(|m| normalise(m.en())).collect();
    let mut missing = Vec::new();
    for (file, source) in SOURCES {
        for literal in message_literals(source) {
            let n = normalise(&literal);
            if !known.contains(&n) && !COMPOSED.contains(&n.as_str()) {
                missing.push(format!("{file}: {literal}"));
            }
        }
    }
    assert!(missing.is_empty(), "engine messages without a template:\n{}", missing.join("\n"));
}

/// Placeholders (`{0}`, `{value:e}`, `{}`) as `{}`, escaped quotes as quotes.
fn normalise(s: &str) -> String {
    let mut out = String::new();
    let mut depth = false;
    for c in s.replace("\\\"", "\"").chars() {
        match c {
            '{' => {
                depth = true;
                out.push_str("{}");
            }
            '}' if depth => depth = false,
            _ if depth => {}
            _ => out.push(c),
        }
    }
    out
}

/// The string literals of `source` that are messages: passed to `format!`, `Err`, `ok_or`,
/// or turned `.into()` / `.to_string()`, with a space in them.
fn message_literals(source: &str) -> Vec<String> {
    let mut out = Vec::new();
    let openers = ["format!(", "Err(", "ok_or(", "why = "];
    let mut i = 0;
    let bytes = source.as_bytes();
    while let Some(q) = source[i..].find('"').map(|q| q + i) {
        // The literal: up to the next unescaped quote, joining `\` line continuations.
        let mut j = q + 1;
        while j < bytes.len() && bytes[j] != b'"' {
            j += if bytes[j] == b'\\' { 2 } else { 1 };
        }
        let raw = &source[q + 1..j.min(source.len())];
        let before = source[..q].trim_end();
        let after = &source[(j + 1).min(source.len())..];
        let is_message = openers.iter().any(|o| before.ends_with(o.trim_end()))
            || after.starts_with(".into()")
            || after.starts_with(".to_string()");
        let mut text = String::new();
        let mut lines = raw.split("\\\n");
        text.push_str(lines.next().unwrap_or(""));
        for l in lines {
            text.push_str(l.trim_start());
        }
        if is_message && text.contains(' ') && !before.ends_with("//") {
            out.push(text);
        }
        i = j + 1;
        if i >= source.len() {
            break;
        }
    }
    out
}
