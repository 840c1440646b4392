//! What a claim is: a runtime-checkable statement about the package, where it came from, and what
//! the reviewer allows.

use schemars::JsonSchema;
use std::fmt;

use serde::{Deserialize, Serialize};

/// The runtime behaviours a claim can speak of. Each is defined precisely in docs/claims.md.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Check {
    /// The daemon starts other processes.
    ProcessesSpawned,
    /// The daemon changes files outside its own directories.
    FileIo,
    /// The daemon creates temporary files.
    TempFiles,
    /// The daemon reads environment variables.
    Environment,
    /// The daemon calls privileged functions (set*id, capset, mount, namespaces, …).
    PrivilegedFunctions,
    /// The daemon uses cryptography or random sources.
    Crypto,
    /// The daemon uses IP networking at all.
    Networking,
    /// The daemon listens on a non-loopback address.
    ExternalEndpoint,
    /// The daemon binds a port below 1024.
    PrivilegedPorts,
    /// The daemon connects only to the listed destinations.
    OutgoingDestinations,
    /// The daemon runs as root.
    RunsAsRoot,
    /// The daemon runs sudo, gksu, pkexec or su.
    Sudo,
    /// The daemon sets LD_LIBRARY_PATH.
    LdLibraryPath,
    /// The daemon switches to user or group nobody.
    UserNobody,
    /// The daemon calls setuid/setgid (or runs a setuid program). Not [`Check::SetuidFiles`].
    SetuidCalls,
    /// A secret (password, token) appears in a command line, visible in ps.
    SecretInArgv,
    /// chmod through a path (following symlinks) rather than on an open fd.
    ChmodByPath,
    /// A maintainer script adds users or groups.
    MaintainerAddsGroups,
    /// chmod run with an owner argument or chown with a mode argument (a typo).
    ChmodChownMixup,
    /// The daemon listens on an IP port (any address, loopback included).
    OpensPort,
    /// The package's processes load WebKit (webkit1/2, QtWebKit, QtWebEngine).
    Webkit,
    /// The package's processes load a JavaScript engine library (lib*v8, libnode, libseed).
    JsEngine,
    /// The package's processes deal with system authentication (PAM).
    SystemAuthentication,
    /// The package's processes load online-accounts libraries (GNOME/Ubuntu Online Accounts).
    OnlineAccounts,
    /// The package installs systemd services (or socket units).
    InstallsServices,
    /// The package installs systemd timers.
    InstallsTimers,
    /// The package installs cron jobs or other recurring jobs.
    InstallsCronJobs,
    /// The package installs SysV init scripts.
    InstallsInitScripts,
    /// The package installs D-Bus service, activation or policy files.
    InstallsDbusFiles,
    /// The package installs udev rules.
    InstallsUdevRules,
    /// The package installs polkit actions or rules.
    InstallsPolkitFiles,
    /// The package installs sudoers fragments.
    InstallsSudoers,
    /// The package installs AppArmor profiles.
    InstallsApparmorProfiles,
    /// The package installs setuid or setgid files (or a maintainer script makes one).
    SetuidFiles,
    /// The package installs executables in /sbin or /usr/sbin.
    SbinExecutables,
    /// The package installs programs in PATH.
    BinariesInPath,
    /// The package's service units use systemd's sandboxing directives (ProtectSystem=, …).
    UnitSandboxing,
    /// The daemon writes to the cgroup file system (creates or changes cgroups).
    WritesCgroups,
    /// A maintainer script removes users, groups or files ("postrm removes /var/lib/foo and
    /// the _foo user").
    MaintainerRemoves,
    /// The daemon daemonizes: a process forks and exits, leaving its child running in the
    /// background (the classic fork-and-exit or double fork).
    Daemonizes,
    /// The daemon owns a D-Bus name. The name is requested in a bus message, which is not
    /// recorded: the trace shows the connection to a bus, the contents the policy files.
    OwnsDbusName,
}

