//! Share links and the autosave in the browser: the payload (`model::share`) compressed with
//! the browser's own deflate-raw (`CompressionStream`, `DecompressionStream`: no compression
//! code in the wasm), the clipboard, local storage, and which run the page opens with.
//!
//! Precedence, as the page opens: a share link in the fragment (`#v1=...`) wins; else the
//! autosave, if it was saved under the very address the page opens with (a reload); else the
//! address's query (a preset, a lesson, a seed). An address typed or followed from elsewhere is
//! a new start, not a reload, so its query wins over a save made under another address. An
//! embedded page (`?embed=1`) neither reads nor writes the autosave (several frames of one
//! site would overwrite each other's run). Storage and the clipboard throw in a sandboxed
//! frame and in some private modes: every call is caught, and the page goes on without them.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Array, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use yew::Callback;

use crate::model::i18n::{Lang, Msg, Text};
use crate::model::params::Params;
use crate::model::share::{
    link, parse_fragment, parse_payload, payload, Made, Shared, AUTOSAVE_CHARS_MAX, AUTOSAVE_KEY,
    SHARE_AT_MS_MAX, SHARE_TEXT_BYTES_MAX,
};
use crate::model::sim::Sim;

/// What the page opens with besides its query, decided before the first render.
#[derive(Clone)]
pub enum Pending {
    /// A share link: its compressed payload, or what is wrong with the fragment.
    Link(Result<Vec<u8>, Text>),
    /// The autosave, saved under this address.
    Saved(Box<Shared>),
    /// A save that could not be read (discarded): the notice to show.
    Discarded(Text),
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// The share link or the save the page opens with, if any (see the module's precedence).
pub fn pending(params: &Params) -> Option<Pending> {
    let w = web_sys::window()?;
    let hash = w.location().hash().unwrap_or_default();
    if let Some(link) = parse_fragment(&hash) {
        return Some(Pending::Link(link));
    }
    if params.embed {
        return None;
    }
    let storage = storage()?;
    let text = storage.get_item(AUTOSAVE_KEY).ok()??;
    match parse_payload(&text) {
        Ok(saved) => {
            let here = w.location().search().unwrap_or_default();
            (saved.address.as_deref() == Some(here.as_str()))
                .then(|| Pending::Saved(Box::new(saved)))
        }
        Err(e) => {
            let _ = storage.remove_item(AUTOSAVE_KEY);
            Some(Pending::Discarded(e))
        }
    }
}

/// Drops the fragment from the address bar (no new history entry): a link is read once, and
/// a reload then finds the autosave.
pub fn clear_fragment() {
    let Some(w) = web_sys::window() else { return };
    let l = w.location();
    let url = format!("{}{}", l.pathname().unwrap_or_default(), l.search().unwrap_or_default());
    if let Ok(h) = w.history() {
        let _ = h.replace_state_with_url(&JsValue::NULL, "", Some(&url));
    }
}

/// `bytes` piped through the browser's `CompressionStream` or `DecompressionStream` (`class`),
/// in deflate-raw. Called through `js_sys::Reflect`: web-sys has these classes only behind its
/// unstable-API flag.
pub fn deflate_raw(class: &str, bytes: &[u8]) -> Result<web_sys::ReadableStream, JsValue> {
    let ctor: js_sys::Function = Reflect::get(&js_sys::global(), &class.into())?.dyn_into()?;
    let transform = Reflect::construct(&ctor, &Array::of1(&"deflate-raw".into()))?;
    let blob = web_sys::Blob::new_with_u8_array_sequence(&Array::of1(&Uint8Array::from(bytes)))?;
    Ok(blob.stream().pipe_through(transform.unchecked_ref()))
}

/// `object.name()`, for the stream reader's methods (web-sys has its classes behind features
/// the page does not otherwise need).
fn call(object: &JsValue, name: &str) -> Result<JsValue, JsValue> {
    Reflect::get(object, &name.into())?.dyn_into::<js_sys::Function>()?.call0(object)
}

/// Reads a stream to its end, or stops and cancels it as soon as it has given more than
/// `bytes_max` bytes (`Ok(None)`): a link of 8,000 characters can inflate to megabytes, and
/// they are refused as they come, never held.
pub async fn read_bounded(
    stream: &web_sys::ReadableStream,
    bytes_max: usize,
) -> Result<Option<Vec<u8>>, JsValue> {
    let reader = call(stream, "getReader")?;
    let mut out = Vec::new();
    loop {
        let chunk = JsFuture::from(js_sys::Promise::from(call(&reader, "read")?)).await?;
        if Reflect::get(&chunk, &"done".into())?.is_truthy() {
            return Ok(Some(out));
        }
        let value: Uint8Array = Reflect::get(&chunk, &"value".into())?.dyn_into()?;
        let start = out.len();
        if start + value.length() as usize > bytes_max {
            let _ = call(&reader, "cancel");
            return Ok(None);
        }
        out.resize(start + value.length() as usize, 0);
        value.copy_to(&mut out[start..]);
    }
}

/// Compresses a payload for a link.
pub async fn compress(text: &str) -> Result<Vec<u8>, Text> {
    let failed = |_| Text::new(Msg::ShareFailed);
    let stream = deflate_raw("CompressionStream", text.as_bytes()).map_err(failed)?;
    read_bounded(&stream, usize::MAX).await.map_err(failed)?.ok_or_else(|| failed(JsValue::NULL))
}

/// Decompresses a link's data, at most [`SHARE_TEXT_BYTES_MAX`] bytes of it, and reads the
/// run, or says what is wrong.
pub async fn open_link(bytes: &[u8]) -> Result<Shared, Text> {
    let not_deflate = |_| Text::new(Msg::ShareNotDeflate);
    let stream = deflate_raw("DecompressionStream", bytes).map_err(not_deflate)?;
    let raw = read_bounded(&stream, SHARE_TEXT_BYTES_MAX)
        .await
        .map_err(not_deflate)?
        .ok_or_else(|| Text::new(Msg::ShareTooBig).arg(SHARE_TEXT_BYTES_MAX))?;
    let text = String::from_utf8(raw).map_err(|_| Text::new(Msg::ShareNotDeflate))?;
    parse_payload(&text)
}

/// Puts `text` on the clipboard; false if the browser refused (no permission, no clipboard
/// in this context, a sandboxed frame).
pub async fn copy_to_clipboard(text: &str) -> bool {
    let Some(w) = web_sys::window() else { return false };
    let navigator = w.navigator();
    // Undefined outside a secure context: checked before use, as a method call on it throws.
    let has = Reflect::get(&navigator, &"clipboard".into()).is_ok_and(|c| c.is_object());
    if !has {
        return false;
    }
    JsFuture::from(navigator.clipboard().write_text(text)).await.is_ok()
}

/// Makes the link from a payload (or passes on why there is none): compressed, checked
/// against the size limit, put on the clipboard; `done` gets what was made.
pub fn make_link(text: Result<String, Text>, done: Callback<Made>) {
    let text = match text {
        Ok(t) => t,
        Err(why) => return done.emit(Made::Refused(why, true)),
    };
    wasm_bindgen_futures::spawn_local(async move {
        let made = match compress(&text).await {
            Err(why) => Made::Refused(why, true),
            Ok(bytes) => match link(&page_address(), &bytes) {
                Err(why) => Made::Refused(why, true),
                Ok(l) => {
                    let copied = copy_to_clipboard(&l).await;
                    Made::Link(l, copied)
                }
            },
        };
        done.emit(made);
    });
}

/// The page's address without query nor fragment: where a link points.
pub fn page_address() -> String {
    let Some(w) = web_sys::window() else { return String::new() };
    let l = w.location();
    format!("{}{}", l.origin().unwrap_or_default(), l.pathname().unwrap_or_default())
}

/// What the page shows besides the engine, for a link or a save.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Shown {
    /// The preset the run started from, if one.
    pub preset: Option<String>,
    /// The lesson open and its step (1-based).
    pub lesson: Option<(String, usize)>,
}

