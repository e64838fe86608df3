#!/usr/bin/env bash
# Smoke test of dist/tibox-linux-x64, run natively: copied alone into an empty folder, it must
# print its version, answer /healthz over HTTP and HTTPS (its own CA, hence curl -k), serve an
# embedded asset, and exit 0 on SIGTERM. Run `npm run build` first.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BINARY="$(readlink -f "${1:-$ROOT/dist/tibox-linux-x64}")"
HEALTHY_TIMEOUT_S=15
STOP_TIMEOUT_S=5
EXPECTED_VERSION="$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$ROOT/package.json" | head -n1)"

fail() { echo "smoke-x64: FAIL: $*" >&2; exit 1; }
[ -x "$BINARY" ] || fail "no executable at $BINARY (run npm run build)"

# A port nobody listens on: random high ports, checked with bash's /dev/tcp, bounded tries.
free_port() {
  local port
  for _ in $(seq 1 50); do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return 0; fi
  done
  fail "no free port found"
}

WORK="$(mktemp -d /tmp/tibox-smoke-x64.XXXXXX)"
PID=""
cleanup() {
  if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; then kill -KILL "$PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
cp "$BINARY" "$WORK/tibox"
cd "$WORK"

version="$(./tibox version)" || fail "tibox version failed"
[ "$version" = "$EXPECTED_VERSION" ] || fail "version printed '$version', expected '$EXPECTED_VERSION'"
echo "smoke-x64: version $version"

HTTP_PORT="$(free_port)"
HTTPS_PORT="$(free_port)"
[ "$HTTP_PORT" != "$HTTPS_PORT" ] || HTTPS_PORT="$(free_port)"
./tibox serve --data ./data --host 127.0.0.1 --port "$HTTP_PORT" --https-port "$HTTPS_PORT" >serve.log 2>&1 &
PID=$!

started=$SECONDS
until curl -sf "http://127.0.0.1:$HTTP_PORT/healthz" >health.json 2>/dev/null; do
  kill -0 "$PID" 2>/dev/null || { cat serve.log >&2; fail "the box exited before answering"; }
  [ $((SECONDS - started)) -lt "$HEALTHY_TIMEOUT_S" ] || { cat serve.log >&2; fail "no /healthz 200 within ${HEALTHY_TIMEOUT_S} s"; }
  sleep 0.1
done
grep -q '"status":"ok"' health.json || fail "unexpected health: $(cat health.json)"
echo "smoke-x64: http  $(cat health.json)"

curl -sfk "https://127.0.0.1:$HTTPS_PORT/healthz" >health-tls.json || fail "no /healthz 200 over HTTPS"
grep -q '"status":"ok"' health-tls.json || fail "unexpected HTTPS health: $(cat health-tls.json)"
echo "smoke-x64: https $(cat health-tls.json)"

code="$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$HTTP_PORT/assets/htmx.min.js")"
[ "$code" = 200 ] || fail "/assets/htmx.min.js answered $code"

kill -TERM "$PID"
for _ in $(seq 1 $((STOP_TIMEOUT_S * 10))); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
kill -0 "$PID" 2>/dev/null && fail "still running ${STOP_TIMEOUT_S} s after SIGTERM"
status=0
wait "$PID" || status=$?
PID=""
[ "$status" = 0 ] || { cat serve.log >&2; fail "exit code $status after SIGTERM"; }
echo "smoke-x64: ok (stopped cleanly)"
