#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each (Fuzz/run-all.sh SECONDS); fails if any target fails.
set -uo pipefail
cd "$(dirname "$0")"
seconds=${1:?usage: run-all.sh SECONDS}
failed=()
for target in FuzzFrames FuzzBinary FuzzJSON FuzzDifferential FuzzInflate FuzzSession FuzzCodec; do
    ./run.sh "$target" "$seconds" || failed+=("$target")
done
if [ ${#failed[@]} -gt 0 ]; then
    echo "run-all.sh: failed: ${failed[*]}" >&2
    exit 1
fi
echo "run-all.sh: every target ran ${seconds} s without a crash, timeout or leak"
