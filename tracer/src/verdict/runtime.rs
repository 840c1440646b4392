//! Whose code did it: the package's, or its runtime's.
//!
//! [`super::attribution`] says which *process* an event belongs to (the package's daemon tree,
//! a maintainer script, the harness). That is not enough for a negative claim about the
//! package's code: a daemon run under uwsgi forks uwsgi's workers, libc reads the locale, an
//! interpreter seeds its random module and maps libssl when `ssl` is imported. A reviewer who
//! wrote "No processes spawned" about masakari's code would call those contradictions wrong.
//!
//! So each claim-relevant event of a package process gets a [`Cause`]: the package's code, the
//! runtime's (with its [`RuntimeKind`] and a one-line reason), or not separable (package code
//! and interpreter share one process and the trace holds no user stack to tell them apart).
//! Only package-caused events contradict a negative claim; not-separable ones make it
//! inconclusive; runtime ones are reported in their own section. The rules look at the program
//! a process runs (from its exec and argv), the event, and the claims file's overrides.

use schemars::JsonSchema;
use std::collections::{BTreeSet, HashMap};

use serde::{Deserialize, Serialize};

use super::{
    EvidenceItem,
    attribution::{Origin, basename},
};
use crate::{
    claims::{Package, RuntimeKind},
    trace::{CallSite, EventData, SockAddr, Trace},
};

/// Who caused an event of a package process.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Cause {
    /// The package's own code: its binaries, scripts and modules.
    Package,
    /// The runtime the package runs on (see [`RuntimeKind`]).
    Runtime,
    /// Package code and interpreter code in one process, not told apart by this trace.
    NotSeparable,
}

/// An event's cause and why, as shown per evidence event in the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Attributed {
    pub cause: Cause,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runtime: Option<RuntimeKind>,
    /// One line: why this cause.
    pub why: String,
    /// For a getenv or crypto call: the code that made it, `FILE+0xOFFSET` (the file mapped
    /// at the call's return address), or why it is unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caller: Option<String>,
}

impl Attributed {
    fn package(why: impl Into<String>) -> Self {
        Attributed {
            cause: Cause::Package,
            runtime: None,
            why: why.into(),
            caller: None,
        }
    }

    fn runtime(kind: RuntimeKind, why: impl Into<String>) -> Self {
        Attributed {
            cause: Cause::Runtime,
            runtime: Some(kind),
            why: why.into(),
            caller: None,
        }
    }

    fn not_separable(why: impl Into<String>) -> Self {
        Attributed {
            cause: Cause::NotSeparable,
            runtime: None,
            why: why.into(),
            caller: None,
        }
    }
}

/// What a process runs, from its last exec (inherited over fork).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Program {
    /// A compiled program: its path.
    Native(String),
    /// An interpreter (`python3`, `perl`, `ruby`, a shell) and what it runs.
    Interpreter {
        interpreter: String,
        /// The script or module it runs, from argv: `/usr/bin/foo`, `-m pkg`, `-c …`.
        running: Option<String>,
    },
    /// An application server that forks workers and embeds the package's code: uwsgi,
    /// gunicorn, apache, php-fpm.
    AppServer {
        server: String,
        /// What the server runs, from argv (`--module`, `--wsgi-file`, an app spec).
        running: Option<String>,
    },
    /// systemd's child in the cgroup of the package's `unit`, before it runs a program: the
    /// unit file at work.
    ServiceManager { unit: String },
}

impl Program {
    /// The program from an exec's path and argv.
    pub fn of(path: &str, argv: &[String]) -> Self {
        // A `#!` script execs as itself: the kernel names the script, argv[0] the interpreter
        // and argv[1] the script again, or argv[2] after the one argument a `#!` line may
        // give (`#!/usr/bin/perl -w`, `#!/bin/sh -e`).
        let arg0 = argv.first().map_or("", |a| basename(a));
        let is_script = |a: &String| a == path || basename(a) == basename(path);
        let shebang = interpreter(arg0).is_some()
            && interpreter(basename(path)).is_none()
            && (argv.get(1).is_some_and(is_script)
                || (argv.get(1).is_some_and(|o| o.starts_with('-'))
                    && argv.get(2).is_some_and(is_script)));
        let name = if shebang { arg0 } else { basename(path) };
        if let Some(server) = app_server(name) {
            return Program::AppServer {
                server: server.to_owned(),
                running: app_of(argv),
            };
        }
        if let Some(kind) = interpreter(name) {
            let running = script_of(kind, argv);
            // gunicorn is a Python script: the server is the script, not the interpreter.
            if let Some(script) = &running {
                let s = basename(script.trim_start_matches("-m "));
                if let Some(server) = app_server(s) {
                    return Program::AppServer {
                        server: server.to_owned(),
                        running: app_of(argv),
                    };
                }
            }
            return Program::Interpreter {
                interpreter: name.to_owned(),
                running,
            };
        }
        Program::Native(path.to_owned())
    }

    /// In words, for reasons: `python3 running /usr/bin/foo`.
    pub fn label(&self) -> String {
        match self {
            Program::Native(p) => p.clone(),
            Program::Interpreter {
                interpreter,
                running: Some(r),
            } => format!("{interpreter} running {r}"),
            Program::Interpreter { interpreter, .. } => interpreter.clone(),
            Program::AppServer {
                server,
                running: Some(r),
            } => format!("{server} running {r}"),
            Program::AppServer { server, .. } => server.clone(),
            Program::ServiceManager { unit } => format!("systemd for the package's {unit}"),
        }
    }

    /// The script file an interpreter was started to run (not `-c`/`-e` code or a `-m`
    /// module, which it finds by other names).
    fn script(&self) -> Option<&str> {
        match self {
            Program::Interpreter {
                running: Some(r), ..
            } if !r.starts_with('-') => Some(r),
            _ => None,
        }
    }

    fn embeds_interpreter(&self) -> bool {
        !matches!(self, Program::Native(_) | Program::ServiceManager { .. })
    }

