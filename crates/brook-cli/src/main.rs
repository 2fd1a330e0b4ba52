//! `brook`: runs the Brook engine headless, and answers Kafka questions (hash, partition,
//! assign) with the same code the simulator uses.

mod args;
mod compare;
mod drive;
mod journey;
mod plan;
mod progress;

use std::collections::BTreeMap;
use std::process::ExitCode;
use std::time::Instant;

use brook_engine::{
    assign, key_partition, murmur2, preset, Cluster, DirectRun, FollowTarget, MemberSubscription,
    Scenario, PRESETS, SAMPLE_US, TICK_US,
};

use args::{AssignArgs, Command, DriveArgs, Format, PlanArgs, RunArgs, UsageError};

fn main() -> ExitCode {
    // Rust ignores SIGPIPE, so a print to a closed pipe would panic: take the default back
    // (the process ends quietly, as `yes | head` does).
    #[cfg(unix)]
    // SAFETY: called first, before any thread starts; SIG_DFL is a valid disposition.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    progress::install_ctrl_c();
    let argv: Vec<String> = std::env::args().skip(1).collect();
    match args::parse(&argv) {
        Ok(Ok(cli)) => run(cli),
        Ok(Err(UsageError(msg))) => {
            eprintln!("brook: {msg}\n\nFor more information, try 'brook --help'.");
            ExitCode::from(2)
        }
        // `--help` and `--version` (exit 0), or clap's usage errors with its suggestions
        // (exit 2).
        Err(e) => e.exit(),
    }
}

fn run(cli: Command) -> ExitCode {
    match cli {
        Command::Presets => {
            for name in PRESETS {
                let s = preset(name).expect("listed presets exist");
                println!("{name}\t{}", s.description);
            }
            ExitCode::SUCCESS
        }
        Command::Hash(keys) => {
            for k in keys {
                println!("{}", murmur2(k.as_bytes()));
            }
            ExitCode::SUCCESS
        }
        Command::Partition { partitions, keys } => {
            for k in keys {
                println!("{}", key_partition(k.as_bytes(), partitions));
            }
            ExitCode::SUCCESS
        }
        Command::Assign(a) => assign_cmd(a),
        Command::Check(file) => match load(&file) {
            Ok(s) => {
                println!("{file}: valid scenario \"{}\"", s.name);
                ExitCode::SUCCESS
            }
            Err(code) => code,
        },
        Command::Run(r) => run_cmd(r),
        Command::Plan(p) => plan_cmd(p),
        Command::Drive(d) => drive_cmd(d),
        Command::Compare(c) => compare_cmd(c),
        Command::Completions(shell) => {
            let mut cmd = <args::Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut cmd, "brook", &mut std::io::stdout());
            ExitCode::SUCCESS
        }
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
    if progress::interrupted() {
        eprintln!("brook: interrupted: the search above is not complete");
        return ExitCode::from(progress::INTERRUPTED_EXIT);
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
            if let Err(e) = run_with_progress(&mut cluster, end_us, r.check) {
                return broken(&e);
            }
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
                d.run_until(cluster.now_us());
                v["direct_call"] = serde_json::to_value(d.summary()).expect("summary serializes");
            }
            println!("{}", serde_json::to_string_pretty(&v).expect("json"));
        }
        Format::Csv => {
            if let Err(e) = csv(&mut cluster, direct.as_mut(), end_us, r.check) {
                return broken(&e);
            }
        }
        Format::Table => {
            if let Err(e) = run_with_progress(&mut cluster, end_us, r.check) {
                return broken(&e);
            }
            table(&cluster.summary());
        }
    }
    if progress::interrupted() {
        eprintln!(
            "brook: interrupted at {:.1} virtual s of {seconds}: the figures above are the run so far",
            cluster.now_us() as f64 / 1e6
        );
        return ExitCode::from(progress::INTERRUPTED_EXIT);
    }
    ExitCode::SUCCESS
}

