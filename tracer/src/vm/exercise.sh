# shellcheck shell=sh
# Unit selection and lifecycle for `tracer vm check` (see tracer/src/vm/exercise.rs); sourced
# into job.sh after its prelude: uses $O, $T, $SLICE, $UNIT_TIMEOUT, mark and snapshot.
# Every step on a unit appends one JSON line to $O/units.jsonl; a step that fails leaves the
# unit's journal tail in $O/unit-journal/UNIT.STEP.txt.

# The units the packages enable after install (`systemctl is-enabled`), and what their
# sockets, timers, paths and D-Bus activation files activate. A shipped unit that nothing
# enables (chrony-wait.service) is not started: it is not what the package runs.
select_units() {
    for path in "$O"/unit-files/*; do
        [ -f "$path" ] || continue
        f=${path##*/}
        case "$f" in *@*) continue ;; esac
        case "$(systemctl is-enabled "$f" 2>/dev/null)" in
            enabled|enabled-runtime) ;;
            *) continue ;;
        esac
        echo "$f"
        case "$f" in *.socket|*.timer|*.path)
            systemctl show -p Triggers --value "$f" | tr ' ' '\n' ;;
        esac
    done
    cut -d' ' -f2 "$O/dbus-services.txt"
}

# The packages' D-Bus system services: `NAME UNIT` for each activation file with a
# SystemdService= (the unit's canonical name: that is often an alias), for the start and
# trigger phases and the host (dbus-services.txt).
dbus_services() {
    grep -E '^/usr/share/dbus-1/system-services/[^/]+\.service$' "$O/owned.txt" \
        | while IFS= read -r d; do
            name=$(sed -n 's/^Name=//p' "$d" | head -n 1)
            u=$(sed -n 's/^SystemdService=//p' "$d" | head -n 1)
            if [ -z "$name" ] || [ -z "$u" ]; then continue; fi
            echo "$name $(systemctl show -p Id --value "$u")"
        done
}

# Whether a service is one only D-Bus activation starts: a D-Bus file names it and it is
# not enabled itself. It is not started by name: the start phase asks the bus for its name,
# as a client's first call would on a running system.
dbus_activated() {
    while read -r _ unit; do
        [ "$unit" = "$1" ] || continue
        case "$(systemctl is-enabled "$1" 2>/dev/null)" in
            enabled|enabled-runtime) return 1 ;;
            *) return 0 ;;
        esac
    done < "$O/dbus-services.txt"
    return 1
}

# unit_step STEP UNIT SYSTEMCTL-VERB: one systemctl call, bounded by $UNIT_TIMEOUT (a start
# that waits for what never comes offline, clock sync say, is cancelled); the result is noted.
unit_step() {
    step=$1; u=$2; verb=$3
    timeout "$UNIT_TIMEOUT" systemctl "$verb" "$u" > /dev/null 2>&1
    rc=$?
    timed_out=false
    if [ "$rc" = 124 ]; then
        timed_out=true
        # The job is still queued: cancel it, or the unit stays "activating".
        [ "$verb" = reload ] || systemctl stop --no-block "$u" 2>/dev/null
    fi
    state=$(systemctl show -p ActiveState --value "$u")
    result=$(systemctl show -p Result --value "$u")
    # A stop that left the unit stopped did its job, whatever systemctl said: stopping a
    # oneshot while a timer's start job for it runs exits 1 ("job canceled").
    if [ "$verb" = stop ] && [ "$rc" != 0 ] && [ "$timed_out" = false ]; then
        case "$state" in inactive|failed) rc=0 ;; esac
    fi
    printf '{"unit":"%s","step":"%s","status":%s,"timed_out":%s,"state":"%s","result":"%s","time":"%s"}\n' \
        "$u" "$step" "$rc" "$timed_out" "$state" "$result" "$(now)" >> "$O/units.jsonl"
    if [ "$rc" != 0 ]; then
        mkdir -p "$O/unit-journal"
        journalctl -u "$u" -n 20 --no-pager -o short-iso > "$O/unit-journal/$u.$step.txt" 2>&1
    fi
    return "$rc"
}

