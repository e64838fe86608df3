#!/usr/bin/env bash
# Smoke test of dist/tibox-linux-arm64 under qemu user emulation, once as a Cortex-A53 (Pi 3,
# Zero 2) and once as a Cortex-A72 (Pi 4). qemu's default CPU has every extension, which would
# hide the "illegal instruction" crashes Bun has had on older Pi CPUs; naming the CPU exposes them.
# Each run, in an empty folder: `version` prints the version, `serve` answers /healthz within
# 60 s (emulation is slow), and SIGTERM ends it with code 0. Run `npm run build` first.
# Needs Debian's qemu-user-static and libc6-arm64-cross (the arm64 loader and libc).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BINARY="$(readlink -f "${1:-$ROOT/dist/tibox-linux-arm64}")"
CPUS=(cortex-a53 cortex-a72)
HEALTHY_TIMEOUT_S=60
STOP_TIMEOUT_S=10
EXPECTED_VERSION="$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$ROOT/package.json" | head -n1)"

fail() { echo "smoke-arm64: FAIL: $*" >&2; exit 1; }
[ -x "$BINARY" ] || fail "no executable at $BINARY (run npm run build)"
command -v qemu-aarch64-static >/dev/null || fail "qemu-aarch64-static missing (apt-get install qemu-user-static)"
# The binary links the arm64 glibc dynamically: qemu finds its loader under QEMU_LD_PREFIX.
if [ -e /usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1 ]; then
  export QEMU_LD_PREFIX=/usr/aarch64-linux-gnu
elif [ ! -e /lib/ld-linux-aarch64.so.1 ]; then
  fail "no arm64 loader (apt-get install libc6-arm64-cross)"
fi

free_port() {
  local port
  for _ in $(seq 1 50); do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return 0; fi
  done
  fail "no free port found"
}

WORK=""
PID=""
cleanup() {
  if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; then kill -KILL "$PID" 2>/dev/null || true; fi
  [ -z "$WORK" ] || rm -rf "$WORK"
}
trap cleanup EXIT

smoke() {
  local cpu="$1"
  export QEMU_CPU="$cpu"
  WORK="$(mktemp -d /tmp/tibox-smoke-arm64.XXXXXX)"
  cp "$BINARY" "$WORK/tibox"
  cd "$WORK"

  local version
  version="$(qemu-aarch64-static ./tibox version)" || fail "$cpu: tibox version failed"
  [ "$version" = "$EXPECTED_VERSION" ] || fail "$cpu: version printed '$version', expected '$EXPECTED_VERSION'"

  local port started status=0
  port="$(free_port)"
  started=$SECONDS
  qemu-aarch64-static ./tibox serve --data ./data --host 127.0.0.1 --port "$port" --https-port 0 >serve.log 2>&1 &
  PID=$!
  until curl -sf "http://127.0.0.1:$port/healthz" >health.json 2>/dev/null; do
    kill -0 "$PID" 2>/dev/null || { cat serve.log >&2; fail "$cpu: the box exited before answering"; }
    [ $((SECONDS - started)) -lt "$HEALTHY_TIMEOUT_S" ] || { cat serve.log >&2; fail "$cpu: no /healthz 200 within ${HEALTHY_TIMEOUT_S} s"; }
    sleep 0.2
  done
  grep -q '"status":"ok"' health.json || fail "$cpu: unexpected health: $(cat health.json)"
  echo "smoke-arm64: $cpu: version $version, healthz 200 after $((SECONDS - started)) s: $(cat health.json)"

  kill -TERM "$PID"
  for _ in $(seq 1 $((STOP_TIMEOUT_S * 10))); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$PID" 2>/dev/null && fail "$cpu: still running ${STOP_TIMEOUT_S} s after SIGTERM"
  wait "$PID" || status=$?
  PID=""
  [ "$status" = 0 ] || { cat serve.log >&2; fail "$cpu: exit code $status after SIGTERM"; }

  cd /
  rm -rf "$WORK"
  WORK=""
}

for cpu in "${CPUS[@]}"; do smoke "$cpu"; done
echo "smoke-arm64: ok (${CPUS[*]})"
