#!/usr/bin/env bash
# Two `crmsync sync` started together on a store that does not exist yet.
# Both create and open the same new SQLite file at the same moment. The first
# used to fail with an obscure "PRAGMA journal_mode = WAL: database is
# locked" (SQLite refuses the switch to WAL at once while another connection
# opens the file), or the second refused the store as "not a crmsync store"
# (it read the application id before the first's schema commit and the table
# count after). Now, in every round, one pass completes and the other is
# refused by the writer lock, naming the holder; neither prints a raw SQLite
# message.
source "$(dirname "$0")/lib.sh"

ROUNDS=${CONCURRENT_OPEN_ROUNDS:-15}
start_sandbox "$WORK/data" --hubspot-rate-limit 0
check "seeded 30 contacts and 30 leads" node "$(dirname "$0")/seed_sync.mjs" "$HS" "$SF" "$TOKEN" 30 10
write_config

bad=0
for i in $(seq 1 "$ROUNDS"); do
  rm -f "$WORK"/state.db*
  "$CRMSYNC_BIN" sync --config "$CFG" --quiet >"$WORK/a.out" 2>&1 &
  A=$!
  "$CRMSYNC_BIN" sync --config "$CFG" --quiet >"$WORK/b.out" 2>&1 &
  B=$!
  RA=0; wait "$A" || RA=$?
  RB=0; wait "$B" || RB=$?
  msgs=$(cat "$WORK/a.out" "$WORK/b.out")
  if grep -qiE "pragma|database is locked|not a crmsync store|sqlite" <<<"$msgs"; then
    fail "round $i: a raw SQLite message: $(grep -iE 'pragma|locked|crmsync store|sqlite' <<<"$msgs" | head -n2)"
    bad=$((bad + 1))
    continue
  fi
  if [ "$RA" = 0 ] && [ "$RB" = 0 ]; then
    continue # one finished before the other took the lock
  fi
  if [ $((RA + RB)) != 1 ]; then
    fail "round $i: exits $RA and $RB: $msgs"
    bad=$((bad + 1))
    continue
  fi
  REFUSED="$WORK/a.out"; HOLDER=$B
  [ "$RB" = 1 ] && { REFUSED="$WORK/b.out"; HOLDER=$A; }
  if ! grep -q "crmsync sync: store $WORK/state.db is in use by another crmsync process (pid $HOLDER (crmsync sync) since " "$REFUSED"; then
    fail "round $i: the refusal does not name the holder: $(cat "$REFUSED")"
    bad=$((bad + 1))
  fi
done
check "$ROUNDS rounds of two passes on a new store: one completes, the other is refused clearly" [ "$bad" = 0 ]
cs verify
check "the store the last round made is usable: verify is clean" [ "$RC" = 0 ]
finish
