#!/usr/bin/env bash
# A stop signal ends a pass within a second or two, whatever the APIs do.
# With every answer 60 s slow, `crmsync sync` and `crmsync run` used to take
# about 295 s to stop after SIGTERM: the flag was looked at only between
# batches, so a request in flight ran to its timeout and its retries waited
# out their backoff first. Now the signal also abandons the call in flight and
# any retry wait: `sync` exits 1 with the pass "interrupted", `run` exits 0
# as documented, the runs are recorded interrupted, no record error is filed,
# and the next pass converges without a duplicate (C5).
source "$(dirname "$0")/lib.sh"

N=200
OVERLAP=40
TOTAL=$((2 * N - OVERLAP))
start_sandbox "$WORK/data" --hubspot-rate-limit 0
check "seeded $N contacts and $N leads" node "$(dirname "$0")/seed_sync.mjs" "$HS" "$SF" "$TOKEN" "$N" "$OVERLAP"
write_config

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# stop_after SECONDS COMMAND...: starts crmsync COMMAND, sends SIGTERM after
# SECONDS; sets RC, OUT and TOOK (ms from the signal to the exit).
stop_after() {
  local delay=$1
  shift
  "$CRMSYNC_BIN" "$@" --config "$CFG" >"$WORK/stop.out" 2>&1 &
  local pid=$!
  sleep "$delay"
  local t0
  t0=$(now_ms)
  kill -TERM "$pid"
  RC=0
  wait "$pid" || RC=$?
  TOOK=$(($(now_ms) - t0))
  OUT=$(cat "$WORK/stop.out")
}

# 1. Every answer 60 s slow from the start: the signal lands in the first
# request (the schemas, read before the first pass).
anon POST "$HS/__sandbox/faults" '{"api":"both","rate_slow":1,"slow_ms":60000}'
check "every answer is now 60 s slow" [ "$STATUS" = 200 ]
stop_after 1.5 sync --quiet
check "sync stops within 3 s of SIGTERM (took ${TOOK} ms)" [ "$TOOK" -lt 3000 ]
check "sync exits 1" [ "$RC" = 1 ]
check "it says it stopped on the signal, naming the abandoned call" \
  grep -q "crmsync sync: stopped on signal before the first pass (GET /crm/v3/properties/contacts: stopped on signal before the answer came)" <<<"$OUT"
stop_after 1.5 run --interval 1s
check "run stops within 3 s of SIGTERM (took ${TOOK} ms)" [ "$TOOK" -lt 3000 ]
check "run exits 0, as documented" [ "$RC" = 0 ]
check "run says it stopped on the signal" grep -q "crmsync run: stopped on signal after 0 passes (0 failed)" <<<"$OUT"

# 2. The signal lands in a pass: `run` completes a first pass, then every
# answer turns 60 s slow and the second pass hangs in its first read.
anon POST "$HS/__sandbox/faults" '{"api":"both"}'
"$CRMSYNC_BIN" run --interval 1s --config "$CFG" >"$WORK/run.out" 2>&1 &
RUN=$!
for _ in $(seq 1 600); do
  grep -q "pass 1 " "$WORK/run.out" && break
  sleep 0.05
done
check "run completed its first pass" grep -q "pass 1 " "$WORK/run.out"
anon POST "$HS/__sandbox/faults" '{"api":"both","rate_slow":1,"slow_ms":60000}'
sleep 2.5
T0=$(now_ms)
kill -TERM "$RUN"
RC=0
wait "$RUN" || RC=$?
TOOK=$(($(now_ms) - T0))
OUT=$(cat "$WORK/run.out")
check "run stops within 3 s of SIGTERM mid-pass (took ${TOOK} ms)" [ "$TOOK" -lt 3000 ]
check "run exits 0" [ "$RC" = 0 ]
check "the second pass is reported interrupted" \
  grep -q "interrupted by a stop signal; the next pass re-reads from the stored cursors" <<<"$OUT"
check "run counts two passes, none failed" grep -q "crmsync run: stopped on signal after 2 passes (0 failed)" <<<"$OUT"

# 3. Every HubSpot answer a 500: the signal lands in a retry wait.
anon POST "$HS/__sandbox/faults" '{"api":"both"}'
anon POST "$HS/__sandbox/faults" '{"api":"hubspot","rate_500":1}'
stop_after 1.2 sync --quiet
check "sync stops within 2 s of SIGTERM during retries (took ${TOOK} ms)" [ "$TOOK" -lt 2000 ]
check "sync exits 1" [ "$RC" = 1 ]
check "it says it stopped on the signal while waiting to retry" \
  grep -q "stopped on signal while waiting to retry" <<<"$OUT"

# The store is consistent: the interrupted pass is recorded so, no run is
# left running, no record error was filed for an abandoned call.
check "the interrupted pass is recorded interrupted" \
  [ "$(sqlite3 "$WORK/state.db" "SELECT count(*) FROM runs WHERE status = 'interrupted'")" = 1 ]
check "no run is left running" \
  [ "$(sqlite3 "$WORK/state.db" "SELECT count(*) FROM runs WHERE status = 'running'")" = 0 ]
cs errors
check "no record error was filed for the abandoned calls" grep -q "^No open errors." <<<"$OUT"

# 4. Faults off: the next pass converges, with no duplicate.
anon POST "$HS/__sandbox/faults" '{"api":"both"}'
cs sync --quiet
check "the next pass completes" [ "$RC" = 0 ]
read -r HS_DUPES SF_DUPES HS_TOTAL SF_TOTAL < <(count_email_dupes)
check "no email has two Salesforce records" [ "$SF_DUPES" = 0 ]
check "no email has two HubSpot contacts" [ "$HS_DUPES" = 0 ]
check "every email on both sides ($HS_TOTAL HubSpot, $SF_TOTAL Salesforce; $TOTAL expected)" \
  [ "$HS_TOTAL" = "$TOTAL" ] && [ "$SF_TOTAL" = "$TOTAL" ]
cs verify
check "verify is clean" [ "$RC" = 0 ]

# The sandbox still sleeps in the abandoned slow answers: do not wait for them.
kill -KILL "$SANDBOX_PID" 2>/dev/null || true
wait "$SANDBOX_PID" 2>/dev/null || true
SANDBOX_PID=""
finish
