#!/bin/bash
# Server CPU per delivery for one `parley bench fanout` run against a fresh `parley serve`:
# utime+stime of the server process (setup included, from /proc/PID/stat) divided by the
# deliveries the bench counted. Robust to other load on the machine, unlike deliveries/s.
#
#   Scripts/fanout-cpu.sh .build/release/parley 18500 [extra fanout flags]
#   SERVE_FLAGS="--threads 1" Scripts/fanout-cpu.sh …   # extra flags for `parley serve`
#
# Defaults: 1 → 1,000 subscribers, max rate, 100 B, 10 s. Compare two builds by alternating
# runs of each (see Benchmarks/README.md).
set -eu
BIN=$1; PORT=$2; shift 2
KEY=5061726c65792062656e6368206b6579202d20646576656c6f706d656e74210a
LOG=$(mktemp)
"$BIN" serve --key $KEY --port "$PORT" --http-port $((PORT + 1)) \
    --message-rate 1000000000 --message-burst 1000000 --store memory \
    --address-connections 0 --address-handshakes-per-minute 0 --address-anonymous-per-hour 0 \
    --address-conversations-per-hour 0 ${SERVE_FLAGS:-} > /dev/null 2>&1 &
SERVER=$!
trap 'kill -INT $SERVER 2>/dev/null; rm -f "$LOG"' EXIT
sleep 1.5
"$BIN" bench fanout --endpoint "tcp://127.0.0.1:$PORT" --subscribers 1000 --rate 0 --size 100 \
    --duration 10s "$@" > "$LOG" 2>&1 || true
read -r -a STAT < "/proc/$SERVER/stat"
TICKS=$(( STAT[13] + STAT[14] ))
HZ=$(getconf CLK_TCK)
DELIVERIES=$(awk '$1 == "deliveries" && $2 ~ /^[0-9]+$/ { print $2 }' "$LOG")
RATE=$(awk '$1 == "deliveries/s" { print $2 }' "$LOG")
VERDICT=$(awk '$1 == "verdict" { print $2 }' "$LOG")
THREADS=""
for task in /proc/$SERVER/task/*; do
    read -r -a T < "$task/stat"
    ticks=$(( T[13] + T[14] ))
    [ "$ticks" -gt $(( TICKS / 20 )) ] && THREADS="$THREADS $(tr -d ' ' < "$task/comm")=$(( ticks * 100 / TICKS ))%"
done
python3 -c "t = $TICKS / $HZ; d = ${DELIVERIES:-0}; print(f'server cpu {t:.1f} s, deliveries {d}, ' + (f'{t / d * 1e6:.2f} us cpu/delivery' if d else 'no deliveries') + ', $RATE deliveries/s, $VERDICT; threads over 5 %:$THREADS')"
