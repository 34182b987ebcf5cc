#!/usr/bin/env bash
# crmsync under HubSpot's Enterprise rate limits (190 requests per 10 s,
# search 5 a second), against its peer (bench/peer/sync.mjs) on a copy of the
# same data. The issue's scale target: with those limits on, a pass's wall
# time is at most 1.1 x (its HubSpot calls / 19 per second), i.e. the engine
# keeps HubSpot's window busy and loses no time to 429s and their backoff.
# For each N: seed N HubSpot contacts and N Salesforce Leads (N/10 emails on
# both), copy the data, start one sandbox per copy with the limits, then per
# copy a first pass and, after the same 1% change on each side, a second
# pass. Per pass: wall time, HubSpot calls and 429 answers (from
# /__sandbox/stats), the pace bound (calls / 19 per s) and the ratio. Appends
# a dated section to bench/RESULTS.md.
#
# Usage: bench/limits.sh [--no-append] [N...]   (default N: 10000)
#   CRMSYNC_BIN   binary to measure (default: the Release build, via make build)
# Exit 0 when every pass ran (whether or not the target was met), 1 when a
# pass failed, 2 for bad usage.
source "$(dirname "$0")/lib.sh"

bench_sizes limits.sh "$@"
set -- "${SIZES[@]}"
bench_build
HS_WINDOW=190 # requests per 10 s: HubSpot's Enterprise burst limit
SEARCH_RATE=5 # HubSpot searches per second
LIMITS=(--hubspot-rate-limit "$HS_WINDOW" --hubspot-search-rate "$SEARCH_RATE" --salesforce-daily-limit 0)
STATUS=0
: >"$WORK/rows"

# hs_stats HS: "calls 429s" of the HubSpot API since the last reset.
hs_stats() {
  curl -s "$1/__sandbox/stats" | node -e '
    let t = ""; process.stdin.on("data", (d) => (t += d)).on("end", () => {
      const h = JSON.parse(t).hubspot;
      console.log(`${h.requests} ${h.by_status["429"] || 0}`); });'
}

# pass TOOL PASS N HS CMD...: runs CMD timed, appends a row.
pass() {
  local tool=$1 name=$2 n=$3 hs=$4
  shift 4
  curl -s -X POST "$hs/__sandbox/reset-stats" >/dev/null
  local rc=0 t0 t1
  t0=$(date +%s.%N)
  "$@" >"$WORK/$tool.out" 2>"$WORK/$tool.err" || rc=$?
  t1=$(date +%s.%N)
  if [ $rc -ne 0 ]; then
    echo "$tool ($name) exited $rc:" >&2
    tail -n 5 "$WORK/$tool.out" "$WORK/$tool.err" >&2
    STATUS=1
  fi
  local calls limited
  read -r calls limited < <(hs_stats "$hs")
  awk -v tool="$tool" -v p="$name" -v n="$n" -v t0="$t0" -v t1="$t1" -v c="$calls" -v l="$limited" -v rc="$rc" \
    'BEGIN { wall = t1 - t0; bound = c / 19;
      printf("| %s | %s | %s | %.1f s | %d | %d | %.1f s | %s |%s\n", tool, p, n, wall, c, l,
             bound, bound > 0 ? sprintf("%.2f", wall / bound) : "-", rc ? " exited " rc " |" : "") }' |
    tee -a "$WORK/rows"
}

for N in "$@"; do
  bench_copies "$N" "${LIMITS[@]}"
  echo "N=$N: first pass under the limits, crmsync then peer..."
  pass crmsync first "$N" "$A_HS" "$CRMSYNC_BIN" sync --config "$WORK/a.yaml" --quiet
  pass peer first "$N" "$B_HS" node bench/peer/sync.mjs "$B_HS" "$B_SF" "$TOKEN"
  # The 1% change is made with the limits on too: its calls are not measured.
  node bench/compare.mjs change "$A_HS" "$A_SF" "$TOKEN" "$N" >/dev/null
  node bench/compare.mjs change "$B_HS" "$B_SF" "$TOKEN" "$N" >/dev/null
  echo "N=$N: second pass after a 1% change on each side..."
  pass crmsync "after 1% change" "$N" "$A_HS" "$CRMSYNC_BIN" sync --config "$WORK/a.yaml" --quiet
  pass peer "after 1% change" "$N" "$B_HS" node bench/peer/sync.mjs "$B_HS" "$B_SF" "$TOKEN"
  if ! "$CRMSYNC_BIN" verify --config "$WORK/a.yaml" --limit 5 >"$WORK/verify.out" 2>&1; then
    echo "crmsync verify after the passes: $(tail -1 "$WORK/verify.out")" >&2
    STATUS=1
  fi
  stop_sandbox A
  stop_sandbox B
done

{
  echo
  echo "## under HubSpot's Enterprise limits, N=$* — $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "Command: \`bench/limits.sh $*\` on $(machine_line) at the end of the run; release build; sandboxes with \`--hubspot-rate-limit $HS_WINDOW --hubspot-search-rate $SEARCH_RATE\` (190 requests per 10 s, 5 searches a second: HubSpot's Enterprise limits), Salesforce unlimited."
  echo "The target: wall time at most 1.1 × the pace bound, HubSpot calls ÷ 19 per second. 429s: HubSpot answers refused by either limit (each one a call that did no work and a backoff). The peer is \`bench/peer/sync.mjs\` on a copy of the same data (the official client retries 429s itself, 6 times)."
  echo
  echo "| tool | pass | N | wall | HubSpot calls | 429s | pace bound | wall ÷ bound |"
  echo "|---|---|---|---|---|---|---|---|"
  cat "$WORK/rows"
} >"$WORK/section"
if [ "$APPEND" = 1 ]; then
  cat "$WORK/section" >>bench/RESULTS.md
  echo "appended to bench/RESULTS.md"
else
  cat "$WORK/section"
fi
exit $STATUS