    fn is_python(&self) -> bool {
        match self {
            Program::Interpreter { interpreter, .. } => interpreter.starts_with("python"),
            // uwsgi's python plugin, gunicorn (a Python program).
            Program::AppServer { server, .. } => server == "gunicorn" || server == "uwsgi",
            Program::Native(_) | Program::ServiceManager { .. } => false,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lang {
    Python,
    Perl,
    Ruby,
    Shell,
    Other,
}

/// The interpreter an executable's basename names: python3, python3.11, perl5.36, ruby3.1,
/// sh, bash, dash, node.
fn interpreter(name: &str) -> Option<Lang> {
    let versioned = |prefix: &str| {
        name.strip_prefix(prefix)
            .is_some_and(|r| r.chars().all(|c| c.is_ascii_digit() || c == '.'))
    };
    if versioned("python") {
        Some(Lang::Python)
    } else if versioned("perl") {
        Some(Lang::Perl)
    } else if versioned("ruby") {
        Some(Lang::Ruby)
    } else if ["sh", "bash", "dash", "zsh", "ksh", "mksh"].contains(&name) {
        Some(Lang::Shell)
    } else if versioned("node") || versioned("php") || versioned("lua") {
        Some(Lang::Other)
    } else {
        None
    }
}

/// Whether a program (a path or argv[0]) is an interpreter or an application server: the
/// runtime's binary, whatever code it runs.
pub fn is_runtime_program(program: &str) -> bool {
    let name = basename(program);
    interpreter(name).is_some() || app_server(name).is_some()
}

/// Application servers with a worker model: the name they are known by.
fn app_server(name: &str) -> Option<&'static str> {
    if name.starts_with("uwsgi") {
        Some("uwsgi")
    } else if name == "gunicorn" || name == "gunicorn3" {
        Some("gunicorn")
    } else if name == "apache2" || name == "httpd" {
        Some("apache2")
    } else if name.starts_with("php-fpm") {
        Some("php-fpm")
    } else {
        None
    }
}

/// The script or module an interpreter's argv runs: the first argument that is not an
/// option, or `-m MODULE`, `-c …`, `-e …`.
fn script_of(lang: Lang, argv: &[String]) -> Option<String> {
    // Options that take the next argument as their value.
    let with_value: &[&str] = match lang {
        Lang::Python => &["-W", "-X", "--check-hash-based-pycs"],
        Lang::Perl => &["-I", "-M", "-m"],
        Lang::Ruby => &["-I", "-r"],
        Lang::Shell => &["-o", "+o"],
        Lang::Other => &[],
    };
    let mut args = argv.iter().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "-m" if lang == Lang::Python => return args.next().map(|m| format!("-m {m}")),
            "-c" | "-e" | "-E" if lang != Lang::Python || a == "-c" => {
                return Some(format!("{a} command"));
            }
            "--" => return args.next().cloned(),
            o if with_value.contains(&o) => {
                args.next();
            }
            o if o.starts_with('-') || o.starts_with('+') => {}
            script => return Some(script.to_owned()),
        }
    }
    None
}

/// What an application server runs, from its argv: uwsgi's `--module`/`--wsgi-file`/`--ini`,
/// gunicorn's last argument (the app spec).
fn app_of(argv: &[String]) -> Option<String> {
    let keys = [
        "--module",
        "--wsgi-file",
        "--wsgi",
        "--ini",
        "--mount",
        "--file",
    ];
    let mut it = argv.iter().peekable();
    while let Some(a) = it.next() {
        if let Some((k, v)) = a.split_once('=')
            && keys.contains(&k)
        {
            return Some(v.to_owned());
        }
        if keys.contains(&a.as_str()) {
            return it.next().cloned();
        }
    }
    // gunicorn [OPTIONS] APP_MODULE
    argv.last()
        .filter(|a| argv.len() > 1 && !a.starts_with('-') && a.contains(':'))
        .cloned()
}

/// The program of each package process at each event, and the Python modules each opened.
#[derive(Debug, Clone)]
pub struct Programs {
    /// Parallel to `trace.events`: the program the event's process ran then (package
    /// processes only), and whether the process is a forked copy of the one that exec'd it (a
    /// server's worker, not its master).
    per_event: Vec<Option<(usize, bool)>>,
    /// Parallel to `trace.events`: the event came from an interpreter process that had not yet
    /// opened the script it was started to run. Its code cannot have run yet: whatever the
    /// process did is the interpreter's start-up (perl seeds its hashes from /dev/urandom
    /// before it reads the script).
    before_script: Vec<bool>,
    table: Vec<Program>,
    /// Top-level modules (dist-packages/site-packages directories) each program table entry
    /// opened: how an interpreter shows which package's code it runs.
    pub modules: Vec<BTreeSet<String>>,
    /// Names of the regular files the package installed (dpkg's list, from the contents
    /// manifest of a `vm check`): a getenv or crypto call from one of them is the package's.
    /// Empty without a manifest: then only the process's executable is the package's code.
    pub owned: BTreeSet<String>,
}

