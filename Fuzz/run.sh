#!/usr/bin/env bash
# Builds one fuzz target with libFuzzer and AddressSanitizer and runs it for SECONDS.
#
#   Fuzz/run.sh TARGET SECONDS [extra libFuzzer flags…]
#
# Seeds come from corpus/TARGET (committed, made by make-corpus.py); inputs libFuzzer finds go
# to corpus-TARGET/ (gitignored), crashes, timeouts and leaks to artifacts/ (gitignored).
# Exits non-zero if libFuzzer reports any of them.
set -euo pipefail
cd "$(dirname "$0")"

target=${1:?usage: run.sh TARGET SECONDS}
seconds=${2:?usage: run.sh TARGET SECONDS}
shift 2

# Both sanitizers go through -Xswiftc; --sanitize=fuzzer makes SwiftPM link libFuzzer's main
# (Shared/RECIPES.md, "Fuzzing with libFuzzer").
log=$(mktemp)
trap 'rm -f "$log"' EXIT
build_status=0
swift build -c debug --scratch-path .build-fuzz --sanitize=fuzzer \
    -Xswiftc -sanitize=fuzzer,address --product "$target" >"$log" 2>&1 || build_status=$?
# The gold linker warns about every ASan helper symbol; nothing to act on.
grep -v 'ld.gold: warning: Cannot export local symbol' "$log" || true
[ "$build_status" -eq 0 ] || { echo "run.sh: building $target failed" >&2; exit 2; }
binary=.build-fuzz/debug/$target

mkdir -p "corpus-$target" artifacts
status=0
# The first corpus folder receives new inputs; the committed seeds stay untouched.
# SWIFT_BACKTRACE=enable=no: Swift's backtracer otherwise triggers a false ASan report.
SWIFT_BACKTRACE=enable=no "$binary" "corpus-$target" "corpus/$target" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="artifacts/$target-" "$@" >"$log" 2>&1 || status=$?

grep -E '^(==[0-9]+==ERROR|SUMMARY|Fatal error|.*Fatal error:)' "$log" || true
executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
corpus=$(ls "corpus-$target" | wc -l)
echo "$target: ${executions:-?} executions in ${seconds} s, ${rate:-?} exec/s, corpus-$target holds $corpus inputs"
if [ "$status" -ne 0 ] || grep -qE 'ERROR: libFuzzer|ERROR: AddressSanitizer|ERROR: LeakSanitizer|Fatal error' "$log"; then
    tail -n 40 "$log" >&2
    echo "$target: FAILED (libFuzzer exit status $status); inputs are in artifacts/" >&2
    exit 1
fi
