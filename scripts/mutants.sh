#!/usr/bin/env bash
# Mutation testing of the engine with cargo-mutants (outside CI: hours for the whole engine).
# Install once: cargo install cargo-mutants --locked   (27.1.0 when this was written)
#
#   scripts/mutants.sh [--lib|--fast] [SHARD/N] [cargo-mutants options] [-- cargo test options]
#
#   scripts/mutants.sh                      every engine mutant, the engine's whole test suite
#   scripts/mutants.sh 3/8                  shard 3 of 0 to 7 (round-robin: every 8th
#                                           mutant, so one shard is a sample of the whole engine)
#   scripts/mutants.sh --lib 0/32           shard 0 of 0 to 31 against the unit tests only
#   scripts/mutants.sh --fast 0/32          against the unit tests and the integration tests that
#                                           take seconds (FAST_TESTS below: about 35 s a mutant
#                                           on 2 cores, build included)
#   scripts/mutants.sh 0/32 --iterate       then the survivors against every test
#   scripts/mutants.sh -f crates/brook-engine/src/log.rs -- --lib
#                                           log.rs's mutants against the unit tests only
#
# Only crates/brook-engine is mutated and only its tests run (the page and the CLI have their
# own). One job (`--jobs 1`: the build is the cost, and the machine is shared), in a copy of
# the tree under the `mutants` Cargo profile (the engine at opt-level 1, no debug info). A mutant whose tests
# run past --timeout seconds counts as timeout (an infinite loop, say). Results in
# mutants.out/<shard or $MUTANTS_OUT>/mutants.out/ (caught.txt, missed.txt, unviable.txt, timeout.txt, outcomes.json).
set -euo pipefail
cd "$(dirname "$0")/.."
shard=()
tests=()
out="${MUTANTS_OUT:-mutants.out/all}"
FAST_TESTS=(broker_capacity direct_call election figures fuzz_scenario gate generated
    kafka_fidelity kafka_fidelity_readers memory producer_fidelity push_models simplifications
    simulation)
if [[ $# -gt 0 && ($1 == --fast || $1 == --lib) ]]; then
    tests=(--cargo-arg=--lib)
    if [[ $1 == --fast ]]; then
        for t in "${FAST_TESTS[@]}"; do tests+=("--cargo-arg=--test=$t"); done
    fi
    shift
fi
if [[ $# -gt 0 && $1 =~ ^[0-9]+/[0-9]+$ ]]; then
    shard=(--shard "$1" --sharding round-robin)
    out="${MUTANTS_OUT:-mutants.out/shard-${1%/*}-of-${1#*/}}"
    shift
fi
mkdir -p "$out"
exec cargo mutants \
    --package brook-engine \
    --test-package brook-engine \
    --jobs 1 \
    --timeout "${MUTANTS_TIMEOUT_S:-180}" \
    --profile mutants \
    --baseline skip \
    --output "$out" \
    "${shard[@]}" \
    "${tests[@]}" \
    "$@"
