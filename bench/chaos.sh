#!/usr/bin/env bash
# Chaos: crmsync under injected API faults and repeated `kill -9`, then a
# check that nothing was lost, duplicated or re-read from scratch.
#  1. Seed N HubSpot contacts and N Leads (N/10 emails on both sides); set
#     the sandbox's faults: each of 429, 500, slow, drop and drop-after at
#     RATE on both APIs (/__sandbox/faults).
#  2. Initial `crmsync sync` under the faults (repeated while it exits 1,
#     at most 5 times; not killed).
#  3. A driver (bench/latency.mjs chaos) edits random linked pairs on both
#     sides (`fax` on HubSpot, two_way here; `Title` on Leads) and logs each
#     confirmed edit, while K times `crmsync run --interval 1s` starts and
#     is killed with SIGKILL after a random 0.2 to MAX_UP seconds. After
#     each kill, `crmsync status` must show every cursor that had started
#     still started and not moved back (no full resync after a kill).
#  4. The driver stops, the faults are cleared, one clean `crmsync sync`
#     runs; then: `crmsync verify` clean, 0 duplicates by email on either
#     side, 0 lost updates (each record's last logged edit on both sides).
#
# Usage: bench/chaos.sh [--records N] [--kills K] [--rate F] [--slow-ms MS]
#                       [--edits PER_MIN] [--max-up S] [--no-append]
#   defaults: N=100000, K=200, F=0.1 per fault kind, slow 500 ms, 300 edits
#   per minute per side, MAX_UP 3 s. A quick run: --records 2000 --kills 10.
#   CRMSYNC_BIN: binary to test (default: the Release build, via make build)
# Exit 0 when every check passed, 1 when one failed, 2 for bad usage.
source "$(dirname "$0")/lib.sh"

N=100000 KILLS=200 RATE=0.1 SLOW_MS=500 EDITS=300 MAX_UP=3 APPEND=1
usage() { echo "usage: bench/chaos.sh [--records N] [--kills K] [--rate F] [--slow-ms MS] [--edits PER_MIN] [--max-up S] [--no-append]" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case $1 in
    --records) N=${2:-}; shift 2 || usage ;;
    --kills) KILLS=${2:-}; shift 2 || usage ;;
    --rate) RATE=${2:-}; shift 2 || usage ;;
    --slow-ms) SLOW_MS=${2:-}; shift 2 || usage ;;
    --edits) EDITS=${2:-}; shift 2 || usage ;;
    --max-up) MAX_UP=${2:-}; shift 2 || usage ;;
    --no-append) APPEND=0; shift ;;
    *) usage ;;
  esac
done
for v in "$N" "$EDITS" "$MAX_UP" "$SLOW_MS"; do [[ $v =~ ^[1-9][0-9]*$ ]] || usage; done
[[ $KILLS =~ ^[0-9]+$ ]] || usage
[[ $RATE =~ ^(0(\.[0-9]+)?|0?\.[0-9]+|1)$ ]] || usage
bench_build
STATUS=0
T0=$(date +%s)
: >"$WORK/findings"
finding() { echo "- $*" | tee -a "$WORK/findings"; STATUS=1; }

start_sandbox S "$WORK/data" --hubspot-rate-limit 0 --salesforce-daily-limit 0
echo "seeding $N HubSpot contacts and $N Salesforce Leads..."
node tests/integration/seed_sync.mjs "$S_HS" "$S_SF" "$TOKEN" "$N" $((N / 10))
crmsync_config "$WORK/c.yaml" "$S_HS" "$S_SF" "$WORK/state.db"
sed -i -E 's/^(    fax: +)prefer_sf_unless_blank/\1two_way              /' "$WORK/c.yaml"
grep -qE '^    fax: +two_way' "$WORK/c.yaml" || { echo "could not set fax to two_way in the configuration" >&2; exit 1; }
FAULTS="{\"api\":\"both\",\"rate_429\":$RATE,\"rate_500\":$RATE,\"rate_slow\":$RATE,\"slow_ms\":$SLOW_MS,\"rate_drop\":$RATE,\"rate_drop_after\":$RATE}"
curl -sf -X POST -H 'Content-Type: application/json' --data "$FAULTS" "$S_HS/__sandbox/faults" >/dev/null

