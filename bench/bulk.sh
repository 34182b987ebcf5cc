#!/usr/bin/env bash
# crmsync's first pass with and without Salesforce's Bulk API 2.0: for each
# sync.bulk_threshold given, a fresh copy of the same data (N HubSpot
# contacts, N Salesforce Leads, N/10 emails on both sides), one
# `crmsync sync`, and its wall time, client CPU, peak RSS and Salesforce
# calls by kind (REST query pages, query jobs and their polls and result
# pages, /composite writes, ingest jobs and their calls) from
# /__sandbox/stats, against the first-pass bound of issue 7.
#
# Usage: bench/bulk.sh [N [THRESHOLD...]]   (default: 100000, thresholds 10000 0)
#   CRMSYNC_BIN   binary to measure (default: the Release build, via make build)
# Prints a Markdown table; exit 1 when a pass failed.
source "$(dirname "$0")/lib.sh"

N=${1:-100000}
shift || true
if [ $# -eq 0 ]; then set -- 10000 0; fi
[[ $N =~ ^[1-9][0-9]*$ ]] || { echo "usage: bench/bulk.sh [N [THRESHOLD...]]" >&2; exit 2; }
bench_build
LIMITS=(--hubspot-rate-limit 0 --hubspot-search-rate 0 --salesforce-daily-limit 0)

start_sandbox SEED "$WORK/seed" "${LIMITS[@]}"
node "$ROOT/tests/integration/seed_sync.mjs" "$SEED_HS" "$SEED_SF" "$TOKEN" "$N" $((N / 10))
stop_sandbox SEED

echo "| bulk_threshold | N | wall | CPU | peak RSS | HubSpot calls | Salesforce calls | SF REST query pages | SF query jobs (create / polls / result pages) | SF /composite + collections writes | SF ingest jobs (create / upload / close / polls / results) |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
STATUS=0
for t in "$@"; do
  rm -rf "$WORK/run"
  cp -r "$WORK/seed" "$WORK/run"
  start_sandbox RUN "$WORK/run" "${LIMITS[@]}"
  crmsync_config "$WORK/c.yaml" "$RUN_HS" "$RUN_SF" "$WORK/state-$t.db"
  sed -i -E "s/^  bulk_threshold: +[0-9]+/  bulk_threshold: $t/" "$WORK/c.yaml"
  curl -s -X POST "$RUN_HS/__sandbox/reset-stats" >/dev/null
  rc=0
  /usr/bin/time -f '%e %U %S %M' -o "$WORK/time" "$CRMSYNC_BIN" sync --config "$WORK/c.yaml" \
    --quiet >"$WORK/sync.out" 2>&1 || rc=$?
  [ "$rc" = 0 ] || { echo "threshold $t: sync exited $rc" >&2; tail -5 "$WORK/sync.out" >&2; STATUS=1; }
  read -r wall user sys rss <"$WORK/time"
  curl -s "$RUN_HS/__sandbox/stats" >"$WORK/stats.json"
  node - "$WORK/stats.json" "$t" "$N" "$wall" "$user" "$sys" "$rss" <<'JS'
const fs = require("fs");
const [file, t, n, wall, user, sys, rss] = process.argv.slice(2);
const s = JSON.parse(fs.readFileSync(file, "utf8"));
const sf = s.salesforce.by_endpoint;
const sum = (re) => Object.entries(sf).filter(([k]) => re.test(k)).reduce((a, [, v]) => a + v, 0);
const cells = [
  t, n, `${Number(wall).toFixed(1)} s`, `${(Number(user) + Number(sys)).toFixed(1)} s`,
  `${Math.round(Number(rss) / 1024)} MiB`, s.hubspot.requests, s.salesforce.requests,
  sum(/^GET .*\/query$/),
  `${sum(/^POST .*\/jobs\/query$/)} / ${sum(/^GET .*\/jobs\/query\/\{job\}$/)} / ${sum(/^GET .*\/jobs\/query\/\{job\}\/results$/)}`,
  sum(/^(POST|PATCH) .*\/composite(\/sobjects)?$/),
  `${sum(/^POST .*\/jobs\/ingest$/)} / ${sum(/^PUT .*\/batches$/)} / ${sum(/^PATCH .*\/jobs\/ingest\/\{job\}$/)} / ${sum(/^GET .*\/jobs\/ingest\/\{job\}$/)} / ${sum(/^GET .*\/jobs\/ingest\/\{job\}\/(successfulResults|failedResults|unprocessedrecords)$/)}`,
];
console.log(`| ${cells.join(" | ")} |`);
JS
  stop_sandbox RUN
done
echo
echo "Machine: $(machine_line)"
exit $STATUS
