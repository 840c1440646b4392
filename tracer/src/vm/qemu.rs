//! The qemu process: which accelerator, the command line, and a hard deadline.
//!
//! The guest has no NIC (`-nic none`), its root disk is opened with `snapshot=on` (writes go
//! to a temporary file qemu deletes), the payload disk is read-only, and the serial console goes
//! to a log file. The process is killed when the [`Vm`] is dropped, so no error path leaves a
//! guest running.

use std::{
    fmt,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use super::{
    Result, VmError,
    image::{Image, ROOT_LABEL},
    util::{describe, io_err, require, tail},
};

pub const ACCEL_ENV: &str = "TRACER_VM_ACCEL";
const QEMU: &str = "qemu-system-x86_64";

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Accel {
    Kvm,
    Tcg,
}

impl fmt::Display for Accel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Accel::Kvm => "kvm",
            Accel::Tcg => "tcg",
        })
    }
}

impl Accel {
    fn qemu_args(self) -> [&'static str; 4] {
        match self {
            Accel::Kvm => ["-accel", "kvm", "-cpu", "host"],
            Accel::Tcg => ["-accel", "tcg,thread=multi", "-cpu", "max"],
        }
    }
}

/// KVM when it really runs a guest, else TCG. `/dev/kvm` being there is not enough: on some
/// hosts (nested, PVM-backed) qemu aborts on the first MSR write, so this boots the image's
/// kernel with no root file system under KVM and accepts KVM only if the kernel got as far as
/// looking for one. `TRACER_VM_ACCEL=kvm|tcg` skips the probe.
pub fn choose_accel(image: &Image, scratch: &Path) -> Result<Accel> {
    match std::env::var(ACCEL_ENV).ok().as_deref() {
        Some("kvm") => return Ok(Accel::Kvm),
        Some("tcg") => return Ok(Accel::Tcg),
        _ => {}
    }
    let usable = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/kvm")
        .is_ok();
    if !usable {
        tracing::info!("vm: /dev/kvm not usable, using TCG (software emulation, slower)");
        return Ok(Accel::Tcg);
    }
    require("qemu-system-x86_64")?;
    let log = scratch.join("kvm-probe.log");
    let mut cmd = Command::new(QEMU);
    cmd.args(["-machine", "q35", "-m", "256", "-smp", "1"])
        .args(Accel::Kvm.qemu_args())
        .args(ISOLATION)
        .arg("-serial")
        .arg(format!("file:{}", log.display()))
        .arg("-kernel")
        .arg(&image.kernel)
        .args(["-append", "console=ttyS0 panic=-1 root=/dev/nonexistent"]);
    let ok = match Vm::spawn(cmd, log.clone()) {
        Ok(mut vm) => {
            matches!(vm.wait(Duration::from_secs(30)), Ok(Some(s)) if s.success())
                && std::fs::read_to_string(&log).is_ok_and(|t| t.contains("Kernel panic"))
        }
        Err(_) => false,
    };
    let accel = if ok { Accel::Kvm } else { Accel::Tcg };
    tracing::info!(%accel, "vm: accelerator probed (KVM must boot a kernel to be used)");
    Ok(accel)
}

/// Arguments every boot gets, the KVM probe included: no display, no default devices, no
/// network card, and power-off instead of reboot.
const ISOLATION: &[&str] = &[
    "-display",
    "none",
    "-nodefaults",
    "-no-reboot",
    "-nic",
    "none",
];

/// A disk attached to the guest, identified inside by /dev/disk/by-id/virtio-<serial>.
#[derive(Debug, Clone)]
pub struct Disk {
    pub path: PathBuf,
    pub serial: &'static str,
    pub format: &'static str,
    pub readonly: bool,
    pub snapshot: bool,
}

/// Units masked on the guest's kernel command line: nothing a job or a package needs waits
/// for them, and under TCG their start-up took the two vCPUs while udev looked for the job's
/// disks (`systemd-analyze blame` in a cron check's guest: e2scrub_reap 11.8 s and
/// getty-static 7.4 s, beside the job's critical chain of 16.7 s). `getty.target` takes the
/// seven gettys with it (tty1-6 and the serial console's): no one logs in to the guest.
/// `e2scrub_reap` removes e2scrub's snapshots of LVM volumes; the guest has none.
pub const BOOT_MASK: &str = "systemd.mask=getty.target systemd.mask=e2scrub_reap.service";

