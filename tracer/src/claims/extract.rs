//! Finding claims in review text.
//!
//! Reviews are free text in two house styles: the security team's checklist ("- No processes
//! spawned") and the MIR template ("Does not expose any external endpoint …"), hard-wrapped at
//! about 80 columns, sometimes pasted as one long line with " - " bullets. The text is cut into
//! statements (wrapped lines joined back), each statement into sentences, and each sentence is
//! matched against keyword rules. Matching is deliberately plain (lower-cased substrings): a
//! reviewer can read the rule table below and predict the result, and the claims file corrects
//! whatever it gets wrong.

use std::net::IpAddr;

use super::{Allow, Check, Claim, ClaimSet, Expect, NotCheckable, Package, Source, Unrecognised};

/// A statement of the review: one bullet or paragraph line, wrapped lines joined.
#[derive(Debug, Clone)]
struct Statement {
    line: usize,
    text: String,
}

/// Lines longer than this that end without punctuation were probably hard-wrapped.
const WRAP_HINT: usize = 60;

fn bullet_less(line: &str) -> &str {
    line.trim()
        .trim_start_matches(['-', '*', '•', '+'])
        .trim_start()
}

fn starts_with_bullet(line: &str) -> bool {
    matches!(
        line.trim_start().chars().next(),
        Some('-' | '*' | '•' | '+')
    )
}

fn statements(text: &str) -> Vec<Statement> {
    let mut out: Vec<Statement> = Vec::new();
    let mut prev_raw: Option<&str> = None;
    for (i, raw) in text.lines().enumerate() {
        let line_no = i + 1;
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            prev_raw = None;
            continue;
        }
        let continues = match (prev_raw, out.last()) {
            (Some(prev), Some(_)) => {
                let prev_t = prev.trim_end();
                let first = trimmed.chars().next().unwrap_or(' ');
                !starts_with_bullet(raw)
                    && prev_t.chars().count() >= WRAP_HINT
                    && !prev_t.ends_with([':', '.'])
                    && (first.is_lowercase() || first.is_ascii_digit() || first == '(')
            }
            _ => false,
        };
        if continues {
            if let Some(last) = out.last_mut() {
                last.text.push(' ');
                last.text.push_str(trimmed);
            }
        } else {
            // A paragraph pasted as one line keeps its bullets as " - ".
            for (k, part) in trimmed.split(" - ").enumerate() {
                let part = if k == 0 {
                    bullet_less(part)
                } else {
                    part.trim()
                };
                if !part.is_empty() {
                    out.push(Statement {
                        line: line_no,
                        text: part.to_owned(),
                    });
                }
            }
        }
        prev_raw = Some(raw);
    }
    for s in &mut out {
        s.text = collapse(&s.text);
    }
    out
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Lower case, typographic quotes and dashes made plain.
fn normalise(s: &str) -> String {
    s.to_lowercase()
        .replace(['‘', '’', '“', '”'], "'")
        .replace(['–', '—'], "-")
}

fn sentences(s: &str) -> Vec<String> {
    s.split(". ")
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(normalise)
        .collect()
}

/// Whether a sentence denies what it names.
fn negated(s: &str) -> bool {
    let s = s.trim_start_matches(['-', ' ']);
    s.starts_with("no ")
        || s.starts_with("not ")
        || s.starts_with("none ")
        || [
            " no ",
            "does not ",
            "doesn't ",
            "do not ",
            "did not ",
            "never ",
            " not ",
            "without ",
        ]
        .iter()
        .any(|n| s.contains(n))
}

fn any(s: &str, words: &[&str]) -> bool {
    words.iter().any(|w| s.contains(w))
}

