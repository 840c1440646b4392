//! The package's own autopkgtest as the exercise phase of `vm check`.
//!
//! A package's `debian/tests` are what its maintainers wrote to drive it: they start it,
//! talk to it, use its clients. That is the exercise a reviewer wants recorded, so when the
//! source package has tests, `vm check` runs them while the daemons run.
//!
//! Host side ([`prepare`]): the source package comes from `deb-src` entries derived from this
//! machine's Debian entry (see [`super::sources::resolve_sources`]) through the private apt
//! state, is unpacked with `dpkg-source -x`, and `debian/tests/control` is parsed
//! ([`parse_control`], the fields of autopkgtest's README.package-tests). Each test's
//! `Depends:` are fetched with the same private apt state. A test that cannot run in the
//! disposable guest (no network, no reboot, no build) is kept in the plan with the reason it is
//! skipped: nothing is dropped silently. The tree and the dependencies go on the payload disk.
//!
//! Guest side (the script in [`GUEST_FUNCTIONS`], called by `check::job_script`): the test
//! dependencies are installed outside the slice (phase `test-deps`: harness work, not the
//! package's), then each test runs as root with cwd the source tree, `AUTOPKGTEST_TMP` and
//! `AUTOPKGTEST_ARTIFACTS` set, inside a scope of the slice (phase
//! `autopkgtest:NAME`). Inside, because the tests run the package's own programs (its clients,
//! `service X restart`, its CLI) and those are part of what the package does; the verdict
//! engine's attribution keeps the test's processes apart from the daemons (they are "other",
//! never the package's daemon tree), so a test's `mktemp` or `curl` is not held against a
//! claim about the daemon. `allow-stderr`, `skippable` (exit 77) and `flaky` are honoured.

use std::{collections::HashMap, fmt::Write as _, fs, path::Path, time::Duration};

use serde::{Deserialize, Serialize};

use super::{Result, VmError, debs::AptRoot, image::check_package_name, util::io_err};

/// Where the tests' default directory is, relative to the source tree.
const DEFAULT_TESTS_DIR: &str = "debian/tests";

/// A malformed `debian/tests/control`: the line and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {reason}")]
pub struct ControlError {
    pub line: usize,
    pub reason: String,
}

/// What a test runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TestKind {
    /// `Tests: NAME`: the file `<Tests-Directory>/NAME` of the source tree, made executable.
    Path(String),
    /// `Test-Command: CMD`: run as `bash -ec CMD` (as autopkgtest does).
    Command(String),
}

/// One test of a control file, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ControlTest {
    pub name: String,
    pub kind: TestKind,
    /// `Depends:` clauses (comma-separated, alternatives kept); `@` when the field is absent.
    pub depends: Vec<String>,
    pub restrictions: Vec<String>,
    pub features: Vec<String>,
    pub classes: Vec<String>,
}

/// Splits on commas and white space (Restrictions, Features, Classes, Tests).
fn words(value: &str) -> Vec<String> {
    value
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Test names are file names in the tests directory; they also name the phase, the log
/// directory and a scope, so they are kept to what Debian uses.
fn check_test_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-._".contains(c))
}