impl Programs {
    /// `managed`: the processes that became the package's as systemd's children in one of
    /// its units' cgroups (pid -> unit), which run the service manager until they exec.
    pub fn compute(trace: &Trace, origins: &[Origin], managed: &HashMap<u32, String>) -> Self {
        let mut table: Vec<Program> = Vec::new();
        let mut modules: Vec<BTreeSet<String>> = Vec::new();
        let mut of_pid: HashMap<u32, (usize, bool)> = HashMap::new();
        let mut per_event = Vec::with_capacity(trace.events.len());
        let mut before_script = Vec::with_capacity(trace.events.len());
        // pid -> the file name of the script its interpreter has not opened yet.
        let mut pending: HashMap<u32, String> = HashMap::new();
        for (ev, origin) in trace.events.iter().zip(origins) {
            before_script.push(pending.contains_key(&ev.pid));
            if *origin != Origin::Package {
                per_event.push(None);
                continue;
            }
            if !of_pid.contains_key(&ev.pid)
                && let Some(unit) = managed.get(&ev.pid)
            {
                table.push(Program::ServiceManager { unit: unit.clone() });
                modules.push(BTreeSet::new());
                of_pid.insert(ev.pid, (table.len() - 1, false));
            }
            match &ev.data {
                EventData::Exec { path, argv, .. } if ev.result.as_ref().is_none_or(|r| r.ok()) => {
                    // The exec itself is the doing of the program that ran it (inherited
                    // over fork); what follows is the new program's.
                    per_event.push(of_pid.get(&ev.pid).copied());
                    let program = Program::of(path.best(), argv);
                    match program.script() {
                        Some(script) => pending.insert(ev.pid, basename(script).to_owned()),
                        None => pending.remove(&ev.pid),
                    };
                    table.push(program);
                    modules.push(BTreeSet::new());
                    of_pid.insert(ev.pid, (table.len() - 1, false));
                    continue;
                }
                EventData::Fork {
                    child_pid,
                    thread: false,
                    ..
                } => {
                    if let Some(&(p, _)) = of_pid.get(&ev.pid) {
                        of_pid.insert(*child_pid, (p, true));
                    }
                }
                EventData::Open { path, .. } => {
                    if pending
                        .get(&ev.pid)
                        .is_some_and(|script| basename(path.best()) == script)
                    {
                        pending.remove(&ev.pid);
                    }
                    if let (Some(&(p, _)), Some(m)) =
                        (of_pid.get(&ev.pid), python_module(path.best()))
                    {
                        modules[p].insert(m.to_owned());
                    }
                }
                _ => {}
            }
            per_event.push(of_pid.get(&ev.pid).copied());
        }
        Programs {
            per_event,
            before_script,
            table,
            modules,
            owned: BTreeSet::new(),
        }
    }

    /// Takes the package's own files from a contents manifest (see [`Programs::owned`]): those
    /// of `packages`, the reviewed package's binaries. The manifest of a `vm check` also lists
    /// every dependency the install brought in (an interpreter, its libraries), whose files
    /// are the runtime's. A caller is named by its file name only (the kernel gives the
    /// dentry's name), so a file is matched by name: a package shipping a library under a name
    /// another package also uses would be taken as the package's, the safe side for a
    /// negative claim.
    pub fn own_files(&mut self, manifest: &crate::contents::Manifest, packages: &[&str]) {
        for p in manifest
            .packages
            .iter()
            .filter(|p| packages.contains(&p.package.as_str()))
        {
            for f in &p.files {
                if f.kind == crate::contents::FileKind::File {
                    self.owned.insert(basename(&f.path).to_owned());
                }
            }
        }
    }

    /// The package's unit whose setup event `index` is, when its process is systemd's child
    /// working for the unit ([`Program::ServiceManager`]).
    pub fn manager_unit(&self, index: usize) -> Option<&str> {
        match self.at(index) {
            Some((Program::ServiceManager { unit }, _)) => Some(unit),
            _ => None,
        }
    }

    /// Whether event `index` came from an interpreter process before it opened its script
    /// (see [`Programs::before_script`]).
    pub fn before_script(&self, index: usize) -> bool {
        self.before_script.get(index).copied().unwrap_or(false)
    }

    /// The program an event's process ran, and whether the process is a forked copy of the
    /// one that exec'd it.
    pub fn at(&self, index: usize) -> Option<(&Program, bool)> {
        self.per_event
            .get(index)
            .copied()
            .flatten()
            .map(|(p, forked)| (&self.table[p], forked))
    }

    /// Each interpreter or server program seen, with what it runs and the modules it opened:
    /// what the report names for item "which script or module is running".
    pub fn interpreters(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for (p, mods) in self.table.iter().zip(&self.modules) {
            if !p.embeds_interpreter() {
                continue;
            }
            let mut line = p.label();
            if !mods.is_empty() {
                let shown: Vec<&str> = mods.iter().take(12).map(String::as_str).collect();
                line.push_str(&format!("; modules opened: {}", shown.join(", ")));
                if mods.len() > shown.len() {
                    line.push_str(&format!(" (+{} more)", mods.len() - shown.len()));
                }
            }
            if !out.contains(&line) {
                out.push(line);
            }
        }
        out
    }
}

/// `/usr/lib/python3/dist-packages/masakari/api/x.py` → `masakari`.
fn python_module(path: &str) -> Option<&str> {
    let rest = path
        .split_once("/dist-packages/")
        .or_else(|| path.split_once("/site-packages/"))?
        .1;
    let top = rest.split('/').next()?;
    let is_code = path.ends_with(".py") || path.ends_with(".pyc") || path.ends_with(".so");
    (is_code && !top.is_empty() && !top.ends_with(".dist-info") && !top.ends_with(".egg-info"))
        .then(|| top.trim_end_matches(".py"))
        .filter(|t| *t != "__pycache__")
}

/// systemd's service-protocol variables: the manager sets them, and libsystemd (or a
/// daemon's own sd_notify) reads them.
const SYSTEMD_VARIABLES: &[&str] = &[
    "NOTIFY_SOCKET",
    "LISTEN_FDS",
    "LISTEN_PID",
    "LISTEN_FDNAMES",
    "WATCHDOG_USEC",
    "WATCHDOG_PID",
    "INVOCATION_ID",
    "JOURNAL_STREAM",
    "SYSTEMD_EXEC_PID",
];

/// Variables glibc itself reads (locale, time zone, resolver, malloc, iconv, terminal width
/// for error messages), beyond the allowlist's defaults.
const LIBC_VARIABLES: &[&str] = &[
    "LANG",
    "LANGUAGE",
    "LC_",
    "TZ",
    "TZDIR",
    "LOCPATH",
    "NLSPATH",
    "MALLOC_",
    "GLIBC_TUNABLES",
    "POSIXLY_CORRECT",
    "GCONV_PATH",
    "LOCALDOMAIN",
    "RES_OPTIONS",
    "HOSTALIASES",
    "LD_",
];

/// Variables libraries read about themselves as they load or initialise.
const DEPENDENCY_VARIABLES: &[&str] = &[
    "OPENSSL_",
    "SSL_CERT_",
    "GNUTLS_",
    "GCRYPT_",
    "LIBGCRYPT_",
    "KRB5_",
    "KRB5CCNAME",
    "GSS_",
];

