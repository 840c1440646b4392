//! Escaping for Markdown that Launchpad or a code forge renders.

use crate::trace::describe::printable;

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

/// Characters that change what a reader sees without being seen: bidi embeddings, overrides
/// and isolates (Trojan Source), marks, and the C1 controls a terminal may obey.
fn deceptive(c: char) -> bool {
    matches!(c,
        '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}'
        | '\u{061c}' | '\u{7f}'..='\u{9f}')
}

/// Text for a terminal, as the last step before it is printed: every control character but
/// newline and tab, and every bidi control, becomes a visible `\u{…}` escape. Whatever a
/// renderer forgot to escape (a crafted header, a hostile file name) cannot move the cursor,
/// recolour the screen or reorder the line.
pub fn terminal(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if (c.is_control() && c != '\n' && c != '\t') || deceptive(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// JSON text with bidi controls, DEL and C1 controls written as `\uXXXX` escapes. serde_json
/// escapes only U+0000–U+001F; the others are legal raw in JSON strings, and a viewer or a
/// terminal would act on them. Outside strings JSON has no such characters, so replacing them
/// anywhere in the text keeps the same value.
pub fn json(text: String) -> String {
    if !text.chars().any(deceptive) {
        return text;
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if deceptive(c) {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{json, md, terminal};

    #[test]
    fn terminal_and_json_show_controls_and_bidi() {
        assert_eq!(terminal("a\x1b[2Jb\u{202e}c\n"), "a\\u{1b}[2Jb\\u{202e}c\n");
        assert_eq!(terminal("\u{9b}31m"), "\\u{9b}31m");
        let v = serde_json::json!({"host": "x\u{202e}txt.exe\u{7f}"});
        let text = json(serde_json::to_string(&v).unwrap());
        assert!(
            !text.contains('\u{202e}') && !text.contains('\u{7f}'),
            "{text}"
        );
        assert!(text.contains("\\u202e"), "{text}");
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, v, "same value after escaping");
    }

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
