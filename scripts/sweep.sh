#!/usr/bin/env bash
# The long sweep: every preset and one generated scenario per seed, each run for
# BROOK_SWEEP_MS virtual ms (default 1000) with commands of every kind drawn from the seed
# and the invariants checked after every step (crates/brook-engine/tests/sweep.rs), in a
# release build. A failure prints its seed and a one-line reproduction.
#
#   scripts/sweep.sh SEEDS [FIRST_SEED]
#
# BROOK_SWEEP_THREADS runs seeds on that many threads (default 1). wide-topic and production
# (thousands of partitions) run on one seed in 100, for 300 ms; one seed in 10 also replays
# each run from its export and compares the trace hash.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
SEEDS="${1:?usage: scripts/sweep.sh SEEDS [FIRST_SEED]}"
FIRST="${2:-0}"
start=$(date +%s)
BROOK_SWEEP_SEEDS="$SEEDS" BROOK_SWEEP_FIRST="$FIRST" \
  cargo test --release -p brook-engine --test sweep long_sweep -- --ignored --nocapture
echo "sweep of $SEEDS seeds from $FIRST: $(( $(date +%s) - start )) s wall, build included"
