//! Share links and the autosave: a run written as text, and read back with a message naming
//! what is wrong. Pure, so it is tested natively; the view compresses the text (the
//! browser's `CompressionStream`, deflate-raw) and stores it.
//!
//! A run is its starting scenario plus the log of the commands applied (`Cluster::export`
//! writes both, the seed in the scenario); the engine is deterministic, so replaying that
//! export to the same virtual time shows the same run. The text (the *payload*) is a few
//! header lines, a blank line, then the exported scenario's JSON:
//!
//! ```text
//! at_ms=12300
//! lang=zh-TW
//! preset=quickstart
//! lesson=peak-shaving
//! step=3
//!
//! { ...the scenario... }
//! ```
//!
//! A link is `PAGE#v1=` followed by the deflate-raw compressed payload in base64url (RFC 4648
//! section 5, without padding). The version names the whole format: a page reading `v1`
//! refuses another. The autosave stores the same payload uncompressed (it is written as the
//! page is hidden, when there is no time to wait for the browser's compression), with one
//! more header, `address`: the query it was saved under.

use brook_engine::{Scenario, PRESETS};

use crate::model::i18n::{Lang, Msg, Text};
use crate::model::lesson::{LESSONS, STEPS_MAX};
use crate::model::scenario_io::{parse_import, IMPORT_BYTES_MAX};

/// The format this page writes and reads, as it starts the fragment (`#v1=...`).
pub const SHARE_VERSION: &str = "v1";

/// Longest link the page makes, characters (the whole address). Browsers take far longer
/// addresses (Chromium about 2 MB), but links travel through chat apps, mail and slides:
/// 8,000 is the size HTTP's RFC 9110 (section 4.1) asks every sender and recipient to
/// support, and what common chat apps keep whole. Longer runs offer the export file instead.
pub const SHARE_LINK_CHARS_MAX: usize = 8_000;

/// Latest virtual time a link or a save replays to, ms (10 virtual minutes). Opening one
/// replays the run from its start in chunks of `sim::REPLAY_STEPS_PER_FRAME` steps (2 virtual
/// seconds a frame at best): 10 minutes is a few seconds of replay on a classroom laptop.
pub const SHARE_AT_MS_MAX: u64 = 600_000;

/// Largest payload a link or a save may unpack to, bytes: an imported file's bound.
pub const SHARE_TEXT_BYTES_MAX: usize = IMPORT_BYTES_MAX;

/// The autosave's local storage key; the version is in it, so another format is not read.
pub const AUTOSAVE_KEY: &str = "brook.autosave.v1";

/// Largest autosave written, characters (local storage holds about 5 MB per site, in UTF-16):
/// a larger run is not saved (the previous save is removed, so a reload does not go back).
pub const AUTOSAVE_CHARS_MAX: usize = 1_000_000;

/// Least wall time between two autosaves, ms; the page also saves as it is hidden
/// (`pagehide`), so a reload finds the run as it was left.
pub const AUTOSAVE_EVERY_MS: f64 = 2_000.0;

/// Longest address kept in a save, characters.
const ADDRESS_CHARS_MAX: usize = 2_000;

/// A run as a link or a save carries it.
#[derive(Clone, Debug, PartialEq)]
pub struct Shared {
    /// The exported run: the starting scenario, its seed, and the applied commands as its
    /// timeline (`Cluster::export`).
    pub scenario: Scenario,
    /// The virtual time to replay to, ms; the run opens paused there.
    pub at_ms: u64,
    /// The page's language.
    pub lang: Lang,
    /// The preset the run started from, if it did (its title and description are then the
    /// page's own, in the page's language).
    pub preset: Option<String>,
    /// The lesson open and its step, 1-based as in the address.
    pub lesson: Option<(String, usize)>,
    /// The query the page had when saved (autosave only).
    pub address: Option<String>,
}

/// What the last press of "Copy link" made.
#[derive(Clone, Debug, PartialEq)]
pub enum Made {
    /// The link, and whether the clipboard took it.
    Link(String, bool),
    /// No link: why, and whether the export file is the way instead.
    Refused(Text, bool),
}

/// The payload text of `s` (see the module's header).
pub fn payload(s: &Shared) -> String {
    let mut out = format!("at_ms={}\nlang={}\n", s.at_ms, s.lang.code());
    if let Some(p) = &s.preset {
        out += &format!("preset={p}\n");
    }
    if let Some((name, step)) = &s.lesson {
        out += &format!("lesson={name}\nstep={step}\n");
    }
    if let Some(a) = &s.address {
        out += &format!("address={a}\n");
    }
    out + "\n" + &s.scenario.to_json()
}

/// A whole number from `min` to `max` in header `key`, or a message naming both.
fn number(key: &str, value: &str, min: u64, max: u64) -> Result<u64, Text> {
    match value.parse::<u64>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(Text::new(Msg::ShareRange).arg(key).arg(value).arg(min).arg(max)),
    }
}