/// Runtime rules: a sentence may yield several claims (the MIR "sudo … or LD_LIBRARY_PATH" line).
fn runtime_claims(s: &str) -> Vec<(Check, Expect, Allow)> {
    let expect = if negated(s) {
        Expect::Absent
    } else {
        Expect::Present
    };
    let mut out = Vec::new();
    let mut add = |c: Check, e: Expect| out.push((c, e, Allow::default()));
    if s.contains("process") && s.contains("spawn") {
        add(Check::ProcessesSpawned, expect);
    }
    if any(s, &["file io", "file i/o", "file access"]) {
        add(Check::FileIo, expect);
    }
    if any(s, &["temp file", "temporary file", "tmp file", "tempfile"]) {
        add(Check::TempFiles, expect);
    }
    if any(s, &["environment variable", "env var"]) {
        add(Check::Environment, expect);
    }
    if s.contains("privileged function") {
        add(Check::PrivilegedFunctions, expect);
    }
    if any(
        s,
        &["cryptograph", "random number", "random source", "crypto "],
    ) {
        add(Check::Crypto, expect);
    }
    if any(
        s,
        &[
            "use of networking",
            "no networking",
            "use the network",
            "uses networking",
        ],
    ) {
        add(Check::Networking, expect);
    }
    if s.contains("external endpoint") || (s.contains("expose") && any(s, &["port", "socket"])) {
        add(Check::ExternalEndpoint, expect);
    }
    if s.contains("privileged port") {
        add(Check::PrivilegedPorts, expect);
    }
    if s.contains("as root") && any(s, &["daemon", "service", "run"]) {
        add(Check::RunsAsRoot, expect);
    }
    if any(s, &["sudo", "gksu", "pkexec"]) && !any(s, &["fragment", "sudoers"]) {
        add(Check::Sudo, expect);
    }
    if s.contains("ld_library_path") {
        add(Check::LdLibraryPath, expect);
    }
    if s.contains("nobody") {
        add(Check::UserNobody, expect);
    }
    if any(s, &["setuid", "setgid"]) && !s.contains("binar") {
        add(Check::SetuidCalls, expect);
    }
    if any(s, &["password", "secret", "token", "credential"])
        && any(
            s,
            &[" ps", "argv", "command line", "command-line", "expose"],
        )
    {
        add(Check::SecretInArgv, expect);
    }
    if s.contains("chmod") && any(s, &["race", "symlink", "symbolic link"]) {
        add(Check::ChmodByPath, expect);
    }
    if s.contains("chmod") && s.contains("chown") && any(s, &["typo", "instead", "mix"]) {
        add(Check::ChmodChownMixup, expect);
    }
    if any(s, &["postinst", "maintainer script", "preinst"])
        && s.contains("add")
        && any(s, &["group", "user"])
    {
        add(Check::MaintainerAddsGroups, expect);
    }
    if let Some(allow) = destinations(s) {
        out.push((Check::OutgoingDestinations, Expect::Absent, allow));
    }
    out
}

/// "only makes outgoing connections to 127.0.0.1, 168.63.129.16 and 169.254.169.254": the
/// addresses become the claim's allowlist. "No outgoing connections" gives an empty one.
fn destinations(s: &str) -> Option<Allow> {
    let outgoing = any(
        s,
        &[
            "outgoing connection",
            "connects only to",
            "only connects to",
            "connections only to",
        ],
    );
    if !outgoing {
        return None;
    }
    let ips: Vec<String> = s
        .split(|c: char| c.is_whitespace() || c == ',' || c == '(' || c == ')' || c == ';')
        .map(|t| t.trim_end_matches(['.', ':']))
        .filter(|t| {
            t.parse::<IpAddr>().is_ok()
                || t.parse::<std::net::SocketAddr>().is_ok()
                || t.rsplit_once(':').is_some_and(|(ip, port)| {
                    ip.parse::<IpAddr>().is_ok() && port.parse::<u16>().is_ok()
                })
        })
        .map(str::to_owned)
        .collect();
    if ips.is_empty() && !negated(s) {
        return None;
    }
    if !ips.is_empty() && !s.contains("only") {
        // Destinations named without "only" describe, not restrict: nothing to hold against.
        return None;
    }
    Some(Allow {
        destinations: ips,
        ..Allow::default()
    })
}