/// Runs to `end_us` in 100 ms virtual steps; shows progress on a terminal after 2 s of wall
/// time; stops early at Ctrl-C (the summary then covers the run so far). With `check`, the
/// invariants are checked after every 1 ms step and the first broken one is the error.
fn run_with_progress(cluster: &mut Cluster, end_us: u64, check: bool) -> Result<(), String> {
    progress::interruptible();
    let mut bar = progress::Progress::new(end_us / 1000, "{bar:30} {pos}/{len} virtual ms  {msg}");
    while cluster.now_us() < end_us && !progress::interrupted() {
        advance(cluster, (cluster.now_us() + SAMPLE_US).min(end_us), check)?;
        let wall_s = bar.elapsed().as_secs_f64();
        bar.update(cluster.now_us() / 1000, || {
            let inflow = cluster.history().last().map_or(0.0, |s| s.inflow_per_sec);
            format!(
                "{inflow:.0} records/virtual s, {:.1}x real time",
                cluster.now_us() as f64 / 1e6 / wall_s.max(1e-9)
            )
        });
    }
    bar.finish();
    Ok(())
}

/// Runs to `to_us`; with `check`, step by step with the invariants checked after each.
fn advance(cluster: &mut Cluster, to_us: u64, check: bool) -> Result<(), String> {
    if !check {
        cluster.run_until(to_us);
        return Ok(());
    }
    while cluster.now_us() < to_us {
        cluster.step();
        checked(cluster)?;
    }
    Ok(())
}

/// The engine's invariants now, or the first broken one with its virtual time and seed.
fn checked(cluster: &Cluster) -> Result<(), String> {
    cluster.check_invariants().map_err(|e| {
        let seed = cluster.scenario().seed;
        format!("invariant broken at {} us (seed {seed}): {e}", cluster.now_us())
    })
}