impl Check {
    pub const ALL: [Check; 41] = [
        Check::ProcessesSpawned,
        Check::FileIo,
        Check::TempFiles,
        Check::Environment,
        Check::PrivilegedFunctions,
        Check::Crypto,
        Check::Networking,
        Check::ExternalEndpoint,
        Check::PrivilegedPorts,
        Check::OutgoingDestinations,
        Check::RunsAsRoot,
        Check::Sudo,
        Check::LdLibraryPath,
        Check::UserNobody,
        Check::SetuidCalls,
        Check::SecretInArgv,
        Check::ChmodByPath,
        Check::MaintainerAddsGroups,
        Check::ChmodChownMixup,
        Check::OpensPort,
        Check::Webkit,
        Check::JsEngine,
        Check::SystemAuthentication,
        Check::OnlineAccounts,
        Check::InstallsServices,
        Check::InstallsTimers,
        Check::InstallsCronJobs,
        Check::InstallsInitScripts,
        Check::InstallsDbusFiles,
        Check::InstallsUdevRules,
        Check::InstallsPolkitFiles,
        Check::InstallsSudoers,
        Check::InstallsApparmorProfiles,
        Check::SetuidFiles,
        Check::SbinExecutables,
        Check::BinariesInPath,
        Check::UnitSandboxing,
        Check::WritesCgroups,
        Check::MaintainerRemoves,
        Check::Daemonizes,
        Check::OwnsDbusName,
    ];

    /// Whether the claim is about what the install put on disk (judged from a contents
    /// manifest, see `crate::contents`), not about what the processes did.
    pub fn is_contents(self) -> bool {
        matches!(
            self,
            Check::InstallsServices
                | Check::InstallsTimers
                | Check::InstallsCronJobs
                | Check::InstallsInitScripts
                | Check::InstallsDbusFiles
                | Check::InstallsUdevRules
                | Check::InstallsPolkitFiles
                | Check::InstallsSudoers
                | Check::InstallsApparmorProfiles
                | Check::SetuidFiles
                | Check::SbinExecutables
                | Check::BinariesInPath
                | Check::UnitSandboxing
        )
    }

