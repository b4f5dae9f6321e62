//! Readable tables of the desk's JSON answers, with instants in local time.

use chrono::{DateTime, Local};
use serde_json::Value;

/// How to show a column's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// As text.
    Text,
    /// An RFC 3339 instant, shown in local time.
    Time,
    /// `true` / `false` shown as yes / no.
    YesNo,
}

/// One column: its header, the JSON field it shows, and how.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// The header line's text.
    pub header: &'static str,
    /// The field of each row object.
    pub key: &'static str,
    /// How to show it.
    pub kind: Kind,
}

/// A text column.
pub const fn text(header: &'static str, key: &'static str) -> Column {
    Column {
        header,
        key,
        kind: Kind::Text,
    }
}

/// A local-time column.
pub const fn time(header: &'static str, key: &'static str) -> Column {
    Column {
        header,
        key,
        kind: Kind::Time,
    }
}

/// A yes/no column.
pub const fn yes_no(header: &'static str, key: &'static str) -> Column {
    Column {
        header,
        key,
        kind: Kind::YesNo,
    }
}

/// Shows one value of a cell.
pub fn cell(value: Option<&Value>, kind: Kind) -> String {
    match (value, kind) {
        (None | Some(Value::Null), _) => "-".to_owned(),
        (Some(Value::String(text)), Kind::Time) => local_time(text),
        (Some(Value::Bool(flag)), Kind::YesNo) => if *flag { "yes" } else { "no" }.to_owned(),
        (Some(Value::String(text)), _) => text.clone(),
        // A nested object (a PC inside a result, an audit detail): its name or compact JSON.
        (Some(Value::Object(object)), _) => match object.get("name") {
            Some(Value::String(name)) => name.clone(),
            _ => Value::Object(object.clone()).to_string(),
        },
        (Some(other), _) => other.to_string(),
    }
}

/// An RFC 3339 instant in local time (`2026-12-04 17:45`); other text is shown as is.
pub fn local_time(text: &str) -> String {
    match DateTime::parse_from_rfc3339(text) {
        Ok(instant) => instant
            .with_timezone(&Local)
            .format("%Y-%m-%d %H:%M")
            .to_string(),
        Err(_) => text.to_owned(),
    }
}

/// Renders `rows` (JSON objects) under `columns`, or `empty` when there are none.
pub fn render(rows: &[Value], columns: &[Column], empty: &str) -> String {
    if rows.is_empty() {
        return format!("{empty}\n");
    }
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|row| {
            columns
                .iter()
                .map(|column| cell(row.get(column.key), column.kind))
                .collect()
        })
        .collect();
    let widths: Vec<usize> = columns
        .iter()
        .enumerate()
        .map(|(i, column)| {
            cells
                .iter()
                .map(|line| line[i].chars().count())
                .chain([column.header.len()])
                .max()
                .unwrap_or(0)
        })
        .collect();

    let mut out = String::new();
    let headers: Vec<String> = columns.iter().map(|c| c.header.to_owned()).collect();
    for line in std::iter::once(&headers).chain(&cells) {
        let padded: Vec<String> = line
            .iter()
            .zip(&widths)
            .map(|(text, width)| format!("{text:<width$}"))
            .collect();
        out.push_str(padded.join("  ").trim_end());
        out.push('\n');
    }

    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn columns_line_up_under_their_headers() {
        let rows = vec![
            json!({"name": "1-001", "zone": "1st Floor", "online": true}),
            json!({"name": "PC-10", "zone": null, "online": false}),
        ];
        let columns = [
            text("NAME", "name"),
            text("ZONE", "zone"),
            yes_no("ONLINE", "online"),
        ];
        let out = render(&rows, &columns, "no pcs");
        let want = "NAME   ZONE       ONLINE\n1-001  1st Floor  yes\nPC-10  -          no\n";
        assert_eq!(out, want);
    }

    #[test]
    fn empty_lists_say_so() {
        assert_eq!(
            render(&[], &[text("ID", "id")], "no live sessions"),
            "no live sessions\n"
        );
    }

    #[test]
    fn instants_are_shown_in_local_time() {
        let shown = local_time("2026-12-04T10:30:00Z");
        let want = DateTime::parse_from_rfc3339("2026-12-04T10:30:00Z")
            .unwrap()
            .with_timezone(&Local)
            .format("%Y-%m-%d %H:%M")
            .to_string();
        assert_eq!(shown, want);
        assert_eq!(
            local_time("soon"),
            "soon",
            "non-instants are shown as they are"
        );
    }

    #[test]
    fn nested_objects_show_their_name() {
        assert_eq!(
            cell(Some(&json!({"name": "PC-1", "id": 3})), Kind::Text),
            "PC-1"
        );
        assert_eq!(cell(Some(&json!(42)), Kind::Text), "42");
        assert_eq!(cell(Some(&json!({"a": 1})), Kind::Text), r#"{"a":1}"#);
    }
}
