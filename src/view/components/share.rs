//! "Copy link": the run at this moment as a link (`model::share`), on the clipboard and in a
//! field to copy by hand; a run too long for a link offers the export file instead.

use yew::prelude::*;

use crate::model::i18n::{Lang, Msg};
use crate::model::share::Made;

/// The "Copy link" button and what its last press made: a link (also in a field, to copy by
/// hand if the clipboard refused), or why not and, if so, the export file's button.
pub fn share_link(
    made: Option<&Made>,
    on_copy: Callback<MouseEvent>,
    on_export: Callback<MouseEvent>,
    lang: Lang,
) -> Html {
    let t = |m: Msg| lang.t(m);
    let (said, link, export) = match made {
        None => (String::new(), None, false),
        Some(Made::Link(l, true)) => (lang.f(Msg::ShareCopied, &[&l.len()]), Some(l), false),
        Some(Made::Link(l, false)) => (t(Msg::ShareCopyRefused).to_string(), Some(l), false),
        Some(Made::Refused(why, export)) => (why.render(lang), None, *export),
    };
    html! {
        <div class="share" data-testid="share">
            <button data-testid="copy-link" onclick={on_copy} title={t(Msg::ShareCopyTitle)}>{ t(Msg::ShareCopy) }</button>
            <span role="status" data-testid="share-status" class={link.is_none().then_some("field-error")}>{ said }</span>
            <input class="share-link" data-testid="share-link" readonly=true hidden={link.is_none()}
                value={link.cloned().unwrap_or_default()} aria-label={t(Msg::ShareLinkAria)} />
            <button data-testid="share-export" onclick={on_export} hidden={!export}>{ t(Msg::ShareExport) }</button>
        </div>
    }
}