/// `value` if it is one of `allowed`, else a message naming them.
fn one_of(key: &str, value: &str, allowed: &[&str]) -> Result<String, Text> {
    if allowed.contains(&value) {
        Ok(value.to_string())
    } else {
        Err(Text::new(Msg::UrlNotOneOf).arg(key).arg(value).arg(allowed.join(", ")))
    }
}

/// Reads a payload back, or says in one message what is wrong with it: a header line (its
/// key, or its value against the limit), a missing part, or the scenario's problems with
/// their field paths (the engine's validation, as for an imported file).
pub fn parse_payload(text: &str) -> Result<Shared, Text> {
    if text.len() > SHARE_TEXT_BYTES_MAX {
        return Err(Text::new(Msg::ShareTooBig).arg(SHARE_TEXT_BYTES_MAX));
    }
    let Some((head, json)) = text.split_once("\n\n") else {
        return Err(Text::new(Msg::ShareNoScenario));
    };
    let (mut at_ms, mut lang, mut preset, mut lesson, mut step, mut address) =
        (None, None, None, None, None, None);
    for line in head.lines() {
        let (key, value) = line.split_once('=').unwrap_or((line, ""));
        match key {
            "at_ms" => at_ms = Some(number(key, value, 0, SHARE_AT_MS_MAX)?),
            "lang" => lang = Lang::from_code(&one_of(key, value, &["en", "zh-TW"])?),
            "preset" => preset = Some(one_of(key, value, PRESETS)?),
            "lesson" => lesson = Some(one_of(key, value, LESSONS)?),
            "step" => step = Some(number(key, value, 1, STEPS_MAX as u64)? as usize),
            "address" if value.len() <= ADDRESS_CHARS_MAX => address = Some(value.to_string()),
            _ => {
                let shown: String = line.chars().take(40).collect();
                return Err(Text::new(Msg::ShareBadLine).arg(shown));
            }
        }
    }
    let missing = |key: &str| Text::new(Msg::ShareMissing).arg(key);
    let at_ms = at_ms.ok_or_else(|| missing("at_ms"))?;
    let lang = lang.ok_or_else(|| missing("lang"))?;
    let lesson = match (lesson, step) {
        (Some(name), step) => Some((name, step.unwrap_or(1))),
        (None, Some(_)) => return Err(missing("lesson")),
        (None, None) => None,
    };
    // The scenario's problems with their field paths, as for an imported file.
    let scenario = parse_import("scenario", json)?;
    Ok(Shared { scenario, at_ms, lang, preset, lesson, address })
}

/// The compressed payload in a link's fragment, from the fragment (with or without its `#`):
/// None if it is not a share link at all (no fragment, or another anchor), else the bytes to
/// decompress or what is wrong (an unknown version, too long, not base64url).
pub fn parse_fragment(fragment: &str) -> Option<Result<Vec<u8>, Text>> {
    let f = fragment.trim_start_matches('#');
    let (version, data) = f.split_once('=')?;
    let looks_versioned = version.len() > 1
        && version.starts_with('v')
        && version[1..].bytes().all(|b| b.is_ascii_digit());
    if !looks_versioned {
        return None;
    }
    if version != SHARE_VERSION {
        return Some(Err(Text::new(Msg::ShareVersion).arg(version).arg(SHARE_VERSION)));
    }
    if data.len() > SHARE_LINK_CHARS_MAX {
        return Some(Err(Text::new(Msg::ShareLinkTooLong)
            .arg(data.len())
            .arg(SHARE_LINK_CHARS_MAX)));
    }
    if data.is_empty() {
        return Some(Err(Text::new(Msg::ShareEmpty)));
    }
    Some(base64url_decode(data))
}

/// The link for `compressed` (the deflate-raw payload) on the page at `page` (its address
/// without query nor fragment), or a message if it would be over [`SHARE_LINK_CHARS_MAX`].
pub fn link(page: &str, compressed: &[u8]) -> Result<String, Text> {
    let link = format!("{page}#{SHARE_VERSION}={}", base64url_encode(compressed));
    if link.len() > SHARE_LINK_CHARS_MAX {
        return Err(Text::new(Msg::ShareTooLong).arg(link.len()).arg(SHARE_LINK_CHARS_MAX));
    }
    Ok(link)
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Base64url without padding (RFC 4648 section 5).
pub fn base64url_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, &b)| n | (b as u32) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    out
}

/// Reads base64url (padding `=` tolerated at the end), or names the first bad character and
/// its position (1-based), or says the length is impossible.
pub fn base64url_decode(text: &str) -> Result<Vec<u8>, Text> {
    let text = text.trim_end_matches('=');
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for (i, c) in text.chars().enumerate() {
        let Some(v) = ALPHABET.iter().position(|&a| a as char == c) else {
            return Err(Text::new(Msg::ShareBadBase64).arg(c).arg(i + 1));
        };
        acc = (acc << 6 | v as u32) & 0xff_ffff;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    if text.len() % 4 == 1 {
        return Err(Text::new(Msg::ShareBadLength).arg(text.len()));
    }
    Ok(out)
}

#[cfg(test)]
#[path = "share_tests.rs"]
mod tests;
