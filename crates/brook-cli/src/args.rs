//! Command-line parsing: `clap` (derive) reads the structure (subcommands, options, `--help`,
//! typo suggestions, completions); the values are then checked here with messages that name
//! the argument and what it accepts, as before clap (exit status 2).

use std::collections::BTreeMap;

use brook_engine::{limits, AssignorKind, MemberSubscription, TopicPartition};
use clap::{Args, Parser, Subcommand};

/// A usage problem, printed with a pointer to `--help`; exit status 2.
#[derive(Debug, PartialEq)]
pub struct UsageError(pub String);

const AFTER_HELP: &str = "\
Exit status: 0 on success, 2 on bad arguments or an invalid scenario, 1 on other errors
(and 130 after Ctrl-C, once what was measured so far is printed).";

/// brook: a Kafka-style message queue engine, headless.
#[derive(Debug, Parser)]
#[command(name = "brook", version, after_help = AFTER_HELP, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Cmd,
}

/// The subcommands, as clap reads them (values not yet checked).
#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// Kafka's murmur2 of each key (signed 32-bit)
    Hash {
        #[arg(required = true, value_name = "KEY")]
        keys: Vec<String>,
    },
    /// The partition Kafka's default partitioner picks for each key
    Partition {
        /// Partitions of the topic (1 to 4294967295)
        #[arg(long, value_name = "N", allow_negative_numbers = true)]
        partitions: Option<String>,
        #[arg(value_name = "KEY")]
        keys: Vec<String>,
    },
    /// A group assignment as JSON
    Assign(AssignCli),
    /// Simulate a scenario as fast as possible
    Run(RunCli),
    /// The smallest cluster (brokers, partitions, members) meeting every target
    #[command(long_about = PLAN_ABOUT)]
    Plan(PlanCli),
    /// Run a scenario's load against a real Kafka-protocol cluster; report what was measured
    Drive(DriveCli),
    /// Simulate and drive a scenario for the same time: simulated | measured | ratio
    Compare(CompareCli),
    /// Validate a scenario file
    Check {
        #[arg(value_name = "FILE")]
        file: String,
    },
    /// List the built-in presets
    Presets,
    /// Print a shell completion script (bash, zsh or fish) on stdout
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

const PLAN_ABOUT: &str = "\
The smallest brokers, partitions per topic and members per consumer group meeting every target
under the scenario's load.

