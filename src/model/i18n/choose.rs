//! Which language the page opens in: `?lang=` first, then the choice remembered from the
//! page's switch, then the browser's languages, else English.

use super::Lang;

/// The key under which the page's switch remembers the choice (localStorage).
pub const STORAGE_KEY: &str = "brook.lang";

/// What the URL said about the language.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum LangParam {
    /// No `lang` parameter.
    #[default]
    Absent,
    /// A language the page has.
    Valid(Lang),
    /// A value the page does not have: English, with a notice naming the parameter.
    Invalid,
}

/// The first of the browser's preferred languages (`navigator.languages`, in order) that the
/// page has. Every Chinese tag maps to zh-TW: Traditional (zh-TW, zh-Hant, zh-HK, zh-MO), and
/// Simplified or unmarked Chinese too, since a Chinese reader reads Traditional Chinese more
/// easily than English and the course is Taiwanese. Other languages are skipped.
pub fn lang_of_browser(tags: &[String]) -> Option<Lang> {
    tags.iter().find_map(|tag| {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "zh" => Some(Lang::ZhTw),
            "en" => Some(Lang::En),
            _ => None,
        }
    })
}

/// The page's language: a valid `?lang=` wins, an invalid one gives English; then the
/// remembered code; then the browser's languages; else English.
pub fn choose_lang(param: LangParam, stored: Option<&str>, browser: &[String]) -> Lang {
    match param {
        LangParam::Valid(l) => l,
        LangParam::Invalid => Lang::En,
        LangParam::Absent => stored
            .and_then(Lang::from_code)
            .or_else(|| lang_of_browser(browser))
            .unwrap_or(Lang::En),
    }
}
