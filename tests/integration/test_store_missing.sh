#!/usr/bin/env bash
# Commands that only read the state store (status, errors, journal, verify)
# refuse a store that does not exist, naming its path and the config that
# gave it, and create nothing. `crmsync status` used to create an empty store
# at a mistyped path and report "no run yet" as if all were well. `plan`
# before the first sync plans as for a first pass, still creating no file;
# `sync` creates the store.
source "$(dirname "$0")/lib.sh"

start_sandbox "$WORK/data" --hubspot-rate-limit 0
check "seeded 5 contacts and 5 leads" node "$(dirname "$0")/seed_sync.mjs" "$HS" "$SF" "$TOKEN" 5 2
write_config
STORE="$WORK/statte.db"
sed -i -E "s|^(store: ).*|\1sqlite:$STORE|" "$CFG"
check "the config names the mistyped store" grep -q "^store: sqlite:$STORE" "$CFG"

for cmd in status errors journal verify; do
  cs "$cmd"
  check "$cmd exits 1 on a missing store" [ "$RC" = 1 ]
  check "$cmd names the path and the config" \
    grep -qF "crmsync $cmd: no state store at 'sqlite:$STORE' (store: in $CFG): nothing has synced with this configuration yet, or the path is mistyped; \`crmsync sync\` creates the store" <<<"$OUT"
  check "$cmd created no file" [ ! -e "$STORE" ]
done
check "no -wal, -shm or -lock file either" bash -c "! ls '$STORE'* 2>/dev/null | grep -q ."

cs plan
check "plan before the first sync exits 0" [ "$RC" = 0 ]
check "plan says it plans as for a first pass" \
  grep -qF "crmsync plan: no state store at 'sqlite:$STORE' yet (store: in $CFG): planning as for a first pass" <<<"$OUT"
check "plan shows the creates of a first pass" grep -q "p0@example.com" <<<"$OUT"
check "plan created no file" [ ! -e "$STORE" ]

cs sync --quiet
check "sync creates the store" [ "$RC" = 0 ] && [ -f "$STORE" ]
cs status
check "status then reads it" [ "$RC" = 0 ]
cs verify
check "verify then reads it: in sync" [ "$RC" = 0 ]

mkdir "$WORK/dir.db"
sed -i -E "s|^(store: ).*|\1sqlite:$WORK/dir.db|" "$CFG"
cs status
check "a directory as the store is refused (exit 1)" [ "$RC" = 1 ]
check "naming it" grep -q "$WORK/dir.db" <<<"$OUT"
finish
