# Shared by bench/compare.sh, bench/latency.sh and bench/chaos.sh: the
# release binary, a scratch directory removed on exit, and sandboxes on ports
# the OS picks, each stopped on exit (also on error or Ctrl-C). Sourced, not
# run. Sets ROOT, CRMSYNC_BIN, WORK, TOKEN.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
TOKEN=sandbox-token
export HUBSPOT_TOKEN=$TOKEN SALESFORCE_TOKEN=$TOKEN
WORK=$(mktemp -d "${TMPDIR:-/tmp}/crmsync-bench-XXXXXX")
BENCH_PIDS=()

bench_cleanup() {
  local pid
  for pid in "${BENCH_PIDS[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    fi
  done
  rm -rf "$WORK"
}
trap bench_cleanup EXIT
trap 'exit 130' INT TERM

# bench_sizes SCRIPT ARGS...: the arguments of a script taking
# "[--no-append] [N...]": sets APPEND (1 unless --no-append) and SIZES (the
# record counts; default 10000); exits 2 on a count that is not a positive
# whole number.
bench_sizes() {
  local script=$1
  shift
  APPEND=1
  if [ "${1:-}" = "--no-append" ]; then APPEND=0; shift; fi
  if [ $# -eq 0 ]; then set -- 10000; fi
  local n
  for n in "$@"; do
    [[ $n =~ ^[1-9][0-9]*$ ]] || { echo "usage: bench/$script [--no-append] [N...]   (N: a positive record count, got '$n')" >&2; exit 2; }
  done
  SIZES=("$@")
}

# bench_build: the release binary (make build), unless $CRMSYNC_BIN is set.
bench_build() {
  if [ -z "${CRMSYNC_BIN:-}" ]; then
    make -s build >/dev/null
    CRMSYNC_BIN=$ROOT/build/crmsync
  fi
  [ -x "$CRMSYNC_BIN" ] || { echo "no crmsync binary at $CRMSYNC_BIN" >&2; exit 1; }
}

# start_sandbox NAME DATA_DIR [sandbox options...]: starts a sandbox and sets
# NAME_HS, NAME_SF (its URLs) and NAME_PID.
start_sandbox() {
  local name=$1 dir=$2
  shift 2
  local out="$WORK/$name.sb.out"
  : >"$out"
  "$CRMSYNC_BIN" sandbox --data "$dir" "$@" >"$out" 2>"$WORK/$name.sb.err" &
  local pid=$!
  BENCH_PIDS+=("$pid")
  for _ in $(seq 1 200); do
    [ "$(wc -l <"$out")" -ge 2 ] && break
    kill -0 "$pid" 2>/dev/null || { echo "sandbox $name exited early:" >&2; cat "$WORK/$name.sb.err" >&2; exit 1; }
    sleep 0.05
  done
  local hs sf
  hs=$(awk '$1=="hubspot"{print $2}' "$out")
  sf=$(awk '$1=="salesforce"{print $2}' "$out")
  [ -n "$hs" ] && [ -n "$sf" ] || { echo "sandbox $name printed no URLs" >&2; exit 1; }
  printf -v "${name}_HS" '%s' "$hs"
  printf -v "${name}_SF" '%s' "$sf"
  printf -v "${name}_PID" '%s' "$pid"
}

# stop_sandbox NAME: SIGTERM and wait, so its database is closed cleanly.
stop_sandbox() {
  local var="${1}_PID"
  kill -TERM "${!var}" 2>/dev/null || true
  wait "${!var}" 2>/dev/null || true
}

# crmsync_config FILE HS SF STORE: a default configuration for one sandbox.
crmsync_config() {
  "$CRMSYNC_BIN" init --force --config "$1" --hubspot-url "$2" --salesforce-url "$3" \
    --store "sqlite:$4" >/dev/null
}

# bench_copies N SANDBOX_ARGS...: seeds N HubSpot contacts and N Salesforce
# Leads (N/10 emails on both; not timed) into one data directory, copies it,
# starts sandbox A on the original and B on the copy with SANDBOX_ARGS, and
# writes crmsync's configuration for A to $WORK/a.yaml (store $WORK/a.db).
bench_copies() {
  local n=$1
  shift
  rm -rf "$WORK/a" "$WORK/b" "$WORK"/a.db* "$WORK/a.yaml"
  start_sandbox SEED "$WORK/a" --hubspot-rate-limit 0 --hubspot-search-rate 0 --salesforce-daily-limit 0
  echo "N=$n: seeding $n HubSpot contacts and $n Salesforce Leads, $((n / 10)) emails on both (not timed)..."
  node tests/integration/seed_sync.mjs "$SEED_HS" "$SEED_SF" "$TOKEN" "$n" $((n / 10))
  stop_sandbox SEED
  cp -a "$WORK/a" "$WORK/b"
  start_sandbox A "$WORK/a" "$@"
  start_sandbox B "$WORK/b" "$@"
  crmsync_config "$WORK/a.yaml" "$A_HS" "$A_SF" "$WORK/a.db"
}

# machine_line: cores, CPU model and load, for RESULTS.md.
machine_line() {
  echo "$(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), load average $(cut -d' ' -f1-3 /proc/loadavg)"
}

ceil() { echo $((($1 + $2 - 1) / $2)); }
