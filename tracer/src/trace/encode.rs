//! Event lines written by hand: the bytes `serde_json` writes for an [`Event`], without its
//! per-token writes and byte-by-byte escaping.
//!
//! Why: the collector spends most of its time on an event turning it into JSON (issue 16's
//! profile of a drained ring: `format_escaped_str` 15-19 %, the serializer's many small
//! copies most of `memmove`'s 16 %). Here the keys are fixed byte strings written in runs,
//! a string is copied whole unless it holds a byte JSON must escape, and integers go through
//! a small formatter. The trace format is public and versioned: these lines are
//! byte-for-byte what the serde path ([`super::write`]'s `EventLine`) writes, which the tests
//! check on every event of the committed traces and on generated ones. The kinds a storm is
//! made of (opens, sockets, connects, getenv, …) are written here; the rarer ones go through
//! serde for their `kind` and `fields`, so a new kind or field is never written wrong, only
//! more slowly.

use super::{CallSite, Creds, Event, EventData, Found, PathRef, SockAddr};

/// Appends `event`'s line (without its newline) to `out`.
pub fn event_line(out: &mut Vec<u8>, event: &Event) {
    let Event {
        seq,
        time,
        ts_ns,
        pid,
        tid,
        ppid,
        comm,
        ids,
        cgroup_id,
        syscall,
        result,
        flags,
        data,
        repeat,
    } = event;
    out.extend_from_slice(br#"{"type":"event","seq":"#);
    uint(out, *seq);
    out.extend_from_slice(br#","time":"#);
    string(out, time);
    out.extend_from_slice(br#","ts_ns":"#);
    uint(out, *ts_ns);
    out.extend_from_slice(br#","pid":"#);
    uint(out, u64::from(*pid));
    out.extend_from_slice(br#","tid":"#);
    uint(out, u64::from(*tid));
    out.extend_from_slice(br#","ppid":"#);
    opt_uint(out, *ppid);
    out.extend_from_slice(br#","comm":"#);
    string(out, comm);
    out.extend_from_slice(br#","ids":{"uid":"#);
    uint(out, u64::from(ids.uid));
    out.extend_from_slice(br#","gid":"#);
    uint(out, u64::from(ids.gid));
    out.extend_from_slice(br#","euid":"#);
    opt_uint(out, ids.euid);
    out.extend_from_slice(br#","egid":"#);
    opt_uint(out, ids.egid);
    out.extend_from_slice(br#"},"cgroup_id":"#);
    uint(out, *cgroup_id);
    out.extend_from_slice(br#","syscall":"#);
    opt_string(out, syscall.as_deref());
    out.extend_from_slice(br#","result":"#);
    match result {
        None => out.extend_from_slice(b"null"),
        Some(r) => {
            out.extend_from_slice(br#"{"ret":"#);
            int(out, r.ret);
            if let Some(errno) = &r.errno {
                out.extend_from_slice(br#","errno":"#);
                string(out, errno);
            }
            out.push(b'}');
        }
    }
    if !flags.is_empty() {
        out.extend_from_slice(br#","flags":"#);
        strings(out, flags);
    }
    out.push(b',');
    if !fields(out, data) {
        // `{"kind":…,"fields":{…}}` from serde, its braces dropped: the flattened form.
        let start = out.len();
        serde_json::to_writer(&mut *out, data).expect("EventData serializes to a Vec");
        debug_assert_eq!(out[start], b'{');
        out.remove(start);
        out.pop();
    }
    if let Some(r) = repeat {
        out.extend_from_slice(br#","repeat":{"count":"#);
        uint(out, r.count);
        out.extend_from_slice(br#","last_ts_ns":"#);
        uint(out, r.last_ts_ns);
        out.extend_from_slice(br#","last_time":"#);
        string(out, &r.last_time);
        out.push(b'}');
    }
    out.push(b'}');
}

/// `"kind":"…","fields":{…}` of the kinds written by hand; false (nothing written) for the
/// others.
fn fields(out: &mut Vec<u8>, data: &EventData) -> bool {
    match data {
        EventData::Open {
            path,
            flags,
            flags_raw,
            mode,
            access,
            resolve,
        } => {
            out.extend_from_slice(br#""kind":"open","fields":{"path":"#);
            path_ref(out, path);
            out.extend_from_slice(br#","flags":"#);
            strings(out, flags);
            out.extend_from_slice(br#","flags_raw":"#);
            uint(out, *flags_raw);
            out.extend_from_slice(br#","mode":"#);
            opt_uint(out, *mode);
            out.extend_from_slice(br#","access":"#);
            string(out, access);
            if *resolve != 0 {
                out.extend_from_slice(br#","resolve":"#);
                uint(out, *resolve);
            }
        }
        EventData::Socket {
            domain,
            sock_type,
            protocol,
        } => {
            out.extend_from_slice(br#""kind":"socket","fields":{"domain":"#);
            string(out, domain);
            out.extend_from_slice(br#","type":"#);
            string(out, sock_type);
            out.extend_from_slice(br#","protocol":"#);
            int(out, i64::from(*protocol));
        }
        EventData::Connect { fd, addr } => {
            out.extend_from_slice(br#""kind":"connect","fields":{"fd":"#);
            int(out, i64::from(*fd));
            out.extend_from_slice(br#","addr":"#);
            opt_sock_addr(out, addr.as_ref());
        }
        EventData::Bind { fd, addr, autobind } => {
            out.extend_from_slice(br#""kind":"bind","fields":{"fd":"#);
            int(out, i64::from(*fd));
            out.extend_from_slice(br#","addr":"#);
            opt_sock_addr(out, addr.as_ref());
            if *autobind {
                out.extend_from_slice(br#","autobind":true"#);
            }
        }
        EventData::Listen { fd, backlog, addr } => {
            out.extend_from_slice(br#""kind":"listen","fields":{"fd":"#);
            int(out, i64::from(*fd));
            out.extend_from_slice(br#","backlog":"#);
            int(out, i64::from(*backlog));
            out.extend_from_slice(br#","addr":"#);
            opt_sock_addr(out, addr.as_ref());
        }
        EventData::Accept { fd, peer, local } => {
            out.extend_from_slice(br#""kind":"accept","fields":{"fd":"#);
            int(out, i64::from(*fd));
            out.extend_from_slice(br#","peer":"#);
            opt_sock_addr(out, peer.as_ref());
            out.extend_from_slice(br#","local":"#);
            opt_sock_addr(out, local.as_ref());
        }
        EventData::Send {
            fd,
            addr,
            netlink: None,
        } => {
            out.extend_from_slice(br#""kind":"send","fields":{"fd":"#);
            int(out, i64::from(*fd));
            out.extend_from_slice(br#","addr":"#);
            opt_sock_addr(out, addr.as_ref());
        }
        EventData::Unlink { path, dir } => {
            out.extend_from_slice(br#""kind":"unlink","fields":{"path":"#);
            path_ref(out, path);
            out.extend_from_slice(br#","dir":"#);
            boolean(out, *dir);
        }
        EventData::Rename { from, to, flags } => {
            out.extend_from_slice(br#""kind":"rename","fields":{"from":"#);
            path_ref(out, from);
            out.extend_from_slice(br#","to":"#);
            path_ref(out, to);
            out.extend_from_slice(br#","flags":"#);
            uint(out, *flags);
        }
        EventData::Mkdir { path, mode } => {
            out.extend_from_slice(br#""kind":"mkdir","fields":{"path":"#);
            path_ref(out, path);
            out.extend_from_slice(br#","mode":"#);
            uint(out, u64::from(*mode));
        }
        EventData::Rmdir { path } => {
            out.extend_from_slice(br#""kind":"rmdir","fields":{"path":"#);
            path_ref(out, path);
        }
        EventData::Chmod { path, fd, mode } => {
            out.extend_from_slice(br#""kind":"chmod","fields":{"path":"#);
            opt_path_ref(out, path.as_ref());
            out.extend_from_slice(br#","fd":"#);
            opt_int(out, *fd);
            out.extend_from_slice(br#","mode":"#);
            uint(out, u64::from(*mode));
        }
        EventData::Chdir { path, fd } => {
            out.extend_from_slice(br#""kind":"chdir","fields":{"path":"#);
            opt_path_ref(out, path.as_ref());
            out.extend_from_slice(br#","fd":"#);
            opt_int(out, *fd);
        }
        EventData::Xattr {
            path,
            fd,
            name,
            op,
            flags,
        } => {
            out.extend_from_slice(br#""kind":"xattr","fields":{"path":"#);
            opt_path_ref(out, path.as_ref());
            out.extend_from_slice(br#","fd":"#);
            opt_int(out, *fd);
            out.extend_from_slice(br#","name":"#);
            string(out, name);
            out.extend_from_slice(br#","op":"#);
            string(out, op);
            out.extend_from_slice(br#","flags":"#);
            uint(out, *flags);
        }
        EventData::Getrandom { bytes, flags } => {
            out.extend_from_slice(br#""kind":"getrandom","fields":{"bytes":"#);
            uint(out, *bytes);
            out.extend_from_slice(br#","flags":"#);
            strings(out, flags);
        }
        EventData::Getenv {
            name,
            secure,
            caller,
        } => {
            out.extend_from_slice(br#""kind":"getenv","fields":{"name":"#);
            string(out, name);
            out.extend_from_slice(br#","secure":"#);
            boolean(out, *secure);
            if let Some(c) = caller {
                out.extend_from_slice(br#","caller":"#);
                call_site(out, c);
            }
        }
        EventData::Crypto {
            library,
            function,
            caller,
        } => {
            out.extend_from_slice(br#""kind":"crypto","fields":{"library":"#);
            string(out, library);
            out.extend_from_slice(br#","function":"#);
            string(out, function);
            if let Some(c) = caller {
                out.extend_from_slice(br#","caller":"#);
                call_site(out, c);
            }
        }
        EventData::Prctl { option, arg2 } => {
            out.extend_from_slice(br#""kind":"prctl","fields":{"option":"#);
            string(out, option);
            out.extend_from_slice(br#","arg2":"#);
            uint(out, *arg2);
        }
        EventData::Fork {
            child_pid,
            child_tid,
            thread,
            clone_flags,
        } => {
            out.extend_from_slice(br#""kind":"fork","fields":{"child_pid":"#);
            uint(out, u64::from(*child_pid));
            out.extend_from_slice(br#","child_tid":"#);
            uint(out, u64::from(*child_tid));
            out.extend_from_slice(br#","thread":"#);
            boolean(out, *thread);
            out.extend_from_slice(br#","clone_flags":"#);
            uint(out, *clone_flags);
        }
        EventData::Exec {
            path,
            interpreter,
            argv,
            argv_truncated,
            before,
            after,
            setid,
            setid_file,
            caps_gained,
        } => {
            out.extend_from_slice(br#""kind":"exec","fields":{"path":"#);
            path_ref(out, path);
            if let Some(interpreter) = interpreter {
                out.extend_from_slice(br#","interpreter":"#);
                string(out, interpreter);
            }
            out.extend_from_slice(br#","argv":"#);
            strings(out, argv);
            out.extend_from_slice(br#","argv_truncated":"#);
            boolean(out, *argv_truncated);
            out.extend_from_slice(br#","before":"#);
            opt_creds(out, before.as_ref());
            out.extend_from_slice(br#","after":"#);
            opt_creds(out, after.as_ref());
            out.extend_from_slice(br#","setid":"#);
            boolean(out, *setid);
            if *setid_file {
                out.extend_from_slice(br#","setid_file":true"#);
            }
            if !caps_gained.is_empty() {
                out.extend_from_slice(br#","caps_gained":"#);
                strings(out, caps_gained);
            }
        }
        EventData::Exit {
            status,
            code,
            signal,
            core_dumped,
        } => {
            out.extend_from_slice(br#""kind":"exit","fields":{"status":"#);
            opt_int(out, *status);
            out.extend_from_slice(br#","code":"#);
            opt_int(out, *code);
            out.extend_from_slice(br#","signal":"#);
            opt_int(out, *signal);
            out.extend_from_slice(br#","core_dumped":"#);
            boolean(out, *core_dumped);
        }
        _ => return false,
    }
    out.push(b'}');
    true
}

fn path_ref(out: &mut Vec<u8>, p: &PathRef) {
    out.extend_from_slice(br#"{"resolved":"#);
    opt_string(out, p.resolved.as_deref());
    if let Some(given) = &p.given {
        out.extend_from_slice(br#","given":"#);
        string(out, given);
    }
    if let Some(real) = &p.real {
        out.extend_from_slice(br#","real":"#);
        string(out, real);
    }
    if let Some(l) = &p.looked_up {
        match &l.found {
            Found::Name(name) => {
                out.extend_from_slice(br#","looked_up":{"name":"#);
                string(out, name);
            }
            Found::Failed(why) => {
                out.extend_from_slice(br#","looked_up":{"failed":"#);
                string(out, why);
            }
        }
        if let Some(time) = &l.time {
            out.extend_from_slice(br#","time":"#);
            string(out, time);
        }
        out.push(b'}');
    }
    out.push(b'}');
}

fn opt_path_ref(out: &mut Vec<u8>, p: Option<&PathRef>) {
    match p {
        Some(p) => path_ref(out, p),
        None => out.extend_from_slice(b"null"),
    }
}

fn opt_sock_addr(out: &mut Vec<u8>, addr: Option<&SockAddr>) {
    match addr {
        None => out.extend_from_slice(b"null"),
        Some(SockAddr::Inet { ip, port }) => {
            out.extend_from_slice(br#"{"family":"inet","ip":"#);
            string(out, ip);
            out.extend_from_slice(br#","port":"#);
            uint(out, u64::from(*port));
            out.push(b'}');
        }
        Some(SockAddr::Inet6 { ip, port }) => {
            out.extend_from_slice(br#"{"family":"inet6","ip":"#);
            string(out, ip);
            out.extend_from_slice(br#","port":"#);
            uint(out, u64::from(*port));
            out.push(b'}');
        }
        Some(SockAddr::Unix {
            path,
            abstract_name,
        }) => {
            out.extend_from_slice(br#"{"family":"unix""#);
            if let Some(path) = path {
                out.extend_from_slice(br#","path":"#);
                string(out, path);
            }
            if let Some(name) = abstract_name {
                out.extend_from_slice(br#","abstract_name":"#);
                string(out, name);
            }
            out.push(b'}');
        }
        Some(SockAddr::Other { number, hex }) => {
            out.extend_from_slice(br#"{"family":"other","number":"#);
            uint(out, u64::from(*number));
            out.extend_from_slice(br#","hex":"#);
            string(out, hex);
            out.push(b'}');
        }
    }
}

fn opt_creds(out: &mut Vec<u8>, c: Option<&Creds>) {
    let Some(c) = c else {
        out.extend_from_slice(b"null");
        return;
    };
    let Creds {
        uid,
        gid,
        suid,
        sgid,
        euid,
        egid,
        fsuid,
        fsgid,
    } = *c;
    for (key, v) in [
        (&br#"{"uid":"#[..], uid),
        (br#","gid":"#, gid),
        (br#","suid":"#, suid),
        (br#","sgid":"#, sgid),
        (br#","euid":"#, euid),
        (br#","egid":"#, egid),
        (br#","fsuid":"#, fsuid),
        (br#","fsgid":"#, fsgid),
    ] {
        out.extend_from_slice(key);
        uint(out, u64::from(v));
    }
    out.push(b'}');
}

fn call_site(out: &mut Vec<u8>, c: &CallSite) {
    let CallSite {
        address,
        file,
        offset,
        inode,
        dev,
        executable,
        unresolved,
    } = c;
    out.extend_from_slice(br#"{"address":"#);
    opt_string(out, address.as_deref());
    out.extend_from_slice(br#","file":"#);
    opt_string(out, file.as_deref());
    if let Some(offset) = offset {
        out.extend_from_slice(br#","offset":"#);
        string(out, offset);
    }
    if let Some(inode) = inode {
        out.extend_from_slice(br#","inode":"#);
        uint(out, *inode);
    }
    if let Some(dev) = dev {
        out.extend_from_slice(br#","dev":"#);
        string(out, dev);
    }
    if *executable {
        out.extend_from_slice(br#","executable":true"#);
    }
    if let Some(why) = unresolved {
        out.extend_from_slice(br#","unresolved":"#);
        string(out, why);
    }
    out.push(b'}');
}

fn boolean(out: &mut Vec<u8>, b: bool) {
    out.extend_from_slice(if b { b"true" } else { b"false" });
}

fn strings(out: &mut Vec<u8>, items: &[String]) {
    out.push(b'[');
    for (i, s) in items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        string(out, s);
    }
    out.push(b']');
}

fn opt_string(out: &mut Vec<u8>, s: Option<&str>) {
    match s {
        Some(s) => string(out, s),
        None => out.extend_from_slice(b"null"),
    }
}

fn opt_uint(out: &mut Vec<u8>, v: Option<impl Into<u64>>) {
    match v {
        Some(v) => uint(out, v.into()),
        None => out.extend_from_slice(b"null"),
    }
}

fn opt_int(out: &mut Vec<u8>, v: Option<i32>) {
    match v {
        Some(v) => int(out, i64::from(v)),
        None => out.extend_from_slice(b"null"),
    }
}

/// A JSON string, escaped as serde_json escapes: `"` and `\`, the short forms of backspace,
/// form feed, newline, carriage return and tab, `\u00xx` (lower-case hex) for the other
/// control bytes; everything else (DEL, non-ASCII) as it is.
pub(crate) fn string(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    if !any_needs_escape(bytes) {
        out.extend_from_slice(bytes);
    } else {
        let mut run = 0;
        for (i, &b) in bytes.iter().enumerate() {
            if !needs_escape(b) {
                continue;
            }
            out.extend_from_slice(&bytes[run..i]);
            run = i + 1;
            match b {
                b'"' => out.extend_from_slice(br#"\""#),
                b'\\' => out.extend_from_slice(br"\\"),
                0x08 => out.extend_from_slice(br"\b"),
                0x0c => out.extend_from_slice(br"\f"),
                b'\n' => out.extend_from_slice(br"\n"),
                b'\r' => out.extend_from_slice(br"\r"),
                b'\t' => out.extend_from_slice(br"\t"),
                _ => {
                    const HEX: &[u8; 16] = b"0123456789abcdef";
                    out.extend_from_slice(&[
                        b'\\',
                        b'u',
                        b'0',
                        b'0',
                        HEX[usize::from(b >> 4)],
                        HEX[usize::from(b & 0xf)],
                    ]);
                }
            }
        }
        out.extend_from_slice(&bytes[run..]);
    }
    out.push(b'"');
}

/// Whether a byte of `bytes` must be escaped: eight at a time (most strings need nothing).
#[inline]
fn any_needs_escape(bytes: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    /// A byte of `x` is zero (the classic bit trick; exact, no false positives once
    /// combined with `!x`).
    fn zero_byte(x: u64) -> u64 {
        x.wrapping_sub(ONES) & !x & HIGH
    }
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let x = u64::from_le_bytes(c.try_into().expect("8 bytes"));
        // A byte below 0x20: x - 0x20 borrows into its high bit, and it had none set.
        let control = x.wrapping_sub(ONES * 0x20) & !x & HIGH;
        if control
            | zero_byte(x ^ (ONES * u64::from(b'"')))
            | zero_byte(x ^ (ONES * u64::from(b'\\')))
            != 0
        {
            return true;
        }
    }
    chunks.remainder().iter().any(|&b| needs_escape(b))
}

#[inline]
fn needs_escape(b: u8) -> bool {
    b < 0x20 || b == b'"' || b == b'\\'
}

/// Decimal digits of `v`.
pub(crate) fn uint(out: &mut Vec<u8>, mut v: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    out.extend_from_slice(&buf[i..]);
}

fn int(out: &mut Vec<u8>, v: i64) {
    if v < 0 {
        out.push(b'-');
    }
    uint(out, v.unsigned_abs());
}

#[cfg(test)]
mod tests {
    use std::{io::Read as _, path::PathBuf};

    use super::*;
    use crate::trace::{Line, Repeat, write::EventLine};

    /// Every event line of the committed traces: the fixtures the stages are tested on and
    /// the recorded examples (real recordings of packages, in every kind they hold).
    fn corpus() -> Vec<(PathBuf, Event)> {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        for dir in ["tests/fixtures", "tests/fuzz/trace"] {
            for entry in std::fs::read_dir(root.join(dir)).unwrap() {
                let path = entry.unwrap().path();
                if path.extension().is_some_and(|e| e == "jsonl") {
                    files.push(path);
                }
            }
        }
        let mut stack = vec![root.join("../examples")];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.file_name().is_some_and(|n| n == "trace.jsonl.gz") {
                    files.push(path);
                }
            }
        }
        files.sort();
        let mut events = Vec::new();
        for path in files {
            let mut text = String::new();
            let file = std::fs::File::open(&path).unwrap();
            if path.extension().is_some_and(|e| e == "gz") {
                flate2::read::GzDecoder::new(file)
                    .read_to_string(&mut text)
                    .unwrap();
            } else {
                std::io::BufReader::new(file)
                    .read_to_string(&mut text)
                    .unwrap();
            }
            let mut common = 0u32;
            for line in text.lines() {
                // The examples' 370,000 opens, getenvs and getrandoms differ mostly in their
                // paths and times: one in 16 of them keeps the test fast in a debug build.
                if [
                    "\"kind\":\"open\"",
                    "\"kind\":\"getenv\"",
                    "\"kind\":\"getrandom\"",
                ]
                .iter()
                .any(|k| line.contains(k))
                    && path.extension().is_some_and(|e| e == "gz")
                {
                    common += 1;
                    if !common.is_multiple_of(16) {
                        continue;
                    }
                }
                // A fuzz input may hold lines no reader takes: only events are of interest.
                if let Ok(Line::Event(e)) = serde_json::from_str::<Line>(line) {
                    events.push((path.clone(), *e));
                }
            }
        }
        events
    }

    fn by_serde(event: &Event) -> Vec<u8> {
        serde_json::to_vec(&EventLine { event }).unwrap()
    }

    fn by_hand(event: &Event) -> Vec<u8> {
        let mut out = Vec::new();
        event_line(&mut out, event);
        out
    }

    fn assert_same(event: &Event, what: &dyn std::fmt::Display) {
        let (hand, serde) = (by_hand(event), by_serde(event));
        assert!(
            hand == serde,
            "{what}: the hand-written line differs from serde's\nhand:  {}\nserde: {}",
            String::from_utf8_lossy(&hand),
            String::from_utf8_lossy(&serde)
        );
    }

    #[test]
    fn every_committed_event_is_written_byte_for_byte_as_serde_writes_it() {
        let events = corpus();
        let kinds: std::collections::BTreeSet<_> =
            events.iter().map(|(_, e)| e.data.kind().name()).collect();
        // The corpus holds the storm kinds and more: if it shrank, this test would prove less.
        assert!(events.len() > 50_000, "{} events", events.len());
        for kind in [
            "open", "socket", "connect", "getenv", "exec", "fork", "exit", "rename",
        ] {
            assert!(
                kinds.contains(kind),
                "no {kind} event in the corpus: {kinds:?}"
            );
        }
        for (path, mut event) in events {
            assert_same(
                &event,
                &format_args!("{}, seq {}", path.display(), event.seq),
            );
            // The same event as an aggregated line, with the header's flags.
            event.repeat = Some(Repeat {
                count: 3,
                last_ts_ns: event.ts_ns + 1,
                last_time: event.time.clone(),
            });
            event.flags = vec!["path_truncated".to_owned(), "read_failed".to_owned()];
            assert_same(
                &event,
                &format_args!("{}, seq {} repeated", path.display(), event.seq),
            );
        }
    }

    /// The fields written only when set, and every address family, which the committed
    /// traces hold few or none of: each in every hand-written kind that has it.
    #[test]
    fn every_optional_field_and_address_is_written_as_serde_writes_it() {
        let (_, base) = corpus().into_iter().next().expect("a committed event");
        let path = |given: Option<&str>, real: Option<&str>| PathRef {
            resolved: Some("/etc/a b\"c".into()),
            given: given.map(Into::into),
            real: real.map(Into::into),
            looked_up: None,
        };
        let paths = [
            path(None, None),
            path(Some("a"), None),
            path(None, Some("/x")),
            path(Some("\u{1}"), Some("é")),
            PathRef {
                resolved: None,
                given: Some("rel".into()),
                real: None,
                looked_up: None,
            },
            PathRef {
                looked_up: Some(super::super::LookedUp {
                    found: Found::Name("/srv/\"x".into()),
                    time: Some("2026-12-05T07:00:00.000000001Z".into()),
                }),
                ..path(Some("lnk/x"), None)
            },
            PathRef {
                looked_up: Some(super::super::LookedUp {
                    found: Found::Failed("ENOENT".into()),
                    time: None,
                }),
                ..path(Some("a/../b"), Some("/y"))
            },
        ];
        let addrs = [
            None,
            Some(SockAddr::Inet {
                ip: "127.0.0.1".into(),
                port: 80,
            }),
            Some(SockAddr::Inet6 {
                ip: "::1".into(),
                port: 65535,
            }),
            Some(SockAddr::Unix {
                path: None,
                abstract_name: None,
            }),
            Some(SockAddr::Unix {
                path: Some("/run/s".into()),
                abstract_name: None,
            }),
            Some(SockAddr::Unix {
                path: None,
                abstract_name: Some("\0x".into()),
            }),
            Some(SockAddr::Other {
                number: 16,
                hex: "00ff".into(),
            }),
        ];
        let callers = [
            None,
            Some(CallSite {
                address: None,
                file: None,
                offset: None,
                inode: None,
                dev: None,
                executable: false,
                unresolved: Some("no mapping found".into()),
            }),
            Some(CallSite {
                address: Some("0x7f00".into()),
                file: Some("libc.so.6".into()),
                offset: Some("0x1234".into()),
                inode: Some(42),
                dev: Some("8:1".into()),
                executable: true,
                unresolved: None,
            }),
        ];
        let creds = Creds {
            uid: 1,
            gid: 2,
            suid: 3,
            sgid: 4,
            euid: 5,
            egid: 6,
            fsuid: 7,
            fsgid: 8,
        };
        let mut data = Vec::new();
        for p in &paths {
            for resolve in [0, 8] {
                for mode in [None, Some(0o644)] {
                    data.push(EventData::Open {
                        path: p.clone(),
                        flags: vec!["O_RDONLY".into(), "0x80000000".into()],
                        flags_raw: u64::MAX,
                        mode,
                        access: "read".into(),
                        resolve,
                    });
                }
            }
            for (before, after, caps, setid_file) in [
                (None, None, vec![], false),
                (Some(creds), Some(creds), vec!["CAP_NET_RAW".into()], true),
            ] {
                data.push(EventData::Exec {
                    path: p.clone(),
                    interpreter: setid_file.then(|| "/usr/bin/python3.12".into()),
                    argv: vec![],
                    argv_truncated: true,
                    before,
                    after,
                    setid: true,
                    setid_file,
                    caps_gained: caps,
                });
            }
            data.push(EventData::Rename {
                from: p.clone(),
                to: paths[1].clone(),
                flags: 1,
            });
            for fd in [None, Some(-100)] {
                for path in [None, Some(p.clone())] {
                    data.push(EventData::Chmod {
                        path: path.clone(),
                        fd,
                        mode: 0o4755,
                    });
                    data.push(EventData::Chdir {
                        path: path.clone(),
                        fd,
                    });
                    data.push(EventData::Xattr {
                        path,
                        fd,
                        name: "security.capability".into(),
                        op: "set".into(),
                        flags: 2,
                    });
                }
            }
        }
        for a in &addrs {
            data.push(EventData::Connect {
                fd: -1,
                addr: a.clone(),
            });
            for autobind in [false, true] {
                data.push(EventData::Bind {
                    fd: 3,
                    addr: a.clone(),
                    autobind,
                });
            }
            data.push(EventData::Listen {
                fd: 3,
                backlog: i32::MIN,
                addr: a.clone(),
            });
            data.push(EventData::Accept {
                fd: 3,
                peer: a.clone(),
                local: addrs[1].clone(),
            });
            for netlink in [
                None,
                Some(crate::trace::NetlinkMsg {
                    protocol: None,
                    msg_type: Some("RTM_NEWADDR".into()),
                    msg_type_raw: Some(20),
                    flags: Some(5),
                    more: true,
                }),
            ] {
                data.push(EventData::Send {
                    fd: 3,
                    addr: a.clone(),
                    netlink,
                });
            }
        }
        for caller in callers {
            data.push(EventData::Getenv {
                name: "HOME".into(),
                secure: true,
                caller: caller.clone(),
            });
            data.push(EventData::Crypto {
                library: "libcrypto.so".into(),
                function: "RAND_bytes".into(),
                caller,
            });
        }
        data.push(EventData::Exit {
            status: Some(-1),
            code: None,
            signal: Some(9),
            core_dumped: true,
        });
        for data in data {
            for repeat in [
                None,
                Some(Repeat {
                    count: 2,
                    last_ts_ns: 1,
                    last_time: "t".into(),
                }),
            ] {
                let event = Event {
                    data: data.clone(),
                    repeat,
                    ..base.clone()
                };
                assert_same(&event, &format_args!("{data:?}"));
            }
        }
    }

    /// Every string of `v` but the enum tags replaced by one from `pick`.
    fn replace_strings(v: &mut serde_json::Value, pick: &mut impl FnMut() -> String) {
        match v {
            serde_json::Value::String(s) => *s = pick(),
            serde_json::Value::Array(items) => {
                items.iter_mut().for_each(|i| replace_strings(i, pick))
            }
            serde_json::Value::Object(map) => {
                for (k, item) in map.iter_mut() {
                    if !matches!(k.as_str(), "type" | "kind" | "family") {
                        replace_strings(item, pick);
                    }
                }
            }
            _ => {}
        }
    }

    /// One committed event of each kind and shape (which optional fields it has).
    fn samples() -> Vec<Event> {
        let mut seen = std::collections::BTreeSet::new();
        corpus()
            .into_iter()
            .filter_map(|(_, e)| {
                let shape: Vec<_> = serde_json::to_value(&e.data)
                    .unwrap()
                    .get("fields")
                    .and_then(|f| f.as_object().cloned())
                    .unwrap_or_default()
                    .into_iter()
                    .map(|(k, v)| (k, v.is_null()))
                    .collect();
                seen.insert((e.data.kind().name(), shape)).then_some(e)
            })
            .collect()
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        /// Committed events of every kind and shape, each string replaced by arbitrary text
        /// (control bytes, quotes, backslashes, non-ASCII).
        #[test]
        fn events_with_any_strings_are_written_as_serde_writes_them(
            texts in proptest::collection::vec("(?s).{0,12}", 1..64),
            seq: u64,
            ret: i64,
        ) {
            use std::sync::OnceLock;
            static SAMPLES: OnceLock<Vec<Event>> = OnceLock::new();
            for sample in SAMPLES.get_or_init(samples) {
                let mut value = serde_json::to_value(EventLine { event: sample }).unwrap();
                let mut i = 0;
                replace_strings(&mut value, &mut || {
                    i += 1;
                    texts[i % texts.len()].clone()
                });
                // A string where the kind wants a number (none does) would not read back.
                let Ok(Line::Event(mut event)) = serde_json::from_value::<Line>(value) else {
                    continue;
                };
                event.seq = seq;
                if let Some(r) = &mut event.result {
                    r.ret = ret;
                }
                let (hand, serde) = (by_hand(&event), by_serde(&event));
                proptest::prop_assert_eq!(
                    String::from_utf8_lossy(&hand),
                    String::from_utf8_lossy(&serde)
                );
            }
        }
    }

    fn serde_string(s: &str) -> Vec<u8> {
        serde_json::to_vec(s).unwrap()
    }

    #[test]
    fn every_byte_escapes_as_serde_json_escapes_it() {
        let all: String = (0u8..=0x7f).map(char::from).collect();
        let mut out = Vec::new();
        string(&mut out, &all);
        assert_eq!(out, serde_string(&all));
        for c in ['\u{80}', 'é', '\u{2028}', '\u{fffd}', '😀'] {
            let s = format!("a{c}\"{c}\\");
            let mut out = Vec::new();
            string(&mut out, &s);
            assert_eq!(out, serde_string(&s), "{s:?}");
        }
    }

    #[test]
    fn the_eight_at_a_time_check_finds_every_byte_to_escape_anywhere() {
        for len in 0..20 {
            for at in 0..len {
                for b in 0..=255u8 {
                    let mut bytes = vec![b'a'; len];
                    bytes[at] = b;
                    assert_eq!(
                        any_needs_escape(&bytes),
                        needs_escape(b),
                        "byte {b:#x} at {at} of {len}"
                    );
                    // With other bytes that need none, high ones included, around it.
                    bytes
                        .iter_mut()
                        .enumerate()
                        .filter(|(i, _)| *i != at)
                        .for_each(|(_, x)| *x = 0xff);
                    assert_eq!(any_needs_escape(&bytes), needs_escape(b));
                }
            }
        }
    }

    #[test]
    fn integers_print_as_serde_json_prints_them() {
        for v in [0u64, 1, 9, 10, 99, 100, 4_294_967_295, u64::MAX] {
            let mut out = Vec::new();
            uint(&mut out, v);
            assert_eq!(out, serde_json::to_vec(&v).unwrap());
        }
        for v in [0i64, -1, -9, -10, -4095, i64::MIN, i64::MAX] {
            let mut out = Vec::new();
            int(&mut out, v);
            assert_eq!(out, serde_json::to_vec(&v).unwrap());
        }
    }

    proptest::proptest! {
        #[test]
        fn any_string_escapes_as_serde_json_escapes_it(s in "(?s).{0,40}") {
            let mut out = Vec::new();
            string(&mut out, &s);
            proptest::prop_assert_eq!(out, serde_string(&s));
        }

        #[test]
        fn any_integer_prints_as_serde_json_prints_it(u: u64, i: i64) {
            let mut out = Vec::new();
            uint(&mut out, u);
            proptest::prop_assert_eq!(&out, &serde_json::to_vec(&u).unwrap());
            out.clear();
            int(&mut out, i);
            proptest::prop_assert_eq!(&out, &serde_json::to_vec(&i).unwrap());
        }
    }
}
