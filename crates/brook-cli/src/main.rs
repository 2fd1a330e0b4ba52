//! `brook`: runs the Brook engine headless, and answers Kafka questions (hash, partition,
//! assign) with the same code the simulator uses.

mod args;
mod journey;
mod plan;

use std::collections::BTreeMap;
use std::process::ExitCode;
use std::time::Instant;

use brook_engine::{
    assign, key_partition, murmur2, preset, Cluster, DirectRun, FollowTarget, MemberSubscription,
    Scenario, PRESETS, SAMPLE_US, TICK_US,
};

use args::{AssignArgs, Cli, Format, PlanArgs, RunArgs, UsageError};

const USAGE: &str = "\
brook: a Kafka-style message queue engine, headless

USAGE:
  brook hash KEY...                         Kafka's murmur2 of each key (signed 32-bit)
  brook partition --partitions N KEY...     the partition Kafka's default partitioner picks
  brook assign --assignor range|roundrobin|sticky|cooperative-sticky
               --topic NAME:PARTITIONS... --member ID[@INSTANCE]:TOPIC,TOPIC...
               [--owned ID:TOPIC-P,TOPIC-P...]
                                            a group assignment as JSON
  brook run PRESET|FILE [--seconds S] [--seed N] [--format json|csv|table]
                        [--direct]
                                            simulate as fast as possible; --direct also
                                            runs the same traffic without a queue (direct
                                            calls to the service, same seed) beside it
  brook run PRESET|FILE --follow-next PRODUCER[@S] [--seconds S] [--seed N]
                                            follow the next record PRODUCER sends after
                                            S s (1 by default) and print its journey
  brook plan PRESET|FILE --target METRIC<=VALUE,... [--points N] [--seconds S]
                         [--seed N] [--threads N] [--format table|json]
                                            the smallest brokers, partitions per topic and
                                            members per consumer group meeting every target
                                            under the scenario's load (see below)
  brook check FILE                          validate a scenario file
  brook presets                             list the built-in presets

