//! Downloads: the run as a scenario file, the metrics history as CSV, a chart as a PNG.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::model::scenario_io::{chart_file_name, export_file_name, metrics_file_name};
use crate::model::sim::Sim;

/// Downloads the run so far as a JSON scenario that replays it (`Cluster::export`: the
/// starting scenario, its seed, and the applied commands as timeline events).
pub fn download_export(c: &brook_engine::Cluster) {
    let scenario = c.export();
    download_text(&scenario.to_json(), "application/json", &export_file_name(&scenario));
}

/// Downloads the metrics history the engine keeps (its last minute) as the CSV
/// `brook run --format csv` prints (`brook_engine::history_csv`), with the run without a
/// queue's columns (`--direct`) while that run is shown.
pub fn download_metrics_csv(sim: &Sim) {
    let c = &sim.cluster;
    let csv = brook_engine::history_csv(c, sim.direct.as_ref());
    download_text(&csv, "text/csv", &metrics_file_name(c.scenario(), c.now_us() / 1000));
}

/// Downloads a chart's canvas as a PNG of its size in device pixels, named after the chart
/// (`code`) and the virtual time.
pub fn download_chart_png(canvas: &web_sys::HtmlCanvasElement, code: &str, sim: &Sim) {
    let Ok(url) = canvas.to_data_url_with_type("image/png") else { return };
    let c = &sim.cluster;
    click_link(&url, &chart_file_name(c.scenario(), code, c.now_us() / 1000));
}

fn download_text(text: &str, mime: &str, name: &str) {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let bag = web_sys::BlobPropertyBag::new();
    bag.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &bag) else { return };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else { return };
    click_link(&url, name);
    let _ = web_sys::Url::revoke_object_url(&url);
}

/// Follows a download link to `url` saving as `name`.
fn click_link(url: &str, name: &str) {
    let doc = web_sys::window().and_then(|w| w.document());
    if let Some(a) = doc
        .and_then(|d| d.create_element("a").ok())
        .and_then(|a| a.dyn_into::<web_sys::HtmlAnchorElement>().ok())
    {
        a.set_href(url);
        a.set_download(name);
        a.click();
    }
}
