#!/usr/bin/env bash
# README command 2: install what is missing, then run every check and test.
set -euo pipefail
cd "$(dirname "$0")/.."
setup_started_s=$(date +%s)
scripts/setup.sh --test
printf 'set-up: %d s\n' $(($(date +%s) - setup_started_s))
export PATH="$HOME/.cargo/bin:$PATH"

started_s=$(date +%s)
# Each step says when it starts, in minutes since the set-up ended (BENCHMARKS.md, "CI").
step() { printf '\n==> %s  [%s]\n' "$*" "$(elapsed)"; }
elapsed() { local s=$(($(date +%s) - started_s)); printf '%d:%02d' $((s / 60)) $((s % 60)); }

step "format"
cargo fmt --all -- --check

step "lint"
cargo clippy --workspace --all-targets -- -D warnings
cargo clippy --target wasm32-unknown-unknown -p brook --all-targets -- -D warnings

step "native tests (engine, CLI, UI logic; brook drive and compare against a local tansu broker)"
# tests/drive.rs starts its own brokers (scripts/broker.sh); tansu is installed by setup.sh
# --test, so its absence is a failure here, not a skip.
BROOK_REQUIRE_BROKER=1 cargo test --workspace

step "components and wasm determinism in headless Chromium (wasm-bindgen-test)"
CHROMEDRIVER="$(command -v chromedriver)" \
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  cargo test --target wasm32-unknown-unknown -p brook --test web

step "release build of the app with Trunk"
# wasm-opt, which the release build runs, is npm's binaryen (scripts/setup.sh --test).
PATH="$PWD/e2e/node_modules/.bin:$PATH" trunk build --release

step "end to end: dist/ served on 127.0.0.1 in headless Chromium (and scripts/serve.sh's own build)"
# The tests compare the page with the brook CLI the native tests built (target/debug: the
# engine is optimized in that profile too, and a run's figures do not depend on the profile);
# a release build of the CLI with LTO would add minutes on 2 cores and test nothing more.
(cd e2e && BROOK_CLI="${BROOK_CLI:-$PWD/../target/debug/brook}" npm test)
echo
echo "all checks passed in $(elapsed) after the set-up; screenshots in e2e/artifacts/"