    /// The TOML / JSON name.
    pub fn name(self) -> &'static str {
        match self {
            Check::ProcessesSpawned => "processes_spawned",
            Check::FileIo => "file_io",
            Check::TempFiles => "temp_files",
            Check::Environment => "environment",
            Check::PrivilegedFunctions => "privileged_functions",
            Check::Crypto => "crypto",
            Check::Networking => "networking",
            Check::ExternalEndpoint => "external_endpoint",
            Check::PrivilegedPorts => "privileged_ports",
            Check::OutgoingDestinations => "outgoing_destinations",
            Check::RunsAsRoot => "runs_as_root",
            Check::Sudo => "sudo",
            Check::LdLibraryPath => "ld_library_path",
            Check::UserNobody => "user_nobody",
            Check::SetuidCalls => "setuid_calls",
            Check::SecretInArgv => "secret_in_argv",
            Check::ChmodByPath => "chmod_by_path",
            Check::MaintainerAddsGroups => "maintainer_adds_groups",
            Check::ChmodChownMixup => "chmod_chown_mixup",
            Check::OpensPort => "opens_port",
            Check::Webkit => "webkit",
            Check::JsEngine => "js_engine",
            Check::SystemAuthentication => "system_authentication",
            Check::OnlineAccounts => "online_accounts",
            Check::InstallsServices => "installs_services",
            Check::InstallsTimers => "installs_timers",
            Check::InstallsCronJobs => "installs_cron_jobs",
            Check::InstallsInitScripts => "installs_init_scripts",
            Check::InstallsDbusFiles => "installs_dbus_files",
            Check::InstallsUdevRules => "installs_udev_rules",
            Check::InstallsPolkitFiles => "installs_polkit_files",
            Check::InstallsSudoers => "installs_sudoers",
            Check::InstallsApparmorProfiles => "installs_apparmor_profiles",
            Check::SetuidFiles => "setuid_files",
            Check::SbinExecutables => "sbin_executables",
            Check::BinariesInPath => "binaries_in_path",
            Check::UnitSandboxing => "unit_sandboxing",
            Check::WritesCgroups => "writes_cgroups",
            Check::MaintainerRemoves => "maintainer_removes",
            Check::Daemonizes => "daemonizes",
            Check::OwnsDbusName => "owns_dbus_name",
        }
    }

    /// The claim in words, for the given polarity.
    pub fn describe(self, expect: Expect) -> &'static str {
        use Expect::{Absent as A, Present as P};
        match (self, expect) {
            (Check::ProcessesSpawned, A) => "No processes spawned",
            (Check::ProcessesSpawned, P) => "Processes are spawned",
            (Check::FileIo, A) => "No notable file IO (writes outside the package's dirs)",
            (Check::FileIo, P) => "Writes files outside the package's dirs",
            (Check::TempFiles, A) => "No use of temp files",
            (Check::TempFiles, P) => "Uses temp files",
            (Check::Environment, A) => "No environment variable usage",
            (Check::Environment, P) => "Uses environment variables",
            (Check::PrivilegedFunctions, A) => "No use of privileged functions",
            (Check::PrivilegedFunctions, P) => "Uses privileged functions",
            (Check::Crypto, A) => "No use of cryptography / random number sources",
            (Check::Crypto, P) => "Uses cryptography / random number sources",
            (Check::Networking, A) => "No use of networking",
            (Check::Networking, P) => "Uses networking",
            (Check::ExternalEndpoint, A) => "Does not expose any external endpoint",
            (Check::ExternalEndpoint, P) => "Exposes an external endpoint",
            (Check::PrivilegedPorts, A) => "Does not open privileged ports",
            (Check::PrivilegedPorts, P) => "Opens privileged ports",
            (Check::OutgoingDestinations, A) => "Outgoing connections only to the allowlist",
            (Check::OutgoingDestinations, P) => "Makes outgoing connections",
            (Check::RunsAsRoot, A) => "Does not run a daemon as root",
            (Check::RunsAsRoot, P) => "Runs the daemon as root",
            (Check::Sudo, A) => "No use of sudo, gksu, pkexec",
            (Check::Sudo, P) => "Uses sudo, gksu or pkexec",
            (Check::LdLibraryPath, A) => "No use of LD_LIBRARY_PATH",
            (Check::LdLibraryPath, P) => "Uses LD_LIBRARY_PATH",
            (Check::UserNobody, A) => "No use of user nobody",
            (Check::UserNobody, P) => "Uses user nobody",
            (Check::SetuidCalls, A) => "No use of setuid/setgid",
            (Check::SetuidCalls, P) => "Uses setuid/setgid",
            (Check::SecretInArgv, A) => "No secrets in command lines",
            (Check::SecretInArgv, P) => "A secret is visible in a command line (ps)",
            (Check::ChmodByPath, A) => "No chmod through paths (symlink race)",
            (Check::ChmodByPath, P) => "chmod through paths, racing against symlinks",
            (Check::MaintainerAddsGroups, A) => "Maintainer scripts add no users or groups",
            (Check::MaintainerAddsGroups, P) => "A maintainer script adds users or groups",
            (Check::ChmodChownMixup, A) => "No chmod/chown mix-up",
            (Check::ChmodChownMixup, P) => "chmod called where chown was meant (or reverse)",
            (Check::OpensPort, A) => "Does not open a port",
            (Check::OpensPort, P) => "Opens a port",
            (Check::Webkit, A) => "Does not use WebKit",
            (Check::Webkit, P) => "Uses WebKit",
            (Check::JsEngine, A) => "Does not use a JavaScript engine (lib*v8, seed)",
            (Check::JsEngine, P) => "Uses a JavaScript engine (lib*v8, seed)",
            (Check::SystemAuthentication, A) => "Does not deal with system authentication (PAM)",
            (Check::SystemAuthentication, P) => "Deals with system authentication (PAM)",
            (Check::OnlineAccounts, A) => "Does not use online accounts",
            (Check::OnlineAccounts, P) => "Uses online accounts",
            (Check::InstallsServices, A) => "Installs no systemd services",
            (Check::InstallsServices, P) => "Installs systemd services",
            (Check::InstallsTimers, A) => "Installs no timers",
            (Check::InstallsTimers, P) => "Installs timers",
            (Check::InstallsCronJobs, A) => "Installs no cron or other recurring jobs",
            (Check::InstallsCronJobs, P) => "Installs cron or other recurring jobs",
            (Check::InstallsInitScripts, A) => "Installs no init scripts",
            (Check::InstallsInitScripts, P) => "Installs init scripts",
            (Check::InstallsDbusFiles, A) => "Installs no D-Bus service or policy files",
            (Check::InstallsDbusFiles, P) => "Installs D-Bus service or policy files",
            (Check::InstallsUdevRules, A) => "Installs no udev rules",
            (Check::InstallsUdevRules, P) => "Installs udev rules",
            (Check::InstallsPolkitFiles, A) => "Installs no polkit files",
            (Check::InstallsPolkitFiles, P) => "Installs polkit files",
            (Check::InstallsSudoers, A) => "Installs no sudoers fragments",
            (Check::InstallsSudoers, P) => "Installs sudoers fragments",
            (Check::InstallsApparmorProfiles, A) => "Installs no AppArmor profiles",
            (Check::InstallsApparmorProfiles, P) => "Installs AppArmor profiles",
            (Check::SetuidFiles, A) => "No setuid/setgid files",
            (Check::SetuidFiles, P) => "Installs setuid/setgid files",
            (Check::SbinExecutables, A) => "No executables in /sbin or /usr/sbin",
            (Check::SbinExecutables, P) => "Installs executables in /sbin or /usr/sbin",
            (Check::BinariesInPath, A) => "Installs no programs in PATH",
            (Check::BinariesInPath, P) => "Installs programs in PATH",
            (Check::UnitSandboxing, A) => "The service units use no systemd sandboxing",
            (Check::UnitSandboxing, P) => {
                "The service units use systemd sandboxing (ProtectSystem=, …)"
            }
            (Check::WritesCgroups, A) => "Does not write cgroups",
            (Check::WritesCgroups, P) => "Writes cgroups",
            (Check::MaintainerRemoves, A) => "Maintainer scripts remove no users, groups or files",
            (Check::MaintainerRemoves, P) => "A maintainer script removes users, groups or files",
            (Check::Daemonizes, A) => "Does not daemonize (no fork-and-exit into the background)",
            (Check::Daemonizes, P) => "Daemonizes (forks into the background)",
            (Check::OwnsDbusName, A) => "Owns no D-Bus name",
            (Check::OwnsDbusName, P) => "Owns a D-Bus name",
        }
    }
}