/// Parses a `debian/tests/control` file (deb822: stanzas separated by blank lines, `#`
/// comments, folded continuation lines). Each stanza needs exactly one of `Tests:` and
/// `Test-Command:`; unknown fields are ignored (autopkgtest warns about them), as are
/// stanzas that only carry comments.
pub fn parse_control(text: &str) -> std::result::Result<Vec<ControlTest>, ControlError> {
    let mut tests = Vec::new();
    let mut commands = 0usize;
    let mut fields: Vec<(String, String, usize)> = Vec::new();
    let err = |line: usize, reason: String| ControlError { line, reason };
    let mut flush = |fields: &mut Vec<(String, String, usize)>,
                     tests: &mut Vec<ControlTest>|
     -> std::result::Result<(), ControlError> {
        if fields.is_empty() {
            return Ok(());
        }
        let first_line = fields[0].2;
        let get = |key: &str| {
            fields
                .iter()
                .find(|(k, _, _)| k == key)
                .map(|(_, v, l)| (v.as_str(), *l))
        };
        let restrictions = get("restrictions")
            .map(|(v, _)| words(v))
            .unwrap_or_default();
        let features = get("features").map(|(v, _)| words(v)).unwrap_or_default();
        let classes = get("classes").map(|(v, _)| words(v)).unwrap_or_default();
        let depends: Vec<String> = match get("depends") {
            Some((v, _)) => v
                .split(',')
                .map(|c| c.split_whitespace().collect::<Vec<_>>().join(" "))
                .filter(|c| !c.is_empty())
                .collect(),
            None => vec!["@".to_owned()],
        };
        let dir = match get("tests-directory") {
            Some((v, l)) => {
                let v = v.trim().trim_end_matches('/');
                if v.is_empty() || v.starts_with('/') || v.split('/').any(|c| c == "..") {
                    return Err(err(
                        l,
                        format!(
                            "Tests-Directory {v:?} must be a relative path inside the source tree"
                        ),
                    ));
                }
                v.to_owned()
            }
            None => DEFAULT_TESTS_DIR.to_owned(),
        };
        let test = |name: String, kind: TestKind| ControlTest {
            name,
            kind,
            depends: depends.clone(),
            restrictions: restrictions.clone(),
            features: features.clone(),
            classes: classes.clone(),
        };
        match (get("tests"), get("test-command")) {
            (Some(_), Some((_, l))) => {
                return Err(err(
                    l,
                    "a stanza has both Tests: and Test-Command: (one of them, please)".into(),
                ));
            }
            (None, None) => {
                return Err(err(
                    first_line,
                    "a stanza has neither Tests: nor Test-Command:".into(),
                ));
            }
            (Some((v, l)), None) => {
                let names = words(v);
                if names.is_empty() {
                    return Err(err(l, "Tests: names no test".into()));
                }
                for n in names {
                    if !check_test_name(&n) {
                        return Err(err(l, format!("bad test name {n:?}")));
                    }
                    let path = format!("{dir}/{n}");
                    tests.push(test(n, TestKind::Path(path)));
                }
            }
            (None, Some((v, l))) => {
                commands += 1;
                let named = features
                    .iter()
                    .find_map(|f| f.strip_prefix("test-name="))
                    .map(str::to_owned);
                let name = named.unwrap_or_else(|| format!("command{commands}"));
                if !check_test_name(&name) {
                    return Err(err(
                        l,
                        format!("bad test name {name:?} (Features: test-name=)"),
                    ));
                }
                let cmd = v.trim();
                if cmd.is_empty() {
                    return Err(err(l, "Test-Command: is empty".into()));
                }
                tests.push(test(name, TestKind::Command(cmd.to_owned())));
            }
        }
        fields.clear();
        Ok(())
    };
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        if line.starts_with('#') {
            continue;
        }
        if line.trim().is_empty() {
            flush(&mut fields, &mut tests)?;
            continue;
        }
        if line.starts_with(char::is_whitespace) {
            let Some(last) = fields.last_mut() else {
                return Err(err(n, "a continuation line with no field before it".into()));
            };
            // Folded fields: the line break is white space (Test-Command keeps it as one).
            last.1.push('\n');
            last.1.push_str(line.trim());
            continue;
        }
        let Some((key, value)) = line.split_once(':') else {
            return Err(err(
                n,
                format!("expected `Field: value`, found {:?}", line.trim()),
            ));
        };
        let key = key.trim().to_ascii_lowercase();
        if key.is_empty() || key.contains(char::is_whitespace) {
            return Err(err(n, format!("bad field name {key:?}")));
        }
        if fields.iter().any(|(k, _, _)| *k == key) {
            return Err(err(n, format!("field {key:?} given twice in one stanza")));
        }
        fields.push((key, value.trim().to_owned(), n));
    }
    flush(&mut fields, &mut tests)?;
    Ok(tests)
}

/// Why a restriction keeps a test from running in the guest, or `None` when the guest meets
/// it. The guest is a disposable VM with no network, run as root, with the package installed
/// from the archive (not built): autopkgtest's `isolation-machine` holds.
fn restriction_unmet(r: &str) -> Option<String> {
    let reason = match r {
        "needs-root"
        | "allow-stderr"
        | "breaks-testbed"
        | "isolation-container"
        | "isolation-machine"
        | "flaky"
        | "skippable"
        | "rw-build-tree"
        | "superficial"
        | "skip-foreign-architecture"
        | "skip-not-installable" => return None,
        "needs-internet" => "needs-internet: the guest has no network",
        "needs-reboot" => "needs-reboot: the guest cannot reboot in the middle of a recording",
        "build-needed" => "build-needed: building the package in the guest is not supported",
        "needs-sudo" => "needs-sudo: tests run as root only (no normal user with sudo)",
        "needs-recommends" => "needs-recommends: the guest installs no Recommends",
        "hint-testsuite-triggers" => {
            "hint-testsuite-triggers: not a test (a hint for the archive's test scheduler)"
        }
        other => {
            return Some(format!(
                "unknown restriction {other:?} (autopkgtest skips it too)"
            ));
        }
    };
    Some(reason.to_owned())
}

