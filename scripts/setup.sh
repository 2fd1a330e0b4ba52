#!/usr/bin/env bash
# Installs what Brook's build needs (`scripts/setup.sh`, for serving) or its build and tests
# (`scripts/setup.sh --test`), skipping each tool already present at the right version, so a
# second run takes seconds. Nothing here runs at build or test time: Trunk is offline and
# uses these tools from PATH.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

TESTS=0
case "${1:-}" in
  --test) TESTS=1 ;;
  "") ;;
  *) echo "usage: scripts/setup.sh [--test]" >&2; exit 2 ;;
esac

TRUNK_VERSION=0.21.14
# wasm-bindgen-cli must equal the wasm-bindgen crate pinned (with =) in Cargo.toml.
WASM_BINDGEN_VERSION=$(sed -n 's/^wasm-bindgen = "=\([0-9.]*\)".*/\1/p' Cargo.toml)
[ -n "$WASM_BINDGEN_VERSION" ] || { echo "setup: no pinned wasm-bindgen in Cargo.toml" >&2; exit 1; }

say() { printf 'setup: %s\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# What only the tests need (Debian's browser and fonts, npm packages, tansu) installs in the
# background while the build tools compile: downloads and unpacking overlap the compiling, and
# two builds on 2 cores fill each other's single-threaded stretches (linking, the largest
# crates). Each job's output is kept in target/setup/ and printed when it ends.
mkdir -p target/setup
jobs_pids=()
jobs_names=()
background() {
  local name=$1; shift
  "$@" >"target/setup/$name.log" 2>&1 &
  jobs_pids+=($!)
  jobs_names+=("$name")
}
wait_background() {
  local failed=0 i
  for i in "${!jobs_pids[@]}"; do
    if wait "${jobs_pids[$i]}"; then
      sed "s/^/  /" "target/setup/${jobs_names[$i]}.log"
    else
      say "${jobs_names[$i]} failed:"; sed "s/^/  /" "target/setup/${jobs_names[$i]}.log"; failed=1
    fi
  done
  return $failed
}

browser_and_npm() {
  # The tests' browser, and a Traditional Chinese font so headless screenshots of the zh-TW
  # page show real glyphs, not boxes.
  packages=()
  command -v chromium >/dev/null || packages+=(chromium)
  command -v chromedriver >/dev/null || packages+=(chromium-driver)
  dpkg -s fonts-noto-cjk >/dev/null 2>&1 || packages+=(fonts-noto-cjk)
  if [ "${#packages[@]}" -gt 0 ]; then
    say "installing Debian's ${packages[*]}"
    as_root apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${packages[@]}"
  fi

  # playwright-core for the tests, and binaryen's wasm-opt, which `trunk build --release` runs on
  # the page's wasm (Debian's binaryen is too old; Trunk.toml names the version).
  # Installed again whenever e2e/package-lock.json changed since the last install (its copy is
  # kept in node_modules).
  if ! cmp -s e2e/package-lock.json e2e/node_modules/.brook-package-lock.json; then
    say "installing the end-to-end test dependencies (playwright-core, no browser download; binaryen; axe-core)"
    (cd e2e && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
    cp e2e/package-lock.json e2e/node_modules/.brook-package-lock.json
  fi
}

tansu_broker() {
  # A Kafka-protocol broker for `brook drive`'s tests (scripts/broker.sh): tansu with its
  # in-memory storage (the `dynostore` feature). About nine minutes of build on 2 cores, once.
  TANSU_VERSION=0.6.0
  if ! tansu --version 2>/dev/null | grep -q " $TANSU_VERSION\b"; then
    say "building tansu $TANSU_VERSION (about nine minutes, once)"
    cargo install tansu --version "=$TANSU_VERSION" --locked --features dynostore --force
  fi
}

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi
for component in rustfmt clippy; do
  if ! rustup component list --installed | grep -q "^$component"; then
    rustup component add "$component"
  fi
done

if [ "$TESTS" = 1 ]; then
  # A failure in the foreground stops the background jobs too.
  trap 'kill "${jobs_pids[@]}" 2>/dev/null || true' EXIT
  background browser-and-npm browser_and_npm
  background tansu tansu_broker
fi

if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
  say "building wasm-bindgen-cli $WASM_BINDGEN_VERSION (several minutes, once)"
  # Without --locked: its lock file wants a crate version the registry here lacks.
  cargo install wasm-bindgen-cli --version "=$WASM_BINDGEN_VERSION" --force
fi

if [ "$(trunk --version 2>/dev/null)" != "trunk $TRUNK_VERSION" ]; then
  say "building trunk $TRUNK_VERSION (about ten minutes, once)"
  cargo install trunk --version "=$TRUNK_VERSION" --locked --force
fi

if [ "$TESTS" = 0 ]; then
  say "ready to build and serve (scripts/setup.sh --test adds what the tests need)"
  exit 0
fi
wait_background
trap - EXIT
say "ready"
