#!/usr/bin/env bash
# Crash safety (DESIGN: cursors only past what is durable; idempotent
# creates): `crmsync sync` is killed with SIGKILL in the middle of a large
# first pass (N HubSpot contacts and N Salesforce Leads, N/5 emails on both
# sides; N = 2,000 here, 10,000 in test_soak_kill.sh); rerunning finishes the
# job with no duplicate on either side and verify finds both sides in sync.
source "$(dirname "$0")/lib.sh"

N=${KILL_N:-2000}
OVERLAP=$((N / 5))
TOTAL=$((2 * N - OVERLAP))
start_sandbox "$WORK/data" --hubspot-rate-limit 0
check "seeded $N contacts and $N leads" node "$(dirname "$0")/seed_sync.mjs" "$HS" "$SF" "$TOKEN" "$N" "$OVERLAP"
write_config

"$CRMSYNC_BIN" sync --config "$CFG" --quiet >"$WORK/sync1.out" 2>&1 &
PID=$!
# Kill once the pass is writing: some Salesforce Leads exist from HubSpot.
for _ in $(seq 1 600); do
  soql "SELECT COUNT() FROM Lead"
  [ "$(json_get 'b.totalSize')" -gt $((N + N / 10)) ] 2>/dev/null && break
  kill -0 "$PID" 2>/dev/null || break
  sleep 0.05
done
kill -KILL "$PID" 2>/dev/null
rc=0; wait "$PID" || rc=$?
check "the pass was killed in the middle (SIGKILL)" [ "$rc" = 137 ]
cs status
check "status reads the store after the crash" [ "$RC" = 0 ]
check "the killed run is still marked running" grep -q 'running' <<<"$OUT"

cs sync --quiet
check "rerun completes" [ "$RC" = 0 ]
cs sync --quiet
check "a third pass completes" [ "$RC" = 0 ]
read -r HS_DUPES SF_DUPES HS_TOTAL SF_TOTAL < <(count_email_dupes)
check "no duplicate email in HubSpot" [ "$HS_DUPES" = 0 ]
check "no duplicate email in Salesforce" [ "$SF_DUPES" = 0 ]
check "every email on both sides: $TOTAL HubSpot contacts" [ "$HS_TOTAL" = "$TOTAL" ]
check "every email on both sides: $TOTAL Salesforce Leads" [ "$SF_TOTAL" = "$TOTAL" ]
cs verify
check "verify is clean after the crash and rerun" [ "$RC" = 0 ]
check "verify compared every pair" grep -q "Compared $TOTAL linked pairs" <<<"$OUT"
reset_stats
cs sync --quiet
check "then a pass writes nothing to HubSpot" [ "$(write_calls hubspot)" = 0 ]
check "then a pass writes nothing to Salesforce" [ "$(write_calls salesforce)" = 0 ]

finish