/// Statements about the package that are not runtime behaviour, with why.
const STATIC: &[(&[&str], &str)] = &[
    (&["cve"], "security history: not a runtime property"),
    (
        &[
            "build-depends",
            "build log",
            "ftbfs",
            "build time",
            "during the build",
            "errors/warnings during the build",
        ],
        "build: checked on the build, not at run time",
    ),
    (
        &["embedded source", "static linking", "built-using", "vendor"],
        "packaging and embedded code: checked on the source",
    ),
    (&["lintian"], "lintian output: checked on the package"),
    (
        &["setuid binar"],
        "setuid files shipped: checked on the package contents",
    ),
    (
        &["sudo fragment", "sudoers"],
        "sudoers files shipped: checked on the package contents",
    ),
    (
        &["polkit", "policykit"],
        "PolicyKit files/use: checked on the package and source",
    ),
    (
        &["dbus service"],
        "D-Bus services shipped: checked on the package contents",
    ),
    (
        &["udev rule"],
        "udev rules shipped: checked on the package contents",
    ),
    (
        &["cron job"],
        "cron jobs shipped: checked on the package contents",
    ),
    (
        &["webkit", "v8", "libseed"],
        "library dependencies: checked on the package",
    ),
    (
        &[
            "test suite",
            "autopkgtest",
            "unit test",
            "smoke test",
            "cargo test",
        ],
        "tests: checked on the source",
    ),
    (
        &["static analysis", "coverity", "bandit", "shellcheck"],
        "static analysis results",
    ),
    (
        &["memory management", "malloc", "sprintf"],
        "memory safety: a code-review judgement",
    ),
    (
        &["logging"],
        "logging quality: a code-review judgement (files written are in the findings)",
    ),
    (
        &["network handling"],
        "a judgement of code quality (the report's listening-socket and destination findings show what the network code did)",
    ),
    (
        &[
            "systemd unit",
            "systemd service",
            "init script",
            "initscript",
        ],
        "unit/init files: checked on the package contents",
    ),
    (
        &["parse data formats", "web content", "javascript"],
        "input handling: a code-review judgement",
    ),
    (
        &["authentication", "attestation", "online account"],
        "design property: a code-review judgement",
    ),
    (
        &["risk mitigation", "sandboxing", "seccomp", "apparmor"],
        "hardening: checked on the unit and profile files",
    ),
    (
        &[
            "symbols tracking",
            "debian/watch",
            "debian/rules",
            "delta",
            "lto-disabled",
        ],
        "packaging: checked on the source",
    ),
    (
        &["python2", "translation", "man-page", "man page"],
        "packaging: checked on the source",
    ),
    (
        &["open bugs", "update history", "upstream"],
        "project health: not a runtime property",
    ),
    (
        &["dependencies", "seeded-in-ubuntu", "check-mir"],
        "dependencies: checked on the archive",
    ),
];

fn static_reason(s: &str) -> Option<&'static str> {
    STATIC
        .iter()
        .find(|(words, _)| any(s, words))
        .map(|(_, why)| *why)
}

/// The package name, from the house styles' opening lines.
fn package_name(text: &str) -> Option<String> {
    for line in text.lines() {
        let l = line.trim();
        for prefix in ["Review for Source Package:", "I reviewed "] {
            if let Some(rest) = l.find(prefix).map(|i| &l[i + prefix.len()..]) {
                let name = rest.split_whitespace().next()?;
                let name: String = name
                    .chars()
                    .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '+' | '.'))
                    .collect();
                let name = name.trim_end_matches('.');
                if !name.is_empty() {
                    return Some(name.to_owned());
                }
            }
        }
    }
    None
}

