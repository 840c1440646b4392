# shellcheck shell=sh
# The results stream (see tracer/src/vm/stream.rs and docs/vm.md): at the end of the job, the
# files of $O (but the trace, which left over its own port as it was recorded) go to the host
# over the virtio-serial port `tracer.results`, framed, then an End frame with the job's status.
# The host never reads the guest's disks. Sourced by job.sh, which sets O.
RESULTS_PORT=/dev/virtio-ports/tracer.results
RESULTS_CHUNK=524288

# A byte from its value, in octal for printf (the format is the escape, on purpose).
# shellcheck disable=SC2059
byte() { printf "\\$(printf %o "$1")"; }
u16le() { byte $(($1 & 255)); byte $(($1 >> 8 & 255)); }
u32le() { u16le $(($1 & 65535)); u16le $(($1 >> 16 & 65535)); }
frame() { byte "$1"; u32le "$2"; }  # type length; the payload follows
json_frame() {  # type json
    frame "$1" "${#2}"
    printf %s "$2"
}

send_results() {  # status
    [ -e "$RESULTS_PORT" ] || return 0
    {
        json_frame 1 "{\"stream\":\"tracer-stream\",\"version\":1,\"role\":\"results\",\"pid\":$$}"
        find "$O" -type f ! -name 'trace.jsonl*' | while IFS= read -r f; do
            name=${f#"$O"/}
            size=$(stat -c %s "$f")
            off=0
            while :; do
                len=$((size - off))
                [ "$len" -gt "$RESULTS_CHUNK" ] && len=$RESULTS_CHUNK
                frame 5 $((2 + ${#name} + len))
                u16le "${#name}"
                printf %s "$name"
                # Exactly len bytes, padded with zeros if the file shrank meanwhile.
                { dd if="$f" bs=65536 iflag=skip_bytes,count_bytes skip="$off" count="$len" \
                    2>/dev/null; head -c "$len" /dev/zero 2>/dev/null; } | head -c "$len"
                off=$((off + len))
                [ "$off" -lt "$size" ] || break
            done
        done
        json_frame 4 "{\"lines\":0,\"status\":$1}"
    } > "$RESULTS_PORT"
}
