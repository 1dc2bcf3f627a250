//! "Did you mean": the configured names close to a name that was not found.

use std::collections::HashSet;

/// Names close to `wanted`: equal ignoring case, or within a small edit distance.
pub(super) fn suggest<'a>(wanted: &str, names: impl Iterator<Item = &'a str>) -> Vec<String> {
    let limit = (wanted.chars().count() / 3).clamp(1, 3);
    let mut seen = HashSet::new();
    let mut found: Vec<(usize, String)> = names
        .filter(|n| seen.insert(*n))
        .filter_map(|n| {
            let d = if n.eq_ignore_ascii_case(wanted) {
                0
            } else {
                edit_distance(wanted, n, limit)?
            };
            (d <= limit).then(|| (d, n.to_owned()))
        })
        .collect();
    found.sort();
    found.into_iter().take(3).map(|(_, n)| n).collect()
}

/// Edit distance counting a swap of two neighbours as one edit (optimal string
/// alignment), or `None` when it is certainly above `limit`.
fn edit_distance(a: &str, b: &str, limit: usize) -> Option<usize> {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > limit || a.len() > 256 || b.len() > 256 {
        return None;
    }
    let width = b.len() + 1;
    // Three rows: two back, one back, current.
    let mut rows = vec![0usize; 3 * width];
    for (j, cell) in rows.iter_mut().skip(2 * width).enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        rows.copy_within(width.., 0);
        let (older, current) = rows.split_at_mut(2 * width);
        let (before, prev) = older.split_at(width);
        current[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (prev[j - 1] + cost)
                .min(prev[j] + 1)
                .min(current[j - 1] + 1);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(before[j - 2] + 1);
            }
            current[j] = d;
        }
    }
    rows.last().copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distances() {
        for (a, b, d) in [
            ("dev", "dev", 0),
            ("dev", "dve", 1),
            ("dev", "de", 1),
            ("dev", "prod", 4),
            ("", "ab", 2),
            ("ab", "", 2),
            ("my-sso", "my-ss", 1),
            ("ca", "abc", 3),
        ] {
            assert_eq!(edit_distance(a, b, 10), Some(d), "{a} {b}");
        }
        assert_eq!(edit_distance("a", "abcdef", 2), None);
    }

    #[test]
    fn suggestions() {
        let names = ["dev", "Dev2", "prod", "DEV", "dev"];
        assert_eq!(suggest("dve", names.into_iter()), ["dev"]);
        assert_eq!(
            suggest("production", names.into_iter()),
            Vec::<String>::new()
        );
        assert_eq!(suggest("dev", names.into_iter()), ["DEV", "dev"]);
        assert_eq!(suggest("dev2", names.into_iter()), ["Dev2", "dev"]);
    }
}
