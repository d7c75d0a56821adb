//! Redis's ASCII sparklines (sparkline.c), which LATENCY GRAPH draws:
//! each sample a column, its height in `rows` rows of three steps each
//! (`_o#`, `|` below the top), then the samples' labels written
//! downwards, one character a row, under a blank line.

/// `charset_fill`: a column's top character by step within its row.
const FILL: [u8; 3] = [b'_', b'o', b'#'];
/// `label_margin_top`: blank rows between the graph and the labels.
const LABEL_MARGIN_TOP: usize = 1;

/// One column: its value and the label printed under it.
pub struct Sample {
    pub value: f64,
    pub label: String,
}

/// `sparklineRender` with `SPARKLINE_FILL`: the samples in chunks of
/// `columns`, a blank line between chunks, each `rows` high.
pub fn render(samples: &[Sample], columns: usize, rows: usize) -> String {
    let mut out = String::new();
    if samples.is_empty() {
        return out;
    }
    let min = samples
        .iter()
        .map(|s| s.value)
        .fold(f64::INFINITY, f64::min);
    let max = samples
        .iter()
        .map(|s| s.value)
        .fold(f64::NEG_INFINITY, f64::max);
    for (i, chunk) in samples.chunks(columns).enumerate() {
        if i != 0 {
            out.push('\n');
        }
        render_range(&mut out, chunk, min, max, rows);
    }
    out
}

/// `sparklineRenderRange`: the rows of one chunk, scaled to the whole
/// sequence's `min` and `max`.
fn render_range(out: &mut String, samples: &[Sample], min: f64, max: f64, rows: usize) {
    let relmax = if max - min == 0.0 { 1.0 } else { max - min };
    let steps = (FILL.len() * rows) as i64;
    // `(int)(relval*steps)/relmax`, truncated again into an int.
    let step_of = |v: f64| {
        let step = (((v - min) * steps as f64) as i64 as f64 / relmax) as i64;
        step.clamp(0, steps - 1)
    };
    for row in 0..rows {
        let line: String = samples
            .iter()
            .map(|s| {
                let idx = step_of(s.value) - ((rows - row - 1) * FILL.len()) as i64;
                match idx {
                    0..=2 => FILL[idx as usize] as char,
                    3.. => '|',
                    _ => ' ',
                }
            })
            .collect();
        out.push_str(&line);
        out.push('\n');
    }
    let longest = samples.iter().map(|s| s.label.len()).max().unwrap_or(0);
    if longest == 0 {
        return;
    }
    for _ in 0..LABEL_MARGIN_TOP {
        out.push_str(&" ".repeat(samples.len()));
        out.push('\n');
    }
    for at in 0..longest {
        let line: String = samples
            .iter()
            .map(|s| s.label.as_bytes().get(at).map_or(' ', |b| *b as char))
            .collect();
        out.push_str(&line);
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn samples(values: &[(f64, &str)]) -> Vec<Sample> {
        values
            .iter()
            .map(|(v, l)| Sample {
                value: *v,
                label: l.to_string(),
            })
            .collect()
    }

    /// Four rows of three steps: the lowest value one `_` at the bottom,
    /// the highest `#` on top of `|`s; labels downwards under a blank row.
    #[test]
    fn columns_rise_with_their_values() {
        let out = render(
            &samples(&[(10.0, "5s"), (20.0, "12s"), (40.0, "1m")]),
            80,
            4,
        );
        assert_eq!(out, "  #\n  |\n o|\n_||\n   \n511\ns2m\n s \n", "{out}");
    }

    /// Equal values all sit at the bottom step; more samples than columns
    /// wrap into a second block after a blank line.
    #[test]
    fn flat_series_and_wrapping() {
        let out = render(&samples(&[(3.0, "a"), (3.0, "b"), (3.0, "c")]), 2, 1);
        assert_eq!(out, "__\n  \nab\n\n_\n \nc\n");
    }
}