is_service() { case "$1" in *.service) return 0 ;; *) return 1 ;; esac; }
is_active() { [ "$(systemctl show -p ActiveState --value "$1")" = active ]; }

# Sockets, timers and paths first: only then does systemd know which services they trigger;
# a service one of them triggers is left to it (the trigger phase starts it).
start_units() {
    st=0
    for u in $UNITS; do
        is_service "$u" || unit_step start "$u" start || st=1
    done
    for u in $UNITS; do
        is_service "$u" || continue
        [ -z "$(systemctl show -p TriggeredBy --value "$u")" ] || continue
        ! dbus_activated "$u" || continue
        unit_step start "$u" "$(start_verb "$u")" || st=1
    done
    # Activated now, not first in the trigger phase: the exercise (the wait, the autopkgtest)
    # is when a daemon does its work, and a network claim about one that first ran after it
    # stays "not exercised" (rtkit-daemon).
    activate_dbus_services || st=1
    return "$st"
}

# Each of the packages' D-Bus names whose service is one of $UNITS, asked of the system bus.
activate_dbus_services() {
    [ -s "$O/dbus-services.txt" ] || return 0
    # The system bus, as after a reboot: dbus installed with the package (its dependency)
    # enables dbus.socket but starts nothing on a running system (dbus.service is static;
    # starting it starts the socket it requires).
    if [ ! -S /run/dbus/system_bus_socket ]; then
        systemctl start dbus.service > "$O/dbus-start.log" 2>&1
    fi
    ast=0
    while read -r name unit; do
        # UNITS is units.txt: one a line.
        echo "$UNITS" | grep -qxF "$unit" || continue
        activate_dbus "$name" "$unit" || ast=1
    done < "$O/dbus-services.txt"
    return "$ast"
}

# `restart` for a service whose main process is still the one that ran before the upgrade
# (its pid in $O/active-before-upgrade.txt): a postinst that does not restart its daemon
# leaves the old version's program running, and the exercise would exercise that one, not
# the version checked. Noted in $O/upgrade-stale.txt for the report; `start` otherwise.
start_verb() {
    pid=$(systemctl show -p MainPID --value "$1")
    if [ "${pid:-0}" != 0 ] && [ -s "$O/active-before-upgrade.txt" ] \
        && grep -qx "$1 $pid" "$O/active-before-upgrade.txt"; then
        echo "$1 $pid" >> "$O/upgrade-stale.txt"
        echo restart
    else
        echo start
    fi
}

# The services running before the upgrade, with their main pid (see start_verb).
active_services() {
    systemctl list-units --type=service --state=active --plain --no-legend \
        | while read -r u _; do
            printf '%s %s\n' "$u" "$(systemctl show -p MainPID --value "$u")"
        done
}

# reload (units that support it), restart once, then trigger: each a phase of its own.
lifecycle() {
    mark reload start
    st=0
    for u in $UNITS; do
        { is_service "$u" && is_active "$u"; } || continue
        [ "$(systemctl show -p CanReload --value "$u")" = yes ] || continue
        unit_step reload "$u" reload || st=1
    done
    mark reload end "$st" '"trace.jsonl"'
    snapshot reload

    mark restart start
    st=0
    for u in $UNITS; do
        { is_service "$u" && is_active "$u"; } || continue
        unit_step restart "$u" restart || st=1
    done
    mark restart end "$st" '"trace.jsonl"'
    snapshot restart

    mark trigger start
    st=0
    for u in $UNITS; do
        case "$u" in
            *.timer)
                # What the timer would start when it elapses, started now.
                for s in $(systemctl show -p Triggers --value "$u"); do
                    unit_step trigger "$s" start || st=1
                done ;;
            *.socket) connect_socket "$u" || st=1 ;;
        esac
    done
    # Again, for a service that exited since (an idle time-out): noted as already running
    # otherwise.
    activate_dbus_services || st=1
    mark trigger end "$st" '"trace.jsonl"'
    snapshot trigger
}

