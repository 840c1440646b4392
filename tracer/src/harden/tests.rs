use super::*;
use crate::trace::read_trace_from;

/// A trace built from JSON lines, as the recorder writes them.
fn trace(events: &[&str]) -> Trace {
    let header = r#"{"type":"header","format":"tracer-trace","version":1,"tool":{"name":"tracer","version":"0"},"kernel":{"release":"6.1","version":"x","machine":"x86_64"},"hostname":"h","start_time":"2026-01-01T00:00:00Z","start_ts_ns":0,"target":{"mode":"system"},"hooks":{"attached":[],"failed":[]},"capabilities":{"task_fields":true},"limits":{"path_bytes":4095,"argv_bytes":16384,"arg_bytes":4095,"max_args":1024,"addr_bytes":128},"buffer_bytes":4096}"#;
    let mut text = String::from(header);
    for (seq, e) in events.iter().enumerate() {
        text.push('\n');
        text.push_str(&format!(
            r#"{{"type":"event","seq":{seq},"time":"2026-01-01T00:00:00Z","ts_ns":{seq},"pid":{pid},"tid":{pid},"ppid":1,"comm":"d","ids":{{"uid":{uid},"gid":0,"euid":{uid},"egid":0}},"cgroup_id":1,"syscall":"x","result":{{"ret":0}},{e}}}"#,
            pid = if e.contains("\"other\"") { 99 } else { 10 },
            uid = if e.contains("\"asroot\"") { 0 } else { 100 },
        ));
    }
    read_trace_from(text.as_bytes(), std::path::Path::new("t.jsonl")).unwrap()
}

fn lines(d: &Draft) -> Vec<String> {
    d.directives.iter().map(|x| x.line()).collect()
}

#[test]
fn writes_become_read_write_paths_and_tmp_stays_private() {
    let t = trace(&[
        r#""kind":"exec","fields":{"path":{"given":"/usr/sbin/food"},"argv":["food"],"argv_truncated":false,"before":null,"after":null,"setid":false}"#,
        r#""kind":"open","fields":{"path":{"given":"/var/lib/food/db/state.db"},"flags":["O_CREAT"],"flags_raw":64,"mode":420,"access":"write"}"#,
        r#""kind":"open","fields":{"path":{"given":"/tmp/food.lock"},"flags":["O_CREAT"],"flags_raw":64,"mode":420,"access":"write"}"#,
        r#""kind":"open","fields":{"path":{"given":"/etc/food.conf"},"flags":[],"flags_raw":0,"mode":null,"access":"read"}"#,
    ]);
    let sel = select(&t, Some(&DaemonSelector("/usr/sbin/food".into())));
    let d = draft(&t, "/usr/sbin/food", &sel);
    let l = lines(&d);
    assert!(l.iter().any(|x| x == "ProtectSystem=strict"), "{l:?}");
    assert!(
        l.iter().any(|x| x == "ReadWritePaths=/var/lib/food"),
        "{l:?}"
    );
    assert!(l.iter().any(|x| x == "PrivateTmp=yes"), "{l:?}");
    assert!(l.iter().any(|x| x == "ProtectHome=yes"), "{l:?}");
    assert!(
        l.iter().any(|x| x == "RestrictAddressFamilies=none"),
        "{l:?}"
    );
    assert!(
        l.iter().any(|x| x == "CapabilityBoundingSet="),
        "never root: {l:?}"
    );
    assert_eq!(d.processes, 1);
}

#[test]
fn a_public_listener_withholds_the_address_list_and_root_calls_set_capabilities() {
    let t = trace(&[
        r#""kind":"socket","fields":{"domain":"AF_INET","type":"SOCK_STREAM","protocol":0},"asroot":1"#,
        r#""kind":"bind","fields":{"fd":3,"addr":{"family":"inet","ip":"0.0.0.0","port":80}}"#,
        r#""kind":"setuid","fields":{"requested":[33]}"#,
        r#""kind":"exec","fields":{"path":{"given":"/usr/bin/sudo"},"argv":["sudo"],"argv_truncated":false,"before":null,"after":null,"setid":true}"#,
    ]);
    let d = draft(&t, "all", &select(&t, None));
    let l = lines(&d);
    assert!(
        l.iter().any(|x| x == "RestrictAddressFamilies=AF_INET"),
        "{l:?}"
    );
    assert!(!l.iter().any(|x| x.starts_with("IPAddressDeny")), "{l:?}");
    assert!(
        l.iter()
            .any(|x| x == "CapabilityBoundingSet=CAP_NET_BIND_SERVICE CAP_SETUID"),
        "{l:?}"
    );
    let withheld: Vec<&str> = d.withheld.iter().map(|w| w.key).collect();
    assert_eq!(withheld, ["NoNewPrivileges", "IPAddressDeny"]);
}

