#!/usr/bin/env bash
# Builds the DocC documentation of every library module into .build/docs/<Module>.doccarchive
# and fails on any DocC warning (--warnings-as-errors, and the log is checked for `warning:` too).
# Then fails if a public symbol has no doc comment (Scripts/undocumented_symbols.py
# over the symbol graphs the plugin extracted).
#
# Time on the 2-core development machine, after `swift build` (most of it is the plugin's symbol
# graph extraction, 6–30 s per module; docc itself takes 1–7 s per module):
#   built state: 1 min 00–10 s idle; 2 min 13 s with another build and tests running (load ~5);
#   after `rm -rf .build/plugins .build/*/extracted-symbols`: 1 min 50 s (busy; the plugin and its
#   snippet-extract tool are rebuilt, ~10 s of it).
# From an empty .build, the package's own build comes first (about 6 min here).
#
# Usage: Scripts/docs.sh [output directory, default .build/docs]
set -euo pipefail
cd "$(dirname "$0")/.."

out=${1:-.build/docs}
modules=(ParleyWire ParleyCore ParleyTransport ParleyCompression ParleyServer ParleyNIO ParleyClient
         ParleyConformance ParleySimulation ParleyWeb ParleySQLite ParleyPostgres)
targets=()
for module in "${modules[@]}"; do targets+=(--target "$module"); done

mkdir -p "$out"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
swift package --allow-writing-to-directory "$out" generate-documentation "${targets[@]}" \
    --output-path "$out" --warnings-as-errors 2>&1 | tee "$log" || status=$?
# The plugin reports a failing `docc convert` but may still exit 0 when other targets succeed.
if [ "$status" -ne 0 ] || grep -Eq '(^|[^A-Za-z])(warning|error):' "$log"; then
    echo "docs.sh: DocC reported warnings or errors (see above)" >&2
    exit 1
fi
python3 Scripts/undocumented_symbols.py "${modules[@]}"