/// Variables a server reads as its own configuration, by prefix.
fn server_prefix(server: &str) -> &'static [&'static str] {
    match server {
        "uwsgi" => &["UWSGI_"],
        "gunicorn" => &["GUNICORN_", "WEB_CONCURRENCY", "FORWARDED_ALLOW_IPS"],
        "apache2" => &["APACHE_", "APACHE2_"],
        "php-fpm" => &["PHP_FPM_"],
        _ => &[],
    }
}

const CRYPTO_LIB_NAMES: &[&str] = &[
    "libcrypto.so",
    "libssl.so",
    "libgcrypt.so",
    "libsodium.so",
    "libnettle.so",
    "libhogweed.so",
    "libgnutls.so",
    "libmbedcrypto.so",
    "libk5crypto.so",
    "libnss3.so",
];

/// How a mapped crypto library's reason ends.
const MAPPED: &str = "mapped: a library loaded is context, not a call into it";

/// Whether a path is a crypto library: mapped, it is context, never evidence of use.
pub fn is_crypto_library(path: &str) -> bool {
    // A hook label (`uprobe:/usr/lib/…/libcrypto.so.3:RAND_bytes`) names the file before
    // its last colon.
    let file = path
        .strip_prefix("uprobe:")
        .and_then(|h| h.rsplit_once(':'))
        .map_or(path, |(f, _)| f);
    let name = basename(file);
    CRYPTO_LIB_NAMES.iter().any(|l| name.starts_with(l))
}

/// The cause of one claim-relevant event of a package process running `program`. `program`
/// is None when the process's exec was not seen (it was already running).
pub fn cause(
    data: &EventData,
    running: Option<(&Program, bool)>,
    package: &Package,
    owned: &BTreeSet<String>,
) -> Attributed {
    cause_with(data, running, false, package, owned)
}

impl Programs {
    /// The cause of event `index` (see [`cause`]), knowing where its process stood.
    pub fn cause(&self, index: usize, data: &EventData, package: &Package) -> Attributed {
        cause_with(
            data,
            self.at(index),
            self.before_script(index),
            package,
            &self.owned,
        )
    }
}

/// [`cause`], with `before_script`: the event came from an interpreter process before it
/// opened its script ([`Programs::before_script`]).
fn cause_with(
    data: &EventData,
    running: Option<(&Program, bool)>,
    before_script: bool,
    package: &Package,
    owned: &BTreeSet<String>,
) -> Attributed {
    let program = running.map(|(p, _)| p);
    let worker = running.is_some_and(|(_, forked)| forked);
    let moved = |a: Attributed| match a.runtime {
        Some(kind) if package.runtime_is_package.contains(&kind) => Attributed::package(format!(
            "{}; the claims file counts the {} as the package's",
            a.why,
            kind.label()
        )),
        _ => a,
    };
    let named = |p: &str| {
        package
            .runtime_programs
            .iter()
            .any(|r| r == p || r == basename(p))
    };
    let named_program = match program {
        Some(Program::Native(p) | Program::AppServer { server: p, .. }) => Some(p.as_str()),
        Some(Program::Interpreter {
            running: Some(r), ..
        }) => Some(r.as_str()),
        _ => None,
    };
    let mut a = match named_program.filter(|p| named(p)) {
        Some(p) => Attributed::runtime(
            RuntimeKind::Dependency,
            format!("the claims file names {} as runtime", basename(p)),
        ),
        None if before_script
            && !program.is_some_and(Program::is_python)
            && draws_randomness(data) =>
        {
            moved(Attributed::runtime(
                RuntimeKind::InterpreterStartup,
                "the interpreter seeds itself at start-up, before it has read the script (perl's \
             hash seed from /dev/urandom)",
            ))
        }
        None => moved(rule(data, program, worker, owned)),
    };
    a.caller = call_site(data).map(CallSite::label);
    a
}

/// A read of randomness: getrandom, or an open of the kernel's random devices. Only these are
/// left to an interpreter before its script is read, and never to Python's: Python runs a
/// site's `.pth` lines, which a package may install, before it opens the main script (its own
/// start-up draws are told by their sizes in [`rule`]).
fn draws_randomness(data: &EventData) -> bool {
    match data {
        EventData::Getrandom { .. } => true,
        EventData::Open { path, .. } => {
            matches!(path.best(), "/dev/urandom" | "/dev/random")
        }
        _ => false,
    }
}

/// Of what systemd does for a unit ([`Program::ServiceManager`]), the part that is the
/// package's: a socket unit's addresses, which systemd binds and hands, listening, to the
/// package's daemon, so a port it opens is the package's endpoint.
pub fn opens_a_units_socket(data: &EventData) -> bool {
    matches!(
        data,
        EventData::Socket { .. } | EventData::Bind { .. } | EventData::Listen { .. }
    )
}

