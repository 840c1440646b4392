#!/bin/sh
# mmdebstrap --customize-hook: runs on the host once the packages are installed, with the
# image's root directory as $1. Turns a plain chroot into a bootable, network-less job runner.
set -eu
root="$1"
here=$(dirname "$0")

echo tracer-guest > "$root/etc/hostname"
printf '127.0.0.1\tlocalhost\n127.0.1.1\ttracer-guest\n::1\tlocalhost ip6-localhost\n' > "$root/etc/hosts"
# The host labels the root file system (mke2fs -L): probe order of virtio disks varies.
printf 'LABEL=tracer-root / ext4 rw,errors=remount-ro 0 0\n' > "$root/etc/fstab"

install -D -m 0755 "$here/tracer-job" "$root/usr/local/sbin/tracer-job"
install -D -m 0644 "$here/tracer-job.service" "$root/etc/systemd/system/tracer-job.service"
mkdir -p "$root/etc/systemd/system/multi-user.target.wants"
ln -sf /etc/systemd/system/tracer-job.service \
    "$root/etc/systemd/system/multi-user.target.wants/tracer-job.service"

# Root without a password: the only way in is the serial console of a throwaway VM.
chroot "$root" passwd -d root >/dev/null

# Nothing periodic may run into a trace: the guest lives for minutes and has no network.
for unit in apt-daily.timer apt-daily-upgrade.timer dpkg-db-backup.timer e2scrub_all.timer \
    fstrim.timer systemd-tmpfiles-clean.timer; do
    ln -sf /dev/null "$root/etc/systemd/system/$unit"
done

# A journal in memory only, and a machine id created at each boot (the disk is a snapshot).
mkdir -p "$root/etc/systemd/journald.conf.d"
printf '[Journal]\nStorage=volatile\n' > "$root/etc/systemd/journald.conf.d/tracer.conf"
: > "$root/etc/machine-id"

# A small initramfs: the default (MODULES=most, ~35 MB) takes about 8 s to unpack under TCG.
# qemu gives the guest virtio disks only, so those drivers and ext4 are all it needs.
mkdir -p "$root/etc/initramfs-tools/conf.d"
printf 'MODULES=list\n' > "$root/etc/initramfs-tools/conf.d/tracer.conf"
printf 'virtio_pci\nvirtio_blk\next4\ncrc32c_generic\n' >> "$root/etc/initramfs-tools/modules"
# Hardware the guest does not have or use: probing it costs boot time under emulation.
printf 'blacklist pcspkr\nblacklist kvm_intel\nblacklist kvm_amd\nblacklist kvm\n' \
    > "$root/etc/modprobe.d/tracer-blacklist.conf"
chroot "$root" update-initramfs -u -k all >/dev/null
