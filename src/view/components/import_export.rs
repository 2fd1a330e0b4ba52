//! Import a scenario file (validated; a bad one is explained and the current run kept) and
//! export the running one, or its metrics history as CSV.

use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::model::i18n::{Lang, Msg, Text};
use crate::model::scenario_io::too_big;

/// Properties of [`ImportExport`].
#[derive(Properties, PartialEq, Clone)]
pub struct ImportExportProps {
    /// A file was read: its name and text.
    pub on_import: Callback<(String, String)>,
    /// A file refused before it was read (over the size limit): why.
    pub on_refused: Callback<Text>,
    /// Export asked for.
    pub on_export: Callback<MouseEvent>,
    /// The metrics history as CSV asked for.
    pub on_csv: Callback<MouseEvent>,
    /// Why the last import was refused.
    #[prop_or_default]
    pub error: Option<String>,
    /// The page's language.
    #[prop_or_default]
    pub lang: Lang,
}

/// The import and export controls.
#[component]
pub fn ImportExport(p: &ImportExportProps) -> Html {
    let on_change = {
        let (on_import, on_refused) = (p.on_import.clone(), p.on_refused.clone());
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
            input.set_value(""); // choosing the same file again fires again
                                 // The size first: a file over the limit is refused unread.
            if let Some(why) = too_big(&file.name(), file.size() as u64) {
                return on_refused.emit(why);
            }
            let on_import = on_import.clone();
            spawn_local(async move {
                let name = file.name();
                let text = JsFuture::from(file.text()).await.ok().and_then(|v| v.as_string());
                let text = text.unwrap_or_else(|| String::from("\u{0}"));
                on_import.emit((name, text));
            });
        })
    };
    html! {
        <div class="import-export">
            <label class="file">
                <span>{ p.lang.t(Msg::Import) }</span>
                <input data-testid="import" type="file" accept=".json,application/json" onchange={on_change} />
            </label>
            <button data-testid="export" onclick={p.on_export.clone()}>{ p.lang.t(Msg::Export) }</button>
            <button data-testid="export-csv" onclick={p.on_csv.clone()} title={p.lang.t(Msg::ExportCsvTitle)}>{ p.lang.t(Msg::ExportCsv) }</button>
            if let Some(err) = &p.error {
                <span class="field-error" role="alert" data-testid="import-error">{ err }</span>
            }
        </div>
    }
}