/// The cause by the event and the program alone. `worker`: the process is a forked copy of
/// the one that exec'd the program.
fn rule(
    data: &EventData,
    program: Option<&Program>,
    worker: bool,
    owned: &BTreeSet<String>,
) -> Attributed {
    if let Some(Program::ServiceManager { unit }) = program {
        return if opens_a_units_socket(data) {
            Attributed::package(format!(
                "systemd did it for the package's {unit}, as the unit file asks: the daemon is \
                 handed the socket"
            ))
        } else {
            Attributed::runtime(
                RuntimeKind::ServiceManager,
                format!("systemd setting up the package's {unit} before its program runs"),
            )
        };
    }
    let label = program.map_or_else(
        || "a package process (its exec was not recorded)".to_owned(),
        Program::label,
    );
    if let Some(a) = call_site(data).and_then(|c| by_caller(data, c, program, &label, owned)) {
        return a;
    }
    let server = match program {
        Some(Program::AppServer { server, .. }) => Some(server.as_str()),
        _ => None,
    };
    let embedded = program.is_some_and(Program::embeds_interpreter);
    let python = program.is_some_and(Program::is_python);
    let not_separable = |what: &str| {
        Attributed::not_separable(format!(
            "{what} in {label}: no user stack to tell the package's code from the runtime's"
        ))
    };
    match data {
        // A server's master forking is its worker model; a worker forking is the
        // application's code (or a server spawning from a worker, which cannot be told apart).
        EventData::Fork { .. } => match server {
            Some(s) if !worker => Attributed::runtime(
                RuntimeKind::AppServerWorkers,
                format!("{s}'s worker model: the server forks its workers"),
            ),
            Some(s) => not_separable(&format!("a fork in a {s} worker")),
            None => Attributed::package(format!("{label} forked a child")),
        },
        EventData::Exec { path, .. } => Attributed::package(format!("{label} ran {}", path.best())),
        EventData::Getenv { name, .. } => {
            let is = |list: &[&str]| {
                list.iter().any(|v| {
                    if v.ends_with('_') {
                        name.starts_with(v)
                    } else {
                        name == v
                    }
                })
            };
            if is(SYSTEMD_VARIABLES) {
                Attributed::runtime(
                    RuntimeKind::SystemdNotification,
                    format!("{name} is systemd's service protocol (sd_notify, socket activation)"),
                )
            } else if is(LIBC_VARIABLES) {
                Attributed::runtime(
                    RuntimeKind::Libc,
                    format!("{name} is read by the C library (locale, time zone, resolver)"),
                )
            } else if let Some(s) = server
                && server_prefix(s).iter().any(|p| name.starts_with(p))
            {
                Attributed::runtime(
                    RuntimeKind::AppServerWorkers,
                    format!("{name} is {s}'s own configuration"),
                )
            } else if python && (name.starts_with("PYTHON") || name == "__PYVENV_LAUNCHER__") {
                Attributed::runtime(
                    RuntimeKind::InterpreterStartup,
                    format!("{name} configures the Python interpreter at start-up"),
                )
            } else if is(DEPENDENCY_VARIABLES) {
                Attributed::runtime(
                    RuntimeKind::Dependency,
                    format!("{name} configures a library (OpenSSL, GnuTLS, Kerberos) as it loads"),
                )
            } else if python {
                // Python code reads os.environ, a dict built at start-up: a libc getenv in a
                // Python process is the interpreter's, the server's or a C extension's.
                not_separable(&format!(
                    "getenv {name} by C code (Python's os.environ does not call getenv)"
                ))
            } else if embedded {
                not_separable(&format!("getenv {name}"))
            } else {
                Attributed::package(format!("{label} called getenv"))
            }
        }
        EventData::Getrandom { bytes, flags } => {
            let nonblock = flags.len() == 1 && flags[0] == "GRND_NONBLOCK";
            match bytes {
                8 if nonblock => Attributed::runtime(
                    RuntimeKind::Libc,
                    "glibc's malloc seeds its tcache key (8 bytes, GRND_NONBLOCK)",
                ),
                24 if nonblock && python => Attributed::runtime(
                    RuntimeKind::InterpreterStartup,
                    "CPython's hash seed at start-up (24 bytes)",
                ),
                // 624 32-bit words: the Mersenne Twister state.
                2496 if python => Attributed::runtime(
                    RuntimeKind::InterpreterStartup,
                    "CPython's random module seeds its Mersenne Twister (2496 bytes) when \
                     imported, and again in each forked child",
                ),
                // A server's worker may reseed on its own (gunicorn draws 64 bytes for
                // random.seed in each worker) or for the application.
                _ if server.is_some() && worker => not_separable("getrandom in a worker"),
                // An interpreter draws nothing else on its own: the script asked for it.
                _ => Attributed::package(format!("{label} read {bytes} random bytes")),
            }
        }
        EventData::Open { path, access, .. } => {
            let p = path.best();
            if is_crypto_library(p) {
                Attributed::runtime(RuntimeKind::Dependency, format!("{} {MAPPED}", basename(p)))
            } else if python && (p.contains("/__pycache__/") || p.ends_with(".pyc")) {
                Attributed::runtime(
                    RuntimeKind::InterpreterStartup,
                    "the interpreter caches compiled bytecode",
                )
            } else {
                // The interpreters themselves draw randomness with getrandom, and open
                // only their own modules and configuration: an open of anything else is
                // the script's.
                let write = access.contains("write");
                Attributed::package(format!(
                    "{label} opened it{}",
                    if write { " for writing" } else { "" }
                ))
            }
        }
        EventData::Connect { addr: Some(a), .. } | EventData::Send { addr: Some(a), .. } => match a
        {
            SockAddr::Unix { path: Some(p), .. } if p.contains("nscd/socket") => {
                Attributed::runtime(
                    RuntimeKind::Libc,
                    "the C library asks nscd for a name-service lookup",
                )
            }
            SockAddr::Unix { path: Some(p), .. } if p.contains("systemd/notify") => {
                Attributed::runtime(
                    RuntimeKind::SystemdNotification,
                    "sd_notify: tells systemd the service's state",
                )
            }
            _ => Attributed::package(format!("{label} opened the connection")),
        },
        // An interpreter calls a crypto library for the script (hashlib, ssl) or for a
        // dependency; without a user stack the two are one.
        EventData::Crypto { function, .. } if embedded => not_separable(function),
        EventData::Crypto {
            function, library, ..
        } => Attributed::package(format!("{label} called {function} in {library}")),
        other => Attributed::package(format!("{label} made this {} call", other.kind())),
    }
}

/// The caller recorded with a getenv or crypto call.
fn call_site(data: &EventData) -> Option<&CallSite> {
    match data {
        EventData::Getenv { caller, .. } | EventData::Crypto { caller, .. } => caller.as_ref(),
        _ => None,
    }
}