brook plan: each point is the scenario with cluster.brokers, every topic's partitions and
every consumer group's members set (members at most partitions: Kafka gives a partition to
one member of a group, so more members would idle), validated, run for S s (default the
scenario's duration_s) with the scenario's seed. Metrics:
  lag_s           the longest any record waited for a consumer group, s: the largest of
                  the processed records' end-to-end latency and, at the end of the run, the
                  age of the oldest record a group has not committed
  p99_ms          end-to-end latency (creation to processed) 99th percentile, ms
  lag_records     the largest total lag of any reader at a metrics sample (every 100 ms)
  lost_records    records lost without anyone being told
  failed_records  records whose producer was told they failed
Search (it assumes more of anything never makes a metric worse): (1) the largest point:
16 brokers, 4x the largest topic's partitions (at least 16); if it misses, none is smaller;
(2) a bisection per dimension, side by side, the other two at their largest (for members,
the most partitions that divide evenly among them): each finds the least value that can
meet the targets; (3) those least values together: if they meet, no point is smaller in
any dimension; else a bisection on the line from them to the largest point, all three
grown together. The chosen point is the cheapest point tried that met
every target, cost = brokers + partitions + members (ties: fewer brokers, then partitions).
--points N (default 20, at most 200) bounds the runs; the points tried do not depend on
--threads (default: every core), only the wall time does. Exit 1 if no point met them.

Exit status: 0 on success, 2 on bad arguments or an invalid scenario, 1 on other errors.";

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    match args::parse(&argv) {
        Ok(cli) => run(cli),
        Err(UsageError(msg)) => {
            eprintln!("brook: {msg}\n\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> ExitCode {
    match cli {
        Cli::Help => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        Cli::Presets => {
            for name in PRESETS {
                let s = preset(name).expect("listed presets exist");
                println!("{name}\t{}", s.description);
            }
            ExitCode::SUCCESS
        }
        Cli::Hash(keys) => {
            for k in keys {
                println!("{}", murmur2(k.as_bytes()));
            }
            ExitCode::SUCCESS
        }
        Cli::Partition { partitions, keys } => {
            for k in keys {
                println!("{}", key_partition(k.as_bytes(), partitions));
            }
            ExitCode::SUCCESS
        }
        Cli::Assign(a) => assign_cmd(a),
        Cli::Check(file) => match load(&file) {
            Ok(s) => {
                println!("{file}: valid scenario \"{}\"", s.name);
                ExitCode::SUCCESS
            }
            Err(code) => code,
        },
        Cli::Run(r) => run_cmd(r),
        Cli::Plan(p) => plan_cmd(p),
    }
}

fn assign_cmd(a: AssignArgs) -> ExitCode {
    let members: Vec<MemberSubscription> = a
        .members
        .into_iter()
        .map(|m| MemberSubscription {
            owned: a.owned.get(&m.id).cloned().unwrap_or_default(),
            generation: 1,
            ..m
        })
        .collect();
    let result = assign(a.assignor, &a.topics, &members);
    let json: BTreeMap<&String, Vec<String>> =
        result.iter().map(|(m, l)| (m, l.iter().map(|tp| tp.to_string()).collect())).collect();
    println!("{}", serde_json::to_string(&json).expect("strings serialize"));
    ExitCode::SUCCESS
}

/// Loads a preset by name or a scenario file; prints every problem and returns exit status 2.
fn load(what: &str) -> Result<Scenario, ExitCode> {
    if let Some(s) = preset(what) {
        return Ok(s);
    }
    let text = match std::fs::read_to_string(what) {
        Ok(t) => t,
        Err(e) => {
            eprintln!(
                "brook: {what}: not a preset ({}) and not a readable file: {e}",
                PRESETS.join(", ")
            );
            return Err(ExitCode::from(2));
        }
    };
    Scenario::from_json(&text).map_err(|errors| {
        for e in errors {
            eprintln!("{what}: {e}");
        }
        ExitCode::from(2)
    })
}

fn plan_cmd(a: PlanArgs) -> ExitCode {
    let mut scenario = match load(&a.scenario) {
        Ok(s) => s,
        Err(code) => return code,
    };
    if let Some(seed) = a.seed {
        scenario.seed = seed;
    }
    let seconds = a.seconds.unwrap_or(scenario.duration_s);
    let threads =
        a.threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let result = plan::search(&scenario, seconds, &a.targets, a.points, threads);
    if a.json {
        let v = plan::json(&scenario, seconds, &a.targets, &result);
        println!("{}", serde_json::to_string_pretty(&v).expect("json"));
    } else {
        plan::print_table(&scenario, seconds, &a.targets, &result);
    }
    if result.chosen.is_some() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn run_cmd(r: RunArgs) -> ExitCode {
    let mut scenario = match load(&r.scenario) {
        Ok(s) => s,
        Err(code) => return code,
    };
    if let Some(seed) = r.seed {
        scenario.seed = seed;
    }
    let seconds = r.seconds.unwrap_or(scenario.duration_s);
    let seed = scenario.seed;
    let mut direct = r.direct.then(|| DirectRun::new(&scenario, seed));
    let mut cluster = Cluster::new(scenario);
    let end_us = (seconds * 1e6) as u64;
    let started = Instant::now();
    if let Some((name, at_s)) = r.follow {
        return follow_cmd(&mut cluster, &name, at_s, end_us);
    }
    match r.format {
        Format::Json => {
            cluster.run_until(end_us);
            let wall_ms = started.elapsed().as_secs_f64() * 1000.0;
            let mut v = serde_json::to_value(cluster.summary()).expect("summary serializes");
            v["wall_ms"] = serde_json::json!(wall_ms.round());
            v["scenario"] = serde_json::json!(cluster.scenario().name);
            v["seed"] = serde_json::json!(seed);
            v["records_per_wall_sec"] =
                serde_json::json!((v["appended_records"].as_f64().unwrap_or(0.0)
                    / (wall_ms / 1000.0).max(1e-9))
                .round());
            v["trace_hash"] = serde_json::json!(format!("{:#x}", cluster.trace_hash()));
            if let Some(d) = &mut direct {
                d.run_until(end_us);
                v["direct_call"] = serde_json::to_value(d.summary()).expect("summary serializes");
            }
            println!("{}", serde_json::to_string_pretty(&v).expect("json"));
        }
        Format::Csv => csv(&mut cluster, direct.as_mut(), end_us),
        Format::Table => {
            cluster.run_until(end_us);
            table(&cluster.summary());
        }
    }
    ExitCode::SUCCESS
}

/// Runs to `at_s`, follows the next record producer `name` sends, runs to `end_us` and prints
/// the record's journey.
fn follow_cmd(cluster: &mut Cluster, name: &str, at_s: f64, end_us: u64) -> ExitCode {
    let Some(i) = cluster.producers().iter().position(|p| p.spec.name == name) else {
        let names: Vec<&str> = cluster.producers().iter().map(|p| p.spec.name.as_str()).collect();
        eprintln!("brook: --follow-next: no producer \"{name}\" (producers: {})", names.join(", "));
        return ExitCode::from(2);
    };
    let at_us = (at_s * 1e6) as u64;
    if at_us >= end_us {
        eprintln!("brook: --follow-next: {at_s} s is not before the end of the run");
        return ExitCode::from(2);
    }
    cluster.run_until(at_us);
    cluster
        .follow(FollowTarget::Next { producer: Some(i as u32), partition: None })
        .expect("the producer exists");
    cluster.run_until(end_us);
    let f = cluster.followed().expect("followed");
    println!(
        "{} (seed {}): the next record {name} sent after {at_s} s, to {:.3} s",
        cluster.scenario().name,
        cluster.scenario().seed,
        end_us as f64 / 1e6
    );
    if f.record.is_none() {
        println!("{name} had no record appended before the end of the run");
    }
    for l in journey::lines(cluster, f) {
        println!("{l}");
    }
    println!();
    for l in journey::rules(cluster, f) {
        println!("{l}");
    }
    ExitCode::SUCCESS
}

/// Each broker's produce and fetch request times, as Kafka's `RequestMetrics` names them:
/// mean and 99th percentile, ms.
fn table(s: &brook_engine::Summary) {
    println!(
        "{:<7} {:<8} {:>9} {:>11} {:>15} {:>15} {:>15} {:>15} {:>15} {:>15}",
        "broker",
        "request",
        "requests",
        "queue max",
        "RequestQueue",
        "Local",
        "Remote",
        "ResponseQueue",
        "ResponseSend",
        "Total"
    );
    for b in &s.requests {
        for (kind, k) in [("Produce", &b.produce), ("Fetch", &b.fetch)] {
            let t = |x: &brook_engine::TimeSummary| format!("{:.2}/{:.2}", x.mean, x.p99);
            println!(
                "{:<7} {:<8} {:>9} {:>11} {:>15} {:>15} {:>15} {:>15} {:>15} {:>15}",
                b.broker,
                kind,
                k.requests,
                b.request_queue_max,
                t(&k.request_queue_time_ms),
                t(&k.local_time_ms),
                t(&k.remote_time_ms),
                t(&k.response_queue_time_ms),
                t(&k.response_send_time_ms),
                t(&k.total_time_ms)
            );
        }
    }
    println!("times in ms: mean/p99 (TotalTimeMs is the sum of the other five)");
}

/// Streams one CSV line per metrics sample, so output size grows with the run, not memory.
fn csv(cluster: &mut Cluster, mut direct: Option<&mut DirectRun>, end_us: u64) {
    // The page's "Metrics as CSV" writes its lines with the same engine code.
    println!("{}", brook_engine::csv_header(cluster.scenario(), direct.is_some()));
    let per_sample = SAMPLE_US / TICK_US;
    // Bounded by the run length in samples.
    while cluster.now_us() + SAMPLE_US <= end_us {
        for _ in 0..per_sample {
            cluster.step();
            if let Some(d) = direct.as_deref_mut() {
                d.step();
            }
        }
        let d = direct.as_deref().and_then(|d| d.history().last());
        if let Some(s) = cluster.history().last() {
            println!("{}", brook_engine::csv_row(s, d));
        }
    }
}