/// Reads a review. Never fails: what is not understood is listed, not dropped.
pub fn extract(text: &str) -> ClaimSet {
    let mut claims: Vec<Claim> = Vec::new();
    let mut not_checkable = Vec::new();
    let mut unrecognised = Vec::new();
    for st in statements(text) {
        let mut found = Vec::new();
        let mut static_why = None;
        for sentence in sentences(&st.text) {
            let runtime = runtime_claims(&sentence);
            if runtime.is_empty() {
                static_why = static_why.or(static_reason(&sentence));
            }
            found.extend(runtime);
        }
        if found.is_empty() {
            match static_why {
                Some(why) => not_checkable.push(NotCheckable {
                    line: st.line,
                    text: st.text.clone(),
                    why: why.to_owned(),
                }),
                None => unrecognised.push(Unrecognised {
                    line: st.line,
                    text: st.text.clone(),
                }),
            }
            continue;
        }
        for (check, expect, allow) in found {
            if let Some(same) = claims
                .iter_mut()
                .find(|c| c.check == check && c.expect == expect && c.allow == allow)
            {
                if let Source::Review {
                    also_lines, line, ..
                } = &mut same.source
                {
                    if *line != st.line && !also_lines.contains(&st.line) {
                        also_lines.push(st.line);
                    }
                }
                continue;
            }
            claims.push(Claim {
                id: format!("C{}", claims.len() + 1),
                check,
                expect,
                source: Source::Review {
                    line: st.line,
                    text: st.text.clone(),
                    also_lines: Vec::new(),
                },
                allow,
            });
        }
    }
    ClaimSet {
        package: Package {
            name: package_name(text),
            ..Package::default()
        },
        claims,
        not_checkable,
        unrecognised,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(s: &str) -> Vec<(Check, Expect)> {
        extract(s)
            .claims
            .into_iter()
            .map(|c| (c.check, c.expect))
            .collect()
    }

    #[test]
    fn checklist_negative_and_positive() {
        assert_eq!(
            one("- No processes spawned"),
            [(Check::ProcessesSpawned, Expect::Absent)]
        );
        assert_eq!(
            one("- Processes spawned: yes, via subprocess"),
            [(Check::ProcessesSpawned, Expect::Present)]
        );
        assert_eq!(
            one("- No use of temp files (other than in unit tests)"),
            [(Check::TempFiles, Expect::Absent)]
        );
    }

    #[test]
    fn mir_sudo_line_gives_two_claims() {
        assert_eq!(
            one("no use of sudo, gksu, pkexec, or LD_LIBRARY_PATH (usage is OK inside tests)"),
            [
                (Check::Sudo, Expect::Absent),
                (Check::LdLibraryPath, Expect::Absent)
            ]
        );
    }

    #[test]
    fn wrapped_destinations_become_an_allowlist() {
        let set = extract(
            "Does not expose any external endpoint (port/socket/... or similar). The service \n\
             only makes outgoing connections to 127.0.0.1 168.63.129.16 169.254.169.254 (a \n\
             known Azure DNS endpoint).\n",
        );
        assert_eq!(set.claims.len(), 2);
        assert_eq!(set.claims[0].check, Check::ExternalEndpoint);
        assert_eq!(set.claims[1].check, Check::OutgoingDestinations);
        assert_eq!(
            set.claims[1].allow.destinations,
            ["127.0.0.1", "168.63.129.16", "169.254.169.254"]
        );
    }

    #[test]
    fn static_lines_are_listed_not_dropped() {
        let set = extract("- No sudo fragments\n- No setuid binaries\nhello world\n");
        assert!(set.claims.is_empty());
        assert_eq!(set.not_checkable.len(), 2);
        assert_eq!(set.unrecognised.len(), 1);
    }

    #[test]
    fn package_names() {
        assert_eq!(
            package_name("Review for Source Package: azure-proxy-agent\n").as_deref(),
            Some("azure-proxy-agent")
        );
        assert_eq!(
            package_name("I reviewed masakari 9.0.0 as checked").as_deref(),
            Some("masakari")
        );
    }
}
