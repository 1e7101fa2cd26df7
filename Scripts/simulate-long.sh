#!/usr/bin/env bash
# Runs the deterministic simulation over many seeds in release mode and totals the steps.
# Usage: Scripts/simulate-long.sh SEEDS STEPS [FIRST_SEED] [CLIENTS]
# Exits non-zero on the first broken invariant, after printing it with its trace; re-run that
# seed alone with `parley simulate --seed N --steps M --trace` to see the whole run.
set -euo pipefail
seeds=${1:?usage: simulate-long.sh SEEDS STEPS [FIRST_SEED] [CLIENTS]}
steps=${2:?usage: simulate-long.sh SEEDS STEPS [FIRST_SEED] [CLIENTS]}
first=${3:-1}
clients=${4:-8}
cd "$(dirname "$0")/.."
swift build -c release --product parley >&2
start=$(date +%s)
.build/release/parley simulate --seed "$first" --seeds "$seeds" --steps "$steps" --clients "$clients"
echo "elapsed $(( $(date +%s) - start )) s for $seeds seeds x $steps steps"
