#!/usr/bin/env bash
# README command 1: install what is missing, then serve Brook on http://127.0.0.1:8080.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export PATH="$HOME/.cargo/bin:$PATH"
exec trunk serve "$@"
