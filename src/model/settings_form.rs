//! The inspector's settings form without the page: the values its fields open with, and
//! reading them back into a command. Pure, tested natively.

use brook_engine::{Acks, AssignorKind, Command, CommitMode};

use crate::model::i18n::{Msg, Text};
use crate::model::inspect::Form;
use crate::model::profile_form::{key_kind, profile_kind, read_keys, read_profile};

fn number<T: std::str::FromStr>(name: &str, text: &str) -> Result<Option<T>, Text> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    t.parse::<T>().map(Some).map_err(|_| Text::new(Msg::NotANumber).arg(name).arg(t))
}

fn parse_acks(s: &str) -> Acks {
    match s {
        "0" => Acks::None,
        "1" => Acks::Leader,
        _ => Acks::All,
    }
}

fn parse_commit(s: &str) -> CommitMode {
    match s {
        "after-process" => CommitMode::AfterProcess,
        "before-process" => CommitMode::BeforeProcess,
        _ => CommitMode::Auto,
    }
}

/// Reads the form back into a command (`field` gives a field's text by id), or says which
/// field could not be read.
pub fn command_of(form: &Form, field: &dyn Fn(&str) -> String) -> Result<Command, Text> {
    Ok(match form {
        Form::Producer { name, profile, keys, .. } => {
            let kind = field("profile");
            // A constant rate is always sent (it also ends a spike); another profile only when
            // it differs from the one in force, so changing linger.ms keeps a running spike.
            let (rate_per_sec, new_profile) = if kind == "constant" {
                (number("rate_per_sec", &field("rate"))?, None)
            } else {
                (None, read_profile(&kind, field)?.filter(|p| p != profile))
            };
            let new_keys = read_keys(&field("keys"), field)?;
            Command::ConfigureProducer {
                producer: name.clone(),
                rate_per_sec,
                acks: Some(parse_acks(&field("acks"))),
                linger_ms: number("linger_ms", &field("linger"))?,
                batch_bytes: number("batch_bytes", &field("batch"))?,
                buffer_bytes: number("buffer_bytes", &field("buffer"))?,
                profile: new_profile,
                keys: (new_keys != *keys).then_some(new_keys),
            }
        }
        Form::Subscription { name, .. } => Command::ConfigureSubscription {
            subscription: name.clone(),
            prefetch: number("prefetch", &field("prefetch"))?.unwrap_or(0),
        },
        Form::Group { name, .. } => Command::ConfigureGroup {
            group: name.clone(),
            processing_us: number("processing_us", &field("processing"))?,
            commit: Some(parse_commit(&field("commit"))),
            assignor: AssignorKind::parse(&field("assignor")),
        },
        Form::Topic { name, .. } => Command::ConfigureTopic {
            topic: name.clone(),
            retention_ms: number("retention_ms", &field("retention-ms"))?,
            retention_bytes: number("retention_bytes", &field("retention-bytes"))?,
        },
    })
}

/// The value each field starts with.
pub fn initial_values(form: &Form) -> Vec<(&'static str, String)> {
    match form {
        Form::Subscription { prefetch, .. } => {
            vec![("prefetch", prefetch.map_or("0".to_string(), |p| p.to_string()))]
        }
        Form::Producer { profile, keys, acks, linger_ms, batch_bytes, buffer_bytes, .. } => {
            let acks = match acks {
                Acks::None => "0",
                Acks::Leader => "1",
                Acks::All => "all",
            };
            vec![
                ("profile", profile_kind(profile).into()),
                ("keys", key_kind(keys).into()),
                ("acks", acks.into()),
                ("linger", linger_ms.to_string()),
                ("batch", batch_bytes.to_string()),
                ("buffer", buffer_bytes.to_string()),
            ]
        }
        Form::Group { processing_us, commit, assignor, .. } => {
            let commit = match commit {
                CommitMode::Auto => "auto",
                CommitMode::AfterProcess => "after-process",
                CommitMode::BeforeProcess => "before-process",
            };
            vec![
                ("processing", processing_us.to_string()),
                ("commit", commit.into()),
                ("assignor", assignor.name().into()),
            ]
        }
        Form::Topic { retention_ms, retention_bytes, .. } => vec![
            ("retention-ms", retention_ms.map_or(String::new(), |v| v.to_string())),
            ("retention-bytes", retention_bytes.map_or(String::new(), |v| v.to_string())),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use brook_engine::{preset, Cluster};

    use crate::model::i18n::Lang;
    use crate::model::inspect::inspect;
    use crate::model::layout::Selection;

    #[test]
    fn a_form_reads_back_what_it_opened_with() {
        let c = Cluster::new(preset("quickstart").unwrap());
        let form = inspect(&c, Selection::Set(0), Lang::En).unwrap().form.unwrap();
        let values = initial_values(&form);
        let field = |id: &str| {
            values.iter().find(|(k, _)| *k == id).map(|(_, v)| v.clone()).unwrap_or_default()
        };
        let Form::Group { commit: opened, assignor: opened_assignor, .. } = form else {
            panic!("{form:?}")
        };
        let read = command_of(&form, &field).unwrap();
        let expected = Command::ConfigureGroup {
            group: "billing".into(),
            processing_us: Some(2_000),
            commit: Some(opened),
            assignor: Some(opened_assignor),
        };
        assert_eq!(read, expected);
    }

    #[test]
    fn a_bad_number_names_its_field() {
        let c = Cluster::new(preset("quickstart").unwrap());
        let form = inspect(&c, Selection::Producer(0), Lang::En).unwrap().form.unwrap();
        let field = |id: &str| match id {
            "profile" => "constant".to_string(),
            "rate" => "fast".to_string(),
            _ => String::new(),
        };
        let e = command_of(&form, &field).unwrap_err();
        assert_eq!(e.render(Lang::En), "rate_per_sec: \"fast\" is not a valid number");
        assert_eq!(e.render(Lang::ZhTw), "rate_per_sec：「fast」不是有效的數字");
    }
}