/// The packages to fetch for `Depends:` clauses: `@` is the binary packages under check
/// (installed already, so nothing to fetch); of alternatives the first that applies to `arch`
/// is taken; version constraints are dropped (the candidate is fetched); build profiles
/// (`<…>`) and `:any`/`:native` qualifiers are ignored; a clause none of whose alternatives
/// applies to `arch` is dropped. `@builddeps@` and `@recommends@` are
/// not supported: the reason comes back as the error, and the test is skipped with it.
pub fn dependency_packages(
    depends: &[String],
    arch: &str,
) -> std::result::Result<Vec<String>, String> {
    let mut out: Vec<String> = Vec::new();
    for clause in depends {
        let clause = clause.trim();
        match clause {
            "@" => continue,
            "@builddeps@" => {
                return Err(
                    "Depends: @builddeps@ (the build dependencies, a build tree) is not supported"
                        .into(),
                );
            }
            "@recommends@" => {
                return Err(
                    "Depends: @recommends@ is not supported (no Recommends in the guest)".into(),
                );
            }
            _ => {}
        }
        let mut chosen = None;
        for alt in clause.split('|') {
            let mut alt = alt.trim().to_owned();
            // Build profiles: `<!nocheck>`; not evaluated.
            while let (Some(a), Some(b)) = (alt.find('<'), alt.find('>')) {
                if b < a {
                    break;
                }
                alt.replace_range(a..=b, " ");
            }
            if let (Some(a), Some(b)) = (alt.find('['), alt.find(']'))
                && a < b
            {
                let list: Vec<&str> = alt[a + 1..b].split_whitespace().collect();
                let negated = list.iter().all(|x| x.starts_with('!'));
                let listed = list.iter().any(|x| x.trim_start_matches('!') == arch);
                if negated == listed {
                    continue;
                }
                alt.replace_range(a..=b, " ");
            }
            if let Some(a) = alt.find('(') {
                alt.truncate(a);
            }
            let name = alt.split_whitespace().next().unwrap_or("");
            let name = name.split(':').next().unwrap_or("");
            if name == "@" {
                chosen = Some(None);
                break;
            }
            if check_package_name(name).is_ok() {
                chosen = Some(Some(name.to_owned()));
                break;
            }
            return Err(format!("Depends: cannot read {clause:?}"));
        }
        match chosen {
            Some(Some(name)) if !out.contains(&name) => out.push(name),
            // `foo [i386]` on amd64: the relation does not apply here (Debian's semantics).
            Some(_) | None => {}
        }
    }
    Ok(out)
}

/// A test's result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TestResult {
    Pass,
    Fail,
    Skip,
}

impl std::fmt::Display for TestResult {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            TestResult::Pass => "pass",
            TestResult::Fail => "fail",
            TestResult::Skip => "skip",
        })
    }
}

/// One test as the guest will see it.
#[derive(Debug, Clone, Serialize)]
pub struct PlannedTest {
    pub name: String,
    pub kind: TestKind,
    pub depends: Vec<String>,
    pub restrictions: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub classes: Vec<String>,
    /// Decided on the host, before the guest: skipped (restriction the guest cannot meet,
    /// unsupported dependency) or failed (dependencies not fetchable), with the reason.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preset: Option<(TestResult, String)>,
}

/// The package's tests, ready for the guest.
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    pub source: String,
    pub version: Option<String>,
    pub tests: Vec<PlannedTest>,
}

impl Plan {
    /// Whether any test is left for the guest to run (not skipped or failed on the host).
    pub fn runnable(&self) -> bool {
        self.tests.iter().any(|t| t.preset.is_none())
    }
}

