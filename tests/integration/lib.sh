# Shared helpers of the integration tests: start/stop a sandbox on free ports,
# make requests, assert. Sourced by tests/integration/test_*.sh.
set -euo pipefail

CRMSYNC_BIN=${CRMSYNC_BIN:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/build/crmsync}
TOKEN=sandbox-token
WORK=$(mktemp -d "${TMPDIR:-/tmp}/crmsync-it-XXXXXX")
SANDBOX_PID=""
HS=""
SF=""
FAILS=0
PASSES=0

cleanup() {
  if [ -n "$SANDBOX_PID" ] && kill -0 "$SANDBOX_PID" 2>/dev/null; then
    kill -TERM "$SANDBOX_PID" 2>/dev/null || true
    wait "$SANDBOX_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# start_sandbox DATA_DIR [extra args...]: sets HS, SF, SANDBOX_PID.
start_sandbox() {
  local dir=$1
  shift
  local out="$WORK/sandbox.out"
  : >"$out"
  "$CRMSYNC_BIN" sandbox --data "$dir" "$@" >"$out" 2>"$WORK/sandbox.err" &
  SANDBOX_PID=$!
  for _ in $(seq 1 200); do
    if [ "$(wc -l <"$out")" -ge 2 ]; then break; fi
    if ! kill -0 "$SANDBOX_PID" 2>/dev/null; then
      echo "sandbox exited early:"; cat "$WORK/sandbox.err"; return 1
    fi
    sleep 0.05
  done
  HS=$(awk '$1=="hubspot"{print $2}' "$out")
  SF=$(awk '$1=="salesforce"{print $2}' "$out")
  [ -n "$HS" ] && [ -n "$SF" ] || { echo "sandbox did not print its URLs"; cat "$out"; return 1; }
}

stop_sandbox() {
  kill -TERM "$SANDBOX_PID"
  local rc=0
  wait "$SANDBOX_PID" || rc=$?
  SANDBOX_PID=""
  return $rc
}

# req METHOD URL [BODY]: prints the body, sets STATUS. Authenticated.
req() {
  local method=$1 url=$2 body=${3:-}
  local args=(-s -o "$WORK/body" -w '%{http_code}' -X "$method" -H "Authorization: Bearer $TOKEN")
  if [ -n "$body" ]; then args+=(-H 'Content-Type: application/json' --data "$body"); fi
  STATUS=$(curl "${args[@]}" "$url" || true)
  BODY=$(cat "$WORK/body" 2>/dev/null || true)
}

# anon METHOD URL [BODY]: like req, without a token.
anon() {
  local method=$1 url=$2 body=${3:-}
  local args=(-s -o "$WORK/body" -w '%{http_code}' -X "$method")
  if [ -n "$body" ]; then args+=(-H 'Content-Type: application/json' --data "$body"); fi
  STATUS=$(curl "${args[@]}" "$url" || true)
  BODY=$(cat "$WORK/body" 2>/dev/null || true)
}

ok() { PASSES=$((PASSES + 1)); echo "ok - $*"; }
fail() { FAILS=$((FAILS + 1)); echo "FAIL - $*"; }

# check DESCRIPTION COMMAND...: runs the command, counts pass/fail.
check() {
  local what=$1
  shift
  if "$@"; then ok "$what"; else fail "$what (status=$STATUS body=${BODY:0:300})"; fi
}

# jq-free JSON probe through node: json_get EXPR (reads $BODY), e.g. 'b.results.length'.
json_get() {
  BODY_JSON="$BODY" node -e 'const b=JSON.parse(process.env.BODY_JSON); const v=('"$1"'); console.log(typeof v==="object"?JSON.stringify(v):v)'
}

finish() {
  echo "$PASSES passed, $FAILS failed"
  [ "$FAILS" -eq 0 ]
}
