//! The three report formats on the real examples (examples/vm/*/report.json, written by
//! `tracer vm check`): Markdown for a forge, plain text for a Launchpad comment, JSON for tools.
//! The plain text is checked for what a Launchpad comment needs, then snapshotted.

use std::path::PathBuf;

use tracer::report::{Report, render_markdown, render_text};

const EXAMPLES: &[&str] = &[
    "masakari",
    "lxd",
    "azure-proxy-agent",
    "azure-proxy-agent-standin",
    "cron",
];

fn example(name: &str) -> Report {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../examples/vm")
        .join(name)
        .join("report.json");
    let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn text_reports_suit_a_launchpad_comment() {
    for name in EXAMPLES {
        let r = example(name);
        let text = render_text(&r);
        for (i, line) in text.lines().enumerate() {
            assert!(
                line.chars().count() <= 100,
                "{name} line {}: {} chars: {line}",
                i + 1,
                line.chars().count()
            );
            assert!(
                !line.ends_with(' '),
                "{name} line {}: trailing space",
                i + 1
            );
        }
        // No Markdown escapes or HTML entities: the text is read as it is.
        // (`****` does occur: it is a masked secret.)
        for md in [
            "\\(",
            "\\_",
            "\\|",
            "&gt;",
            "&lt;",
            "&amp;",
            "**contradicted",
            "**held",
        ] {
            assert!(!text.contains(md), "{name}: {md:?} in the text report");
        }
        // Every verdict and its evidence are there.
        for v in &r.verdicts {
            assert!(text.contains(&format!("{} {}:", v.claim.id, v.status.label())));
            for e in &v.evidence.shown {
                assert!(text.contains(&format!("#{} ", e.seq)), "{name}: #{}", e.seq);
            }
            for f in &v.installed.shown {
                let path = f.split(' ').nth(1).unwrap_or(f);
                assert!(
                    text.contains(&format!("installed: {}", f.split(' ').next().unwrap_or(f))),
                    "{name}: {f}"
                );
                assert!(text.contains(path), "{name}: {path}");
            }
        }
        insta::assert_snapshot!(format!("text_{name}"), text);
    }
}

#[test]
fn markdown_and_json_reports_of_the_examples() {
    for name in EXAMPLES {
        let r = example(name);
        insta::assert_snapshot!(format!("markdown_{name}"), render_markdown(&r));
        let json = r.to_json().expect("report JSON");
        let back: Report = serde_json::from_str(&json).expect("the JSON reads back");
        assert_eq!(back, r, "{name}: JSON round trip");
        insta::assert_snapshot!(format!("json_{name}"), json);
    }
}

#[test]
fn hostile_names_stay_visible_and_inert_in_text() {
    let mut r = example("azure-proxy-agent-standin");
    let v = r
        .verdicts
        .iter_mut()
        .find(|v| !v.evidence.shown.is_empty())
        .expect("a verdict with evidence");
    v.evidence.shown[0].what = "open /tmp/\u{202e}fdp.exe\n\x1b[2J| forged row".into();
    let text = render_text(&r);
    assert!(
        !text.contains('\u{202e}') && !text.contains('\x1b'),
        "{text}"
    );
    assert!(
        text.contains("\\u{202e}fdp.exe\\n\\u{1b}[2J| forged row"),
        "{text}"
    );
}