echo "initial sync under faults..."
INITIAL_TRIES=0
T_INIT=$(date +%s)
while :; do
  INITIAL_TRIES=$((INITIAL_TRIES + 1))
  if "$CRMSYNC_BIN" sync --config "$WORK/c.yaml" --quiet >"$WORK/initial.out" 2>"$WORK/initial.err"; then break; fi
  if [ $INITIAL_TRIES -ge 5 ]; then
    finding "the initial sync under faults failed 5 times: $(tail -1 "$WORK/initial.err")"
    break
  fi
done
T_INIT=$(($(date +%s) - T_INIT))

# cursors FILE: "name value" per started cursor from `crmsync status`.
cursors() {
  "$CRMSYNC_BIN" status --config "$WORK/c.yaml" 2>/dev/null |
    awk '/changes up to/ { for (i = 1; i <= NF; i++) if ($i ~ /^(hubspot|salesforce)\./) n = $i;
                           s = $0; sub(/.*changes up to /, "", s); sub(/ \(.*/, "", s); print n, s }
         /not started/ { for (i = 1; i <= NF; i++) if ($i ~ /^(hubspot|salesforce)\./) print $i, "-" }' >"$1"
}
cursors "$WORK/cursors.base"
cp "$WORK/cursors.base" "$WORK/cursors.prev"

node bench/latency.mjs chaos "$S_HS" "$S_SF" "$TOKEN" 86400 "$EDITS" "$WORK/edits.log" 2>"$WORK/driver.err" &
DRIVER_PID=$!
BENCH_PIDS+=("$DRIVER_PID")
echo "$KILLS kills of crmsync run (up 0.2 to ${MAX_UP}s each) while editing $EDITS/min per side..."
REFUSED=0 RESETS=0 EXITED=0
T_KILLS=$(date +%s)
for k in $(seq 1 "$KILLS"); do
  "$CRMSYNC_BIN" run --config "$WORK/c.yaml" --interval 1s >>"$WORK/run.out" 2>>"$WORK/run.err" &
  RUN_PID=$!
  sleep "$(awk -v m="$MAX_UP" -v r=$RANDOM 'BEGIN { printf("%.2f", 0.2 + (m - 0.2) * r / 32767) }')"
  if kill -9 "$RUN_PID" 2>/dev/null; then wait "$RUN_PID" 2>/dev/null || true
  else
    # It ended by itself: a refusal (another holder of the store) or a crash.
    rc=0
    wait "$RUN_PID" || rc=$?
    EXITED=$((EXITED + 1))
    if tail -1 "$WORK/run.err" | grep -q -i 'store\|lock'; then REFUSED=$((REFUSED + 1)); fi
    echo "kill $k: crmsync run had already exited with $rc" >>"$WORK/kills.log"
  fi
  cursors "$WORK/cursors.now"
  while read -r name before; do
    [ "$before" = "-" ] && continue
    now=$(awk -v n="$name" '$1 == n { $1 = ""; sub(/^ /, ""); print }' "$WORK/cursors.now")
    if [ -z "$now" ] || [ "$now" = "-" ] || [[ "$now" < "$before" ]]; then
      RESETS=$((RESETS + 1))
      echo "kill $k: cursor $name went from '$before' to '${now:-missing}'" >>"$WORK/kills.log"
    fi
  done <"$WORK/cursors.prev"
  cp "$WORK/cursors.now" "$WORK/cursors.prev"
done
T_KILLS=$(($(date +%s) - T_KILLS))
kill -TERM "$DRIVER_PID" 2>/dev/null || true
wait "$DRIVER_PID" || finding "the edit driver failed: $(tail -1 "$WORK/driver.err")"
[ $RESETS -eq 0 ] || finding "$RESETS cursor resets or moves back after a kill: $(head -3 "$WORK/kills.log" | tr '\n' ' ')"
[ $EXITED -eq 0 ] || finding "$EXITED of $KILLS runs had exited before their kill ($REFUSED refused for the store's lock): $(grep -v '^$' "$WORK/run.err" | tail -1)"

