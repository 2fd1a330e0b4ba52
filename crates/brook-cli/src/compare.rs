//! `brook compare`: the simulation and a real run of the same scenario for the same time, in
//! one table: simulated | measured | ratio (measured / simulated).

use brook_engine::{Cluster, Scenario, Summary};

use crate::drive::Measured;

/// Lag rows at most per group (spread over the run).
const LAG_ROWS_MAX: usize = 10;

/// One row of the table.
pub struct Row {
    pub name: String,
    pub simulated: f64,
    pub measured: f64,
}

/// The simulation run second by second: its summary and each group's lag at every second.
pub struct Simulated {
    pub summary: Summary,
    /// Per second (1 s, 2 s, ...): each consumer group's lag, records, in the scenario's order.
    pub lag_per_second: Vec<Vec<u64>>,
}

/// Runs the simulation for `seconds` virtual seconds.
pub fn simulate(s: &Scenario, seconds: f64) -> Simulated {
    let mut c = Cluster::new(s.clone());
    let mut lag_per_second = Vec::new();
    let end_us = (seconds * 1e6) as u64;
    let mut t = 1_000_000u64;
    while t <= end_us {
        c.run_until(t);
        // Readers are the groups first (`Cluster::readers`): their lag in order.
        let lags = c.history().iter().last().map(|x| x.lag_records.clone()).unwrap_or_default();
        lag_per_second.push(lags.into_iter().take(s.groups.len()).collect());
        t += 1_000_000;
    }
    c.run_until(end_us);
    Simulated { summary: c.summary(), lag_per_second }
}

/// The rows: throughput, lag over time, latency, rebalances, duplicates, losses.
pub fn rows(s: &Scenario, seconds: f64, sim: &Simulated, m: &Measured) -> Vec<Row> {
    let ss = &sim.summary;
    let ms = &m.summary;
    let measured_s = (m.wall_ms / 1000.0).max(1e-3);
    let mut rows = vec![Row {
        name: "produced records/s".into(),
        simulated: ss.appended_records as f64 / seconds,
        measured: ms.acked_records as f64 / measured_s,
    }];
    for g in &s.groups {
        rows.push(Row {
            name: format!("{} consumed records/s", g.name),
            simulated: ss.consumed_records.get(&g.name).copied().unwrap_or(0) as f64 / seconds,
            measured: ms.consumed_records.get(&g.name).copied().unwrap_or(0) as f64 / measured_s,
        });
    }
    let n = sim.lag_per_second.len().min(m.samples.len());
    let step = n.div_ceil(LAG_ROWS_MAX).max(1);
    for (gi, g) in s.groups.iter().enumerate() {
        for i in (0..n).filter(|i| (i + 1) % step == 0 || i + 1 == n) {
            rows.push(Row {
                name: format!("{} lag at {} s, records", g.name, i + 1),
                simulated: sim.lag_per_second[i].get(gi).copied().unwrap_or(0) as f64,
                measured: m.samples[i].lag_records.get(&g.name).copied().unwrap_or(0) as f64,
            });
        }
    }
    rows.extend([
        Row {
            name: "latency p50, ms".into(),
            simulated: ss.latency_ms_p50,
            measured: ms.latency_ms_p50,
        },
        Row {
            name: "latency p99, ms".into(),
            simulated: ss.latency_ms_p99,
            measured: ms.latency_ms_p99,
        },
        Row {
            name: "rebalances".into(),
            simulated: ss.rebalances as f64,
            measured: ms.rebalances as f64,
        },
        Row {
            name: "duplicate records".into(),
            simulated: ss.duplicate_records as f64,
            measured: ms.duplicate_records as f64,
        },
        Row {
            name: "lost records".into(),
            simulated: ss.lost_records as f64,
            measured: ms.lost_records as f64,
        },
    ]);
    rows
}

fn number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

/// The table as text.
pub fn table(s: &Scenario, seconds: f64, m: &Measured, rows: &[Row]) -> String {
    let mut out = format!(
        "{} for {seconds} s: simulated (seed {}) | measured against {} ({:.1} s after a {:.1} s \
         warm-up)\n",
        s.name,
        s.seed,
        m.bootstrap,
        m.wall_ms / 1000.0,
        m.warmup_ms / 1000.0
    );
    out += &format!("{:<36} {:>12} {:>12} {:>8}\n", "", "simulated", "measured", "ratio");
    for r in rows {
        let ratio = if r.simulated == 0.0 {
            if r.measured == 0.0 {
                "=".to_string()
            } else {
                "-".to_string()
            }
        } else {
            format!("{:.2}", r.measured / r.simulated)
        };
        out += &format!(
            "{:<36} {:>12} {:>12} {:>8}\n",
            r.name,
            number(r.simulated),
            number(r.measured),
            ratio
        );
    }
    out += "ratio: measured / simulated (\"=\" both 0, \"-\" simulated 0).\n\
            Measured lag over time: records acknowledged and not yet processed; at the end\n\
            (brook drive's lag_records): end offset minus committed offset.\n\
            Measured rebalances count those after the warm-up (the groups' first join).\n";
    out
}