impl CallSite {
    /// `libnettle.so.8.6+0x1a2b`, `chronyd (the executable)+0x…`, or why it is unknown.
    fn label(&self) -> String {
        match (&self.file, &self.offset) {
            (Some(f), Some(o)) if self.executable => format!("{f} (the executable)+{o}"),
            (Some(f), Some(o)) => format!("{f}+{o}"),
            (Some(f), None) => f.clone(),
            (None, _) => format!(
                "unresolved ({}) at {}",
                self.unresolved.as_deref().unwrap_or("unknown"),
                self.address.as_deref().unwrap_or("an unread address")
            ),
        }
    }
}

/// The library an interpreter is built as, where its executable links it.
fn is_interpreter_library(file: &str) -> bool {
    [
        "libpython",
        "libperl.so",
        "libruby",
        "libnode.so",
        "libphp",
        "liblua",
    ]
    .iter()
    .any(|p| file.starts_with(p))
}

/// The C library and the dynamic loader: whatever they look up is the C library's doing.
fn is_libc(file: &str) -> bool {
    [
        "libc.so",
        "libc-",
        "ld-linux",
        "ld64.so",
        "libpthread.so",
        "libm.so",
        "libresolv.so",
    ]
    .iter()
    .any(|p| file.starts_with(p))
}

/// The cause of a getenv or crypto call by the code that made it (the file mapped at the
/// call's return address), when the trace holds it:
/// - the package's own code (its executable, or a file its dpkg list names) → the package's,
///   whatever the variable's name;
/// - an interpreter's or application server's own executable → that runtime's;
/// - another library → for getenv, a dependency's (or the C library's), doing its own work:
///   the reason names it; for a crypto call, not separable (a library's TLS on the program's
///   request and its own set-up look the same from the immediate caller);
/// - unresolved → not separable.
///
/// An embedded interpreter's crypto call from anything but the package's own files stays not
/// separable, with its caller named: the script asks `hashlib` or `ssl`, and a C module of
/// the interpreter makes the call.
fn by_caller(
    data: &EventData,
    caller: &CallSite,
    program: Option<&Program>,
    label: &str,
    owned: &BTreeSet<String>,
) -> Option<Attributed> {
    let what = match data {
        EventData::Getenv {
            name, secure: true, ..
        } => format!("secure_getenv(\"{name}\")"),
        EventData::Getenv { name, .. } => format!("getenv(\"{name}\")"),
        EventData::Crypto {
            function, library, ..
        } => format!("{function} in {library}"),
        _ => return None,
    };
    let crypto = matches!(data, EventData::Crypto { .. });
    let Some(file) = &caller.file else {
        return Some(Attributed::not_separable(format!(
            "{what} in {label} from code that could not be named ({}): neither the package's \
             nor a library's",
            caller.unresolved.as_deref().unwrap_or("unknown")
        )));
    };
    if owned.contains(file) {
        return Some(Attributed::package(format!(
            "{file}, the package's own file, called {what}"
        )));
    }
    let embedded = program.is_some_and(Program::embeds_interpreter);
    // An interpreter's own code: its executable, or the library it is built as
    // (libpython3.11.so.1.0 where the executable links it).
    let interpreter_code = caller.executable || (embedded && is_interpreter_library(file));
    if interpreter_code {
        return Some(match program {
            None | Some(Program::Native(_)) => {
                Attributed::package(format!("{label} called {what} in its own code"))
            }
            Some(Program::AppServer { server, .. }) if !crypto => Attributed::runtime(
                RuntimeKind::AppServerWorkers,
                format!("{server} ({file}) called {what} in its own code, not the application's"),
            ),
            Some(Program::Interpreter { interpreter, .. }) if !crypto => Attributed::runtime(
                RuntimeKind::InterpreterStartup,
                format!("the {interpreter} interpreter ({file}) called {what} in its own code"),
            ),
            Some(_) => Attributed::not_separable(format!(
                "{what} called by {file}, the interpreter's own code, in {label}: on the \
                 script's request or its own"
            )),
        });
    }
    if crypto && embedded {
        return Some(Attributed::not_separable(format!(
            "{what} called by {file} in {label}: a module or library of the interpreter, on \
             the script's request or its own"
        )));
    }
    if crypto && !is_libc(file) {
        // Only the immediate caller is known (no frame pointers, no full stack): libcurl's
        // TLS for the program and libsystemd's own set-up look alike. Held would be the
        // worst answer for the first, so neither side gets it.
        return Some(Attributed::not_separable(format!(
            "{file} called {what}: a library's call, on the program's request or for itself \
             (only the immediate caller is known)"
        )));
    }
    let name = match data {
        EventData::Getenv { name, .. } => name.as_str(),
        _ => "",
    };
    let kind = if is_libc(file) {
        RuntimeKind::Libc
    } else if SYSTEMD_VARIABLES.contains(&name) {
        RuntimeKind::SystemdNotification
    } else {
        RuntimeKind::Dependency
    };
    Some(Attributed::runtime(
        kind,
        format!("{file} called {what} in its own code"),
    ))
}

/// How many events of one runtime reason a verdict shows; the rest are counted.
const GROUP_SHOWN: usize = 3;

/// A claim's events of one cause and reason that are not the package's code: shown apart,
/// never held against the package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct RuntimeGroup {
    pub cause: Cause,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runtime: Option<RuntimeKind>,
    pub why: String,
    /// Every event of this reason.
    pub total: u64,
    /// The first few of them.
    pub shown: Vec<EvidenceItem>,
}

/// Adds an event to the group of its reason.
pub fn push_group(groups: &mut Vec<RuntimeGroup>, item: EvidenceItem, a: Attributed) {
    match groups
        .iter_mut()
        .find(|g| g.cause == a.cause && g.why == a.why)
    {
        Some(g) => {
            g.total = g.total.saturating_add(item.count);
            if g.shown.len() < GROUP_SHOWN {
                g.shown.push(item);
            }
        }
        None => groups.push(RuntimeGroup {
            cause: a.cause,
            runtime: a.runtime,
            why: a.why,
            total: item.count,
            shown: vec![item],
        }),
    }
}