/// The run as a link or a save carries it, or why not (past [`SHARE_AT_MS_MAX`]).
pub fn shared_of(sim: &Sim, shown: &Shown, address: Option<String>) -> Result<Shared, Text> {
    let at_ms = sim.cluster.now_us() / 1000;
    if at_ms > SHARE_AT_MS_MAX {
        let s = |ms: u64| format!("{:.1}", ms as f64 / 1000.0);
        return Err(Text::new(Msg::ShareTooLate).arg(s(at_ms)).arg(s(SHARE_AT_MS_MAX)));
    }
    Ok(Shared {
        scenario: sim.cluster.export(),
        at_ms,
        lang: sim.lang,
        preset: shown.preset.clone(),
        lesson: shown.lesson.clone(),
        address,
    })
}

/// What the last autosave wrote: the run, its virtual time, its command count, the language
/// and the lesson step (a still page is not written again).
type SavedKey = (u64, u64, usize, Lang, Option<(String, usize)>);

/// Writes the run into local storage, unless it is what the last save wrote, a lesson's or a
/// link's replay is still running, or storage refuses (then silently: the page goes on).
/// A run too long for a link or past [`AUTOSAVE_CHARS_MAX`] removes the save instead, so a
/// reload does not go back to an older moment.
fn autosave(sim: &Sim, shown: &Shown, last: &RefCell<Option<SavedKey>>) {
    if sim.replaying() {
        return;
    }
    let c = &sim.cluster;
    let key = (sim.run, c.now_us(), c.command_log().len(), sim.lang, shown.lesson.clone());
    if last.borrow().as_ref() == Some(&key) {
        return;
    }
    let Some(storage) = storage() else { return };
    let here = web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default();
    let text = shared_of(sim, shown, Some(here)).map(|s| payload(&s));
    let written = match text {
        Ok(t) if t.len() <= AUTOSAVE_CHARS_MAX => storage.set_item(AUTOSAVE_KEY, &t).is_ok(),
        _ => storage.remove_item(AUTOSAVE_KEY).is_ok(),
    };
    if written {
        *last.borrow_mut() = Some(key);
    }
}

/// Saves the run every [`AUTOSAVE_EVERY_MS`](crate::model::share::AUTOSAVE_EVERY_MS) of wall
/// time and as the page is hidden (`pagehide`: a reload, a closed tab), for the page's life.
pub fn start_autosave(sim: Rc<RefCell<Sim>>, shown: Rc<RefCell<Shown>>) {
    let Some(w) = web_sys::window() else { return };
    let last = RefCell::new(None);
    let save = Closure::<dyn FnMut()>::new(move || {
        // The frame loop holds the engine only within its own task; be safe all the same.
        if let Ok(sim) = sim.try_borrow() {
            autosave(&sim, &shown.borrow(), &last);
        }
    });
    let f: &js_sys::Function = save.as_ref().unchecked_ref();
    let every = crate::model::share::AUTOSAVE_EVERY_MS as i32;
    let _ = w.set_interval_with_callback_and_timeout_and_arguments_0(f, every);
    let _ = w.add_event_listener_with_callback("pagehide", f);
    save.forget();
}