Each point is the scenario with cluster.brokers, every topic's partitions and every consumer
group's members set (members at most partitions: Kafka gives a partition to one member of a
group, so more members would idle), validated, run for S s (default the scenario's duration_s)
with the scenario's seed. Metrics:
  lag_s           the longest any record waited for a consumer group, s: the largest of
                  the processed records' end-to-end latency and, at the end of the run, the
                  age of the oldest record a group has not committed
  p99_ms          end-to-end latency (creation to processed) 99th percentile, ms
  lag_records     the largest total lag of any reader at a metrics sample (every 100 ms)
  lost_records    records lost without anyone being told
  failed_records  records whose producer was told they failed
Search (it assumes more of anything never makes a metric worse): (1) the largest point:
4x the scenario's brokers (at least 16, at most 64), 4x the largest topic's partitions (at
least 16, at most 16384 over all topics); if it misses, none is smaller;
(2) a bisection per dimension, side by side, the other two at their largest (for members,
the most partitions that divide evenly among them): each finds the least value that can
meet the targets; (3) those least values together: if they meet, no point is smaller in
any dimension; else a bisection on the line from them to the largest point, all three
grown together. The chosen point is the cheapest point tried that met
every target, cost = brokers + partitions + members (ties: fewer brokers, then partitions).
--points N (default 20, at most 200) bounds the runs; the points tried do not depend on
--threads (default: every core), only the wall time does. Exit 1 if no point met them.";

/// `brook assign`'s options as read.
#[derive(Debug, Args)]
pub struct AssignCli {
    /// range, roundrobin, sticky or cooperative-sticky
    #[arg(long)]
    pub assignor: Option<String>,
    /// A topic and its partition count (repeat for more topics)
    #[arg(long = "topic", value_name = "NAME:PARTITIONS")]
    pub topics: Vec<String>,
    /// A member, its static instance id and the topics it subscribes to (repeat)
    #[arg(long = "member", value_name = "ID[@INSTANCE]:TOPIC,TOPIC...")]
    pub members: Vec<String>,
    /// Partitions a member owns before this assignment (repeat)
    #[arg(long = "owned", value_name = "ID:TOPIC-P,TOPIC-P...")]
    pub owned: Vec<String>,
}

/// `brook run`'s options as read.
#[derive(Debug, Args)]
pub struct RunCli {
    /// A preset name (`brook presets`) or a scenario file
    #[arg(value_name = "PRESET|FILE")]
    pub scenario: String,
    /// Virtual seconds to run (default: the scenario's duration_s)
    #[arg(long, value_name = "S", allow_negative_numbers = true)]
    pub seconds: Option<String>,
    /// The RNG seed (default: the scenario's)
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub seed: Option<String>,
    /// json (a summary), csv (one line per 100 ms sample) or table (request times)
    #[arg(long)]
    pub format: Option<String>,
    /// Also run the same traffic without a queue (direct calls to the service, same seed)
    #[arg(long)]
    pub direct: bool,
    /// Follow the next record PRODUCER sends after S s (1 by default); print its journey
    #[arg(long = "follow-next", value_name = "PRODUCER[@S]")]
    pub follow_next: Option<String>,
    /// Check the engine's invariants after every 1 ms step; the first broken one ends the run
    /// (exit 1) with its virtual time and seed
    #[arg(long)]
    pub check: bool,
}

/// `brook plan`'s options as read.
#[derive(Debug, Args)]
pub struct PlanCli {
    /// A preset name (`brook presets`) or a scenario file
    #[arg(value_name = "PRESET|FILE")]
    pub scenario: String,
    /// Targets every point must meet (metrics: lag_s, p99_ms, lag_records, lost_records,
    /// failed_records)
    #[arg(long, value_name = "METRIC<=VALUE,...")]
    pub target: Option<String>,
    /// The most points run (1 to 200, default 20)
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub points: Option<String>,
    /// Virtual seconds per point (default: the scenario's duration_s)
    #[arg(long, value_name = "S", allow_negative_numbers = true)]
    pub seconds: Option<String>,
    /// The RNG seed (default: the scenario's)
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub seed: Option<String>,
    /// At most this many runs at once (1 to 256, default: every core)
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub threads: Option<String>,
    /// table or json
    #[arg(long)]
    pub format: Option<String>,
}

/// `brook drive`'s options as read.
#[derive(Debug, Args)]
pub struct DriveCli {
    /// A preset name (`brook presets`) or a scenario file
    #[arg(value_name = "PRESET|FILE")]
    pub scenario: String,
    /// The cluster's bootstrap address
    #[arg(long, value_name = "HOST:PORT")]
    pub bootstrap: String,
    /// Wall seconds to run (default: the scenario's duration_s; at most 3600)
    #[arg(long, value_name = "S", allow_negative_numbers = true)]
    pub seconds: Option<String>,
    /// json (a summary with `brook run`'s keys, measured), csv (one line per second) or table
    #[arg(long)]
    pub format: Option<String>,
    /// Seconds to wait for the cluster to answer before giving up (1 to 300, default 10)
    #[arg(long = "timeout", value_name = "S", allow_negative_numbers = true)]
    pub timeout: Option<String>,
}

/// `brook compare`'s options as read.
#[derive(Debug, Args)]
pub struct CompareCli {
    /// A preset name (`brook presets`) or a scenario file
    #[arg(value_name = "PRESET|FILE")]
    pub scenario: String,
    /// The cluster's bootstrap address
    #[arg(long, value_name = "HOST:PORT")]
    pub bootstrap: String,
    /// Seconds of both runs (default: the scenario's duration_s; at most 3600)
    #[arg(long, value_name = "S", allow_negative_numbers = true)]
    pub seconds: Option<String>,
    /// Seconds to wait for the cluster to answer before giving up (1 to 300, default 10)
    #[arg(long = "timeout", value_name = "S", allow_negative_numbers = true)]
    pub timeout: Option<String>,
}

/// Output format of `brook run`.
#[derive(Debug, PartialEq, Clone, Copy)]
pub enum Format {
    /// A summary object.
    Json,
    /// The sampled time series.
    Csv,
    /// Each broker's request times as a table (Kafka's `RequestMetrics`).
    Table,
}

/// `brook run` arguments.
#[derive(Debug, PartialEq)]
pub struct RunArgs {
    pub scenario: String,
    pub seconds: Option<f64>,
    pub seed: Option<u64>,
    pub format: Format,
    /// `--direct`: also run the same traffic without a queue (direct calls), same seed.
    pub direct: bool,
    /// `--follow-next PRODUCER[@S]`: follow the next record the producer sends after S
    /// virtual seconds (1 by default) and print its journey.
    pub follow: Option<(String, f64)>,
    /// `--check`: the invariants after every step.
    pub check: bool,
}

/// `brook assign` arguments.
#[derive(Debug, PartialEq)]
pub struct AssignArgs {
    pub assignor: AssignorKind,
    pub topics: BTreeMap<String, u32>,
    pub members: Vec<MemberSubscription>,
    pub owned: BTreeMap<String, Vec<TopicPartition>>,
}

/// `brook plan` arguments.
#[derive(Debug, PartialEq)]
pub struct PlanArgs {
    pub scenario: String,
    pub targets: Vec<crate::plan::Target>,
    /// `--points`: the most points run.
    pub points: usize,
    pub seconds: Option<f64>,
    pub seed: Option<u64>,
    /// `--threads`: at most this many runs at once (default: the machine's cores).
    pub threads: Option<usize>,
    /// `--format json` (else a table).
    pub json: bool,
}

/// `brook drive` and `brook compare` arguments.
#[derive(Debug, PartialEq)]
pub struct DriveArgs {
    pub scenario: String,
    pub bootstrap: String,
    /// Wall seconds to run, at most [`DRIVE_SECONDS_MAX`].
    pub seconds: Option<f64>,
    pub format: Format,
    /// How long to wait for the cluster to answer, s.
    pub timeout_s: f64,
}

/// `brook drive --seconds` at most: a real run takes real time.
pub const DRIVE_SECONDS_MAX: f64 = 3600.0;
/// `--timeout` at most, s.
pub const DRIVE_TIMEOUT_S_MAX: f64 = 300.0;
/// `--timeout` by default, s.
pub const DRIVE_TIMEOUT_S_DEFAULT: f64 = 10.0;

/// A checked command line.
#[derive(Debug, PartialEq)]
pub enum Command {
    Presets,
    Hash(Vec<String>),
    Partition { partitions: u32, keys: Vec<String> },
    Assign(AssignArgs),
    Run(RunArgs),
    Plan(PlanArgs),
    Drive(DriveArgs),
    Compare(DriveArgs),
    Check(String),
    Completions(clap_complete::Shell),
}

fn err<T>(msg: impl Into<String>) -> Result<T, UsageError> {
    Err(UsageError(msg.into()))
}

impl Cmd {
    /// Checks the values clap read; each problem names its option and what it accepts.
    pub fn check(self) -> Result<Command, UsageError> {
        Ok(match self {
            Cmd::Presets => Command::Presets,
            Cmd::Hash { keys } => Command::Hash(keys),
            Cmd::Partition { partitions, keys } => {
                let Some(n) = partitions else {
                    return err("partition: --partitions N is required");
                };
                let partitions = match n.parse::<u32>() {
                    Ok(p) if p >= 1 => p,
                    _ => {
                        return err(format!(
                            "--partitions: \"{n}\" is not a whole number from 1 to {}",
                            u32::MAX
                        ))
                    }
                };
                if keys.is_empty() {
                    return err("partition: give at least one KEY");
                }
                Command::Partition { partitions, keys }
            }
            Cmd::Assign(a) => Command::Assign(check_assign(a)?),
            Cmd::Run(r) => Command::Run(check_run(r)?),
            Cmd::Plan(p) => Command::Plan(check_plan(p)?),
            Cmd::Drive(d) => Command::Drive(DriveArgs {
                seconds: drive_seconds(d.seconds.as_deref())?,
                format: run_format(d.format.as_deref())?,
                timeout_s: drive_timeout(d.timeout.as_deref())?,
                scenario: d.scenario,
                bootstrap: check_bootstrap(d.bootstrap)?,
            }),
            Cmd::Compare(c) => Command::Compare(DriveArgs {
                seconds: drive_seconds(c.seconds.as_deref())?,
                format: Format::Table,
                timeout_s: drive_timeout(c.timeout.as_deref())?,
                scenario: c.scenario,
                bootstrap: check_bootstrap(c.bootstrap)?,
            }),
            Cmd::Check { file } => Command::Check(file),
            Cmd::Completions { shell } => Command::Completions(shell),
        })
    }
}

fn check_bootstrap(b: String) -> Result<String, UsageError> {
    let ok = b.split(',').all(|hp| {
        hp.rsplit_once(':')
            .is_some_and(|(h, p)| !h.is_empty() && p.parse::<u16>().is_ok_and(|p| p > 0))
    });
    if ok {
        Ok(b)
    } else {
        err(format!("--bootstrap: \"{b}\" must be HOST:PORT (or several, comma-separated)"))
    }
}

fn drive_seconds(s: Option<&str>) -> Result<Option<f64>, UsageError> {
    match s {
        None => Ok(None),
        Some(s) => match s.parse::<f64>() {
            Ok(v) if v > 0.0 && v <= DRIVE_SECONDS_MAX => Ok(Some(v)),
            _ => err(format!(
                "--seconds: \"{s}\" must be a number above 0 and at most {DRIVE_SECONDS_MAX} \
                 (wall seconds against a real cluster)"
            )),
        },
    }
}

fn drive_timeout(s: Option<&str>) -> Result<f64, UsageError> {
    match s {
        None => Ok(DRIVE_TIMEOUT_S_DEFAULT),
        Some(s) => match s.parse::<f64>() {
            Ok(v) if (1.0..=DRIVE_TIMEOUT_S_MAX).contains(&v) => Ok(v),
            _ => err(format!(
                "--timeout: \"{s}\" must be a number of seconds from 1 to {DRIVE_TIMEOUT_S_MAX}"
            )),
        },
    }
}

fn run_format(f: Option<&str>) -> Result<Format, UsageError> {
    match f {
        None | Some("json") => Ok(Format::Json),
        Some("csv") => Ok(Format::Csv),
        Some("table") => Ok(Format::Table),
        Some(f) => err(format!("--format: \"{f}\" must be json, csv or table")),
    }
}

fn parse_seconds(s: Option<&str>) -> Result<Option<f64>, UsageError> {
    match s {
        None => Ok(None),
        Some(s) => match s.parse::<f64>() {
            Ok(v) if v > 0.0 && v <= limits::DURATION_S_MAX => Ok(Some(v)),
            _ => err(format!(
                "--seconds: \"{s}\" must be a number above 0 and at most {}",
                limits::DURATION_S_MAX
            )),
        },
    }
}

fn parse_seed(s: Option<&str>) -> Result<Option<u64>, UsageError> {
    match s {
        None => Ok(None),
        Some(s) => Ok(Some(s.parse::<u64>().map_err(|_| {
            UsageError(format!("--seed: \"{s}\" is not a whole number from 0 to {}", u64::MAX))
        })?)),
    }
}

/// A whole number from 1 to `max` for option `name`.
fn parse_count(s: Option<&str>, name: &str, max: usize) -> Result<Option<usize>, UsageError> {
    match s {
        None => Ok(None),
        Some(s) => match s.parse::<usize>() {
            Ok(n) if (1..=max).contains(&n) => Ok(Some(n)),
            _ => err(format!("--{name}: \"{s}\" must be a whole number from 1 to {max}")),
        },
    }
}

fn check_plan(p: PlanCli) -> Result<PlanArgs, UsageError> {
    let Some(t) = p.target.as_deref() else {
        return err("plan: --target \"METRIC<=VALUE,...\" is required");
    };
    let targets = crate::plan::parse_targets(t).map_err(UsageError)?;
    let points = parse_count(p.points.as_deref(), "points", crate::plan::POINTS_MAX)?
        .unwrap_or(crate::plan::POINTS_DEFAULT);
    let threads = parse_count(p.threads.as_deref(), "threads", crate::plan::THREADS_MAX)?;
    let json = match p.format.as_deref() {
        None | Some("table") => false,
        Some("json") => true,
        Some(f) => return err(format!("--format: \"{f}\" must be table or json")),
    };
    Ok(PlanArgs {
        targets,
        points,
        seconds: parse_seconds(p.seconds.as_deref())?,
        seed: parse_seed(p.seed.as_deref())?,
        threads,
        json,
        scenario: p.scenario,
    })
}

fn check_run(r: RunCli) -> Result<RunArgs, UsageError> {
    let seconds = parse_seconds(r.seconds.as_deref())?;
    let seed = parse_seed(r.seed.as_deref())?;
    let format = run_format(r.format.as_deref())?;
    let follow = match r.follow_next.as_deref() {
        None => None,
        Some(_) if r.format.is_some() => {
            return err("--follow-next prints the record's journey: leave out --format")
        }
        Some(f) => {
            let (name, at) = f.split_once('@').unwrap_or((f, "1"));
            match at.parse::<f64>() {
                Ok(s) if !name.is_empty() && (0.0..=limits::DURATION_S_MAX).contains(&s) => {
                    Some((name.to_string(), s))
                }
                _ => {
                    return err(format!(
                        "--follow-next: \"{f}\" must be PRODUCER or PRODUCER@S, S from 0 to {}",
                        limits::DURATION_S_MAX
                    ))
                }
            }
        }
    };
    Ok(RunArgs {
        scenario: r.scenario,
        seconds,
        seed,
        format,
        direct: r.direct,
        follow,
        check: r.check,
    })
}

fn parse_topic_partition(s: &str) -> Option<TopicPartition> {
    let (t, p) = s.rsplit_once('-')?;
    Some(TopicPartition { topic: t.to_string(), partition: p.parse().ok()? })
}

fn check_assign(a: AssignCli) -> Result<AssignArgs, UsageError> {
    let Some(name) = a.assignor.as_deref() else {
        return err("assign: --assignor is required");
    };
    let assignor = AssignorKind::parse(name).ok_or_else(|| {
        UsageError(format!(
            "--assignor: \"{name}\" must be range, roundrobin, sticky or cooperative-sticky"
        ))
    })?;
    let mut topics = BTreeMap::new();
    for t in &a.topics {
        let parsed = t.rsplit_once(':').and_then(|(n, p)| Some((n, p.parse::<u32>().ok()?)));
        match parsed {
            Some((name, p)) if !name.is_empty() && p >= 1 => {
                topics.insert(name.to_string(), p);
            }
            _ => {
                return err(format!(
                    "--topic: \"{t}\" must be NAME:PARTITIONS with PARTITIONS at least 1"
                ))
            }
        }
    }
    if topics.is_empty() {
        return err("assign: give at least one --topic NAME:PARTITIONS");
    }
    let mut members = Vec::new();
    for m in &a.members {
        let Some((id_part, subs)) = m.split_once(':') else {
            return err(format!("--member: \"{m}\" must be ID[@INSTANCE]:TOPIC,TOPIC..."));
        };
        let (id, instance) = match id_part.split_once('@') {
            Some((id, inst)) => (id, Some(inst.to_string())),
            None => (id_part, None),
        };
        let subscribed: Vec<String> =
            subs.split(',').filter(|s| !s.is_empty()).map(String::from).collect();
        if id.is_empty() || subscribed.is_empty() {
            return err(format!("--member: \"{m}\" needs an id and at least one topic"));
        }
        if let Some(t) = subscribed.iter().find(|t| !topics.contains_key(*t)) {
            return err(format!(
                "--member: \"{m}\" subscribes to \"{t}\", which no --topic declares"
            ));
        }
        members.push(MemberSubscription {
            id: id.into(),
            instance,
            topics: subscribed,
            owned: Vec::new(),
            generation: 1,
        });
    }
    if members.is_empty() {
        return err("assign: give at least one --member");
    }
    let mut owned: BTreeMap<String, Vec<TopicPartition>> = BTreeMap::new();
    for o in &a.owned {
        let Some((id, list)) = o.split_once(':') else {
            return err(format!("--owned: \"{o}\" must be ID:TOPIC-P,TOPIC-P..."));
        };
        if !members.iter().any(|m| m.id == id) {
            return err(format!("--owned: \"{id}\" is not a --member"));
        }
        for tp in list.split(',').filter(|s| !s.is_empty()) {
            let Some(parsed) = parse_topic_partition(tp) else {
                return err(format!("--owned: \"{tp}\" must be TOPIC-PARTITION"));
            };
            owned.entry(id.to_string()).or_default().push(parsed);
        }
    }
    Ok(AssignArgs { assignor, topics, members, owned })
}

/// Parses the arguments after the program name (clap's own errors, `--help` and `--version`
/// are `Err(clap::Error)`, printed by `clap::Error::exit`).
pub fn parse(argv: &[String]) -> Result<Result<Command, UsageError>, clap::Error> {
    let cli =
        Cli::try_parse_from(std::iter::once("brook".to_string()).chain(argv.iter().cloned()))?;
    Ok(cli.command.check())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    fn ok(s: &str) -> Command {
        parse(&argv(s)).expect("clap reads it").expect("valid values")
    }

    fn usage(s: &str) -> String {
        parse(&argv(s)).expect("clap reads it").unwrap_err().0
    }

    #[test]
    fn clap_definition_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }

    #[test]
    fn parses_run() {
        assert_eq!(
            ok("run stress --seconds 10 --format json --seed 3"),
            Command::Run(RunArgs {
                scenario: "stress".into(),
                seconds: Some(10.0),
                seed: Some(3),
                format: Format::Json,
                direct: false,
                follow: None,
                check: false,
            })
        );
        let Command::Run(r) = ok("run stress --check") else { panic!() };
        assert!(r.check);
        let Command::Run(r) = ok("run peak-shaving --direct --seed 2") else { panic!() };
        assert!(r.direct);
        assert_eq!(r.seed, Some(2));
        let Command::Run(r) = ok("run quickstart --follow-next shop@2.5") else {
            panic!("a run");
        };
        assert_eq!(r.follow, Some(("shop".into(), 2.5)));
        let Command::Run(r) = ok("run quickstart --follow-next shop") else { panic!("a run") };
        assert_eq!(r.follow, Some(("shop".into(), 1.0)));
        for bad in
            ["run x --follow-next shop@-1", "run x --follow-next @1", "run x --follow-next a@b"]
        {
            assert!(usage(bad).starts_with("--follow-next"), "{bad}");
        }
        let both = usage("run x --follow-next a --format csv");
        assert!(both.contains("leave out --format"), "{both}");
    }

    #[test]
    fn bad_values_name_the_option() {
        assert_eq!(
            usage("run x --seconds -1"),
            "--seconds: \"-1\" must be a number above 0 and at most 86400"
        );
        assert!(usage("partition --partitions 0 a").starts_with("--partitions: \"0\""));
        assert!(usage("run x --format xml").starts_with("--format"));
        assert!(usage("assign --assignor best --topic t:1 --member a:t").starts_with("--assignor"));
        assert!(usage("assign --assignor range --topic t:1 --member a:u").contains("no --topic"));
        assert!(usage("drive x --bootstrap localhost").starts_with("--bootstrap"));
        assert!(usage("drive x --bootstrap h:1 --seconds 4000").starts_with("--seconds"));
        assert!(usage("drive x --bootstrap h:1 --timeout 0").starts_with("--timeout"));
    }

    #[test]
    fn clap_refuses_structure_errors_and_suggests() {
        use clap::error::ErrorKind;
        let e = parse(&argv("run x --colour red")).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::UnknownArgument);
        let e = parse(&argv("comapre x")).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidSubcommand);
        assert!(e.to_string().contains("'compare'"), "{e}");
        let e = parse(&argv("run x --sedd 3")).unwrap_err();
        assert!(e.to_string().contains("--seed"), "{e}");
        let e = parse(&argv("run x --seconds 1 --seconds 2")).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::ArgumentConflict);
        assert!(parse(&[]).is_err());
        assert_eq!(parse(&argv("drive x")).unwrap_err().kind(), ErrorKind::MissingRequiredArgument);
    }

    #[test]
    fn parses_assign_with_static_members_and_owned() {
        let Command::Assign(a) = ok("assign --assignor sticky --topic t:3 --member c1@i1:t --member c2:t --owned c1:t-0,t-1") else { panic!() };
        assert_eq!(a.members[0].instance.as_deref(), Some("i1"));
        assert_eq!(a.owned["c1"].len(), 2);
        assert_eq!(a.owned["c1"][1], TopicPartition { topic: "t".into(), partition: 1 });
    }

    #[test]
    fn parses_drive_and_compare() {
        let Command::Drive(d) =
            ok("drive peak-shaving --bootstrap 127.0.0.1:9092 --seconds 10 --format csv")
        else {
            panic!()
        };
        assert_eq!(d.bootstrap, "127.0.0.1:9092");
        assert_eq!(d.seconds, Some(10.0));
        assert_eq!(d.format, Format::Csv);
        assert_eq!(d.timeout_s, DRIVE_TIMEOUT_S_DEFAULT);
        assert!(matches!(ok("compare quickstart --bootstrap h:1"), Command::Compare(_)));
        assert!(matches!(ok("completions zsh"), Command::Completions(_)));
    }
}