/// What [`prepare`] found.
#[derive(Debug)]
pub enum Prepared {
    Tests(Plan),
    /// The source package was fetched but has no `debian/tests/control`.
    NoTests {
        source: String,
    },
    /// The source package could not be fetched (no deb-src reachable, not in the archive).
    Unavailable {
        reason: String,
    },
}

/// Paths on the payload disk, relative to its root.
pub const PAYLOAD_DIR: &str = "autopkgtest";

/// Fetches the source package of `binary` and the dependencies of its tests into
/// `payload/autopkgtest/{tree,debs}`. `under_check` are the binary packages `@` stands for,
/// already staged in `staged` (their files are not copied twice). A source that cannot be
/// fetched is not an error ([`Prepared::Unavailable`]: the caller falls back to the wait); a
/// control file that cannot be read is.
pub fn prepare(apt: &AptRoot, binary: &str, payload: &Path, staged: &Path) -> Result<Prepared> {
    let dir = payload.join(PAYLOAD_DIR);
    if dir.exists() {
        fs::remove_dir_all(&dir).map_err(io_err(&dir))?;
    }
    let src = match apt.fetch_source(binary, &dir) {
        Ok(s) => s,
        Err(e @ VmError::MissingTool { .. }) => return Err(e),
        Err(e) => {
            let _ = fs::remove_dir_all(&dir);
            return Ok(Prepared::Unavailable {
                reason: short_reason(&e),
            });
        }
    };
    let control = src.tree.join(DEFAULT_TESTS_DIR).join("control");
    if !control.is_file() {
        let _ = fs::remove_dir_all(&dir);
        return Ok(Prepared::NoTests { source: src.name });
    }
    let text = fs::read_to_string(&control).map_err(io_err(&control))?;
    let parsed = parse_control(&text).map_err(|e| VmError::BadTestControl {
        file: format!(
            "{} {}: {DEFAULT_TESTS_DIR}/control",
            src.name,
            src.version.as_deref().unwrap_or("?")
        ),
        line: e.line,
        reason: e.reason,
    })?;
    let debs = dir.join("debs");
    fs::create_dir_all(&debs).map_err(io_err(&debs))?;
    let mut tests = Vec::new();
    let mut fetched: HashMap<Vec<String>, Option<(TestResult, String)>> = HashMap::new();
    for (i, t) in parsed.into_iter().enumerate() {
        let mut preset = t
            .restrictions
            .iter()
            .find_map(|r| restriction_unmet(r))
            .map(|r| (TestResult::Skip, r));
        if preset.is_none() {
            preset = match dependency_packages(&t.depends, apt.arch()) {
                Err(reason) => Some((TestResult::Skip, reason)),
                Ok(names) if names.is_empty() => None,
                // Tests of one stanza share their Depends: fetched once.
                Ok(names) if fetched.contains_key(&names) => fetched[&names].clone(),
                Ok(names) => {
                    let tmp = dir.join(format!(".deps-{i}"));
                    let got = apt.fetch(&names, &[], &tmp);
                    let r = match got {
                        Ok(files) => {
                            for f in files {
                                let name = f.file_name().map(|n| n.to_owned()).unwrap_or_default();
                                if staged.join(&name).exists() || debs.join(&name).exists() {
                                    continue;
                                }
                                fs::rename(&f, debs.join(&name)).map_err(io_err(&f))?;
                            }
                            None
                        }
                        Err(e) => {
                            let why = format!(
                                "its dependencies ({}) cannot be fetched: {}",
                                names.join(", "),
                                short_reason(&e)
                            );
                            if t.restrictions.iter().any(|r| r == "skip-not-installable") {
                                Some((TestResult::Skip, why))
                            } else {
                                Some((TestResult::Fail, why))
                            }
                        }
                    };
                    let _ = fs::remove_dir_all(&tmp);
                    fetched.insert(names, r.clone());
                    r
                }
            };
        }
        if let Some((r, why)) = &preset {
            tracing::warn!(test = %t.name, result = ?r, "vm: autopkgtest: {why}");
        }
        tests.push(PlannedTest {
            name: t.name,
            kind: t.kind,
            depends: t.depends,
            restrictions: t.restrictions,
            classes: t.classes,
            preset,
        });
    }
    Ok(Prepared::Tests(Plan {
        source: src.name,
        version: src.version,
        tests,
    }))
}

