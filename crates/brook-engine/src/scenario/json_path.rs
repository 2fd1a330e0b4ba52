//! The field path of a JSON reading error, worked out from where the error happened.
//!
//! serde_json says where it stopped (line and column); this walks the text up to there and
//! names the field as `topics[0].partitions`. It replaces a wrapper that tracked the path
//! while reading: that wrapper built a second copy of every type's reading code, about 10 KiB
//! of the page's gzipped wasm (BENCHMARKS.md, "Bundle").

/// The byte offset of 1-based `line` and `column`.
pub(super) fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let bytes = text.as_bytes();
    let mut start = 0;
    for _ in 1..line {
        match bytes[start..].iter().position(|&b| b == b'\n') {
            Some(i) => start += i + 1,
            None => break,
        }
    }
    (start + column).min(bytes.len())
}

/// The path where the reader stood after reading `text[..end]`: `"."` for the document
/// itself. A wrong value is named by its key, an unknown key by itself (the error comes before
/// its `:`), a missing field by its object.
fn path_before(text: &str, end: usize) -> String {
    let bytes = text.as_bytes();
    // Each open container: an array's index, or an object's key (once its `:` is read).
    enum Open {
        Array(usize),
        Object(Option<String>),
    }
    let mut stack: Vec<Open> = Vec::new();
    let mut last_string: Option<String> = None;
    let mut i = 0;
    while i < end {
        match bytes[i] {
            b'"' => {
                let start = i + 1;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                last_string = text.get(start..i.min(bytes.len())).map(str::to_string);
            }
            b'[' => stack.push(Open::Array(0)),
            b'{' => {
                stack.push(Open::Object(None));
                last_string = None;
            }
            b']' | b'}' => {
                stack.pop();
            }
            b':' => {
                if let Some(Open::Object(key)) = stack.last_mut() {
                    *key = last_string.take();
                }
            }
            b',' => {
                last_string = None;
                match stack.last_mut() {
                    Some(Open::Array(n)) => *n += 1,
                    Some(Open::Object(key)) => *key = None,
                    None => {}
                }
            }
            _ => {}
        }
        i += 1;
    }
    // Stopped right after a key, before its `:`: that key is the one named.
    if let (Some(Open::Object(key @ None)), Some(k)) = (stack.last_mut(), last_string) {
        *key = Some(k);
    }
    let mut path = String::new();
    for open in &stack {
        match open {
            Open::Array(n) => path.push_str(&format!("[{n}]")),
            Open::Object(Some(key)) => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
            }
            Open::Object(None) => {}
        }
    }
    if path.is_empty() {
        ".".into()
    } else {
        path
    }
}

/// The path of a serde_json error in `text` (its message says the line and column); `"?"`
/// where the text is not JSON or ends too soon (no field to name: the reader lost its place).
///
/// An error of a value's own reading code (a custom message) gets its place when its object
/// or array gives up, after serde_json has read that container's closing bracket (or the
/// comma after an array's element): it is named inside that container, at its last key or
/// index, unless the message names the field itself, as an internally tagged enum's does
/// ([`FIELD_MARK`]). A missing field is the container's own.
pub fn error_path(text: &str, e: &serde_json::Error) -> String {
    if e.is_eof() {
        return "?".into();
    }
    let end = offset_of(text, e.line(), e.column());
    if e.is_syntax() {
        // Two syntax errors stand at a field of JSON text: serde_json calls a number or a
        // list where an enum's name belongs "expected value", as if the text were not JSON,
        // and refuses nesting deeper than 128 as a syntax error.
        let message = e.to_string();
        let disguised = message.starts_with("expected value")
            && serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok();
        if !disguised && !message.starts_with("recursion limit exceeded") {
            return "?".into();
        }
        let mut path = path_before(text, end);
        while path.ends_with("[0][0]") {
            path.truncate(path.len() - 3);
        }
        return path;
    }
    let before = text[..end].trim_end();
    let closed = before.ends_with(['}', ']']);
    // An array that gives up reads on past the comma after the element.
    if before.ends_with(',') || (closed && !e.to_string().starts_with("missing field")) {
        let path = path_before(text, before.len() - 1);
        return match field_named(&e.to_string()) {
            // The object's last key stands for the field the message names.
            Some(field) if closed => match path.rfind('.') {
                Some(dot) => format!("{}.{field}", &path[..dot]),
                None => field.to_string(),
            },
            _ => path,
        };
    }
    path_before(text, end)
}