impl fmt::Display for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Whether the claim says the behaviour never happens or that it happens.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Expect {
    /// "No X": one event of X contradicts it.
    Absent,
    /// "Does X": seen X supports it; a trace cannot show it never happens.
    Present,
}

/// Where a claim came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "from", rename_all = "snake_case")]
pub enum Source {
    /// Extracted from the review text.
    Review {
        /// 1-based line of the statement's start.
        line: usize,
        /// The statement, whitespace collapsed.
        text: String,
        /// Later lines that state the same claim.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        also_lines: Vec<usize>,
    },
    /// Written in the claims file.
    ClaimsFile {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
}

/// What a claim tolerates. Defaults for the package's own dirs are added by
/// [`super::Package::default_paths`] at verdict time, so they always show in the report.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Allow {
    /// Programs (absolute path or basename) the daemon may run.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub programs: Vec<String>,
    /// Path prefixes (a directory covers everything below it).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub paths: Vec<String>,
    /// `IP` or `IP:PORT` (IPv6 as `[IP]:PORT`) destinations.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub destinations: Vec<String>,
    /// Ports the daemon may listen on.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ports: Vec<u16>,
    /// Environment variables the daemon may read; `PREFIX*` covers a family (`LC_*`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub variables: Vec<String>,
}

impl Allow {
    pub fn is_empty(&self) -> bool {
        self.programs.is_empty()
            && self.paths.is_empty()
            && self.destinations.is_empty()
            && self.ports.is_empty()
            && self.variables.is_empty()
    }
}

/// Variables libc (locale, time zone, allocator tunables) or the interpreter (CPython's start-up
/// configuration) reads on the program's behalf: a getenv uprobe sees those lookups too, but
/// they are not the program's "environment variable usage".
pub const LIBC_VARIABLES: &[&str] = &[
    "LANG",
    "LANGUAGE",
    "LC_*",
    "TZ",
    "TZDIR",
    "LOCPATH",
    "NLSPATH",
    "MALLOC_*",
    "GLIBC_TUNABLES",
    "POSIXLY_CORRECT",
    "GCONV_PATH",
    // CPython's start-up configuration lookups (the interpreter, not the program).
    "PYTHON*",
    "__PYVENV_LAUNCHER__",
];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Claim {
    /// `C1`, `C2`, … in order of appearance.
    pub id: String,
    pub check: Check,
    pub expect: Expect,
    pub source: Source,
    #[serde(default, skip_serializing_if = "Allow::is_empty")]
    pub allow: Allow,
}

impl Claim {
    pub fn statement(&self) -> &'static str {
        self.check.describe(self.expect)
    }
}

/// A review line the extractor understood but that no trace can check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct NotCheckable {
    pub line: usize,
    pub text: String,
    /// What it is about, and why a trace cannot speak to it.
    pub why: String,
}