/// One line for a warning and vm.json: for a failed apt command its program and the last
/// `E:` line it printed (the full command line, with a dozen `-o` options, says less).
fn short_reason(e: &VmError) -> String {
    match e {
        VmError::Command {
            command, detail, ..
        } => {
            let program = command.split_whitespace().next().unwrap_or("");
            let mut words = command
                .split_whitespace()
                .skip(1)
                .filter(|w| !w.starts_with('-') && !w.contains('='));
            let sub = words.next().unwrap_or("");
            let what: Vec<&str> = words.collect();
            // apt's first specific `E:` line (the URL that failed, the package not found),
            // not its closing summary.
            let errors: Vec<&str> = detail.lines().filter(|l| l.starts_with("E:")).collect();
            let why = errors
                .iter()
                .find(|l| !l.ends_with("some archives."))
                .or(errors.last())
                .copied()
                .or_else(|| detail.lines().rev().find(|l| !l.trim().is_empty()))
                .unwrap_or("")
                .trim();
            format!("{program} {sub} {}: {why}", what.join(" "))
        }
        other => other.to_string().lines().next().unwrap_or("").to_owned(),
    }
}

/// Single-quotes `s` for sh.
fn sq(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// The guest's calls for `plan`: one line per test, in the control file's order, so that the
/// skipped ones are marked too. Names are checked by the parser (safe in sh and JSON).
pub fn guest_calls(plan: &Plan, test_timeout: Duration) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "TEST_TIMEOUT={}", test_timeout.as_secs().max(1));
    s.push_str("autopkgtest_tests() {\n");
    for (i, t) in plan.tests.iter().enumerate() {
        let json = |r: &str| serde_json::to_string(r).unwrap_or_else(|_| "null".into());
        match &t.preset {
            Some((TestResult::Skip, why)) => {
                let _ = writeln!(s, "    preset_test {} skip {}", t.name, sq(&json(why)));
            }
            Some((TestResult::Fail, why)) => {
                let _ = writeln!(s, "    preset_test {} fail {}", t.name, sq(&json(why)));
            }
            Some((TestResult::Pass, _)) | None => {
                let flags: Vec<&str> = t
                    .restrictions
                    .iter()
                    .map(String::as_str)
                    .filter(|r| ["allow-stderr", "skippable", "flaky"].contains(r))
                    .collect();
                let (kind, what) = match &t.kind {
                    TestKind::Path(p) => ("path", p.as_str()),
                    TestKind::Command(c) => ("command", c.as_str()),
                };
                let _ = writeln!(
                    s,
                    "    run_test {} {} {} {kind} {}",
                    i + 1,
                    t.name,
                    sq(&flags.join(" ")),
                    sq(what)
                );
            }
        }
    }
    s.push_str("}\n");
    s
}

