//! The disposable VM, for real: builds (or reuses) the Debian guest image, fetches `cron` from
//! Debian on the host, boots the guest under qemu (KVM if it works, else TCG) with no NIC, and
//! checks what the guest reports back through the output disk. One boot; needs root (image
//! build, mke2fs -d with ownership) and the tools of `cargo xtask setup --vm`.

use std::{path::PathBuf, time::Duration};

use tracer::vm::{
    debs::AptRoot,
    image::{ImageSpec, default_cache_dir},
    job::{self, JobOptions},
};

fn require_root() {
    assert!(
        nix::unistd::geteuid().is_root(),
        "the VM test needs root (it builds a Debian image and boots it): run it with sudo"
    );
}

fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("tracer-vm-test-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn guest_installs_cron_from_debian_and_runs_it() {
    require_root();
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter("info")
        .try_init();
    let cache = default_cache_dir();
    let spec = ImageSpec::new("bookworm", &[], None, cache.clone()).expect("valid spec");
    let image = spec.ensure(false).expect("guest image");

    let payload = scratch("payload");
    let debs = AptRoot::prepare(&image, &cache, None)
        .expect("private apt root")
        .fetch(&["cron".into()], &[], &payload.join("debs"))
        .expect("cron and its missing dependencies downloaded");
    assert!(
        debs.iter().any(|d| d
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("cron_")),
        "cron's .deb was fetched: {debs:?}"
    );
    std::fs::write(
        payload.join("job.sh"),
        r#"set -ex
apt-get install -y --no-install-recommends "$TRACER_PAYLOAD"/debs/*.deb
systemctl start cron.service
systemctl is-active cron.service
dpkg -L cron > "$TRACER_OUT/files.txt"
pgrep -a -x cron > "$TRACER_OUT/ps.txt"
ip -o link > "$TRACER_OUT/links.txt"
"#,
    )
    .unwrap();

    let out = scratch("out");
    let outcome = job::run(
        &image,
        &payload,
        &out,
        &JobOptions {
            timeout: Duration::from_secs(600),
            ..JobOptions::default()
        },
    )
    .expect("the job ran and the guest powered off");
    let log = std::fs::read_to_string(out.join("job.log")).unwrap_or_default();
    assert_eq!(outcome.exit_status, 0, "job failed in the guest:\n{log}");
    eprintln!(
        "accel={} boot={:?}s total={:.1}s",
        outcome.accel, outcome.boot_seconds, outcome.total_seconds
    );
    assert!(
        outcome.boot_seconds.is_some(),
        "the job-start mark is on the console"
    );

    let files = std::fs::read_to_string(out.join("files.txt")).unwrap();
    assert!(
        files.lines().any(|l| l == "/usr/sbin/cron"),
        "dpkg -L cron:\n{files}"
    );
    let ps = std::fs::read_to_string(out.join("ps.txt")).unwrap();
    assert!(
        ps.contains("cron"),
        "the cron daemon runs in the guest: {ps:?}"
    );
    // No NIC: only loopback exists in the guest.
    let links = std::fs::read_to_string(out.join("links.txt")).unwrap();
    assert_eq!(links.lines().count(), 1, "only lo: {links}");
    assert!(links.contains(": lo:"), "{links}");
    let console = std::fs::read_to_string(out.join("console.log")).unwrap();
    assert!(
        console.contains("tracer-job: job finished with status 0"),
        "{console}"
    );

    let _ = std::fs::remove_dir_all(&payload);
    let _ = std::fs::remove_dir_all(&out);
}