/// A review line the extractor did not recognise: listed so nothing is dropped silently.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unrecognised {
    pub line: usize,
    pub text: String,
}

/// The package the claims are about: its name gives the default allowlists.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Package {
    pub name: Option<String>,
    /// Programs (absolute path or basename) whose processes are the package's daemons. Empty:
    /// every process that is not the harness or a maintainer script is the package's.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub daemons: Vec<String>,
    /// Extra directories of the package, added to the defaults.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dirs: Vec<String>,
    /// Ports the package is known to listen on (never guessed: only what the reviewer lists).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ports: Vec<u16>,
    /// The binary packages whose maintainer scripts are the package's own. Empty: those named
    /// `NAME`, `NAME-*` or `*-NAME` (masakari-common, python3-masakari for masakari).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub binaries: Vec<String>,
    /// Runtime behaviours the reviewer counts as the package's own ("uwsgi's workers are part
    /// of this package"): events of these kinds are held against its claims like its code's.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub runtime_is_package: Vec<RuntimeKind>,
    /// Programs (absolute path or basename) whose actions are a dependency's, not the
    /// package's, although they run in its tree (a helper the reviewer has judged already).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub runtime_programs: Vec<String>,
    /// The cgroups (directory inode -> unit) of the package's own systemd units in a
    /// `vm check` run, from its `exercised.json`, never from a claims file: the ids belong to
    /// one guest boot. What systemd does in them for the unit before the unit's program runs
    /// (a socket unit's `ListenStream=` bound by `(sd-listen)`) is the package's unit file
    /// at work, so it is judged as the package's, under the service manager's name.
    #[serde(skip)]
    pub unit_cgroups: std::collections::BTreeMap<u64, String>,
    /// How each of the package's units ran in a `vm check` run (its type, what activates it,
    /// its cgroups, when its jobs finished), from its `exercised.json`, never from a
    /// claims file: a oneshot job's processes that ended within the job are no daemon.
    #[serde(skip)]
    pub unit_runs: std::collections::BTreeMap<String, UnitRun>,
}

/// How one unit of the package ran in a `vm check` run, as the guest's systemd and journal
/// said and the trace showed (`exercised.json`'s `units`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct UnitRun {
    /// systemd's `Type=` of a service (`simple`, `forking`, `oneshot`, `notify`, `dbus`,
    /// `exec`, `idle`); `None` when the guest did not say (a socket or timer unit, or a run
    /// before this was recorded).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_type: Option<String>,
    /// The units that start it on demand (systemd's `TriggeredBy=`: sockets, timers, paths).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub triggered_by: Vec<String>,
    /// The D-Bus name it is activated by or owns (`BusName=`, or a D-Bus activation file).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bus_name: Option<String>,
    /// The cgroups (directory inodes) the trace shows its processes in. systemd removes a
    /// oneshot's cgroup when its job is done, so the phase snapshots rarely see it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cgroups: Vec<u64>,
    /// When each of its jobs finished, in order (systemd's "Started" or "Finished",
    /// "Reloaded" and "Stopped" messages in the journal; RFC 3339, the trace's clock).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub jobs_done: Vec<String>,
}

impl UnitRun {
    /// A oneshot that no socket or D-Bus name starts on demand: a job that runs and ends (at
    /// boot, on a timer), not a daemon waiting for requests. One activated on demand is judged
    /// as a daemon however it is typed.
    pub fn oneshot_job(&self) -> bool {
        self.service_type.as_deref() == Some("oneshot")
            && self.bus_name.is_none()
            && !self.triggered_by.iter().any(|u| u.ends_with(".socket"))
    }

    /// The end of the job a process that began at `first` ran in: the first job finished at
    /// or after it. (A process of the unit that began between its jobs descends from one that
    /// outlived a job, and that one is no job's.)
    pub fn job_done_after(&self, first: &str) -> Option<&str> {
        self.jobs_done
            .iter()
            .map(String::as_str)
            .filter(|t| *t >= first)
            .min()
    }
}

