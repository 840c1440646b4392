#!/bin/sh
# Lists what dpkg installed for each package named in the arguments: the raw input of tracer's
# contents manifest (tracer/src/contents). Parsed by `tracer::contents::parse_listing`.
# One record a line, tab-separated:
#   P <pkg> <version> <source package> <Depends field>
#   F <pkg> <st_mode in hex> <owner> <group> <path>   (lstat: a symlink is described, not followed)
#   M <pkg> <path>                                  (listed by dpkg, absent from disk)
#   L <pkg> <path> <target>                         (a unit dir's symlink and where it points:
#                                                    one to /dev/null masks the unit)
#   S <pkg> <script name>                           (a maintainer script; its lines follow)
#   U <pkg> <path>                                  (a systemd service unit, or a drop-in
#                                                    for one; its lines follow)
#   |<line of the script or unit>
# With `--debs DIR`, the packages are those of the .deb files in DIR (what the job installed:
# the package, its sibling binaries and its dependencies; the host keeps the package's own).
set -eu
if [ "${1:-}" = --debs ]; then
    dir=$2
    set --
    for deb in "$dir"/*.deb; do
        [ -f "$deb" ] && set -- "$@" "$(dpkg-deb -f "$deb" Package)"
    done
fi
# Every package's fields from one dpkg-query, and each file list from one more per package:
# each process is slow under TCG and recorded, and nine queries a package were most of the
# seconds between the install and the start phase (issue 16). Tab-separated: no field holds
# a tab; a package is found by its name or its name with an architecture, as dpkg-query takes
# it.
# dpkg-query exits 1 when one of them is not installed at all; the others are listed.
fields=$(dpkg-query -W -f='${Package}\t${binary:Package}\t${Architecture}\t${Status}\t${Version}\t${source:Package}\t${Depends}\n' \
    "$@" 2>/dev/null || true)
list=$(mktemp)
trap 'rm -f "$list"' EXIT
tab=$(printf '\t')
for pkg in "$@"; do
    # Not on disk (a .deb apt did not need, or only its conffiles left): nothing to list. An
    # unpacked package whose configure failed has its files on disk, and a failed install's
    # report is about them (masakari's postinst failing left masakari-api "half-configured").
    found=
    while IFS=$tab read -r name qualified arch status version source depends; do
        case $pkg in "$name" | "$qualified" | "$name:$arch") ;; *) continue ;; esac
        case $status in
            *' installed' | *' unpacked' | *' half-configured' | *' half-installed' \
                | *' triggers-awaited' | *' triggers-pending') found=1 ;;
        esac
        break
    done <<EOF_FIELDS
$fields
EOF_FIELDS
    [ -n "$found" ] || continue
    dpkg-query -L "$pkg" > "$list"
    printf 'P\t%s\t%s\t%s\t%s\n' "$pkg" "$version" "$source" "$depends"
    # One stat for all of a package's files, not one per file: a package with 200
    # dependencies has tens of thousands, and each process is slow under TCG and recorded
    # (masakari's failed install spent over 20 minutes here). `[ -e ]` is a builtin. A path
    # that went away between the test and stat is left out (stat's error is not the
    # listing's). Debian package names hold no `%` or `\`, so $pkg is safe in the format.
    # A conffile of a package whose configure failed (or has not run) is still PATH.dpkg-new:
    # dpkg renames it only in configure. It is what the package installs, so it is described
    # under its own name.
    while IFS= read -r path; do
        case $path in /.) continue ;; esac
        [ -e "$path" ] || [ -L "$path" ] || [ -e "$path.dpkg-new" ] \
            || printf 'M\t%s\t%s\n' "$pkg" "$path"
    done < "$list"
    while IFS= read -r path; do
        case $path in /.) continue ;; esac
        if [ -e "$path" ] || [ -L "$path" ]; then printf '%s\0' "$path"; fi
    done < "$list" | { xargs -0 -r stat --printf "F\t$pkg\t%f\t%U\t%G\t%n\n" -- 2>/dev/null || true; }
    while IFS= read -r path; do
        case $path in /.) continue ;; esac
        if ! [ -e "$path" ] && ! [ -L "$path" ] && [ -e "$path.dpkg-new" ]; then
            printf '%s\0' "$path.dpkg-new"
        fi
    done < "$list" | { xargs -0 -r stat --printf "F\t$pkg\t%f\t%U\t%G\t%n\n" -- 2>/dev/null || true; } \
        | sed 's/\.dpkg-new$//'
    # Symlinks among the units: `foo.service -> /dev/null` masks a unit (sudo masks its init
    # script's unit so), it installs none. One readlink per such link, not per file.
    grep -E '/systemd/(system|user)/' "$list" | while IFS= read -r path; do
        [ -L "$path" ] && printf 'L\t%s\t%s\t%s\n' "$pkg" "$path" "$(readlink -- "$path")"
    done || true
    # The service units' text, and their drop-ins' (foo.service.d/*.conf, shipped under /lib or
    # /etc): their sandboxing directives are claims too.
    grep -E '^/((usr/)?lib|etc)/systemd/system/[^/]+\.service(\.d/[^/]+\.conf)?$' "$list" \
        | while IFS= read -r unit; do
            [ -f "$unit" ] || continue
            printf 'U\t%s\t%s\n' "$pkg" "$unit"
            sed 's/^/|/' "$unit"
        done
    for script in /var/lib/dpkg/info/"$pkg".* /var/lib/dpkg/info/"$pkg":*.*; do
        [ -f "$script" ] || continue
        name=${script##*.}
        case $name in preinst | postinst | prerm | postrm | config | triggers) ;; *) continue ;; esac
        printf 'S\t%s\t%s\n' "$pkg" "$name"
        sed 's/^/|/' "$script"
    done
done
