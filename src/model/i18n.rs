//! Every string the page shows, in English and Traditional Chinese (Taiwan). Pure, tested
//! natively.
//!
//! - [`Msg`] names each string; the catalogue (`i18n/catalogue.rs`) gives it in both languages
//!   on one line, so a key without a language does not compile, and tests check that no
//!   translation is empty, a copy of the English, or written with mainland forms.
//! - Figures and names go in through numbered placeholders (`{0}`, `{1}`): [`Lang::f`] now, or
//!   a [`Text`] kept in the state and rendered when shown (so switching the language re-renders
//!   messages already on the page).
//! - The engine's validation messages and notices are English with a field path; `engine`
//!   translates the known ones (field paths stay as in the scenario format) and passes any
//!   other through unchanged.
//! - Presets: titles and zh-TW descriptions by preset name (`presets`).
//! - Longer text goes beside the catalogue as a [`PerLang`]; lessons are files with both
//!   languages per text (`model::lesson`), whose validation names a missing one.

mod catalogue;
mod choose;
mod engine;
mod presets;
#[cfg(test)]
pub(crate) mod tests;

use std::fmt::Display;

pub use catalogue::Msg;
pub use choose::{choose_lang, lang_of_browser, LangParam, STORAGE_KEY};
pub use engine::engine_text;
pub use presets::{preset_description, preset_title};

/// A language of the page.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// Traditional Chinese as written in Taiwan.
    ZhTw,
}

impl Lang {
    /// Every language, in the order the switch lists them.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::ZhTw];

    /// The code used by `?lang=` and the remembered choice.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::ZhTw => "zh-TW",
        }
    }

    /// The value of `<html lang>` (BCP 47; the script picks traditional glyphs).
    pub fn html_lang(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::ZhTw => "zh-Hant-TW",
        }
    }

    /// The language's own name, for the switch (the same in every language).
    pub fn autonym(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::ZhTw => "繁體中文",
        }
    }

    /// The language of a `?lang=` or remembered code (case-insensitive), if it is one.
    pub fn from_code(code: &str) -> Option<Lang> {
        Lang::ALL.into_iter().find(|l| l.code().eq_ignore_ascii_case(code.trim()))
    }

    /// The string `m` in this language.
    pub fn t(self, m: Msg) -> &'static str {
        match self {
            Lang::En => m.en(),
            Lang::ZhTw => m.zh_tw(),
        }
    }

    /// The string `m` with `args` in its placeholders (`{0}` is `args[0]`).
    pub fn f(self, m: Msg, args: &[&dyn Display]) -> String {
        let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        fill(self.t(m), &args)
    }

    /// Between a label and what follows it: ": " in English, "：" in Chinese.
    pub fn colon(self) -> &'static str {
        match self {
            Lang::En => ": ",
            Lang::ZhTw => "：",
        }
    }

    /// Joins short items, names or numbers: ", " in English, "、" in Chinese.
    pub fn items_sep(self) -> &'static str {
        match self {
            Lang::En => ", ",
            Lang::ZhTw => "、",
        }
    }

    /// Joins items of a list: "; " in English, "；" in Chinese.
    pub fn list_sep(self) -> &'static str {
        match self {
            Lang::En => "; ",
            Lang::ZhTw => "；",
        }
    }
}

/// A text in every language, for content longer than a catalogue line (lessons).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PerLang {
    /// English.
    pub en: &'static str,
    /// Traditional Chinese (Taiwan).
    pub zh_tw: &'static str,
}

impl PerLang {
    /// The text in `lang`.
    pub fn get(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::En => self.en,
            Lang::ZhTw => self.zh_tw,
        }
    }
}

/// `template` with `{n}` replaced by `args[n]` (a placeholder without an argument is left).
pub fn fill(template: &str, args: &[String]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        let arg = (digits > 0 && after.as_bytes().get(digits) == Some(&b'}'))
            .then(|| after[..digits].parse::<usize>().ok())
            .flatten()
            .and_then(|n| args.get(n));
        match arg {
            Some(a) => {
                out.push_str(a);
                rest = &after[digits + 1..];
                // A Chinese count ends in its unit (「1.2萬」): the template's space before the
                // next Chinese word (「{0} 筆」) goes, as between any two Chinese characters;
                // before a symbol (「{0} · {1}」) it stays.
                let mut tail = a.chars().rev();
                let unit = matches!(tail.next(), Some('萬' | '億'))
                    && tail.next().is_some_and(|c| c.is_ascii_digit());
                let ideograph = |c: char| ('\u{4E00}'..='\u{9FFF}').contains(&c);
                if unit && rest.starts_with(' ') && rest[1..].starts_with(ideograph) {
                    rest = &rest[1..];
                }
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// How many `{n}` placeholders `template` has.
pub(crate) fn placeholder_count(template: &str) -> usize {
    template
        .match_indices('{')
        .filter(|(i, _)| {
            let after = &template[i + 1..];
            let n = after.bytes().take_while(u8::is_ascii_digit).count();
            n > 0 && after.as_bytes().get(n) == Some(&b'}')
        })
        .count()
}

/// A message rendered when it is shown, in the language of that moment.
#[derive(Clone, Debug, PartialEq)]
pub struct Text {
    /// Which message.
    pub msg: Msg,
    /// Its placeholders' values.
    pub args: Vec<Arg>,
}

/// A placeholder's value.
#[derive(Clone, Debug, PartialEq)]
pub enum Arg {
    /// Shown as it is (a name, a figure, a field path).
    Plain(String),
    /// Another message.
    Text(Text),
    /// Problems the engine reported in English, translated by [`engine_text`].
    Engine(String),
    /// A count, shown compact in the language's units ([`crate::model::format::compact`]).
    Count(u64),
}

impl Text {
    /// `msg` with no argument yet.
    pub fn new(msg: Msg) -> Text {
        Text { msg, args: Vec::new() }
    }

    /// Adds a plain argument.
    pub fn arg(mut self, a: impl Display) -> Text {
        self.args.push(Arg::Plain(a.to_string()));
        self
    }

    /// Adds a message as an argument.
    pub fn text(mut self, t: Text) -> Text {
        self.args.push(Arg::Text(t));
        self
    }

    /// Adds a count, shown compact in the language's units.
    pub fn count(mut self, n: u64) -> Text {
        self.args.push(Arg::Count(n));
        self
    }

    /// Adds the engine's English problems as an argument.
    pub fn engine(mut self, problems: impl Into<String>) -> Text {
        self.args.push(Arg::Engine(problems.into()));
        self
    }

    /// `msg` with this text's first `args` arguments: the same figures in other words (a
    /// shorter form).
    pub fn retold(&self, msg: Msg, args: usize) -> Text {
        Text { msg, args: self.args.iter().take(args).cloned().collect() }
    }

    /// The message in `lang`.
    pub fn render(&self, lang: Lang) -> String {
        let args: Vec<String> = self
            .args
            .iter()
            .map(|a| match a {
                Arg::Plain(s) => s.clone(),
                Arg::Text(t) => t.render(lang),
                Arg::Engine(s) => engine_text(lang, s),
                Arg::Count(n) => crate::model::format::compact(*n as f64, lang),
            })
            .collect();
        fill(lang.t(self.msg), &args)
    }
}