/// What kind of runtime behaviour an event of a package process is, when it is not the
/// package's own code (see verdict/runtime.rs for the rules that name them).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum RuntimeKind {
    /// An interpreter starting, importing its standard library or caching bytecode.
    InterpreterStartup,
    /// An application server's worker model: uwsgi, gunicorn or apache forking its workers,
    /// and reading its own configuration variables.
    AppServerWorkers,
    /// The C library: locale, time zone, name service, malloc's start-up randomness.
    Libc,
    /// systemd's service protocol: `NOTIFY_SOCKET`, socket activation, the watchdog.
    SystemdNotification,
    /// A library or program the package depends on, doing its own work (a crypto library
    /// being mapped, a program named in `runtime_programs`).
    Dependency,
    /// systemd applying one of the package's units before the unit's program runs: the
    /// sandbox, the user, the limits the unit file asks for. Its sockets are not this: a
    /// port a socket unit listens on is the package's (see verdict/runtime.rs).
    ServiceManager,
}

impl RuntimeKind {
    pub fn label(self) -> &'static str {
        match self {
            RuntimeKind::InterpreterStartup => "interpreter start-up",
            RuntimeKind::AppServerWorkers => "application server's worker model",
            RuntimeKind::Libc => "C library",
            RuntimeKind::SystemdNotification => "systemd notification",
            RuntimeKind::Dependency => "dependency",
            RuntimeKind::ServiceManager => "service manager setting up the package's unit",
        }
    }
}

impl Package {
    /// Whether a dpkg maintainer script (`/var/lib/dpkg/info/PKG[:ARCH].postinst`) is one of
    /// this package's. An install also runs its dependencies' scripts (dbus adding its
    /// messagebus user, for masakari), which are not the reviewed package's doing. Without a
    /// name, or for a script dpkg runs under no package name (`tmp.ci/preinst` while
    /// unpacking), every script counts.
    pub fn owns_script(&self, script: &str) -> bool {
        if self.name.is_none() {
            return true;
        }
        let file = script.rsplit('/').next().unwrap_or(script);
        let Some((pkg, _)) = file.rsplit_once('.') else {
            return true;
        };
        self.owns_binary(pkg.split(':').next().unwrap_or(pkg))
    }

    /// Whether a binary package is one of this package's: listed in `binaries`, or when that
    /// is empty, named `NAME`, `NAME-*` or `*-NAME`. Without a name, every package is.
    pub fn owns_binary(&self, pkg: &str) -> bool {
        let Some(name) = &self.name else {
            return true;
        };
        if self.binaries.is_empty() {
            pkg == name
                || pkg.starts_with(&format!("{name}-"))
                || pkg.ends_with(&format!("-{name}"))
        } else {
            self.binaries.iter().any(|b| b == pkg)
        }
    }

    /// /var/lib/PKG, /var/log/PKG, /run/PKG, /etc/PKG, plus `dirs`.
    pub fn default_paths(&self) -> Vec<String> {
        let mut v: Vec<String> = match &self.name {
            Some(n) => ["/var/lib", "/var/log", "/run", "/etc"]
                .iter()
                .map(|d| format!("{d}/{n}"))
                .collect(),
            None => Vec::new(),
        };
        v.extend(self.dirs.iter().cloned());
        v
    }
}

/// Everything read from a review (and a claims file).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimSet {
    pub package: Package,
    pub claims: Vec<Claim>,
    pub not_checkable: Vec<NotCheckable>,
    pub unrecognised: Vec<Unrecognised>,
}

#[cfg(test)]
mod tests {
    use super::Package;

    #[test]
    fn maintainer_scripts_are_the_packages_own_by_name_or_list() {
        let masakari = Package {
            name: Some("masakari".into()),
            ..Package::default()
        };
        let info = |f: &str| format!("/var/lib/dpkg/info/{f}");
        assert!(masakari.owns_script(&info("masakari-common.postinst")));
        assert!(masakari.owns_script(&info("python3-masakari.postinst")));
        assert!(masakari.owns_script(&info("masakari.preinst")));
        assert!(masakari.owns_script(&info("masakari-api:amd64.postinst")));
        // A dependency's script: dbus adds its messagebus user during the same install.
        assert!(!masakari.owns_script(&info("dbus.postinst")));
        assert!(!masakari.owns_script(&info("masakarimonitors.postinst")));
        // Unpacking: dpkg runs the new preinst from tmp.ci under no package name.
        assert!(masakari.owns_script("/var/lib/dpkg/tmp.ci/preinst"));
        let listed = Package {
            binaries: vec!["lxd".into(), "lxd-client".into()],
            ..masakari.clone()
        };
        assert!(listed.owns_script(&info("lxd-client.postinst")));
        assert!(!listed.owns_script(&info("masakari-common.postinst")));
        assert!(Package::default().owns_script(&info("dbus.postinst")));
    }
}