curl -sf -X POST -H 'Content-Type: application/json' --data '{"api":"both"}' "$S_HS/__sandbox/faults" >/dev/null
echo "clean pass and checks..."
"$CRMSYNC_BIN" sync --config "$WORK/c.yaml" --quiet >"$WORK/clean.out" 2>"$WORK/clean.err" ||
  finding "the clean pass exited $?: $(tail -1 "$WORK/clean.err")"
if "$CRMSYNC_BIN" verify --config "$WORK/c.yaml" --limit 5 >"$WORK/verify.out" 2>&1; then VERIFY="clean: $(tail -1 "$WORK/verify.out")"
else VERIFY="NOT clean: $(tail -1 "$WORK/verify.out")"; finding "verify after the clean pass: $(tail -1 "$WORK/verify.out")"; fi
KNOWN=$(grep -c -i 'known difference' "$WORK/verify.out" || true)
ERRORS=$("$CRMSYNC_BIN" errors --config "$WORK/c.yaml" --limit 1 2>/dev/null | tail -2 | head -1)
read -r DUP_HS DUP_LEAD DUP_CONTACT < <(node bench/compare.mjs dups "$S_HS" "$S_SF" "$TOKEN")
[ $((DUP_HS + DUP_LEAD + DUP_CONTACT)) -eq 0 ] || finding "duplicates by email: HubSpot $DUP_HS, Leads $DUP_LEAD, Contacts $DUP_CONTACT"
read -r EDITS_N EDITED LOST < <(node bench/latency.mjs verify "$S_HS" "$S_SF" "$TOKEN" "$WORK/edits.log" 2>"$WORK/lost.txt")
[ "$LOST" -eq 0 ] || finding "$LOST of $EDITED edited fields lost their last edit on a side: $(head -2 "$WORK/lost.txt" | tr '\n' ' ')"
PASSES=$(grep -c ' pass ' "$WORK/run.out" || true)
T_ALL=$(($(date +%s) - T0))

{
  echo
  echo "## chaos, N=$N, $KILLS kills, faults $RATE each — $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "Command: \`bench/chaos.sh --records $N --kills $KILLS --rate $RATE --slow-ms $SLOW_MS --edits $EDITS --max-up $MAX_UP\` on $(machine_line) at the end of the run; release build; $T_ALL s in all."
  echo
  echo "| check | result |"
  echo "|---|---|"
  echo "| initial sync under faults (429, 500, slow ${SLOW_MS} ms, drop, drop-after at $RATE each) | $INITIAL_TRIES attempt(s), ${T_INIT} s: $(grep -m1 'records read' -A0 "$WORK/initial.out" | sed 's/  */ /g' || true); $(grep -m1 -o '[0-9]* found by email after an unknown outcome' "$WORK/initial.out" || echo 'no create') settled by a lookup |"
  echo "| kill -9 of \`crmsync run\` | $KILLS in ${T_KILLS} s; $PASSES passes completed between kills; $EXITED runs had ended before their kill |"
  echo "| edits by the driver (confirmed, logged) | $EDITS_N on $EDITED record fields |"
  echo "| cursors reset or moved back after a kill (no full resync) | $RESETS |"
  echo "| verify after one clean pass | $VERIFY ($KNOWN known-difference lines) |"
  echo "| open sync errors | ${ERRORS:-none} |"
  echo "| duplicates by email: HubSpot / Leads / Contacts | $DUP_HS / $DUP_LEAD / $DUP_CONTACT |"
  echo "| lost updates (last edit missing on a side) | $LOST |"
  if [ -s "$WORK/findings" ]; then echo; echo "Findings:"; echo; cat "$WORK/findings"; fi
} >"$WORK/section"
if [ $APPEND -eq 1 ]; then cat "$WORK/section" >>bench/RESULTS.md; echo "appended to bench/RESULTS.md"; else cat "$WORK/section"; fi
exit $STATUS
