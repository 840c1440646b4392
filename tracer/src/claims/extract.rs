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
                    && !first.is_uppercase()
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

/// Whether a clause denies what follows it.
fn negated(s: &str) -> bool {
    let s = format!(" {}", s.trim_start_matches(['-', ' ']));
    [
        " no ",
        " not ",
        " none ",
        "n't ",
        " never ",
        " without ",
        " nor ",
    ]
    .iter()
    .any(|n| s.contains(n))
}

/// The clause before `pos`: back to the last `;`, ` - `, ` but `, parenthesis or colon.
fn clause_before(s: &str, pos: usize) -> &str {
    let head = &s[..pos];
    let cut = [";", " - ", " but ", "(", ")", ":", " -- "]
        .iter()
        .filter_map(|b| head.rfind(b).map(|i| i + b.len()))
        .max()
        .unwrap_or(0);
    &head[cut..]
}

/// "No X" or "X": absent when any mention of an anchor is denied in its own clause, so that
/// "appears in vendored libraries, but the application does not call setuid" is a denial and
/// "runs as root as User= is not defined" is not.
fn polarity(s: &str, anchors: &[&str]) -> Expect {
    let denied = anchors.iter().any(|a| {
        s.match_indices(a)
            .any(|(pos, _)| negated(clause_before(s, pos)))
    });
    if denied {
        Expect::Absent
    } else {
        Expect::Present
    }
}

fn any(s: &str, words: &[&str]) -> bool {
    words.iter().any(|w| s.contains(w))
}

/// Removes double-quoted spans: a quoted command ("sudo adduser me lxd") is an example, not a
/// statement about the package.
fn unquoted(s: &str) -> String {
    s.split('"').step_by(2).collect::<Vec<_>>().join(" ")
}

/// One rule: the check, whether the sentence speaks of it, and the words whose clause decides
/// the polarity.
struct Rule {
    check: Check,
    applies: fn(&str) -> bool,
    anchors: &'static [&'static str],
}

const RULES: &[Rule] = &[
    Rule {
        check: Check::ProcessesSpawned,
        applies: |s| s.contains("process") && s.contains("spawn"),
        anchors: &["spawn"],
    },
    Rule {
        check: Check::FileIo,
        applies: |s| any(s, &["file io", "file i/o", "file access"]),
        anchors: &["file io", "file i/o", "file access"],
    },
    Rule {
        check: Check::TempFiles,
        applies: |s| any(s, &["temp file", "temporary file", "tmp file", "tempfile"]),
        anchors: &["temp file", "temporary file", "tmp file", "tempfile"],
    },
    Rule {
        check: Check::Environment,
        applies: |s| any(s, &["environment variable", "env var"]),
        anchors: &["environment variable", "env var"],
    },
    Rule {
        check: Check::PrivilegedFunctions,
        applies: |s| s.contains("privileged function"),
        anchors: &["privileged function"],
    },
    Rule {
        check: Check::Crypto,
        applies: |s| any(s, &["cryptograph", "random number", "random source"]),
        anchors: &["cryptograph", "random number", "random source"],
    },
    Rule {
        check: Check::Networking,
        applies: |s| {
            any(
                s,
                &[
                    "use of networking",
                    "no networking",
                    "use the network",
                    "uses networking",
                ],
            )
        },
        anchors: &["networking", "network"],
    },
    Rule {
        check: Check::ExternalEndpoint,
        applies: |s| {
            s.contains("external endpoint")
                || (s.contains("expose") && any(s, &[" port", "socket"]))
        },
        anchors: &["expose", "external endpoint"],
    },
    Rule {
        check: Check::PrivilegedPorts,
        applies: |s| s.contains("privileged port"),
        anchors: &["privileged port"],
    },
    Rule {
        check: Check::RunsAsRoot,
        applies: |s| s.contains("as root") && any(s, &["daemon", "service", "run"]),
        anchors: &["as root"],
    },
    Rule {
        check: Check::Sudo,
        applies: |s| any(s, &["sudo", "gksu", "pkexec"]) && !any(s, &["fragment", "sudoers"]),
        anchors: &["sudo", "gksu", "pkexec"],
    },
    Rule {
        check: Check::LdLibraryPath,
        applies: |s| s.contains("ld_library_path"),
        anchors: &["ld_library_path"],
    },
    Rule {
        check: Check::UserNobody,
        applies: |s| s.contains("nobody"),
        anchors: &["nobody"],
    },
    Rule {
        check: Check::SetuidCalls,
        applies: |s| any(s, &["setuid", "setgid"]) && !s.contains("binar"),
        anchors: &["setuid", "setgid"],
    },
    Rule {
        check: Check::SecretInArgv,
        applies: |s| {
            any(s, &["password", "secret", "token", "credential"])
                && any(
                    s,
                    &[" ps", "argv", "command line", "command-line", "expose"],
                )
        },
        anchors: &["password", "secret", "token", "credential"],
    },
    Rule {
        check: Check::ChmodByPath,
        applies: |s| s.contains("chmod") && any(s, &["race", "symlink", "symbolic link"]),
        anchors: &["chmod"],
    },
    Rule {
        check: Check::ChmodChownMixup,
        applies: |s| {
            s.contains("chmod") && s.contains("chown") && any(s, &["typo", "instead", "mix"])
        },
        anchors: &["typo", "instead", "mix"],
    },
    Rule {
        check: Check::MaintainerAddsGroups,
        applies: |s| {
            any(s, &["postinst", "maintainer script", "preinst"])
                && any(
                    s,
                    &[
                        "add_group",
                        "addgroup",
                        "adduser",
                        "groupadd",
                        "useradd",
                        "to add",
                        "adds",
                    ],
                )
        },
        anchors: &[
            "add_group",
            "addgroup",
            "adduser",
            "groupadd",
            "useradd",
            "to add",
            "adds",
        ],
    },
];