/// Shell functions of the guest's test runner (see the module doc). `mark` and `logged` come
/// from the job script's prelude.
pub const GUEST_FUNCTIONS: &str = r#"
# --- the package's autopkgtest (tracer/src/vm/autopkgtest.rs) ---
AT_TREE=/var/tmp/autopkgtest-tree
AT_FAILED=0
AT_DEPS_OK=1
# The source tree (writable: rw-build-tree) and the tests' dependencies, installed outside the
# slice: harness work, not the package's.
autopkgtest_prepare() {
    rm -rf "$AT_TREE"
    cp -a "$TRACER_PAYLOAD/autopkgtest/tree" "$AT_TREE"
    mkdir -p "$O/autopkgtest"
    set -- "$TRACER_PAYLOAD"/autopkgtest/debs/*.deb
    [ -e "$1" ] || return 0
    mark test-deps start
    logged test-deps apt-get install -y --no-install-recommends -o Dpkg::Use-Pty=0 "$@"
    st=$?
    mark test-deps end "$st"
    [ "$st" = 0 ] || AT_DEPS_OK=
}
# preset_test NAME skip|fail REASON-JSON: decided on the host, marked as a zero-length phase.
preset_test() {
    mark "autopkgtest:$1" start
    mark "autopkgtest:$1" end null null ",\"result\":\"$2\",\"reason\":$3"
    [ "$2" = fail ] && AT_FAILED=1
    echo "tracer-job: autopkgtest $1: $2" > /dev/console
}
# run_test INDEX NAME FLAGS path|command WHAT: as root, cwd the tree, in a scope of the slice.
run_test() {
    n=$1; name=$2; flags=" $3 "; kind=$4; what=$5
    d="$O/autopkgtest/$name"
    mkdir -p "$d/artifacts"
    mark "autopkgtest:$name" start
    if [ -z "$AT_DEPS_OK" ]; then
        AT_FAILED=1
        mark "autopkgtest:$name" end null null \
            ',"result":"fail","reason":"its dependencies did not install (test-deps.log)"'
        return
    fi
    tmp=$(mktemp -d /tmp/autopkgtest-tmp.XXXXXX)
    if [ "$kind" = path ]; then
        chmod +x "$AT_TREE/$what"
        set -- "$AT_TREE/$what"
    else
        set -- bash -ec "$what"
    fi
    (
        cd "$AT_TREE" || exit 125
        export AUTOPKGTEST_TMP="$tmp" ADTTMP="$tmp"
        export AUTOPKGTEST_ARTIFACTS="$d/artifacts" ADT_ARTIFACTS="$d/artifacts"
        exec timeout -k 10 "$TEST_TIMEOUT" systemd-run --quiet --scope --slice="$SLICE" \
            --unit="tracer-autopkgtest-$n" -- "$@"
    ) < /dev/null > "$d/stdout" 2> "$d/stderr"
    st=$?
    r=pass; reason=null
    if [ "$st" = 124 ]; then
        r=fail; reason="\"timed out after $TEST_TIMEOUT s\""
    elif [ "$st" = 77 ] && [ "${flags#* skippable }" != "$flags" ]; then
        r=skip; reason='"exit status 77 (skippable)"'
    elif [ "$st" != 0 ]; then
        r=fail; reason="\"exit status $st\""
    elif [ -s "$d/stderr" ] && [ "${flags#* allow-stderr }" = "$flags" ]; then
        r=fail; reason='"output on stderr (no allow-stderr)"'
    fi
    if [ "$r" = fail ]; then
        if [ "${flags#* flaky }" != "$flags" ]; then
            reason="${reason%\"} (flaky: not counted)\""
        else
            AT_FAILED=1
        fi
    fi
    mark "autopkgtest:$name" end "$st" '"trace.jsonl"' \
        ",\"result\":\"$r\",\"reason\":$reason,\"log\":\"autopkgtest/$name\""
    echo "tracer-job: autopkgtest $name: $r" > /dev/console
    rm -rf "$tmp"
}
"#;

/// A test's outcome for vm.json and the report: the plan joined with its phase.
#[derive(Debug, Clone, Serialize)]
pub struct TestReport {
    pub name: String,
    pub result: TestResult,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub status: Option<i32>,
    pub seconds: Option<f64>,
    pub start: Option<String>,
    pub end: Option<String>,
    /// Directory with `stdout`, `stderr` and `artifacts/`, relative to the output directory.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log: Option<String>,
    pub kind: TestKind,
    pub depends: Vec<String>,
    pub restrictions: Vec<String>,
}

/// Phase name of a test.
pub fn phase_name(test: &str) -> String {
    format!("autopkgtest:{test}")
}

/// Joins the plan with the phases the guest marked; a test with no end mark failed (the guest
/// stopped or timed out in it).
pub fn reports(plan: &Plan, phases: &[super::check::Phase]) -> Vec<TestReport> {
    plan.tests
        .iter()
        .map(|t| {
            let ph = phases.iter().find(|p| p.phase == phase_name(&t.name));
            let (result, reason) = match (ph.and_then(|p| p.result), &t.preset) {
                (Some(r), _) => (r, ph.and_then(|p| p.reason.clone())),
                (None, Some((r, why))) if ph.is_none() => (*r, Some(why.clone())),
                (None, _) => (
                    TestResult::Fail,
                    Some(if ph.is_some() {
                        "did not finish (the guest stopped or timed out during it)".to_owned()
                    } else {
                        "did not run (the guest stopped before it)".to_owned()
                    }),
                ),
            };
            TestReport {
                name: t.name.clone(),
                result,
                reason,
                status: ph.and_then(|p| p.status),
                seconds: ph.and_then(|p| p.seconds),
                start: ph.map(|p| p.start.clone()),
                end: ph.and_then(|p| p.end.clone()),
                log: ph.and_then(|p| p.log.clone()),
                kind: t.kind.clone(),
                depends: t.depends.clone(),
                restrictions: t.restrictions.clone(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const MEMCACHED: &str = include_str!("../../tests/fixtures/autopkgtest/memcached.control");
    const HAVEGED: &str = include_str!("../../tests/fixtures/autopkgtest/haveged.control");
    const INETD: &str = include_str!("../../tests/fixtures/autopkgtest/openbsd-inetd.control");

    #[test]
    fn memcached_two_tests_with_folded_depends() {
        let t = parse_control(MEMCACHED).unwrap();
        assert_eq!(t.len(), 2);
        assert_eq!(t[0].name, "daemon");
        assert_eq!(t[0].kind, TestKind::Path("debian/tests/daemon".into()));
        assert_eq!(t[1].name, "client.pl");
        assert_eq!(
            t[1].depends,
            ["iproute2", "libtest-simple-perl", "memcached"]
        );
        assert_eq!(t[1].restrictions, ["needs-root", "isolation-container"]);
        assert!(t.iter().all(|t| restriction_unmet_any(t).is_none()));
        assert_eq!(
            dependency_packages(&t[0].depends, "amd64").unwrap(),
            ["iproute2", "libtest-simple-perl", "memcached"]
        );
    }

    fn restriction_unmet_any(t: &ControlTest) -> Option<String> {
        t.restrictions.iter().find_map(|r| restriction_unmet(r))
    }

    #[test]
    fn haveged_builddeps_and_default_depends() {
        let t = parse_control(HAVEGED).unwrap();
        let names: Vec<&str> = t.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["check-service", "run-tests", "dieharder"]);
        // No Depends: field means `@`.
        assert_eq!(t[0].depends, ["@"]);
        assert_eq!(
            dependency_packages(&t[0].depends, "amd64").unwrap(),
            Vec::<String>::new()
        );
        let why = dependency_packages(&t[1].depends, "amd64").unwrap_err();
        assert!(why.contains("@builddeps@"), "{why}");
        assert_eq!(t[2].restrictions, ["skippable", "allow-stderr"]);
        assert_eq!(
            dependency_packages(&t[2].depends, "amd64").unwrap(),
            ["grep", "dieharder"]
        );
    }

    #[test]
    fn needs_internet_is_skipped_with_a_reason() {
        let t = parse_control(INETD).unwrap();
        assert_eq!(t.len(), 1);
        let why = restriction_unmet_any(&t[0]).unwrap();
        assert!(why.starts_with("needs-internet"), "{why}");
    }

    #[test]
    fn test_command_names_features_and_classes() {
        let text = "# a comment\nTest-Command: set -e\n for py in $(py3versions -r); do\n   $py -c 'import x'\n done\nDepends: python3-all, python3-x (>= 1.0) | python3-y, foo [!amd64] | bar:any, baz [i386], qux <!nocheck>\nFeatures: test-name=import\nClasses: desktop\n\nTest-Command: true\nRestrictions: superficial,needs-root\n\nTests: a b\nTests-Directory: tests/pkg\n";
        let t = parse_control(text).unwrap();
        assert_eq!(t.len(), 4);
        assert_eq!(t[0].name, "import");
        assert_eq!(
            t[0].kind,
            TestKind::Command(
                "set -e\nfor py in $(py3versions -r); do\n$py -c 'import x'\ndone".into()
            )
        );
        assert_eq!(t[0].classes, ["desktop"]);
        assert_eq!(
            dependency_packages(&t[0].depends, "amd64").unwrap(),
            ["python3-all", "python3-x", "bar", "qux"]
        );
        assert_eq!(t[1].name, "command2");
        assert_eq!(t[1].restrictions, ["superficial", "needs-root"]);
        assert_eq!(t[3].kind, TestKind::Path("tests/pkg/b".into()));
    }

    #[test]
    fn bad_control_files_name_the_line() {
        let e = parse_control("Tests: a\nDepends: @\n\nRestrictions: needs-root\n").unwrap_err();
        assert_eq!(e.line, 4);
        assert!(e.reason.contains("neither"), "{e}");
        let e = parse_control("Tests: a\nTest-Command: true\n").unwrap_err();
        assert_eq!(e.line, 2);
        let e = parse_control("Tests: a\nthis is not a field\n").unwrap_err();
        assert_eq!(e.line, 2);
        let e = parse_control(" continuation\n").unwrap_err();
        assert_eq!(e.line, 1);
        let e = parse_control("Tests: ../etc/passwd\n").unwrap_err();
        assert!(e.reason.contains("bad test name"), "{e}");
        let e = parse_control("Tests: a\nTests-Directory: ../x\n").unwrap_err();
        assert!(e.reason.contains("Tests-Directory"), "{e}");
        assert!(parse_control("# only a comment\n\n").unwrap().is_empty());
    }

    #[test]
    fn apt_failures_come_back_as_one_short_line() {
        let e = VmError::Command {
            command: "apt-get -o Dir::Cache=/x -o A=b -q source --download-only nosuch".into(),
            status: "exit status: 100".into(),
            detail: "Reading package lists...\nE: Unable to find a source package for nosuch"
                .into(),
        };
        assert_eq!(
            short_reason(&e),
            "apt-get source nosuch: E: Unable to find a source package for nosuch"
        );
        let e = VmError::Command {
            command: "apt-get -o A=b source --download-only at".into(),
            status: "exit status: 100".into(),
            detail: "Fetched 135 kB in 0s\nErr:1 http://m/debian bookworm/main at 3.2.5-1 (diff)\n  404  Not Found\nE: Failed to fetch http://m/debian/pool/main/a/at/at_3.2.5-1.debian.tar.xz  404  Not Found\nE: Failed to fetch some archives.".into(),
        };
        assert_eq!(
            short_reason(&e),
            "apt-get source at: E: Failed to fetch http://m/debian/pool/main/a/at/at_3.2.5-1.debian.tar.xz  404  Not Found"
        );
    }

    #[test]
    fn a_bad_control_file_is_one_line_naming_it() {
        let e = parse_control("Tests: a\nRestrictions needs-root\n").unwrap_err();
        let msg = VmError::BadTestControl {
            file: "foo 1.0-1: debian/tests/control".into(),
            line: e.line,
            reason: e.reason,
        }
        .to_string();
        assert_eq!(
            msg,
            "foo 1.0-1: debian/tests/control:2: expected `Field: value`, found \"Restrictions needs-root\"; \
             the package's autopkgtest cannot run (give --exercise CMD or --wait)"
        );
    }

    #[test]
    fn unknown_and_unmet_restrictions_skip() {
        for (r, want) in [
            ("needs-reboot", "needs-reboot"),
            ("build-needed", "build-needed"),
            ("hint-testsuite-triggers", "not a test"),
            ("something-new", "unknown restriction"),
        ] {
            assert!(restriction_unmet(r).unwrap().contains(want), "{r}");
        }
        for r in [
            "needs-root",
            "allow-stderr",
            "flaky",
            "skippable",
            "breaks-testbed",
        ] {
            assert_eq!(restriction_unmet(r), None, "{r}");
        }
    }

    #[test]
    fn guest_calls_mark_every_test_and_quote_commands() {
        let plan = Plan {
            source: "x".into(),
            version: None,
            tests: vec![
                PlannedTest {
                    name: "daemon".into(),
                    kind: TestKind::Path("debian/tests/daemon".into()),
                    depends: vec!["@".into()],
                    restrictions: vec!["needs-root".into(), "allow-stderr".into()],
                    classes: vec![],
                    preset: None,
                },
                PlannedTest {
                    name: "command2".into(),
                    kind: TestKind::Command("echo 'hi' \"$x\"".into()),
                    depends: vec![],
                    restrictions: vec![],
                    classes: vec![],
                    preset: None,
                },
                PlannedTest {
                    name: "net".into(),
                    kind: TestKind::Path("debian/tests/net".into()),
                    depends: vec![],
                    restrictions: vec!["needs-internet".into()],
                    classes: vec![],
                    preset: Some((TestResult::Skip, "needs-internet: \"no\" network".into())),
                },
            ],
        };
        let s = guest_calls(&plan, Duration::from_secs(300));
        assert!(s.starts_with("TEST_TIMEOUT=300\nautopkgtest_tests() {\n"));
        assert!(s.contains("    run_test 1 daemon 'allow-stderr' path 'debian/tests/daemon'\n"));
        assert!(s.contains(r#"    run_test 2 command2 '' command 'echo '\''hi'\'' "$x"'"#));
        assert!(s.contains(r#"    preset_test net skip '"needs-internet: \"no\" network"'"#));
    }
}
