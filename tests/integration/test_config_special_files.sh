#!/usr/bin/env bash
# A configuration (or CA) path that names a FIFO, a directory or a device is
# refused at once, naming the path and what it is. A FIFO as the config file
# used to block every command forever: opening a FIFO waits for a writer. No
# sandbox needed: nothing gets as far as an API call.
source "$(dirname "$0")/lib.sh"

FIFO="$WORK/crmsync.fifo"
mkfifo "$FIFO"

# within SECONDS CMD...: runs CMD with a time limit; exit in RC (124 on timeout), output in OUT.
within() {
  local secs=$1
  shift
  RC=0
  OUT=$(timeout "$secs" "$@" 2>&1) || RC=$?
}

for cmd in status check sync verify; do
  within 10 "$CRMSYNC_BIN" "$cmd" --config "$FIFO"
  check "$cmd with a FIFO as config returns at once (exit $RC, not 124)" [ "$RC" = 2 ]
  check "$cmd says it is a FIFO, naming it" \
    grep -qF "$FIFO: cannot open: a FIFO (named pipe), not a regular file" <<<"$OUT"
done
within 10 "$CRMSYNC_BIN" status --config "$WORK"
check "a directory as config is refused (exit 2)" [ "$RC" = 2 ]
check "naming it a directory" grep -qF "$WORK: cannot open: a directory, not a regular file" <<<"$OUT"
within 10 "$CRMSYNC_BIN" status --config /dev/zero
check "a device as config is refused (exit 2)" [ "$RC" = 2 ]
check "naming it a device" grep -qF "/dev/zero: cannot open: a character device, not a regular file" <<<"$OUT"

# A FIFO as the CA file: a configuration error at its line.
"$CRMSYNC_BIN" init --force --config "$CFG" --hubspot-url https://127.0.0.1:1 \
  --salesforce-url https://127.0.0.1:1 --store "sqlite:$WORK/state.db" >/dev/null
sed -i -E "s|^  # ca_file: ca.pem .*|  ca_file: $FIFO|" "$CFG"
check "the config now names the FIFO as CA file" grep -q "^  ca_file: $FIFO" "$CFG"
within 10 "$CRMSYNC_BIN" check --config "$CFG"
check "check with a FIFO as CA file returns at once (exit $RC, not 124)" [ "$RC" = 2 ]
check "the problem names the CA file and what it is" \
  grep -qF "cannot read the CA file '$FIFO': a FIFO (named pipe), not a regular file" <<<"$OUT"
finish