/// Runtime rules: a sentence may yield several claims (the MIR "sudo … or LD_LIBRARY_PATH" line).
fn runtime_claims(sentence: &str) -> Vec<(Check, Expect, Allow)> {
    let plain = unquoted(sentence);
    let mut out: Vec<(Check, Expect, Allow)> = RULES
        .iter()
        .filter(|r| {
            (r.applies)(&plain) || (r.check == Check::SecretInArgv && (r.applies)(sentence))
        })
        .map(|r| {
            let text = if (r.applies)(&plain) {
                plain.as_str()
            } else {
                sentence
            };
            (r.check, polarity(text, r.anchors), Allow::default())
        })
        .collect();
    if let Some(allow) = destinations(&plain) {
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
                    && *line != st.line
                    && !also_lines.contains(&st.line)
                {
                    also_lines.push(st.line);
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

    #[test]
    fn mir_template_and_checklist_wording() {
        use Check as C;
        use Expect::{Absent as A, Present as P};
        let cases: &[(&str, Check, Expect)] = &[
            ("does not run a daemon as root", C::RunsAsRoot, A),
            ("does run a daemon as root", C::RunsAsRoot, P),
            (
                "does not open privileged ports (ports < 1024)",
                C::PrivilegedPorts,
                A,
            ),
            (
                "does open privileged ports (ports < 1024)",
                C::PrivilegedPorts,
                P,
            ),
            (
                "does not expose any external endpoint (port/socket/... or similar)",
                C::ExternalEndpoint,
                A,
            ),
            (
                "does expose an external endpoint, port 8443",
                C::ExternalEndpoint,
                P,
            ),
            (
                "does not deal with cryptography (en-/decryption, certificates, signing, ...)",
                C::Crypto,
                A,
            ),
            (
                "does deal with cryptography (en-/decryption, certificates, signing, ...)",
                C::Crypto,
                P,
            ),
            ("no use of setuid / setgid", C::SetuidCalls, A),
            (
                "use of setuid, but ok because it drops privileges",
                C::SetuidCalls,
                P,
            ),
            ("no use of user 'nobody' outside of tests", C::UserNobody, A),
            (
                "- Processes spawned: uses subprocess to run ip",
                C::ProcessesSpawned,
                P,
            ),
            (
                "- Environment variable usage: reads HOME",
                C::Environment,
                P,
            ),
            (
                "- Use of privileged functions: setgroups",
                C::PrivilegedFunctions,
                P,
            ),
            ("- No use of networking", C::Networking, A),
            ("- Use of networking: talks to rabbitmq", C::Networking, P),
            ("- No notable File IO", C::FileIo, A),
        ];
        for (text, check, expect) in cases {
            let got = one(text);
            assert!(got.contains(&(*check, *expect)), "{text:?}: {got:?}");
        }
    }
}
