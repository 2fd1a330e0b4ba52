//! Command-line parsing with messages that name the argument and what it accepts.

use std::collections::BTreeMap;

use brook_engine::{limits, AssignorKind, MemberSubscription, TopicPartition};

/// A usage problem, printed with the usage text; exit status 2.
#[derive(Debug, PartialEq)]
pub struct UsageError(pub String);

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

/// A parsed command line.
#[derive(Debug, PartialEq)]
pub enum Cli {
    Help,
    Presets,
    Hash(Vec<String>),
    Partition { partitions: u32, keys: Vec<String> },
    Assign(AssignArgs),
    Run(RunArgs),
    Plan(PlanArgs),
    Check(String),
}

fn err<T>(msg: impl Into<String>) -> Result<T, UsageError> {
    Err(UsageError(msg.into()))
}

/// Flag values by name, and the positional words.
type Split = (BTreeMap<String, Vec<String>>, Vec<String>);

/// Splits `args` into flag values (each flag may repeat) and positional words.
fn split(args: &[String], flags: &[&str]) -> Result<Split, UsageError> {
    let mut values: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut words = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if let Some(name) = a.strip_prefix("--") {
            if !flags.contains(&name) {
                return err(format!(
                    "unknown option --{name} (accepted: {})",
                    flags.iter().map(|f| format!("--{f}")).collect::<Vec<_>>().join(", ")
                ));
            }
            let Some(v) = args.get(i + 1) else {
                return err(format!("--{name} needs a value"));
            };
            values.entry(name.to_string()).or_default().push(v.clone());
            i += 2;
        } else {
            words.push(a.clone());
            i += 1;
        }
    }
    Ok((values, words))
}

fn single<'a>(
    values: &'a BTreeMap<String, Vec<String>>,
    name: &str,
) -> Result<Option<&'a str>, UsageError> {
    match values.get(name).map(|v| v.as_slice()) {
        None => Ok(None),
        Some([one]) => Ok(Some(one)),
        Some(_) => err(format!("--{name} given more than once")),
    }
}