#[test]
fn outgoing_destinations_become_the_allow_list() {
    let t = trace(&[
        r#""kind":"socket","fields":{"domain":"AF_INET","type":"SOCK_STREAM","protocol":0}"#,
        r#""kind":"connect","fields":{"fd":3,"addr":{"family":"inet","ip":"127.0.0.1","port":5432}}"#,
        r#""kind":"connect","fields":{"fd":4,"addr":{"family":"inet","ip":"169.254.169.254","port":80}}"#,
        r#""kind":"connect","fields":{"fd":5,"addr":{"family":"inet","ip":"10.0.0.9","port":80}},"other":1"#,
    ]);
    let sel = select(&t, None);
    let d = draft(&t, "all", &sel);
    let l = lines(&d);
    assert!(l.iter().any(|x| x == "IPAddressDeny=any"), "{l:?}");
    assert!(
        l.iter()
            .any(|x| x == "IPAddressAllow=10.0.0.9 169.254.169.254 localhost"),
        "{l:?}"
    );
}

#[test]
fn a_hostile_path_cannot_add_a_directive() {
    let t = trace(&[
        r#""kind":"open","fields":{"path":{"given":"/srv/x\n[Service]\nExecStartPre=/bin/evil"},"flags":["O_CREAT"],"flags_raw":64,"mode":420,"access":"write"}"#,
        r#""kind":"open","fields":{"path":{"given":"/srv/a b/c"},"flags":["O_CREAT"],"flags_raw":64,"mode":420,"access":"write"}"#,
    ]);
    let d = draft(&t, "all", &select(&t, None));
    let text = render(&d, "t.jsonl");
    let directive_lines: Vec<&str> = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .collect();
    assert!(
        directive_lines
            .iter()
            .all(|l| l.starts_with('[') || l.contains('=') && !l.contains("ExecStart")),
        "{text}"
    );
    assert_eq!(
        text.lines().filter(|l| *l == "[Service]").count(),
        1,
        "{text}"
    );
    assert!(!text.contains("ReadWritePaths="), "{text}");
    assert!(text.contains("left out"), "{text}");
}

#[test]
fn a_clock_set_needs_cap_sys_time_and_a_clock_query_does_not() {
    let query = r#""kind":"clock","fields":{"call":"adjtimex","clock":"CLOCK_REALTIME","modes_raw":0,"time":null,"query":true},"asroot":1"#;
    let t = trace(&[query]);
    let l = lines(&draft(&t, "all", &select(&t, None)));
    assert!(l.iter().any(|x| x == "CapabilityBoundingSet="), "{l:?}");
    let t = trace(&[
        query,
        r#""kind":"clock","fields":{"call":"clock_adjtime","clock":"CLOCK_REALTIME","modes":["ADJ_FREQUENCY"],"modes_raw":2,"time":null,"query":false},"asroot":1"#,
    ]);
    let d = draft(&t, "all", &select(&t, None));
    let l = lines(&d);
    assert!(
        l.iter().any(|x| x == "CapabilityBoundingSet=CAP_SYS_TIME"),
        "{l:?}"
    );
    let cap = d
        .directives
        .iter()
        .find(|x| x.key == "CapabilityBoundingSet")
        .expect("the capability line");
    assert!(
        cap.because[0].starts_with("CAP_SYS_TIME: "),
        "{:?}",
        cap.because
    );
}

#[test]
fn a_privileged_call_adds_its_capability_and_a_quota_read_or_a_forged_one_does_not() {
    let t = trace(&[
        r#""kind":"privileged_call","fields":{"call":"sethostname","capability":"CAP_SYS_ADMIN","name":"h","query":false},"asroot":1"#,
        r#""kind":"privileged_call","fields":{"call":"quotactl","capability":"CAP_SYS_RAWIO","op":"Q_GETFMT","query":true},"asroot":1"#,
        r#""kind":"privileged_call","fields":{"call":"x","capability":"CAP_MADE_UP","query":false},"asroot":1"#,
    ]);
    let l = lines(&draft(&t, "all", &select(&t, None)));
    assert!(
        l.iter().any(|x| x == "CapabilityBoundingSet=CAP_SYS_ADMIN"),
        "{l:?}"
    );
}
