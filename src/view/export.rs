//! Downloads the run as a scenario file.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::model::scenario_io::export_file_name;

/// Downloads the run so far as a JSON scenario that replays it (`Cluster::export`: the
/// starting scenario, its seed, and the applied commands as timeline events).
pub fn download_export(c: &brook_engine::Cluster) {
    let scenario = c.export();
    let json = scenario.to_json();
    let name = export_file_name(&scenario);
    let parts = js_sys::Array::of1(&JsValue::from_str(&json));
    let bag = web_sys::BlobPropertyBag::new();
    bag.set_type("application/json");
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &bag) else { return };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else { return };
    let doc = web_sys::window().and_then(|w| w.document());
    if let Some(a) = doc
        .and_then(|d| d.create_element("a").ok())
        .and_then(|a| a.dyn_into::<web_sys::HtmlAnchorElement>().ok())
    {
        a.set_href(&url);
        a.set_download(&name);
        a.click();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}
