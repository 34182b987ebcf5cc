#!/usr/bin/env bash
# One writer per store (C5: the sync never makes a second Salesforce record
# for an email). Two `crmsync sync` on one store used to each read the same
# unlinked records and each create them: every email got two Leads, the
# second process filed "Duplicates" errors, and verify said "In sync".
# Now the second process is refused, naming the holder, and exits 1; a
# killed holder leaves no stuck lock and its run is marked interrupted; a
# reader (status) needs no lock; verify reports a Salesforce-side duplicate.
source "$(dirname "$0")/lib.sh"

N=${ONE_WRITER_N:-300}
OVERLAP=$((N / 5))
TOTAL=$((2 * N - OVERLAP))
LOCK="$WORK/state.db-lock"
start_sandbox "$WORK/data" --hubspot-rate-limit 0
check "seeded $N contacts and $N leads" node "$(dirname "$0")/seed_sync.mjs" "$HS" "$SF" "$TOKEN" "$N" "$OVERLAP"
write_config

# wait_for_holder PID: until PID has taken the lock (its pid is in the file).
wait_for_holder() {
  for _ in $(seq 1 400); do
    [ "$(head -n1 "$LOCK" 2>/dev/null)" = "$1" ] && return 0
    kill -0 "$1" 2>/dev/null || return 1
    sleep 0.01
  done
  return 1
}

# 1. The issue's steps: two passes started together.
"$CRMSYNC_BIN" sync --config "$CFG" --quiet >"$WORK/a.out" 2>&1 &
A=$!
"$CRMSYNC_BIN" sync --config "$CFG" --quiet >"$WORK/b.out" 2>&1 &
B=$!
RA=0; wait "$A" || RA=$?
RB=0; wait "$B" || RB=$?
if [ "$RA" = 0 ] && [ "$RB" = 0 ]; then
  # Possible only when one finished before the other opened the store.
  check "both completed: one after the other, never together" \
    grep -q "Sync pass completed" "$WORK/a.out"
else
  check "one of two simultaneous passes completed" [ $((RA + RB)) = 1 ]
  REFUSED="$WORK/a.out"; HOLDER=$B
  [ "$RB" = 1 ] && { REFUSED="$WORK/b.out"; HOLDER=$A; }
  check "the other is refused: the store is in use, naming the holder's pid" \
    grep -q "crmsync sync: store $WORK/state.db is in use by another crmsync process (pid $HOLDER (crmsync sync) since " "$REFUSED"
  check "the refused pass wrote nothing (no summary)" bash -c "! grep -q 'Sync pass' '$REFUSED'"
fi
# A later pass picks up what HubSpot's search had not indexed yet (when
# the sandbox lags like the real index) and must not duplicate anything.
cs sync --quiet
check "a later pass completes" [ "$RC" = 0 ]
read -r HS_DUPES SF_DUPES HS_TOTAL SF_TOTAL < <(count_email_dupes)
check "no email has two Leads (or two Contacts) in Salesforce" [ "$SF_DUPES" = 0 ]
check "no email has two HubSpot contacts" [ "$HS_DUPES" = 0 ]
check "every email on both sides: $TOTAL Salesforce Leads (got $SF_TOTAL)" [ "$SF_TOTAL" = "$TOTAL" ]
cs errors
check "no Duplicates error was filed" bash -c "! grep -qi 'duplicates' <<<\"\$0\"" "$OUT"
cs verify
check "verify is clean" [ "$RC" = 0 ]
check "verify compared every pair" grep -q "Compared $TOTAL linked pairs" <<<"$OUT"

# 2. Deterministic: a second writer while the first is held mid-pass
# (stopped with SIGSTOP after taking the lock).
"$CRMSYNC_BIN" sync --config "$CFG" --quiet --full >"$WORK/c.out" 2>&1 &
C=$!
check "the first pass took the lock" wait_for_holder "$C"
kill -STOP "$C"
cs sync --quiet
check "a second sync exits 1" [ "$RC" = 1 ]
check "its message names the store, the holder's pid and command" \
  grep -q "store $WORK/state.db is in use by another crmsync process (pid $C (crmsync sync) since [0-9-]* [0-9:]* UTC): one process writes a store at a time" <<<"$OUT"
cs run --max-passes 1 --interval 1s
check "run refuses too (exit 1), without waiting" [ "$RC" = 1 ]
check "run names the holder" grep -q "crmsync run: store .* (pid $C (crmsync sync)" <<<"$OUT"
cs status
check "status reads the store meanwhile (no lock needed)" [ "$RC" = 0 ]
kill -CONT "$C"
RC_C=0; wait "$C" || RC_C=$?
check "the held pass then completes" [ "$RC_C" = 0 ]
check "the lock file is emptied when its holder ends" [ ! -s "$LOCK" ]

# 3. A holder killed with SIGKILL leaves no stuck lock; its run is marked
# interrupted by the next writer instead of staying "running". The runs
# table is read with the sqlite3 shell, as an admin would.
running_run() { sqlite3 "$WORK/state.db" "SELECT id FROM runs WHERE status = 'running'" 2>/dev/null; }
"$CRMSYNC_BIN" sync --config "$CFG" --quiet --full >"$WORK/d.out" 2>&1 &
D=$!
KILLED=""
for _ in $(seq 1 1000); do
  KILLED=$(running_run)
  [ -n "$KILLED" ] && break
  kill -0 "$D" 2>/dev/null || break
  sleep 0.005
done
kill -KILL "$D" 2>/dev/null
RC_D=0; wait "$D" || RC_D=$?
check "a pass was killed with SIGKILL while its run was open (run $KILLED)" [ "$RC_D" = 137 ] && [ -n "$KILLED" ]
check "the lock file still names the killed holder" [ "$(head -n1 "$LOCK")" = "$D" ]
cs status
check "status: the killed run is still running as far as the store knows" grep -q "running" <<<"$OUT"
cs sync --quiet
check "the next sync takes the lock at once" [ "$RC" = 0 ]
check "and says it marked the killed run interrupted" \
  grep -q "1 earlier run had no process left to finish it (killed or crashed): marked interrupted" <<<"$OUT"
check "the killed run is now interrupted" \
  [ "$(sqlite3 "$WORK/state.db" "SELECT status FROM runs WHERE id = ${KILLED:-0}")" = interrupted ]
check "no run is left running" [ -z "$(running_run)" ]

# 4. verify counts duplicates on the Salesforce side (C5): a second Lead
# with the email of a synced one, made directly through the API.
sf_collection Lead '[{"attributes":{"type":"Lead"},"Email":"P0@example.com","LastName":"Twin","Company":"Twin Co"}]'
check "a second Lead for p0@example.com is created" [ "$(json_get 'b[0].success')" = true ]
cs verify
check "verify exits 1" [ "$RC" = 1 ]
check "verify lists the Salesforce duplicate" \
  grep -q "DUPLICATE IN SF    <p0@example.com> 2 Salesforce Leads share this email" <<<"$OUT"
check "verify says not in sync" grep -q "NOT in sync" <<<"$OUT"

finish