# Asks the system bus to start the service of a D-Bus name (StartServiceByName), as a
# client's first call would: dbus-daemon has systemd start the unit. A client of the slice;
# a service already running is noted, not activated again.
activate_dbus() {  # NAME UNIT
    if is_active "$2"; then
        printf '{"unit":"%s","step":"activate","status":null,"timed_out":false,"state":"active","result":"","time":"%s","target":"dbus:%s","skipped":"already running"}\n' \
            "$2" "$(now)" "$1" >> "$O/units.jsonl"
        return 0
    fi
    timeout "$UNIT_TIMEOUT" systemd-run --quiet --scope --slice="$SLICE" \
        --unit="tracer-activate-$(date +%s%N)" -- \
        busctl --system call org.freedesktop.DBus /org/freedesktop/DBus \
        org.freedesktop.DBus StartServiceByName su "$1" 0 > "$O/activate.log" 2>&1
    c=$?
    printf '{"unit":"%s","step":"activate","status":%s,"timed_out":%s,"state":"%s","result":"%s","time":"%s","target":"dbus:%s"}\n' \
        "$2" "$c" "$([ "$c" = 124 ] && echo true || echo false)" \
        "$(systemctl show -p ActiveState --value "$2")" \
        "$(systemctl show -p Result --value "$2")" "$(now)" "$1" >> "$O/units.jsonl"
    if [ "$c" != 0 ]; then
        mkdir -p "$O/unit-journal"
        { cat "$O/activate.log"; journalctl -u "$2" -n 20 --no-pager -o short-iso; } \
            > "$O/unit-journal/$2.activate.txt" 2>&1
    fi
    return "$c"
}

# One connection to each address a socket unit listens on: an IP port on loopback (whatever
# address it is bound to: nothing leaves the guest), or its unix path. A client of the slice,
# so provenance tells it apart from what it activates.
connect_socket() {
    sock=$1
    rc=0
    systemctl show -p Listen --value "$sock" | tr ',' '\n' | while read -r addr kind; do
        [ -n "$addr" ] || continue
        case "$addr" in
            /*) target="unix:$addr" ;;
            \[*\]:*) target="tcp:[::1]:${addr##*:}" ;;
            *:*|[0-9]*) target="tcp:127.0.0.1:${addr##*:}" ;;
            *) target="" ;;
        esac
        case "$kind" in
            "(Stream)") mode=stream ;;
            "(Datagram)") mode=datagram ;;
            *) target="" ;;
        esac
        if [ -z "$target" ]; then
            printf '{"unit":"%s","step":"connect","status":null,"timed_out":false,"state":"","result":"","time":"%s","target":"%s","skipped":"not a stream or datagram socket on an address or path"}\n' \
                "$sock" "$(now)" "$addr $kind" >> "$O/units.jsonl"
            continue
        fi
        timeout "$UNIT_TIMEOUT" systemd-run --quiet --scope --slice="$SLICE" \
            --unit="tracer-connect-$(date +%s%N)" -- \
            "$T" vm connect --"$mode" "$target" > "$O/connect.log" 2>&1
        c=$?
        printf '{"unit":"%s","step":"connect","status":%s,"timed_out":%s,"state":"%s","result":"","time":"%s","target":"%s"}\n' \
            "$sock" "$c" "$([ "$c" = 124 ] && echo true || echo false)" \
            "$(systemctl show -p ActiveState --value "$sock")" "$(now)" "$target" >> "$O/units.jsonl"
        [ "$c" = 0 ] || echo "$sock" >> "$O/connect-failed.txt"
    done
    [ ! -s "$O/connect-failed.txt" ] || rc=1
    rm -f "$O/connect-failed.txt"
    return "$rc"
}

# The previous version (--upgrade-from), in a phase of its own: its postinst runs
# `configure` with no old version; the checked version's install is then an upgrade.
install_old() {
    mark install-old start
    logged install-old systemd-run --quiet --scope --slice="$SLICE" --unit=tracer-install-old -- \
        apt-get install -y --no-install-recommends --allow-downgrades -o Dpkg::Use-Pty=0 \
        "$TRACER_PAYLOAD"/debs-old/*.deb
    st=$?
    mark install-old end "$st" '"trace.jsonl"'
    if [ "$st" != 0 ]; then
        echo "install of the old version failed (status $st):"; tail -n 20 "$O/install-old.log"
        return 1
    fi
    active_services > "$O/active-before-upgrade.txt"
}
