//! What an admin types or imports for a PC: name checks and the CSV of an import
//! (`name,zone,os`), with every bad line reported by number.

use std::collections::HashSet;

pub(crate) const MAX_NAME: usize = 64;

/// A PC as the caller typed it, checked and trimmed.
pub(crate) struct NewPc {
    /// The CSV line it came from; 0 when typed in directly.
    pub(crate) line: usize,
    pub(crate) name: String,
    pub(crate) zone: String,
    pub(crate) os: String,
}

pub(crate) fn check_name(name: &str) -> std::result::Result<String, String> {
    let name = name.trim();
    if name.is_empty() {
        return Err("the PC name is empty; give each PC a name such as 1-001".to_owned());
    }
    if name.chars().count() > MAX_NAME || name.chars().any(char::is_control) {
        return Err(format!(
            "the PC name {name:?} is too long or has control characters; use at most \
             {MAX_NAME} plain characters"
        ));
    }
    Ok(name.to_owned())
}

pub(crate) fn check_new_pc(name: &str, zone: &str, os: &str) -> std::result::Result<NewPc, String> {
    let name = check_name(name)?;
    for (what, text) in [("zone", zone), ("os", os)] {
        if text.trim().chars().count() > MAX_NAME || text.chars().any(char::is_control) {
            return Err(format!(
                "the {what} of {name} is too long; use at most {MAX_NAME} characters"
            ));
        }
    }
    Ok(NewPc {
        line: 0,
        name,
        zone: zone.trim().to_owned(),
        os: os.trim().to_owned(),
    })
}

/// Reads the CSV text of an import: a `name,zone,os` header, then one PC a line.
pub(crate) fn parse_csv(text: &str) -> std::result::Result<Vec<NewPc>, Vec<String>> {
    let mut lines = text
        .trim_start_matches('\u{feff}')
        .lines()
        .enumerate()
        .map(|(i, line)| (i + 1, line.trim_end_matches('\r')));
    let header = lines.by_ref().find(|(_, line)| !line.trim().is_empty());
    let header_line = header.map_or(1, |(number, _)| number);
    let header_ok = header.is_some_and(|(_, line)| {
        let fields: Vec<String> = split_csv_line(line)
            .iter()
            .map(|f| f.to_lowercase())
            .collect();
        fields == ["name", "zone", "os"]
    });
    if !header_ok {
        return Err(vec![format!(
            "line {header_line}: the first line must be the header name,zone,os"
        )]);
    }

    let (mut pcs, mut problems, mut seen) = (Vec::new(), Vec::new(), HashSet::new());
    for (number, line) in lines.filter(|(_, line)| !line.trim().is_empty()) {
        let fields = split_csv_line(line);
        if fields.len() != 3 {
            problems.push(format!(
                "line {number}: expected 3 columns (name,zone,os), found {}",
                fields.len()
            ));
            continue;
        }
        match check_new_pc(&fields[0], &fields[1], &fields[2]) {
            Err(problem) => problems.push(format!("line {number}: {problem}")),
            Ok(pc) if !seen.insert(pc.name.clone()) => problems.push(format!(
                "line {number}: the PC name {} appears twice in the file",
                pc.name
            )),
            Ok(pc) => pcs.push(NewPc { line: number, ..pc }),
        }
    }
    if problems.is_empty() {
        Ok(pcs)
    } else {
        Err(problems)
    }
}

/// Splits one CSV line; fields may be wrapped in double quotes (`""` is a quote inside).
fn split_csv_line(line: &str) -> Vec<String> {
    let (mut fields, mut field, mut quoted) = (Vec::new(), String::new(), false);
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => fields.push(std::mem::take(&mut field).trim().to_owned()),
            _ => field.push(c),
        }
    }
    fields.push(field.trim().to_owned());
    fields
}