/// Parses the arguments after the program name.
pub fn parse(argv: &[String]) -> Result<Cli, UsageError> {
    let Some((cmd, rest)) = argv.split_first() else {
        return err("no command given");
    };
    match cmd.as_str() {
        "-h" | "--help" | "help" => Ok(Cli::Help),
        "presets" => Ok(Cli::Presets),
        "hash" => {
            let (_, keys) = split(rest, &[])?;
            if keys.is_empty() {
                return err("hash: give at least one KEY");
            }
            Ok(Cli::Hash(keys))
        }
        "partition" => {
            let (values, keys) = split(rest, &["partitions"])?;
            let Some(n) = single(&values, "partitions")? else {
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
            Ok(Cli::Partition { partitions, keys })
        }
        "assign" => parse_assign(rest).map(Cli::Assign),
        "run" => parse_run(rest).map(Cli::Run),
        "plan" => parse_plan(rest).map(Cli::Plan),
        "check" => {
            let (_, files) = split(rest, &[])?;
            match files.as_slice() {
                [f] => Ok(Cli::Check(f.clone())),
                _ => err("check: give exactly one FILE"),
            }
        }
        other => err(format!("unknown command \"{other}\"")),
    }
}

fn parse_seconds(values: &BTreeMap<String, Vec<String>>) -> Result<Option<f64>, UsageError> {
    match single(values, "seconds")? {
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

fn parse_seed(values: &BTreeMap<String, Vec<String>>) -> Result<Option<u64>, UsageError> {
    match single(values, "seed")? {
        None => Ok(None),
        Some(s) => Ok(Some(s.parse::<u64>().map_err(|_| {
            UsageError(format!("--seed: \"{s}\" is not a whole number from 0 to {}", u64::MAX))
        })?)),
    }
}

/// A whole number from 1 to `max` for option `name`.
fn parse_count(
    values: &BTreeMap<String, Vec<String>>,
    name: &str,
    max: usize,
) -> Result<Option<usize>, UsageError> {
    match single(values, name)? {
        None => Ok(None),
        Some(s) => match s.parse::<usize>() {
            Ok(n) if (1..=max).contains(&n) => Ok(Some(n)),
            _ => err(format!("--{name}: \"{s}\" must be a whole number from 1 to {max}")),
        },
    }
}

fn parse_plan(rest: &[String]) -> Result<PlanArgs, UsageError> {
    let (values, words) =
        split(rest, &["target", "points", "seconds", "seed", "threads", "format"])?;
    let [scenario] = words.as_slice() else {
        return err("plan: give exactly one PRESET or FILE");
    };
    let Some(t) = single(&values, "target")? else {
        return err("plan: --target \"METRIC<=VALUE,...\" is required");
    };
    let targets = crate::plan::parse_targets(t).map_err(UsageError)?;
    let points = parse_count(&values, "points", crate::plan::POINTS_MAX)?
        .unwrap_or(crate::plan::POINTS_DEFAULT);
    let threads = parse_count(&values, "threads", crate::plan::THREADS_MAX)?;
    let json = match single(&values, "format")? {
        None | Some("table") => false,
        Some("json") => true,
        Some(f) => return err(format!("--format: \"{f}\" must be table or json")),
    };
    Ok(PlanArgs {
        scenario: scenario.clone(),
        targets,
        points,
        seconds: parse_seconds(&values)?,
        seed: parse_seed(&values)?,
        threads,
        json,
    })
}

fn parse_run(rest: &[String]) -> Result<RunArgs, UsageError> {
    // `--direct` is a switch: it takes no value.
    let direct = rest.iter().any(|a| a == "--direct");
    let rest: Vec<String> = rest.iter().filter(|a| *a != "--direct").cloned().collect();
    let (values, words) = split(&rest, &["seconds", "seed", "format", "follow-next"])?;
    let [scenario] = words.as_slice() else {
        return err("run: give exactly one PRESET or FILE");
    };
    let seconds = parse_seconds(&values)?;
    let seed = parse_seed(&values)?;
    let format = match single(&values, "format")? {
        None | Some("json") => Format::Json,
        Some("csv") => Format::Csv,
        Some("table") => Format::Table,
        Some(f) => return err(format!("--format: \"{f}\" must be json, csv or table")),
    };
    let follow = match single(&values, "follow-next")? {
        None => None,
        Some(_) if values.contains_key("format") => {
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
    Ok(RunArgs { scenario: scenario.clone(), seconds, seed, format, direct, follow })
}

fn parse_topic_partition(s: &str) -> Option<TopicPartition> {
    let (t, p) = s.rsplit_once('-')?;
    Some(TopicPartition { topic: t.to_string(), partition: p.parse().ok()? })
}

fn parse_assign(rest: &[String]) -> Result<AssignArgs, UsageError> {
    let (values, words) = split(rest, &["assignor", "topic", "member", "owned"])?;
    if let Some(w) = words.first() {
        return err(format!("assign: unexpected argument \"{w}\""));
    }
    let Some(a) = single(&values, "assignor")? else {
        return err("assign: --assignor is required");
    };
    let assignor = AssignorKind::parse(a).ok_or_else(|| {
        UsageError(format!(
            "--assignor: \"{a}\" must be range, roundrobin, sticky or cooperative-sticky"
        ))
    })?;
    let mut topics = BTreeMap::new();
    for t in values.get("topic").into_iter().flatten() {
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
    for m in values.get("member").into_iter().flatten() {
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
    for o in values.get("owned").into_iter().flatten() {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn parses_run() {
        let cli = parse(&argv("run stress --seconds 10 --format json --seed 3")).unwrap();
        assert_eq!(
            cli,
            Cli::Run(RunArgs {
                scenario: "stress".into(),
                seconds: Some(10.0),
                seed: Some(3),
                format: Format::Json,
                direct: false,
                follow: None,
            })
        );
        let Cli::Run(r) = parse(&argv("run peak-shaving --direct --seed 2")).unwrap() else {
            panic!()
        };
        assert!(r.direct);
        assert_eq!(r.seed, Some(2));
        let Cli::Run(r) = parse(&argv("run quickstart --follow-next shop@2.5")).unwrap() else {
            panic!("a run");
        };
        assert_eq!(r.follow, Some(("shop".into(), 2.5)));
        let Cli::Run(r) = parse(&argv("run quickstart --follow-next shop")).unwrap() else {
            panic!("a run");
        };
        assert_eq!(r.follow, Some(("shop".into(), 1.0)));
        for bad in
            ["run x --follow-next shop@-1", "run x --follow-next @1", "run x --follow-next a@b"]
        {
            assert!(parse(&argv(bad)).unwrap_err().0.starts_with("--follow-next"), "{bad}");
        }
        let both = parse(&argv("run x --follow-next a --format csv")).unwrap_err().0;
        assert!(both.contains("leave out --format"), "{both}");
    }

    #[test]
    fn bad_arguments_name_the_option() {
        assert_eq!(
            parse(&argv("run x --seconds -1")).unwrap_err().0,
            "--seconds: \"-1\" must be a number above 0 and at most 86400"
        );
        assert!(parse(&argv("partition --partitions 0 a"))
            .unwrap_err()
            .0
            .starts_with("--partitions: \"0\""));
        assert!(parse(&argv("run x --format xml")).unwrap_err().0.starts_with("--format"));
        assert!(parse(&argv("run x --colour red"))
            .unwrap_err()
            .0
            .starts_with("unknown option --colour"));
        assert!(parse(&argv("assign --assignor best --topic t:1 --member a:t"))
            .unwrap_err()
            .0
            .starts_with("--assignor"));
        assert!(parse(&argv("assign --assignor range --topic t:1 --member a:u"))
            .unwrap_err()
            .0
            .contains("no --topic"));
        assert!(parse(&argv("frobnicate")).is_err());
        assert!(parse(&[]).is_err());
    }

    #[test]
    fn parses_assign_with_static_members_and_owned() {
        let cli = parse(&argv("assign --assignor sticky --topic t:3 --member c1@i1:t --member c2:t --owned c1:t-0,t-1")).unwrap();
        let Cli::Assign(a) = cli else { panic!() };
        assert_eq!(a.members[0].instance.as_deref(), Some("i1"));
        assert_eq!(a.owned["c1"].len(), 2);
        assert_eq!(a.owned["c1"][1], TopicPartition { topic: "t".into(), partition: 1 });
    }
}
