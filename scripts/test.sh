#!/usr/bin/env bash
# README command 2: install what is missing, then run every check and test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
export PATH="$HOME/.cargo/bin:$PATH"

step() { printf '\n==> %s\n' "$*"; }

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

step "release builds: the app with Trunk, the brook CLI (the end-to-end tests compare them)"
# wasm-opt, which the release build runs, is npm's binaryen (scripts/setup.sh --test).
PATH="$PWD/e2e/node_modules/.bin:$PATH" trunk build --release
cargo build --release -p brook-cli

step "end to end: dist/ served on 127.0.0.1 in headless Chromium"
(cd e2e && npm test)
echo
echo "all checks passed; screenshots in e2e/artifacts/"
