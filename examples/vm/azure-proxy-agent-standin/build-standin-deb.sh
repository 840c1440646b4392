#!/bin/sh
# Builds azure-proxy-agent-standin_0.1_amd64.deb: NOT the real azure-proxy-agent (it is not in
# Debian). It packages the project's own test helper `actor` (tests/src/bin/actor.rs) as a
# daemon named /usr/sbin/azure-proxy-agent, whose unit runs `actor network` once: loopback TCP
# listen/connect/accept, a refused connect, UDP sendto, IPv6 loopback, AF_UNIX sockets.
# It exists to show the `tracer vm check --deb FILE` path end to end.
# Usage: build-standin-deb.sh ACTOR_BINARY OUTPUT_DIR
set -eu
actor="$1"; out="$2"
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
install -D -m 0755 "$actor" "$root/usr/sbin/azure-proxy-agent"
mkdir -p "$root/lib/systemd/system" "$root/DEBIAN"
cat > "$root/lib/systemd/system/azure-proxy-agent.service" <<'UNIT'
[Unit]
Description=Stand-in for azure-proxy-agent (tracer's test actor; not the real agent)

[Service]
StateDirectory=azure-proxy-agent
ExecStart=/usr/sbin/azure-proxy-agent network /var/lib/azure-proxy-agent

[Install]
WantedBy=multi-user.target
UNIT
cat > "$root/DEBIAN/control" <<'CTRL'
Package: azure-proxy-agent-standin
Version: 0.1
Architecture: amd64
Maintainer: tracer examples <examples@localhost>
Description: stand-in for azure-proxy-agent built from tracer's test actor
 Not the real package: the project's test helper packaged as a daemon, to exercise
 tracer vm check --deb.
CTRL
dpkg-deb --root-owner-group --build "$root" "$out/azure-proxy-agent-standin_0.1_amd64.deb"