/// The groups of one cause, in words: `REASON (N×); …`, at most three reasons.
pub fn summary(groups: &[RuntimeGroup], cause: Cause) -> Option<String> {
    let of: Vec<&RuntimeGroup> = groups.iter().filter(|g| g.cause == cause).collect();
    if of.is_empty() {
        return None;
    }
    let mut parts: Vec<String> = of
        .iter()
        .take(3)
        .map(|g| format!("{} ({}×)", g.why, g.total))
        .collect();
    if of.len() > 3 {
        parts.push(format!("{} more reason(s)", of.len() - 3));
    }
    Some(parts.join("; "))
}

/// For a crypto claim: a crypto library the package mapped whose calls this trace could not
/// see (it has no crypto uprobes). A library that was never mapped cannot have been called,
/// short of static linking; one that was mapped may have been.
pub fn crypto_call_gap(
    trace: &Trace,
    check: crate::claims::Check,
    groups: &[RuntimeGroup],
) -> Option<String> {
    if check != crate::claims::Check::Crypto {
        return None;
    }
    let crypto_hook = |h: &str| crate::trace::hook_kind(h) == Some(crate::trace::EventKind::Crypto);
    let recorded = trace.header.hooks.attached.iter().any(|h| crypto_hook(h));
    let failed = trace
        .header
        .hooks
        .failed
        .iter()
        .filter(|f| crypto_hook(&f.hook))
        .count();
    let lost = trace
        .footer
        .as_ref()
        .and_then(|f| f.lost.get("crypto").copied())
        .unwrap_or(0);
    let mapped: u64 = groups
        .iter()
        .filter(|g| g.why.contains(MAPPED))
        .map(|g| g.total)
        .sum();
    if lost > 0 {
        Some(format!("{lost} crypto call events were lost"))
    } else if mapped > 0 && !recorded {
        Some(format!(
            "a crypto library was mapped ({mapped} time(s)) but calls into it were not \
             recorded (no crypto uprobes in this trace)"
        ))
    } else if mapped > 0 && failed > 0 {
        Some(format!(
            "a crypto library was mapped ({mapped} time(s)) and {failed} crypto uprobe(s) \
             failed to attach"
        ))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &[&str]) -> Vec<String> {
        s.iter().map(|x| (*x).to_owned()).collect()
    }

    #[test]
    fn programs_are_named_from_argv() {
        assert_eq!(
            Program::of(
                "/usr/bin/python3.11",
                &v(&["python3", "-u", "/usr/bin/foo-api"])
            )
            .label(),
            "python3.11 running /usr/bin/foo-api"
        );
        assert_eq!(
            Program::of("/usr/bin/python3", &v(&["python3", "-m", "http.server"])).label(),
            "python3 running -m http.server"
        );
        // A `#!/usr/bin/perl -w` script: the kernel's argv puts the line's option first.
        assert_eq!(
            Program::of(
                "/usr/share/foo/wrapper",
                &v(&[
                    "/usr/bin/perl",
                    "-w",
                    "/usr/share/foo/wrapper",
                    "/etc/foo.conf"
                ])
            )
            .label(),
            "perl running /usr/share/foo/wrapper"
        );
        assert_eq!(
            Program::of("/usr/bin/perl", &v(&["perl", "-I", "lib", "x.pl"])).label(),
            "perl running x.pl"
        );
        assert_eq!(
            Program::of("/bin/dash", &v(&["sh", "-c", "echo hi"])).label(),
            "dash running -c command"
        );
        assert_eq!(
            Program::of(
                "/usr/bin/python3.11",
                &v(&["python3", "/usr/bin/gunicorn", "-w", "2", "app:app"])
            ),
            Program::AppServer {
                server: "gunicorn".to_owned(),
                running: Some("app:app".to_owned())
            }
        );
        assert_eq!(
            Program::of(
                "/usr/bin/uwsgi-core",
                &v(&["uwsgi_python311", "--ini", "/etc/masakari/api.ini"])
            )
            .label(),
            "uwsgi running /etc/masakari/api.ini"
        );
        assert_eq!(
            Program::of(
                "/usr/bin/masakari-engine",
                &v(&[
                    "/usr/bin/python3",
                    "/usr/bin/masakari-engine",
                    "--config-file",
                    "x"
                ])
            )
            .label(),
            "python3 running /usr/bin/masakari-engine"
        );
        assert_eq!(
            Program::of("/usr/sbin/foo", &v(&["foo"])),
            Program::Native("/usr/sbin/foo".to_owned())
        );
        assert_eq!(
            python_module("/usr/lib/python3/dist-packages/masakari/api/x.py"),
            Some("masakari")
        );
        assert_eq!(
            python_module("/usr/lib/python3/dist-packages/six.py"),
            Some("six")
        );
        assert_eq!(python_module("/usr/lib/python3.11/os.py"), None);
    }

    #[test]
    fn runtime_events_are_named_and_overridable() {
        let uwsgi = Program::of("/usr/bin/uwsgi-core", &v(&["uwsgi"]));
        let native = Program::of("/usr/sbin/food", &v(&["food"]));
        let fork = EventData::Fork {
            child_pid: 2,
            child_tid: 2,
            thread: false,
            clone_flags: 0,
        };
        let pkg = Package::default();
        let none = BTreeSet::new();
        assert_eq!(
            cause(&fork, Some((&uwsgi, false)), &pkg, &none).cause,
            Cause::Runtime
        );
        assert_eq!(
            cause(&fork, Some((&uwsgi, true)), &pkg, &none).cause,
            Cause::NotSeparable,
            "a worker's fork is the application's, or the server's"
        );
        assert_eq!(
            cause(&fork, Some((&native, false)), &pkg, &none).cause,
            Cause::Package
        );
        let moved = Package {
            runtime_is_package: vec![RuntimeKind::AppServerWorkers],
            ..Package::default()
        };
        assert_eq!(
            cause(&fork, Some((&uwsgi, false)), &moved, &none).cause,
            Cause::Package
        );
        let getenv = |n: &str| EventData::Getenv {
            name: n.to_owned(),
            secure: false,
            caller: None,
        };
        assert_eq!(
            cause(
                &getenv("NOTIFY_SOCKET"),
                Some((&native, false)),
                &pkg,
                &none
            )
            .runtime,
            Some(RuntimeKind::SystemdNotification)
        );
        assert_eq!(
            cause(&getenv("UWSGI_RELOADS"), Some((&uwsgi, false)), &pkg, &none).runtime,
            Some(RuntimeKind::AppServerWorkers)
        );
        assert_eq!(
            cause(&getenv("FOOD_CONFIG"), Some((&native, false)), &pkg, &none).cause,
            Cause::Package
        );
        assert_eq!(
            cause(&getenv("TERM"), Some((&uwsgi, false)), &pkg, &none).cause,
            Cause::NotSeparable
        );
        let out = Package {
            runtime_programs: vec!["food".to_owned()],
            ..Package::default()
        };
        assert_eq!(
            cause(&getenv("FOOD_CONFIG"), Some((&native, false)), &out, &none).cause,
            Cause::Runtime
        );
    }

    #[test]
    fn an_interpreters_draw_before_its_script_is_its_start_up() {
        let v = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let perl = Program::of(
            "/usr/share/foo/wrapper",
            &v(&["/usr/bin/perl", "/usr/share/foo/wrapper", "/etc/foo.conf"]),
        );
        let python = Program::of("/usr/bin/foo", &v(&["python3", "/usr/bin/foo"]));
        let urandom = EventData::Open {
            path: crate::trace::PathRef {
                resolved: Some("/dev/urandom".to_owned()),
                given: None,
                real: None,
                looked_up: None,
            },
            flags: vec!["O_RDONLY".to_owned()],
            flags_raw: 0,
            mode: None,
            access: "read".to_owned(),
            resolve: 0,
        };
        let (pkg, none) = (Package::default(), BTreeSet::new());
        let of =
            |p: &Program, before: bool| cause_with(&urandom, Some((p, false)), before, &pkg, &none);
        let seed = of(&perl, true);
        assert_eq!(
            (seed.cause, seed.runtime),
            (Cause::Runtime, Some(RuntimeKind::InterpreterStartup)),
            "{seed:?}"
        );
        // Once the script is read, a draw is the script's; Python's site hooks run first.
        assert_eq!(of(&perl, false).cause, Cause::Package);
        assert_eq!(of(&python, true).cause, Cause::Package);
        let moved = Package {
            runtime_is_package: vec![RuntimeKind::InterpreterStartup],
            ..Package::default()
        };
        assert_eq!(
            cause_with(&urandom, Some((&perl, false)), true, &moved, &none).cause,
            Cause::Package
        );
    }

    #[test]
    fn a_call_is_its_callers() {
        let native = Program::of("/usr/sbin/food", &v(&["food"]));
        let python = Program::of("/usr/bin/python3.11", &v(&["python3", "/usr/bin/foo"]));
        let pkg = Package::default();
        let none = BTreeSet::new();
        let from = |file: Option<&str>, exe: bool| {
            Some(CallSite {
                address: Some("0x7f0000001000".to_owned()),
                file: file.map(str::to_owned),
                offset: file.map(|_| "0x1000".to_owned()),
                inode: None,
                dev: None,
                executable: exe,
                unresolved: file.is_none().then(|| "anonymous mapping".to_owned()),
            })
        };
        let getenv = |n: &str, caller| EventData::Getenv {
            name: n.to_owned(),
            secure: false,
            caller,
        };
        let crypto = |caller| EventData::Crypto {
            library: "libcrypto.so".to_owned(),
            function: "EVP_DigestInit_ex".to_owned(),
            caller,
        };
        let of = |d: &EventData, p: &Program, owned: &BTreeSet<String>| {
            cause(d, Some((p, false)), &pkg, owned)
        };
        // The program's own lookup of a systemd variable is its own.
        let own = of(
            &getenv("NOTIFY_SOCKET", from(Some("food"), true)),
            &native,
            &none,
        );
        assert_eq!(own.cause, Cause::Package, "{own:?}");
        assert_eq!(own.caller.as_deref(), Some("food (the executable)+0x1000"));
        let lib = of(
            &getenv("NETTLE_FAT_VERBOSE", from(Some("libnettle.so.8.6"), false)),
            &native,
            &none,
        );
        assert_eq!(
            (lib.cause, lib.runtime, lib.why.as_str()),
            (
                Cause::Runtime,
                Some(RuntimeKind::Dependency),
                "libnettle.so.8.6 called getenv(\"NETTLE_FAT_VERBOSE\") in its own code"
            )
        );
        let libc = of(
            &getenv("FOOD_X", from(Some("libc.so.6"), false)),
            &native,
            &none,
        );
        assert_eq!(libc.runtime, Some(RuntimeKind::Libc));
        let sd = of(
            &getenv("NOTIFY_SOCKET", from(Some("libsystemd.so.0.35.0"), false)),
            &native,
            &none,
        );
        assert_eq!(sd.runtime, Some(RuntimeKind::SystemdNotification));
        let unknown = of(&getenv("FOOD_X", from(None, false)), &native, &none);
        assert_eq!(unknown.cause, Cause::NotSeparable, "{unknown:?}");
        let owned: BTreeSet<String> = ["libfood.so.1".to_owned()].into();
        assert_eq!(
            of(
                &getenv("FOOD_X", from(Some("libfood.so.1"), false)),
                &native,
                &owned
            )
            .cause,
            Cause::Package
        );
        // The interpreter's own lookups are its start-up; a crypto call from its modules is
        // the script's or the interpreter's.
        let py = of(
            &getenv("PYTHONPATH", from(Some("libpython3.11.so.1.0"), false)),
            &python,
            &none,
        );
        assert_eq!(py.runtime, Some(RuntimeKind::InterpreterStartup), "{py:?}");
        let hashlib = of(
            &crypto(from(
                Some("_hashlib.cpython-311-x86_64-linux-gnu.so"),
                false,
            )),
            &python,
            &none,
        );
        assert_eq!(hashlib.cause, Cause::NotSeparable, "{hashlib:?}");
        assert_eq!(
            of(&crypto(from(Some("food"), true)), &native, &none).cause,
            Cause::Package
        );
    }
}