/// The full qemu command for a job boot.
pub fn command(
    image: &Image,
    accel: Accel,
    disks: &[Disk],
    console: &Path,
    memory_mib: u32,
) -> Command {
    let mut cmd = Command::new(QEMU);
    cmd.args(["-machine", "q35"])
        .args(accel.qemu_args())
        .args(["-smp", "2", "-m", &memory_mib.to_string()])
        .args(ISOLATION)
        .args(["-monitor", "none"])
        .arg("-serial")
        .arg(format!("file:{}", console.display()))
        .arg("-kernel")
        .arg(&image.kernel)
        .arg("-initrd")
        .arg(&image.initrd)
        .arg("-append")
        .arg(format!(
            // bpf in lsm= so the tracer's LSM programs fire, not just attach. BOOT_MASK: units
            // the job never needs, whose boot work competes with udev for the guest's CPUs.
            // no_timer_check: under TCG on a loaded host the emulated timer's first interrupts
            // come late, and the kernel's IO-APIC timer check panics the boot ("IO-APIC +
            // timer doesn't work!", seen 2026-12-05 at load 13); a guest needs no such check.
            "root=LABEL={ROOT_LABEL} rw console=ttyS0 panic=-1 no_timer_check \
             lsm=landlock,lockdown,yama,integrity,apparmor,bpf systemd.show_status=error \
             {BOOT_MASK}"
        ));
    for (i, d) in disks.iter().enumerate() {
        let mut drive = format!(
            "file={},if=none,id=d{i},format={},cache=unsafe",
            d.path.display(),
            d.format
        );
        if d.readonly {
            drive.push_str(",readonly=on");
        }
        if d.snapshot {
            drive.push_str(",snapshot=on");
        }
        cmd.arg("-drive").arg(drive);
        // qemu 10 has no `-drive serial=`: the serial goes on the device. No MSI-X (see
        // NO_MSIX).
        cmd.arg("-device").arg(format!(
            "virtio-blk-pci,drive=d{i},serial={},{NO_MSIX}",
            d.serial
        ));
    }
    cmd
}

/// Virtio-serial ports named `name` in the guest (`/dev/virtio-ports/<name>`), each written by
/// qemu to a host file. The guest can only append: it cannot read, seek or truncate the file.
pub fn serial_ports(cmd: &mut Command, ports: &[(&str, &Path)]) {
    cmd.arg("-device")
        .arg(format!("virtio-serial-pci,id=vser,{NO_MSIX}"));
    for (i, (name, path)) in ports.iter().enumerate() {
        cmd.arg("-chardev")
            .arg(format!("file,id=port{i},path={}", path.display()))
            .arg("-device")
            .arg(format!(
                "virtserialport,bus=vser.0,chardev=port{i},name={name},id={}",
                port_device_id(name)
            ));
    }
}

/// The qemu device id of the port named `name`: how QMP's `VSERPORT_CHANGE` names it.
pub fn port_device_id(name: &str) -> String {
    format!("vser-{name}")
}

/// A QMP socket on the host at `socket`, for [`super::qmp`]; the guest has no way to it.
pub fn qmp(cmd: &mut Command, socket: &Path) {
    cmd.arg("-qmp")
        .arg(format!("unix:{},server=on,wait=off", socket.display()));
}

/// Virtio devices without MSI-X, on legacy interrupts. Under multi-threaded TCG, qemu 10.0
/// aborted a CI run while the guest kernel programmed a virtio device's MSI-X table
/// (`hw/pci/msix.c:228: msix_table_mmio_write: Assertion ... failed`, SIGABRT 1.6 s into the
/// boot): a race in qemu, not in the guest. A handful of disks and ports need no per-queue
/// vectors.
const NO_MSIX: &str = "vectors=0";

/// A running guest. Dropping it kills qemu.
pub struct Vm {
    child: Child,
    console: PathBuf,
    command: String,
}

impl Vm {
    pub fn spawn(mut cmd: Command, console: PathBuf) -> Result<Self> {
        require("qemu-system-x86_64")?;
        let command = describe(&cmd);
        tracing::debug!(%command, "vm: starting qemu");
        // Drop covers every error path but not our own death by signal: the kernel then kills
        // qemu, so no guest outlives the tracer that started it.
        // SAFETY: prctl is async-signal-safe and touches no memory of the parent.
        unsafe {
            use std::os::unix::process::CommandExt as _;
            cmd.pre_exec(|| {
                if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) == 0 {
                    Ok(())
                } else {
                    Err(std::io::Error::last_os_error())
                }
            });
        }
        let child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|error| VmError::Spawn {
                command: command.clone(),
                error,
            })?;
        Ok(Self {
            child,
            console,
            command,
        })
    }

    /// Waits for qemu to exit; `None` when `limit` passed first (the guest is still running).
    pub fn wait(&mut self, limit: Duration) -> Result<Option<std::process::ExitStatus>> {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().map_err(io_err(&self.console))? {
                return Ok(Some(status));
            }
            if start.elapsed() >= limit {
                return Ok(None);
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// What qemu itself printed (an error about a disk or an accelerator), after it exited.
    pub fn stderr(&mut self) -> String {
        use std::io::Read as _;
        let mut s = String::new();
        if let Some(e) = self.child.stderr.as_mut() {
            let _ = e.read_to_string(&mut s);
        }
        s
    }

    pub fn console_tail(&self, lines: usize) -> String {
        let text = std::fs::read(&self.console)
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default();
        let t = tail(&text.replace('\r', ""), lines);
        if t.is_empty() {
            format!("(console empty; qemu: {})", self.command)
        } else {
            t
        }
    }

    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Vm {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            tracing::warn!("vm: destroying the guest");
        }
        self.kill();
    }
}
