#!/usr/bin/env bash
# A local Kafka-protocol broker for `brook drive` and its tests: tansu (crates.io) on 127.0.0.1
# with in-memory storage, in the background.
#   scripts/broker.sh start [PORT]   starts it (or finds it running), waits until it answers,
#                                     prints its bootstrap address 127.0.0.1:PORT as the last line
#   scripts/broker.sh stop           stops it
# PORT: the first free port from 19092 unless given. State (pid, address, log) is in
# target/broker/ (BROOK_BROKER_DIR overrides). Install tansu with scripts/setup.sh --test.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

DIR=${BROOK_BROKER_DIR:-target/broker}
START_TIMEOUT_S=60
mkdir -p "$DIR"

say() { printf 'broker: %s\n' "$*" >&2; }
answers() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
running() { [ -f "$DIR/pid" ] && kill -0 "$(cat "$DIR/pid")" 2>/dev/null; }

case "${1:-}" in
  start)
    if running && [ -f "$DIR/address" ]; then
      say "already running (pid $(cat "$DIR/pid"))"
      cat "$DIR/address"
      exit 0
    fi
    command -v tansu >/dev/null || { say "tansu is not installed: scripts/setup.sh --test"; exit 1; }
    port=${2:-}
    if [ -z "$port" ]; then
      port=19092
      while answers "$port"; do port=$((port + 1)); done
    elif answers "$port"; then
      say "port $port is taken"; exit 1
    fi
    url="tcp://127.0.0.1:$port"
    # In memory: nothing survives a stop. No automatic topic creation (brook drive creates them).
    nohup tansu broker --listener-url "$url" --advertised-listener-url "$url" \
      --storage-engine memory://tansu/ >"$DIR/tansu.log" 2>&1 &
    echo $! >"$DIR/pid"
    for _ in $(seq 1 $((START_TIMEOUT_S * 10))); do
      if ! running; then
        say "tansu exited; its log:"; tail -n 20 "$DIR/tansu.log" >&2; rm -f "$DIR/pid"; exit 1
      fi
      if answers "$port"; then
        echo "127.0.0.1:$port" >"$DIR/address"
        say "tansu running (pid $(cat "$DIR/pid"), log $DIR/tansu.log)"
        echo "127.0.0.1:$port"
        exit 0
      fi
      sleep 0.1
    done
    say "tansu did not answer on port $port within ${START_TIMEOUT_S} s; its log:"
    tail -n 20 "$DIR/tansu.log" >&2
    kill "$(cat "$DIR/pid")" 2>/dev/null || true
    rm -f "$DIR/pid"
    exit 1
    ;;
  stop)
    if running; then
      pid=$(cat "$DIR/pid")
      kill "$pid"
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
      say "stopped (pid $pid)"
    else
      say "not running"
    fi
    rm -f "$DIR/pid" "$DIR/address"
    ;;
  *)
    echo "usage: scripts/broker.sh start [PORT] | stop" >&2
    exit 2
    ;;
esac
