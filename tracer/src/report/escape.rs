//! Escaping for Markdown that Launchpad or a code forge renders.

use crate::summary::printable;

/// Text from a trace or review, made inert in Markdown and HTML: control characters become
/// visible escapes (a newline cannot start a new table row or heading), Markdown punctuation is
/// backslash-escaped and HTML metacharacters become entities.
pub fn md(s: &str) -> String {
    let visible = printable(s);
    let mut out = String::with_capacity(visible.len());
    for c in visible.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' | '#' | '!' | '{' | '}' | '(' | ')' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::md;

    #[test]
    fn hostile_names_are_inert() {
        assert_eq!(md("a|b\n| x |"), "a\\|b\\\\n\\| x \\|");
        assert_eq!(
            md("<script>alert(1)</script>"),
            "&lt;script&gt;alert\\(1\\)&lt;/script&gt;"
        );
        assert_eq!(md("\x1b[31mred"), "\\\\u\\{1b\\}\\[31mred");
        assert_eq!(md("[x](http://e)"), "\\[x\\]\\(http://e\\)");
        assert_eq!(md("/var/lib/a-b.c"), "/var/lib/a-b.c");
    }
}
