#!/usr/bin/env bash
# The conformance suite as CI runs it (Spec/conformance.md, "The suite in CI"): over each binding
# (TCP, WebSocket JSON, WebSocket binary, at the same time, each against servers of its own),
#   1. every check against a server with the default timers (address limits lifted);
#   2. the checks that follow announced timers and limits (`--scaled`) against a server with
#      short timers and a small unacknowledged-event bound, so none is skipped for lack of time;
#   3. the address-limit check against a server with a small limit. Prints each run's summary,
# the failures, and the checks no run executed; exits 1 if any check failed.
#
# Every server keeps its data in a store of its own: SQLite in REPORTS/data-NAME (the default of
# `parley serve`), or with --postgres a database of its own on that PostgreSQL server.
#
# usage: Scripts/conformance.sh [--server BIN] [--suite BIN] [--reports DIR] [--port-base N]
#                               [--spec DIR] [--postgres postgres://USER@HOST:PORT] [-- EXTRA_ARGS...]
#   --server  the parley binary to serve (default .build/debug/parley)
#   --suite   the parley binary that runs the suite (default: the same)
#   --reports where the JSON/JUnit reports and logs go (default reports)
#   --port-base  the first of 18 loopback ports (default 17400)
#   --postgres  run the servers on PostgreSQL (a new database per server; needs createdb)
#   EXTRA_ARGS go to every `parley conformance` run (e.g. --fail-fast).
set -uo pipefail
cd "$(dirname "$0")/.."

server=.build/debug/parley suite= reports=reports base=17400 spec=Spec postgres= extra=()
while [ $# -gt 0 ]; do
    case "$1" in
        --server) server=$2; shift 2 ;;
        --suite) suite=$2; shift 2 ;;
        --reports) reports=$2; shift 2 ;;
        --port-base) base=$2; shift 2 ;;
        --spec) spec=$2; shift 2 ;;
        --postgres) postgres=$2; shift 2 ;;
        --) shift; extra=("$@"); break ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done
suite=${suite:-$server}
mkdir -p "$reports"
key=000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
# The suite runs every check from one address: the per-address limits (Spec/abuse.md) are lifted.
unlimited=(--address-connections 0 --address-handshakes-per-minute 0 --address-anonymous-per-hour 0 --address-conversations-per-hour 0)
# Short timers and a small bound, announced in the welcome like any other: the scaled checks
# wait for these instead of the defaults (10 s handshake, 60 s heartbeat, 60 s answer timeout…).
short=(--handshake-timeout-ms 1500 --heartbeat-ms 1000 --heartbeat-timeout-ms 3000 --resume-window-ms 4000
       --answer-timeout-ms 2000 --disconnect-grace-ms 3500 --presence-grace-ms 1500 --typing-expiry-ms 3000
       --reopen-window-ms 2000 --invitation-timeout-ms 2500 --inactivity-timeout-ms 8000 --idle-away-ms 4000 --max-retained 64 --message-burst 100)

pids=()
serve() {  # serve NAME STREAM_PORT HTTP_PORT ARGS...
    local name=$1 port=$2 http=$3 store=(); shift 3
    rm -rf "$reports/data-$name"
    if [ -n "$postgres" ]; then
        local database="parley_conformance_${name//-/_}"
        psql "$postgres/postgres" -qc "drop database if exists $database" >/dev/null
        psql "$postgres/postgres" -qc "create database $database" >/dev/null
        store=(--store "$postgres/$database")
    fi
    "$server" serve --key "$key" --port "$port" --http-port "$http" --data "$reports/data-$name" ${store[@]+"${store[@]}"} "$@" \
        > "$reports/serve-$name.log" 2>&1 &
    pids+=($!)
}
stop() { kill "${pids[@]}" 2>/dev/null; wait "${pids[@]}" 2>/dev/null; }
trap stop EXIT

bindings=("tcp binary" "ws-json json" "ws-binary binary")
for i in 0 1 2; do
    set -- ${bindings[$i]}
    serve "$1" $((base + 2 * i)) $((base + 2 * i + 1)) "${unlimited[@]}"
    serve "$1-short" $((base + 6 + 2 * i)) $((base + 7 + 2 * i)) "${unlimited[@]}" "${short[@]}"
    serve "$1-limited" $((base + 12 + 2 * i)) $((base + 13 + 2 * i)) --address-conversations-per-hour 2
done
for http in $(seq $((base + 1)) 2 $((base + 17))); do
    for _ in $(seq 100); do curl -sf "http://127.0.0.1:$http/readyz" >/dev/null 2>&1 && break; sleep 0.1; done
done

endpoint() {  # endpoint BINDING_INDEX PORT_OFFSET
    local port=$((base + $2 + 2 * $1))
    [ "$1" = 0 ] && echo "tcp://127.0.0.1:$port" || echo "ws://127.0.0.1:$((port + 1))/parley"
}
conformance() {  # conformance REPORT_NAME ENDPOINT ENCODING ARGS...
    local name=$1 target=$2 encoding=$3; shift 3
    "$suite" conformance --endpoint "$target" --encoding "$encoding" --key "$key" --spec "$spec" \
        --json-report "$reports/conformance-$name.json" --junit "$reports/conformance-$name.xml" "$@" ${extra[@]+"${extra[@]}"} \
        > "$reports/conformance-$name.log" 2>&1
}

runs=()
for i in 0 1 2; do
    set -- ${bindings[$i]}
    (
        conformance "$1" "$(endpoint $i 0)" "$2"; a=$?
        conformance "$1-short" "$(endpoint $i 6)" "$2" --scaled --max-wait-ms 10000; b=$?
        conformance "$1-limited" "$(endpoint $i 12)" "$2" --filter abuse-conversation-flood; c=$?
        exit $((a | b | c))
    ) &
    runs+=($!)
done
status=0
for run in "${runs[@]}"; do wait "$run" || status=1; done
stop
trap - EXIT

for name in tcp tcp-short tcp-limited ws-json ws-json-short ws-json-limited ws-binary ws-binary-short ws-binary-limited; do
    log="$reports/conformance-$name.log"
    [ -f "$log" ] || { echo "$name: no report"; status=1; continue; }
    grep -E "^(FAIL|      step)" "$log" | sed "s/^/[$name] /"
    tail -n 2 "$log" | grep -E "checks$" | sed "s/^/[$name] /"
    grep -q "^FAIL" "$log" && status=1
done
# Checks no run executed on a binding, other than those for another binding.
python3 - "$reports" <<'EOF'
import json, os, sys
reports = sys.argv[1]
for binding in ("tcp", "ws-json", "ws-binary"):
    ran, why = set(), {}
    for name in (binding, binding + "-short", binding + "-limited"):
        path = os.path.join(reports, f"conformance-{name}.json")
        if not os.path.exists(path): continue
        for check in json.load(open(path))["checks"]:
            if check["status"] != "skipped": ran.add(check["id"])
            else: why.setdefault(check["id"], check.get("detail", ""))
    missed = {c: d for c, d in why.items() if c not in ran and "needs binding:" not in d}
    print(f"[{binding}] checks no run executed (other than those of another binding): {len(missed)}")
    for check, detail in sorted(missed.items()): print(f"    {check}: {detail}")
EOF
exit $status
