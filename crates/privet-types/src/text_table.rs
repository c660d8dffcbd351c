//! Plain text tables for terminals: columns padded to their widest cell, some right-aligned.

/// A left/right-aligned text table; the first row is the header, `right_aligned` the indexes of
/// numeric columns, `indent` put before every line.
pub fn text_table(rows: &[Vec<String>], right_aligned: &[usize], indent: &str) -> String {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in rows {
        let mut line = String::from(indent);
        for (c, cell) in row.iter().enumerate() {
            let pad = widths[c].saturating_sub(cell.chars().count());
            let last = c + 1 == row.len();
            if right_aligned.contains(&c) {
                line.push_str(&" ".repeat(pad));
                line.push_str(cell);
            } else {
                line.push_str(cell);
                if !last {
                    line.push_str(&" ".repeat(pad));
                }
            }
            if !last {
                line.push_str("  ");
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_aligned_columns() {
        let rows = vec![
            vec!["TYPE".into(), "COUNT".into(), "EXAMPLES".into()],
            vec!["email".into(), "1,200".into(), "a***@b***.com".into()],
            vec!["card_number".into(), "3".into(), String::new()],
        ];
        let text = text_table(&rows, &[1], "  ");
        assert_eq!(
            text,
            "  TYPE         COUNT  EXAMPLES\n  email        1,200  a***@b***.com\n  card_number      3\n"
        );
    }
}
