//! The engine's messages in the page's language. The engine writes English: a problem is
//! `path: message` (several joined by "; "), a notice may be a bare message. Its messages
//! are few and fixed in form ("{value} exceeds the limit {max}", "no topic named \"{t}\""),
//! so each has a catalogue key whose English is the engine's wording with numbered
//! placeholders: a message matching one is rendered in the page's language with the same
//! figures and names; field paths stay as in the scenario format. A message matching none
//! (a newer engine's) is shown as the engine wrote it.

use super::{fill, Lang, Msg};

/// The catalogue keys that mirror engine messages.
pub(super) const ENGINE_MESSAGES: &[Msg] = &[
    Msg::EBelowMinBy,
    Msg::EOverLimitBy,
    Msg::EBelowMin,
    Msg::EOverLimit,
    Msg::ENotFinite,
    Msg::ENameLength,
    Msg::ETextLength,
    Msg::EUsedTwice,
    Msg::EVersion,
    Msg::ENoTopic,
    Msg::EIdempotenceAcks,
    Msg::EIdempotenceInFlight,
    Msg::EOneTopic,
    Msg::ENoProducer,
    Msg::EMembersMax,
    Msg::ENoMemberToRemove,
    Msg::ENoGroup,
    Msg::ENoMember,
    Msg::EOnlyBroker,
    Msg::EHighestBroker,
    Msg::EBrokersMax,
    Msg::EUsedAlready,
    Msg::EProducersMax,
    Msg::ENoReader,
    Msg::ERateOrProfile,
    Msg::EIdempotenceNeedsAll,
    Msg::EPushOnlyField,
    Msg::EPushOnlyPrefetch,
    Msg::ENoSubscription,
    Msg::EReadersMax,
    Msg::EGroupsMax,
    Msg::EShareFixed,
    Msg::ENoLiveMember,
    Msg::EMemberNotRunning,
    Msg::EMemberNotCrashed,
    Msg::EProducerClosed,
    Msg::ENoSuchSubscription,
    Msg::ENoSuchTopic,
    Msg::ENoMemberN,
    Msg::EMemberAlreadyDown,
    Msg::EMemberAlreadyRunning,
    Msg::EPartitionsMax,
    Msg::ENoBroker,
    Msg::EBrokerDown,
    Msg::EBrokerRunning,
    Msg::EBrokerLeavingAlready,
    Msg::ELeavingAddPartitions,
    Msg::ELeavingAddBroker,
    Msg::ELeavingBalance,
    Msg::EMovesCopying,
    Msg::ENoLiveBroker,
    Msg::ENoBrokerCanTake,
    Msg::EBalancedAlready,
    Msg::EQueueFull,
    Msg::ETimelineFull,
    Msg::JsonMissingField,
    Msg::JsonUnknownField,
    Msg::JsonUnknownVariant,
    Msg::JsonInvalidType,
    Msg::JsonInvalidValue,
    Msg::JsonExpectedValue,
    Msg::JsonEofValue,
    Msg::JsonEofObject,
    Msg::JsonEofList,
    Msg::JsonEofString,
    Msg::JsonTrailing,
    Msg::JsonKeyString,
    Msg::JsonExpectedColon,
    Msg::JsonExpectedObjectEnd,
    Msg::JsonExpectedListEnd,
    Msg::JsonExpectedIdent,
];

/// The values of `template`'s placeholders in `s`, if `s` has its form (placeholders in
/// order `{0}`, `{1}`...; each matches the shortest text that lets the rest follow).
pub(super) fn match_template<'a>(template: &str, s: &'a str) -> Option<Vec<&'a str>> {
    let mut values = Vec::new();
    let (mut t, mut rest) = (template, s);
    // Literal text up to the first placeholder.
    let lead = t.find('{').unwrap_or(t.len());
    rest = rest.strip_prefix(&t[..lead])?;
    t = &t[lead..];
    while !t.is_empty() {
        let close = t.find('}')?;
        t = &t[close + 1..];
        let next = t.find('{').unwrap_or(t.len());
        let literal = &t[..next];
        t = &t[next..];
        let at = if literal.is_empty() {
            rest.len()
        } else if t.is_empty() {
            // The last literal ends the message.
            rest.strip_suffix(literal).map(str::len)?
        } else {
            rest.find(literal)?
        };
        values.push(&rest[..at]);
        rest = &rest[at + literal.len()..];
    }
    rest.is_empty().then_some(values)
}

/// One engine message (no path) in `lang`, if it matches a template.
fn known(lang: Lang, m: &str) -> Option<String> {
    // serde_json appends where in the file the problem is.
    if let Some(v) = match_template(Msg::JsonAt.en(), m) {
        if v[1].bytes().all(|b| b.is_ascii_digit()) && v[2].bytes().all(|b| b.is_ascii_digit()) {
            let args = [message(lang, v[0]), v[1].to_string(), v[2].to_string()];
            return Some(fill(lang.t(Msg::JsonAt), &args));
        }
    }
    // The most specific template that matches: the one with the most literal text ("{0} has
    // no member to remove" before "{0} has no member {1}").
    let literal = |t: &str| t.len() - 3 * super::placeholder_count(t);
    let (key, v) = ENGINE_MESSAGES
        .iter()
        .filter_map(|&key| Some((key, match_template(key.en(), m)?)))
        .max_by_key(|(key, _)| literal(key.en()))?;
    let args: Vec<String> = v.into_iter().map(str::to_string).collect();
    Some(fill(lang.t(key), &args))
}

/// One engine message in `lang`; unchanged if it matches no template.
fn message(lang: Lang, m: &str) -> String {
    known(lang, m).unwrap_or_else(|| m.to_string())
}

/// Whether `s` reads as a scenario field path (`topics[0].partitions`, `command.broker`,
/// `(document)`, `?` where the JSON reader lost its place).
fn is_path(s: &str) -> bool {
    s == "(document)"
        || s == "?"
        || (!s.is_empty()
            && s.bytes().next().is_some_and(|b| b.is_ascii_alphabetic())
            && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"_.[]".contains(&b)))
}

/// One problem, `path: message` or a bare message, in `lang`. One engine message starts
/// with a topic name and a colon ("orders: 4 + 1 partitions exceeds the limit 1024"): it is
/// taken whole.
fn problem(lang: Lang, p: &str) -> String {
    let named = match_template(Msg::EPartitionsMax.en(), p).is_some();
    match p.split_once(": ") {
        Some((path, m)) if is_path(path) && !named => {
            format!("{path}{}{}", lang.colon(), message(lang, m))
        }
        _ => message(lang, p),
    }
}

/// The engine's English problems (`path: message`, joined by "; ") or notice in `lang`.
pub fn engine_text(lang: Lang, s: &str) -> String {
    if lang == Lang::En {
        return s.to_string();
    }
    // Split at "; " only where a field path follows: some messages hold "; " themselves
    // ("g has 9 members; the limit is 8").
    let mut parts: Vec<&str> = Vec::new();
    let mut start = 0;
    for (i, _) in s.match_indices("; ") {
        let next = &s[i + 2..];
        if next.split_once(": ").is_some_and(|(p, _)| is_path(p)) && i >= start {
            parts.push(&s[start..i]);
            start = i + 2;
        }
    }
    parts.push(&s[start..]);
    let out: Vec<String> = parts.into_iter().map(|p| problem(lang, p)).collect();
    out.join(lang.list_sep())
}
