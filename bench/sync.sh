#!/usr/bin/env bash
# Sync benchmark: for each N, N HubSpot contacts and N Salesforce Leads (a
# tenth of the emails on both sides) are created through the sandbox's batch
# APIs (not timed); then the initial `crmsync sync` and, after a 1% change on
# each side (and an untimed pass that reads the first one's echo), a second
# one are timed: wall time, records/s, API calls per side
# (all, and writes) against the lower bound of ceil(N/100) HubSpot and
# ceil(N/200) Salesforce batch calls, and peak RSS. Appends to bench/RESULTS.md.
# Usage: bench/sync.sh [N...]   (default 10000; builds the release binary via make,
#        or uses $CRMSYNC_BIN)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
if [ $# -eq 0 ]; then set -- 10000; fi
if [ -z "${CRMSYNC_BIN:-}" ]; then
  make -s build >/dev/null
  CRMSYNC_BIN=$ROOT/build/crmsync
fi
TOKEN=sandbox-token
export HUBSPOT_TOKEN=$TOKEN SALESFORCE_TOKEN=$TOKEN
WORK=$(mktemp -d "${TMPDIR:-/tmp}/crmsync-bench-XXXXXX")
SB_PID=""
cleanup() {
  if [ -n "$SB_PID" ]; then kill -TERM "$SB_PID" 2>/dev/null || true; wait "$SB_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

ceil() { echo $(( ($1 + $2 - 1) / $2 )); }

# timed_sync LABEL N [HS_BOUND SF_BOUND]: one pass; appends a table row to
# $WORK/rows. The records a side received are the created + updated of the
# pass's summary; the bounds default to those records in batches of 100 and
# 200.
timed_sync() {
  local label=$1 n=$2 hs_bound=${3:-} sf_bound=${4:-}
  curl -s -X POST "$HS/__sandbox/reset-stats" >/dev/null
  /usr/bin/time -f '%e %M' -o "$WORK/time" "$CRMSYNC_BIN" sync --config "$WORK/crmsync.yaml" --quiet \
    >"$WORK/sync.out" 2>&1 || { cat "$WORK/sync.out"; exit 1; }
  read -r secs rss <"$WORK/time"
  read -r hs_calls hs_writes sf_calls sf_writes < <(node bench/sync.mjs stats "$HS")
  local hs_rec sf_rec rate
  hs_rec=$(awk '$1=="created"||$1=="updated"{n+=$2} END{print n+0}' "$WORK/sync.out")
  sf_rec=$(awk '$1=="created"||$1=="updated"{n+=$3} END{print n+0}' "$WORK/sync.out")
  rate=$(awk -v r=$((hs_rec + sf_rec)) -v s="$secs" 'BEGIN { if (s > 0) printf("%.0f", r / s); else printf("-") }')
  [ -n "$hs_bound" ] || hs_bound=$(ceil "$hs_rec" 100)
  [ -n "$sf_bound" ] || sf_bound=$(ceil "$sf_rec" 200)
  printf '| %s | %s | %s | %s s | %s | %s (%s writes; bound %s) | %s (%s writes; bound %s) | %s MiB |\n' \
    "$label" "$n" "$hs_rec / $sf_rec" "$secs" "$rate" "$hs_calls" "$hs_writes" "$hs_bound" \
    "$sf_calls" "$sf_writes" "$sf_bound" "$((rss / 1024))" | tee -a "$WORK/rows"
}

for N in "$@"; do
  rm -rf "$WORK/data" "$WORK/state.db"*
  "$CRMSYNC_BIN" sandbox --data "$WORK/data" --hubspot-rate-limit 0 --hubspot-search-rate 0 --salesforce-daily-limit 0 \
    >"$WORK/sb.out" 2>"$WORK/sb.err" &
  SB_PID=$!
  for _ in $(seq 1 100); do [ "$(wc -l <"$WORK/sb.out")" -ge 2 ] && break; sleep 0.05; done
  HS=$(awk '$1=="hubspot"{print $2}' "$WORK/sb.out")
  SF=$(awk '$1=="salesforce"{print $2}' "$WORK/sb.out")
  echo "N=$N: creating $N HubSpot contacts and $N Salesforce Leads (not timed)..."
  node tests/integration/seed_sync.mjs "$HS" "$SF" "$TOKEN" "$N" $((N / 10))
  "$CRMSYNC_BIN" init --force --config "$WORK/crmsync.yaml" --hubspot-url "$HS" \
    --salesforce-url "$SF" --store "sqlite:$WORK/state.db" >/dev/null
  # Each pass re-reads what changed within sync.overlap before its cursors
  # (R2); 5s here so the second pass measures the 1% change rather than a
  # re-read of everything the first pass wrote moments before.
  sed -i -E 's/^(  overlap: )[0-9a-z]+/\15s/' "$WORK/crmsync.yaml"
  # The first pass's full-read bound: HubSpot reads N contacts (100 a page),
  # creates the N - N/10 Leads' contacts and writes every contact's Lead id
  # (100 a batch); Salesforce reads N Leads (2,000 a page) and the empty
  # Contact listing, creates N - N/10 Leads and updates the N/10 matched
  # ones (200 a collection).
  timed_sync "initial sync" "$N" \
    $(($(ceil "$N" 100) + $(ceil $((N - N / 10)) 100) + $(ceil "$N" 100))) \
    $(($(ceil "$N" 2000) + 1 + $(ceil $((N - N / 10)) 200) + $(ceil $((N / 10)) 200)))
  # A pass re-reads the records the previous pass wrote (their echo, which
  # the snapshots turn into no-ops): one untimed pass settles that first.
  "$CRMSYNC_BIN" sync --config "$WORK/crmsync.yaml" --quiet >/dev/null
  # nothing changed since: the target is at most 15 calls in all
  timed_sync "nothing changed" "$N" 15 15
  read -r hs_changed sf_changed < <(node bench/sync.mjs change "$HS" "$SF" "$TOKEN" "$N")
  timed_sync "$hs_changed + $sf_changed changed (1% per side)" "$N"
  kill -TERM "$SB_PID"; wait "$SB_PID" || true; SB_PID=""
done

{
  echo
  echo "## sync engine, N=$* — $(date -u +%Y-%m-%d)"
  echo
  echo "Command: \`bench/sync.sh $*\` on $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), release build, sandbox on the same machine with rate limits off."
  echo "N HubSpot contacts and N Salesforce Leads, N/10 emails on both sides; sync.overlap 5s; an untimed pass between the two reads the first pass's echo. Records/s counts the records the pass wrote (created or updated, both sides)."
  echo "Bounds: initial sync, the full-read bound (ceil(N/100) HubSpot reads, ceil(N/2000) Salesforce query pages per object, writes in batches of 100 and 200: HubSpot N - N/10 creates and N Lead-id write-backs, Salesforce N - N/10 creates and N/10 updates); other passes, ceil(records written to a side / 100) HubSpot and / 200 Salesforce batch calls. Target: at most 1.1 x bound + 20."
  echo
  echo "| pass | N | records written HS / SF | wall | records/s | HubSpot calls | Salesforce calls | peak RSS |"
  echo "|---|---|---|---|---|---|---|---|"
  cat "$WORK/rows"
} >>bench/RESULTS.md
echo "appended to bench/RESULTS.md"
