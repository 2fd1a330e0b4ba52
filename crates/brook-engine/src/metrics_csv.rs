//! The metrics history as CSV, one row per sample (every 100 virtual ms): what
//! `brook run --format csv` prints and the page's "Metrics as CSV" downloads, written by the
//! same code so the two files agree column for column and value for value.

use std::fmt::Write;

use crate::direct::{DirectRun, DirectSample};
use crate::metrics::Sample;
use crate::scenario::Scenario;
use crate::Cluster;

/// The header line (without its newline): the fixed columns, a `lag_records_NAME` column per
/// reader of `scenario` (consumer groups, then share groups, then push subscriptions, the
/// order of [`Sample::lag_records`]), and with `direct` the run without a queue's columns.
pub fn csv_header(scenario: &Scenario, direct: bool) -> String {
    let mut out = String::from(
        "t_ms,inflow_per_sec,outflow_per_sec,backlog_records,latency_ms_p50,latency_ms_p99,\
         producers_blocked,failed_records",
    );
    let names = scenario.groups.iter().map(|g| &g.name);
    let names = names.chain(scenario.share_groups.iter().map(|g| &g.name));
    for name in names.chain(scenario.subscriptions.iter().map(|s| &s.name)) {
        let _ = write!(out, ",lag_records_{name}");
    }
    if direct {
        out.push_str(
            ",direct_sent_requests,direct_succeeded_requests,direct_failed_requests,\
             direct_timed_out_requests,direct_callers_waiting",
        );
    }
    out
}

/// One sample's line (without its newline), with the run without a queue's figures when given.
pub fn csv_row(s: &Sample, direct: Option<&DirectSample>) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "{},{},{},{},{},{},{},{}",
        s.t_ms,
        s.inflow_per_sec,
        s.outflow_per_sec,
        s.backlog_records,
        s.latency_ms_p50,
        s.latency_ms_p99,
        s.producers_blocked,
        s.failed_records
    );
    for lag in &s.lag_records {
        let _ = write!(out, ",{lag}");
    }
    if let Some(d) = direct {
        let _ = write!(
            out,
            ",{},{},{},{},{}",
            d.sent_requests,
            d.succeeded_requests,
            d.failed_requests,
            d.timed_out_requests,
            d.callers_waiting
        );
    }
    out
}

/// The header and every sample the cluster's history still holds (its last
/// [`HISTORY_SAMPLES_MAX`](crate::HISTORY_SAMPLES_MAX) samples, a minute), each line ending
/// in a newline: the lines `brook run --seconds T --format csv` prints for the same run, the
/// first minute of them when more has gone by. A run without a queue adds its columns, each
/// row taking its sample at the same virtual time.
pub fn history_csv(cluster: &Cluster, direct: Option<&DirectRun>) -> String {
    let mut out = csv_header(cluster.scenario(), direct.is_some());
    out.push('\n');
    for s in cluster.history().iter() {
        let d = match direct {
            Some(run) => match run.history().iter().find(|d| d.t_ms == s.t_ms) {
                Some(d) => Some(d),
                None => continue,
            },
            None => None,
        };
        out.push_str(&csv_row(s, d));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{preset, PRESETS, SAMPLE_US, TICK_US};

    /// The header names the readers a new cluster has, in its order (the order of each
    /// sample's lags), and every row has as many values as the header has columns.
    #[test]
    fn header_and_rows_agree_for_every_preset() {
        for name in PRESETS {
            let scenario = preset(name).expect("preset");
            let mut cluster = Cluster::new(scenario.clone());
            let mut direct = DirectRun::new(&scenario, scenario.seed);
            let header = csv_header(&scenario, true);
            let readers: Vec<String> =
                cluster.readers().map(|r| format!("lag_records_{}", r.name())).collect();
            let lag_columns: Vec<&str> =
                header.split(',').filter(|c| c.starts_with("lag_records_")).collect();
            assert_eq!(lag_columns, readers, "{name}");
            for _ in 0..(2 * SAMPLE_US / TICK_US) {
                cluster.step();
                direct.step();
            }
            let csv = history_csv(&cluster, Some(&direct));
            let lines: Vec<&str> = csv.lines().collect();
            assert_eq!(lines.len(), 1 + cluster.history().len(), "{name}");
            assert!(lines.len() >= 3, "{name}: two samples at least");
            let columns = header.split(',').count();
            for line in &lines {
                assert_eq!(line.split(',').count(), columns, "{name}: {line}");
            }
            assert!(csv.ends_with('\n'));
        }
    }
}