/// How a message names the field it is about, inside the object that refused it: an
/// internally tagged enum's reader (`tagged.rs`) reads its object as a whole, so serde_json
/// places its errors at the object's end.
pub(super) const FIELD_MARK: &str = "at `";

/// The field a message names with [`FIELD_MARK`] (`rate.points[2]`), and the message after it.
pub(super) fn split_field(message: &str) -> (Option<&str>, &str) {
    match message.strip_prefix(FIELD_MARK).and_then(|m| m.split_once("`: ")) {
        Some((field, rest)) => (Some(field), rest),
        None => (None, message),
    }
}

fn field_named(message: &str) -> Option<&str> {
    split_field(message).0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path_of<T: serde::de::DeserializeOwned + std::fmt::Debug>(text: &str) -> String {
        let e = serde_json::from_str::<T>(text).unwrap_err();
        error_path(text, &e)
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Topic {
        name: String,
        partitions: u32,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Doc {
        topics: Vec<Topic>,
    }

    #[test]
    fn a_wrong_value_is_named_by_its_key() {
        let text = "{\"topics\": [{\"name\": \"a\", \"partitions\": 1},\n {\"name\": \"b\", \"partitions\": \"x\"}]}";
        assert_eq!(path_of::<Doc>(text), "topics[1].partitions");
    }

    #[test]
    fn an_unknown_key_and_a_missing_one_are_named_by_their_object() {
        assert_eq!(
            path_of::<Doc>("{\"topics\": [{\"name\": \"a\", \"bogus\": 1}]}"),
            "topics[0].bogus"
        );
        assert_eq!(path_of::<Doc>("{\"topics\": [{\"name\": \"a\"}]}"), "topics[0]");
        assert_eq!(path_of::<Doc>("{\"topic\": []}"), "topic");
        assert_eq!(path_of::<Doc>("{}"), ".");
    }

    #[test]
    fn strings_with_escapes_and_structure_inside_do_not_confuse_it() {
        let text = r#"{"topics": [{"name": "a\"[{,:", "partitions": -1}]}"#;
        assert_eq!(path_of::<Doc>(text), "topics[0].partitions");
        // Multi-byte text before the error (columns are bytes).
        let text = "{\"topics\": [{\"name\": \"訂單\", \"partitions\": true}]}";
        assert_eq!(path_of::<Doc>(text), "topics[0].partitions");
    }

    #[derive(Debug)]
    struct Even;

    impl<'de> serde::Deserialize<'de> for Even {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            match u32::deserialize(d)? {
                n if n % 2 == 0 => Ok(Even),
                n => Err(serde::de::Error::custom(format!("{n} is odd"))),
            }
        }
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Evens {
        first: Even,
        all: Vec<Even>,
    }

    #[test]
    fn a_custom_refusal_is_named_by_its_key_even_at_the_end_of_its_object() {
        assert_eq!(path_of::<Evens>("{\"first\": 3, \"all\": []}"), "first");
        assert_eq!(path_of::<Evens>("{\"all\": [], \"first\": 3 }"), "first");
        assert_eq!(path_of::<Evens>("{\"first\": 2, \"all\": [2, 4, 5]}"), "all[2]");
        assert_eq!(path_of::<Evens>("{\"first\": 2, \"all\": [2, 5, 4]}"), "all[1]");
    }

    #[test]
    fn text_that_is_not_json_names_the_document() {
        assert_eq!(path_of::<Doc>("{\"topics\": [{\"name\": \"a\",, }]}"), "?");
        assert_eq!(path_of::<Doc>("{\"topics\": ["), "?");
        assert_eq!(path_of::<Doc>(""), "?");
        assert_eq!(path_before("{\"a\": [1, {\"b\": ", 15), "a[1].b");
    }
}
