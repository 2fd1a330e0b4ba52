//! The `brook` binary as a user runs it.

use std::process::{Command, Output};

fn brook(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_brook")).args(args).output().expect("brook runs")
}

/// Runs `brook` and asserts it exited 0, showing its stderr otherwise.
fn brook_ok(args: &[&str]) -> Output {
    let o = brook(args);
    assert!(o.status.success(), "brook {args:?}: {:?}\n{}", o.status, stderr(&o));
    o
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn hash_prints_kafka_murmur2() {
    let o = brook_ok(&["hash", "21", "foobar", "a-little-bit-long-string"]);
    assert_eq!(stdout(&o), "-973932308\n-790332482\n-985981536\n");
}

#[test]
fn partition_is_positive_hash_modulo() {
    let o = brook_ok(&["partition", "--partitions", "7", "21", "foobar"]);
    // (-973932308 & 0x7fffffff) % 7 and (-790332482 & 0x7fffffff) % 7
    let want = format!(
        "{}\n{}\n",
        (-973_932_308i32 as u32 & 0x7fff_ffff) % 7,
        (-790_332_482i32 as u32 & 0x7fff_ffff) % 7
    );
    assert_eq!(stdout(&o), want);
}

fn assign_json(args: &[&str]) -> serde_json::Value {
    let o = brook_ok(args);
    serde_json::from_str(&stdout(&o)).unwrap()
}

#[test]
fn assign_matches_kafka_tests() {
    let v = assign_json(&[
        "assign",
        "--assignor",
        "range",
        "--topic",
        "t1:3",
        "--topic",
        "t2:2",
        "--member",
        "c1:t1",
        "--member",
        "c2:t1,t2",
        "--member",
        "c3:t1",
    ]);
    assert_eq!(
        v,
        serde_json::json!({"c1": ["t1-0"], "c2": ["t1-1", "t2-0", "t2-1"], "c3": ["t1-2"]})
    );
    let v = assign_json(&[
        "assign",
        "--assignor",
        "roundrobin",
        "--topic",
        "t1:3",
        "--topic",
        "t2:3",
        "--member",
        "c1:t1,t2",
        "--member",
        "c2:t1,t2",
    ]);
    assert_eq!(
        v,
        serde_json::json!({"c1": ["t1-0", "t1-2", "t2-1"], "c2": ["t1-1", "t2-0", "t2-2"]})
    );
    let v = assign_json(&[
        "assign",
        "--assignor",
        "sticky",
        "--topic",
        "t:3",
        "--member",
        "c1:t",
        "--member",
        "c2:t",
        "--owned",
        "c1:t-0,t-1,t-2",
    ]);
    assert_eq!(v, serde_json::json!({"c1": ["t-0", "t-1"], "c2": ["t-2"]}));
    let v = assign_json(&[
        "assign",
        "--assignor",
        "cooperative-sticky",
        "--topic",
        "t:3",
        "--member",
        "c1:t",
        "--member",
        "c2:t",
        "--member",
        "c3:t",
        "--owned",
        "c1:t-0,t-1",
        "--owned",
        "c2:t-0,t-2",
    ]);
    assert_eq!(v, serde_json::json!({"c1": ["t-1"], "c2": ["t-2"], "c3": []}));
}

#[test]
fn run_json_has_the_documented_fields() {
    let o = brook_ok(&["run", "quickstart", "--seconds", "3", "--seed", "5"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    for field in [
        "virtual_seconds",
        "wall_ms",
        "produced_records",
        "acked_records",
        "consumed_records",
        "lost_records",
        "lost_records_by_cause",
        "duplicate_records",
        "dropped_records",
        "written_records",
        "in_flight_records",
        "send_failed_records",
        "delivery_timeout_records",
        "failed_written_records",
        "out_of_order_batches",
        "lag_records_max",
        "latency_ms_p50",
        "latency_ms_p99",
    ] {
        assert!(v.get(field).is_some(), "missing {field}");
    }
    assert_eq!(v["virtual_seconds"], 3.0);
    // One definition of lost: the sum of its causes.
    let causes: u64 =
        v["lost_records_by_cause"].as_object().unwrap().values().map(|n| n.as_u64().unwrap()).sum();
    assert_eq!(v["lost_records"].as_u64(), Some(causes));
    assert!(v["consumed_records"]["billing"].as_u64().unwrap() > 0);
    // Deterministic: the same run again gives the same trace.
    let again: serde_json::Value = serde_json::from_str(&stdout(&brook_ok(&[
        "run",
        "quickstart",
        "--seconds",
        "3",
        "--seed",
        "5",
    ])))
    .unwrap();
    assert_eq!(v["trace_hash"], again["trace_hash"]);
}

#[test]
fn run_csv_streams_one_line_per_sample() {
    let o = brook_ok(&["run", "p2p-vs-pubsub", "--seconds", "2", "--format", "csv"]);
    let text = stdout(&o);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("t_ms,inflow_per_sec"));
    assert!(lines[0].ends_with("lag_records_workers,lag_records_audit,lag_records_analytics"));
    assert_eq!(lines.len(), 1 + 20);
}

#[test]
fn check_reports_the_field_and_exits_2() {
    let dir = std::env::temp_dir().join(format!("brook-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.json");
    let text = brook_engine::preset("quickstart")
        .unwrap()
        .to_json()
        .replace("\"partitions\": 4", "\"partitions\": 20000");
    std::fs::write(&bad, text).unwrap();
    let o = brook(&["check", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("topics[0].partitions: 20000 exceeds the limit 16384"));
    let good = dir.join("good.json");
    std::fs::write(&good, brook_engine::preset("quickstart").unwrap().to_json()).unwrap();
    brook_ok(&["check", good.to_str().unwrap()]);
    assert_eq!(brook(&["run", "--seconds", "x"]).status.code(), Some(2));
}

#[test]
fn run_direct_prints_the_run_without_a_queue_beside_the_queued_one() {
    // The peak-shaving spike (5 s to 10 s) through both, same seed: the queue loses nothing,
    // the direct calls fail (the course's claim; the model is in brook-engine's direct.rs).
    let o = brook_ok(&["run", "peak-shaving", "--seconds", "12", "--seed", "3", "--direct"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["lost_records"], 0);
    assert_eq!(v["dropped_records"], 0);
    let d = &v["direct_call"];
    for field in [
        "sent_requests",
        "succeeded_requests",
        "failed_requests",
        "timed_out_requests",
        "in_flight_requests",
        "shop_blocked_ms",
        "latency_ms_p99",
    ] {
        assert!(d.get(field).is_some(), "missing direct_call.{field}");
    }
    let n = |f: &str| d[f].as_u64().unwrap();
    assert_eq!(
        n("sent_requests"),
        n("succeeded_requests")
            + n("failed_requests")
            + n("timed_out_requests")
            + n("in_flight_requests")
    );
    assert!(n("failed_requests") + n("timed_out_requests") > 0);
    // Without --direct, no such object; --direct also adds CSV columns.
    let plain = brook_ok(&["run", "peak-shaving", "--seconds", "1"]);
    assert!(!stdout(&plain).contains("direct_call"));
    let csv = brook_ok(&["run", "quickstart", "--seconds", "1", "--format", "csv", "--direct"]);
    let text = stdout(&csv);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].ends_with("direct_timed_out_requests,direct_callers_waiting"), "{}", lines[0]);
    assert_eq!(lines[1].split(',').count(), lines[0].split(',').count());
}

#[test]
fn follow_next_prints_one_member_per_group_and_every_group() {
    // p2p-vs-pubsub: three consumer groups read the topic from the earliest offset. Kafka
    // assigns each partition to one member of a group (KafkaConsumer's javadoc, "Consumer Groups
    // and Topic Subscriptions"), and every group gets every record.
    let o = brook_ok(&["run", "p2p-vs-pubsub", "--follow-next", "api@1", "--seconds", "5"]);
    let out = stdout(&o);
    assert!(out.contains("produced by api"), "{out}");
    assert!(out.contains("appended to tasks-"), "{out}");
    for g in ["workers", "audit", "analytics"] {
        let processed =
            out.lines().filter(|l| l.contains(&format!("{g} #")) && l.ends_with("processed it"));
        assert_eq!(processed.count(), 1, "{g}: {out}");
        let rule = format!("{g} (consumer group: one member per group): processed by #");
        assert!(out.contains(&rule), "{out}");
    }
    let bad = brook(&["run", "p2p-vs-pubsub", "--follow-next", "nobody"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("no producer \"nobody\" (producers: api)"), "{}", stderr(&bad));
}

/// One topic fed at 2,400 records/s with no keys through Kafka's `RoundRobinPartitioner` (every
/// partition gets the same share), read by one consumer group whose members each process a
/// record in 1 ms (1,000 records/s), committing after processing. Written to a file.
fn plan_scenario_file(name: &str) -> std::path::PathBuf {
    use brook_engine::{CommitMode, GroupSpec, PartitionerKind, ProducerSpec, RateProfile};
    let mut s = brook_engine::preset("quickstart").unwrap();
    s.name = "plan-arithmetic".into();
    s.duration_s = 20.0;
    let mut p =
        ProducerSpec::new("shop", "orders", RateProfile::Constant { rate_per_sec: 2_400.0 });
    p.partitioner = PartitionerKind::RoundRobin;
    s.producers = vec![p];
    let mut g = GroupSpec::new("billing", "orders", 2, 1_000);
    g.commit = CommitMode::AfterProcess;
    s.groups = vec![g];
    s.validate().unwrap();
    let dir = std::env::temp_dir().join(format!("brook-cli-plan-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(name);
    std::fs::write(&file, s.to_json()).unwrap();
    file
}

#[test]
fn plan_finds_the_members_the_arithmetic_asks_for() {
    // 2,400 records/s at 1,000 records/s per member: a group keeps up only with
    // ceil(2400 / 1000) = 3 members, and each needs a partition of its own, since Kafka gives a
    // partition to at most one member of a group (`RangeAssignor`: the members beyond the
    // partitions get none). With 2 members (or 2 partitions) the backlog grows by 400 records/s
    // and after 20 s the oldest waiting record is about 20 * (1 - 2000/2400) = 3.3 s old; with 3
    // the load is 0.8 of what they can do and a record waits about a poll. A target of 2 s
    // separates them. Brokers have no limits here, so one broker (the replication factor) is
    // enough.
    let file = plan_scenario_file("arith.json");
    let o = brook_ok(&[
        "plan",
        file.to_str().unwrap(),
        "--target",
        "lag_s<=2",
        "--format",
        "json",
        "--points",
        "40",
    ]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(
        v["chosen"],
        serde_json::json!({"brokers": 1, "partitions": 3, "members": 3, "cost": 7})
    );
    assert_eq!(v["complete"], true);
    let tried = v["tried"].as_array().unwrap();
    for t in tried {
        let (p, m) = (t["partitions"].as_u64().unwrap(), t["members"].as_u64().unwrap());
        assert!(m <= p, "members never exceed partitions: {t}");
        // The arithmetic, point by point: fewer than 3 members fall behind.
        assert_eq!(t["meets"], m >= 3, "{t}");
        if m < 3 {
            assert!(t["lag_s"].as_f64().unwrap() > 2.5, "{t}");
        }
    }
    assert!(tried.iter().any(|t| t["members"] == 2), "the search tried 2 members");
    // The table says the same.
    let o = brook_ok(&["plan", file.to_str().unwrap(), "--target", "lag_s<=2", "--points", "40"]);
    assert!(stdout(&o).contains(
        "smallest meeting the targets: 1 broker, 3 partitions per topic, 3 members per consumer group (cost 7)"
    ), "{}", stdout(&o));
}

#[test]
fn plan_does_not_depend_on_the_thread_count() {
    let file = plan_scenario_file("threads.json");
    let run = |threads: &str| {
        stdout(&brook_ok(&[
            "plan",
            file.to_str().unwrap(),
            "--target",
            "lag_s<=2,p99_ms<=400",
            "--format",
            "json",
            "--seconds",
            "10",
            "--threads",
            threads,
        ]))
    };
    let one = run("1");
    assert!(one.contains("\"tried\""));
    assert_eq!(one, run("2"));
    assert_eq!(one, run("5"));
}

#[test]
fn plan_says_when_no_point_meets_the_targets() {
    // No record arrives before it was created: a p99 of 0 ms is out of reach.
    let o = brook(&["plan", "quickstart", "--target", "p99_ms<=0", "--seconds", "2"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("no point tried met the targets"), "{out}");
    // The largest point failed, so nothing smaller was tried.
    assert!(out.contains("targets p99_ms<=0: 1 point tried\n"), "{out}");
    assert_eq!(out.lines().filter(|l| l.contains("largest")).count(), 1, "{out}");
}

#[test]
fn plan_bad_targets_name_the_part_and_the_limit() {
    for (target, want) in [
        ("lag_s<30", "--target: \"lag_s<30\" must be METRIC<=VALUE (METRIC one of lag_s, p99_ms, lag_records, lost_records, failed_records)"),
        ("lag_s<=30,latency<=5", "--target: \"latency<=5\": unknown metric \"latency\" (one of lag_s, p99_ms, lag_records, lost_records, failed_records)"),
        ("p99_ms<=-1", "--target: \"p99_ms<=-1\": the value must be a number from 0 to 1e15"),
        ("p99_ms<=fast", "--target: \"p99_ms<=fast\": the value must be a number from 0 to 1e15"),
        ("lag_s<=1,lag_s<=2", "--target: \"lag_s\" given more than once"),
    ] {
        let o = brook(&["plan", "quickstart", "--target", target]);
        assert_eq!(o.status.code(), Some(2), "{target}");
        assert!(stderr(&o).starts_with(&format!("brook: {want}\n")), "{target}: {}", stderr(&o));
    }
    let o = brook(&["plan", "quickstart"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("plan: --target"), "{}", stderr(&o));
    for (args, want) in [
        (["--points", "0"], "--points: \"0\" must be a whole number from 1 to 200"),
        (["--points", "201"], "--points: \"201\" must be a whole number from 1 to 200"),
        (["--threads", "0"], "--threads: \"0\" must be a whole number from 1 to 256"),
        (["--format", "csv"], "--format: \"csv\" must be table or json"),
    ] {
        let o = brook(&["plan", "quickstart", "--target", "lag_s<=1", args[0], args[1]]);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(stderr(&o).starts_with(&format!("brook: {want}\n")), "{}", stderr(&o));
    }
}

#[test]
fn help_completions_and_typo_suggestions() {
    for sub in ["run", "check", "assign", "plan", "drive", "compare", "completions"] {
        let o = brook_ok(&[sub, "--help"]);
        assert!(stdout(&o).contains(&format!("Usage: brook {sub}")), "{sub}: {}", stdout(&o));
    }
    for shell in ["bash", "zsh", "fish"] {
        let o = brook_ok(&["completions", shell]);
        assert!(stdout(&o).contains("compare"), "{shell}");
    }
    let o = brook(&["comapre", "quickstart"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("'compare'"), "{}", stderr(&o));
    let o = brook(&["run", "quickstart", "--sede", "1"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--seed"), "{}", stderr(&o));
}

/// Starts `brook ARGS`, sends it SIGINT after `after_ms`, and returns what it printed.
fn interrupted(args: &[&str], after_ms: u64) -> std::process::Output {
    use std::process::Stdio;
    let child = Command::new(env!("CARGO_BIN_EXE_brook"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("brook runs");
    std::thread::sleep(std::time::Duration::from_millis(after_ms));
    let killed = Command::new("kill").args(["-INT", &child.id().to_string()]).status();
    assert!(killed.expect("kill runs").success());
    child.wait_with_output().expect("brook ends")
}

/// Ctrl-C (SIGINT) stops a long run, which still prints its summary so far; exit 130.
#[test]
fn ctrl_c_prints_the_run_so_far() {
    let o = interrupted(&["run", "stress", "--seconds", "86400"], 1500);
    assert_eq!(o.status.code(), Some(130), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("a JSON summary");
    let t = v["virtual_seconds"].as_f64().expect("virtual_seconds");
    assert!(t > 0.0 && t < 86400.0, "{t}");
    assert!(stderr(&o).contains("interrupted at"), "{}", stderr(&o));
}

/// Ctrl-C in a CSV run: the header and every whole sample so far, each line complete; 130.
#[test]
fn ctrl_c_ends_a_csv_run_after_its_last_whole_line() {
    let o = interrupted(&["run", "stress", "--seconds", "86400", "--format", "csv"], 1500);
    assert_eq!(o.status.code(), Some(130), "{}", stderr(&o));
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines.len() > 2, "{out}");
    let columns = lines[0].split(',').count();
    for l in &lines {
        assert_eq!(l.split(',').count(), columns, "a cut line: {l}");
    }
    assert!(out.ends_with('\n'));
    assert!(stderr(&o).contains("interrupted at"), "{}", stderr(&o));
}

/// Ctrl-C in `brook plan`: the points of the rounds that finished, as a table; 130.
#[test]
fn ctrl_c_ends_a_plan_with_the_points_tried() {
    let o = interrupted(
        &[
            "plan",
            "stress",
            "--target",
            "lag_s<=1",
            "--seconds",
            "30",
            "--points",
            "20",
            "--threads",
            "1",
        ],
        4000,
    );
    assert_eq!(o.status.code(), Some(130), "{}\n{}", stderr(&o), stdout(&o));
    assert!(stderr(&o).contains("the search above is not complete"), "{}", stderr(&o));
    assert!(stdout(&o).contains("brokers"), "{}", stdout(&o));
}

/// `--check` checks the engine's invariants after every step: the same run (trace hash) as
/// without it, over every preset at seed 2 (the heavy ones for 0.2 s).
#[test]
fn check_runs_the_same_run_with_the_invariants_checked() {
    let presets =
        stdout(&Command::new(env!("CARGO_BIN_EXE_brook")).arg("presets").output().unwrap());
    for name in presets.lines().map(|l| l.split('\t').next().unwrap()) {
        let seconds =
            if ["production", "stress", "wide-topic"].contains(&name) { "0.2" } else { "2" };
        let seed = "2";
        let run = |extra: &[&str]| {
            let mut args = vec!["run", name, "--seconds", seconds, "--seed", seed];
            args.extend_from_slice(extra);
            let o = Command::new(env!("CARGO_BIN_EXE_brook")).args(&args).output().unwrap();
            assert!(o.status.success(), "{name} seed {seed}: {}", stderr(&o));
            let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
            v["trace_hash"].clone()
        };
        assert_eq!(run(&["--check"]), run(&[]), "{name} seed {seed}");
    }
}

/// Output to a pipe closed early (`brook run ... | head -1`) ends brook without a panic.
#[test]
fn a_closed_pipe_is_not_a_panic() {
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_brook"))
        .args(["run", "stress", "--seconds", "60", "--format", "csv"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("brook runs");
    drop(child.stdout.take());
    let o = child.wait_with_output().expect("brook ends");
    let err = stderr(&o);
    assert!(!err.contains("panicked"), "{err}");
    assert!(!o.status.success());
}
