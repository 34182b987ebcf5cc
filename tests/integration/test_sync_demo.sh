#!/usr/bin/env bash
# `crmsync demo` as a new user runs it (README's first command): exits 0, syncs
# with a progress line, summarises per side and R9 category, lists the bad
# records with the APIs' messages, writes nothing on a second pass, and its
# verify shows both sides in sync. It leaves no temporary directory behind.
source "$(dirname "$0")/lib.sh"

export TMPDIR="$WORK/tmp"
mkdir -p "$TMPDIR"
rc=0
OUT=$("$CRMSYNC_BIN" demo 2>&1) || rc=$?
check "demo exits 0" [ "$rc" = 0 ]
check "a progress line" grep -q '^sync: ' <<<"$OUT"
# Each pass's progress ends with its final count: every planned operation
# done; the echo pass reads but writes nothing.
DONE_LINES=$(grep '^sync: done ' <<<"$OUT" || true)
check "a final progress line per pass" [ "$(grep -c . <<<"$DONE_LINES")" = 2 ]
check "the final line counts every operation done" \
  bash -c '! grep -Ev "^sync: done +([0-9]+)/\1 operations" <<<"$1"' _ "$DONE_LINES"
check "the first pass's final line counts records written on both sides" \
  grep -Eq 'HubSpot [1-9][0-9]* read, [1-9][0-9]* written \| Salesforce [1-9][0-9]* read, [1-9][0-9]* written' <<<"$(head -1 <<<"$DONE_LINES")"
check "the echo pass's final line: nothing written" \
  grep -Eq 'HubSpot [0-9]+ read, 0 written \| Salesforce [0-9]+ read, 0 written \| 0 linked' <<<"$(tail -1 <<<"$DONE_LINES")"
check "summary per side" grep -Eq 'HubSpot +Salesforce' <<<"$OUT"
check "records created on both sides" grep -Eq '^  created +[1-9][0-9]* +[1-9][0-9]*$' <<<"$OUT"
check "pairs linked by email" grep -Eq 'pairs linked by email \(C5\): [1-9]' <<<"$OUT"
check "C5 duplicates skipped" grep -q 'email already synced by another record (C5)' <<<"$OUT"
check "errors by category" grep -Eq '^    Property values +1 +3$' <<<"$OUT"
check "invalid email refused by Salesforce" grep -q 'invalid email address: rosa(work)@example.com' <<<"$OUT"
check "too long refused" grep -q 'data value too large' <<<"$OUT"
check "restricted picklist refused" grep -q 'bad value for restricted picklist field: purple' <<<"$OUT"
check "owner without SF User: Permissions (C17)" grep -q 'Permissions' <<<"$OUT"
check "second pass: 0 write calls" grep -q ': 0 write calls' <<<"$OUT"
check "verify: in sync" grep -q 'In sync: HubSpot and Salesforce agree' <<<"$OUT"
check "no divergence listed" bash -c '! grep -q "^Divergences:" <<<"$1"' _ "$OUT"
check "temporary directory removed" [ -z "$(ls -A "$TMPDIR")" ]

finish
