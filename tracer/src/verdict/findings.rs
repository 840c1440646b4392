//! What reviewers care about whether or not the review mentions it: the same behaviours as the
//! claims, reported for the package and its maintainer scripts even without a claim to judge.

use schemars::JsonSchema;
use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};

use super::{
    attribution::{Attribution, Origin},
    rules::{Hit, Rules, chmod_chown_mixup},
};
use crate::{
    claims::{Allow, Check, Package},
    trace::describe::{
        IoUringNet, addr_label, failed, io_uring_net, keyring_detail, privilege_detail,
        result_label, secret_in_argv, self_policy_detail, shown_argv,
    },
    trace::{Event, EventData, Trace},
};

/// Distinct items listed per finding; the rest are counted.
pub const LISTED: usize = 10;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct FindingItem {
    pub origin: Origin,
    /// What was done, in words (secrets masked).
    pub what: String,
    /// How many events did it.
    pub count: u64,
    /// The first of them.
    pub first_seq: u64,
    pub pid: u32,
    pub comm: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub struct FindingList {
    /// Distinct items.
    pub total: u64,
    pub items: Vec<FindingItem>,
}

impl FindingList {
    pub fn is_empty(&self) -> bool {
        self.total == 0
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub struct Findings {
    pub processes_spawned: FindingList,
    /// Outside /var/lib/PKG, /var/log/PKG, /run/PKG, /etc/PKG and the package's `dirs`.
    pub files_written_outside: FindingList,
    pub listening_sockets: FindingList,
    pub outgoing_destinations: FindingList,
    pub privilege_changes: FindingList,
    /// Restrictions the package's processes set on themselves (seccomp, no_new_privs,
    /// landlock, personality, LSM attributes): no privilege, but its hardening. Absent from
    /// reports written before it existed: read as empty.
    #[serde(default)]
    pub self_policy: FindingList,
    /// Kernel keyring calls (add_key, request_key, keyctl): where it keeps or looks up
    /// secrets. Absent from reports written before it existed: read as empty.
    #[serde(default)]
    pub keyring_use: FindingList,
    pub secrets_in_argv: FindingList,
    /// chmod to a mode with the world-write bit (directories with the sticky bit excepted).
    pub world_writable: FindingList,
    pub chmod_chown_mixups: FindingList,
    /// Users, groups and files a maintainer script removed (deluser and the like, unlink and
    /// rmdir outside the packaging machinery's own state). Absent from reports written before
    /// it existed: read as empty.
    #[serde(default)]
    pub maintainer_removals: FindingList,
    /// Attempts on the recorder or the tracing machinery (see `verdict::tamper`): when there
    /// is one, no claim holds.
    #[serde(default, skip_serializing_if = "FindingList::is_empty")]
    pub interference: FindingList,
}

#[derive(Default)]
struct Acc {
    map: BTreeMap<(Origin, String), FindingItem>,
    order: Vec<(Origin, String)>,
}

impl Acc {
    fn add(&mut self, ev: &Event, origin: Origin, what: String) {
        let key = (origin, what);
        match self.map.get_mut(&key) {
            Some(i) => i.count = i.count.saturating_add(ev.occurrences()),
            None => {
                self.map.insert(
                    key.clone(),
                    FindingItem {
                        origin,
                        what: key.1.clone(),
                        count: ev.occurrences(),
                        first_seq: ev.seq,
                        pid: ev.pid,
                        comm: ev.comm.clone(),
                    },
                );
                self.order.push(key);
            }
        }
    }

    fn finish(mut self, listed: usize) -> FindingList {
        let total = self.order.len() as u64;
        let items = self
            .order
            .iter()
            .take(listed)
            .filter_map(|k| self.map.remove(k))
            .collect();
        FindingList { total, items }
    }
}

/// The interference list with the recorder's foreign stop first (see
/// [`super::tamper::foreign_stop`]): of all attempts, the one that surely worked.
fn with_foreign_stop(
    mut list: FindingList,
    trace: &Trace,
    attribution: &Attribution,
) -> FindingList {
    if let Some(stop) = super::tamper::foreign_stop(trace, attribution) {
        list.total += 1;
        list.items.insert(
            0,
            FindingItem {
                origin: stop.origin,
                what: stop.what,
                count: 1,
                first_seq: stop.seq,
                pid: stop.pid,
                comm: stop.comm,
            },
        );
    }
    list
}

/// The findings, each list holding its first `listed` items (a report shows [`LISTED`]; a
/// diff compares all).
pub(super) fn collect(
    trace: &Trace,
    package: &Package,
    attribution: &Attribution,
    listened: &HashSet<(u32, i32)>,
    listed: usize,
) -> Findings {
    let own_dirs = Allow {
        paths: package.default_paths(),
        ..Allow::default()
    };
    let no_daemonizing = std::collections::HashMap::new();
    let rules = Rules {
        allow: &own_dirs,
        attribution,
        listened,
        daemonized: &no_daemonizing,
        core_helpers: &no_daemonizing,
        core_files: &std::collections::HashMap::new(),
        controlled: &no_daemonizing,
        cred_gated: &super::rules::cred_gated(trace),
    };
    let mut spawned = Acc::default();
    let mut files = Acc::default();
    let mut listening = Acc::default();
    let mut outgoing = Acc::default();
    let mut privilege = Acc::default();
    let mut self_policy = Acc::default();
    let mut keyring = Acc::default();
    let mut secrets = Acc::default();
    let mut world = Acc::default();
    let mut mixups = Acc::default();
    let mut removals = Acc::default();
    let mut interference = Acc::default();
    for (i, (ev, origin)) in trace.events.iter().zip(&attribution.per_event).enumerate() {
        let origin = *origin;
        if !matches!(origin, Origin::Package | Origin::MaintainerScript) {
            continue;
        }
        // systemd setting up the package's unit (its keyring, capabilities, limits) is the
        // service manager's doing; only the sockets it opens for the unit are the package's.
        if attribution.programs.manager_unit(i).is_some()
            && !super::runtime::opens_a_units_socket(&ev.data)
        {
            continue;
        }
        if let Hit::Yes(what) = rules.hit(Check::ProcessesSpawned, ev) {
            spawned.add(ev, origin, what);
        }
        if let Hit::Yes(what) = rules.hit(Check::FileIo, ev) {
            files.add(ev, origin, what);
        }
        if origin == Origin::MaintainerScript
            && let Hit::Yes(what) = rules.hit(Check::MaintainerRemoves, ev)
        {
            removals.add(ev, origin, what);
        }
        let res = result_label(ev.result.as_ref());
        match &ev.data {
            EventData::Listen { addr, .. } => listening.add(
                ev,
                origin,
                format!(
                    "listen on {} [{res}]",
                    addr.as_ref()
                        .map_or_else(|| "(address not seen)".to_owned(), addr_label)
                ),
            ),
            EventData::Connect { addr: Some(a), .. } | EventData::Send { addr: Some(a), .. } => {
                outgoing.add(
                    ev,
                    origin,
                    format!("{} {} [{res}]", ev.data.kind(), addr_label(a)),
                )
            }
            EventData::IoUringOp { .. } => {
                if let Some(IoUringNet::Addressed(kind, a)) = io_uring_net(ev) {
                    outgoing.add(
                        ev,
                        origin,
                        format!("{kind} (io_uring) {} [submitted]", addr_label(a)),
                    )
                }
            }
            EventData::Exec { argv, .. } => {
                if let Some(masked) = secret_in_argv(argv) {
                    secrets.add(ev, origin, masked);
                }
                if let Some(why) = chmod_chown_mixup(argv) {
                    mixups.add(ev, origin, format!("{why}: {}", shown_argv(argv)));
                }
            }
            EventData::Chmod { path, mode, .. }
                if !failed(ev.result.as_ref()) && mode & 0o002 != 0 && mode & 0o1000 == 0 =>
            {
                world.add(
                    ev,
                    origin,
                    format!(
                        "chmod {mode:04o} {}",
                        path.as_ref().map_or("(fd, path unknown)", |p| p.best())
                    ),
                )
            }
            _ => {}
        }
        if let Some(what) = super::tamper::attempt(&trace.header, ev) {
            interference.add(ev, origin, format!("{what} [{res}]"));
        }
        if let Some(d) = privilege_detail(ev) {
            privilege.add(ev, origin, format!("{}: {d} [{res}]", ev.data.kind()));
        }
        if let Some(d) = self_policy_detail(ev) {
            self_policy.add(ev, origin, format!("{d} [{res}]"));
        }
        if let Some(d) = keyring_detail(ev) {
            keyring.add(ev, origin, format!("{d} [{res}]"));
        }
    }
    Findings {
        processes_spawned: spawned.finish(listed),
        files_written_outside: files.finish(listed),
        listening_sockets: listening.finish(listed),
        outgoing_destinations: outgoing.finish(listed),
        privilege_changes: privilege.finish(listed),
        self_policy: self_policy.finish(listed),
        keyring_use: keyring.finish(listed),
        secrets_in_argv: secrets.finish(listed),
        world_writable: world.finish(listed),
        chmod_chown_mixups: mixups.finish(listed),
        maintainer_removals: removals.finish(listed),
        interference: with_foreign_stop(interference.finish(listed), trace, attribution),
    }
}