/// A broken invariant: said on stderr, exit 1.
fn broken(e: &str) -> ExitCode {
    eprintln!("brook: {e}");
    ExitCode::from(1)
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
fn csv(
    cluster: &mut Cluster,
    mut direct: Option<&mut DirectRun>,
    end_us: u64,
    check: bool,
) -> Result<(), String> {
    // The page's "Metrics as CSV" writes its lines with the same engine code.
    println!("{}", brook_engine::csv_header(cluster.scenario(), direct.is_some()));
    let per_sample = SAMPLE_US / TICK_US;
    // Ctrl-C stops after the last whole sample: the lines printed are the run so far.
    progress::interruptible();
    // Bounded by the run length in samples.
    while cluster.now_us() + SAMPLE_US <= end_us && !progress::interrupted() {
        for _ in 0..per_sample {
            cluster.step();
            if check {
                checked(cluster)?;
            }
            if let Some(d) = direct.as_deref_mut() {
                d.step();
            }
        }
        let d = direct.as_deref().and_then(|d| d.history().last());
        if let Some(s) = cluster.history().last() {
            println!("{}", brook_engine::csv_row(s, d));
        }
    }
    Ok(())
}

/// `brook drive`: the scenario against a real cluster, measured.
/// `brook drive`'s run for `drive` and `compare`: the measured figures, its notes on stderr;
/// or the error on stderr and its exit code.
fn drive_measured(
    scenario: &Scenario,
    d: &DriveArgs,
    seconds: f64,
) -> Result<drive::Measured, ExitCode> {
    let m = drive::drive(scenario, &d.bootstrap, seconds, d.timeout_s).map_err(|e| {
        eprintln!("brook: {}", e.message);
        ExitCode::from(e.exit)
    })?;
    for n in &m.notes {
        eprintln!("brook: note: {n}");
    }
    Ok(m)
}

fn drive_cmd(d: DriveArgs) -> ExitCode {
    let scenario = match load(&d.scenario) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let seconds = d.seconds.unwrap_or(scenario.duration_s.min(args::DRIVE_SECONDS_MAX));
    let m = match drive_measured(&scenario, &d, seconds) {
        Ok(m) => m,
        Err(code) => return code,
    };
    match d.format {
        Format::Json => {
            println!("{}", serde_json::to_string_pretty(&m).expect("json"));
        }
        Format::Csv => drive_csv(&m),
        Format::Table => drive_table(&m),
    }
    if m.interrupted {
        eprintln!(
            "brook: interrupted after {:.1} s: the figures above are the run so far",
            m.wall_ms / 1000.0
        );
        return ExitCode::from(progress::INTERRUPTED_EXIT);
    }
    ExitCode::SUCCESS
}

/// One line per second of a `brook drive` run.
fn drive_csv(m: &drive::Measured) {
    let groups: Vec<&String> = m.summary.consumed_records.keys().collect();
    let mut head =
        String::from("t_ms,produced_records,acked_records,latency_ms_p50,latency_ms_p99");
    for g in &groups {
        head.push_str(&format!(",processed_records_{g},lag_records_{g}"));
    }
    println!("{head}");
    for s in &m.samples {
        let mut line = format!(
            "{},{},{},{},{}",
            s.t_ms, s.produced_records, s.acked_records, s.latency_ms_p50, s.latency_ms_p99
        );
        for g in &groups {
            line.push_str(&format!(
                ",{},{}",
                s.processed_records.get(*g).unwrap_or(&0),
                s.lag_records.get(*g).unwrap_or(&0)
            ));
        }
        println!("{line}");
    }
}

/// The measured figures, one per line.
fn drive_table(m: &drive::Measured) {
    let s = &m.summary;
    println!(
        "{} against {} for {:.1} s (warm-up {:.1} s)",
        m.scenario,
        m.bootstrap,
        m.wall_ms / 1000.0,
        m.warmup_ms / 1000.0
    );
    let rows: Vec<(String, String)> = vec![
        ("produced_records".into(), s.produced_records.to_string()),
        ("acked_records".into(), s.acked_records.to_string()),
        ("dropped_records".into(), s.dropped_records.to_string()),
        ("lost_records".into(), s.lost_records.to_string()),
        ("duplicate_records".into(), s.duplicate_records.to_string()),
        ("rebalances".into(), s.rebalances.to_string()),
        ("latency_ms_p50".into(), format!("{:.1}", s.latency_ms_p50)),
        ("latency_ms_p99".into(), format!("{:.1}", s.latency_ms_p99)),
        ("lag_records_max".into(), s.lag_records_max.to_string()),
    ];
    let consumed =
        s.consumed_records.iter().map(|(g, n)| (format!("consumed_records {g}"), n.to_string()));
    let lag = s.lag_records.iter().map(|(g, n)| (format!("lag_records {g} (end)"), n.to_string()));
    for (k, v) in rows.into_iter().chain(consumed).chain(lag) {
        println!("{k:<32} {v:>12}");
    }
}

/// `brook compare`: the simulation and the real run for the same time, one table.
fn compare_cmd(d: DriveArgs) -> ExitCode {
    let scenario = match load(&d.scenario) {
        Ok(s) => s,
        Err(code) => return code,
    };
    // Refused before the simulation runs.
    let refused = drive::refusals(&scenario);
    if !refused.is_empty() {
        eprintln!(
            "brook: compare: {} cannot be driven against a real cluster:\n  {}",
            scenario.name,
            refused.join("\n  ")
        );
        return ExitCode::from(2);
    }
    let seconds = d.seconds.unwrap_or(scenario.duration_s.min(args::DRIVE_SECONDS_MAX));
    let sim = compare::simulate(&scenario, seconds);
    let m = match drive_measured(&scenario, &d, seconds) {
        Ok(m) => m,
        Err(code) => return code,
    };
    let rows = compare::rows(&scenario, seconds, &sim, &m);
    print!("{}", compare::table(&scenario, seconds, &m, &rows));
    if m.interrupted {
        eprintln!("brook: interrupted: the measured column is the run so far");
        return ExitCode::from(progress::INTERRUPTED_EXIT);
    }
    ExitCode::SUCCESS
}
