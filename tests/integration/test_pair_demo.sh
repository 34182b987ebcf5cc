#!/usr/bin/env bash
# `crmsync demo` shows a company and its contacts (A1, A2): the demo's
# Account becomes a HubSpot company, its three Contacts' AccountId becomes
# their HubSpot contacts' primary company, and both sides still agree.
source "$(dirname "$0")/lib.sh"

export TMPDIR="$WORK/tmp"
mkdir -p "$TMPDIR"
rc=0
OUT=$("$CRMSYNC_BIN" demo --records 20 2>&1) || rc=$?
check "demo exits 0" [ "$rc" = 0 ]
check "the sample data names the Account" grep -q 'an Account, "Globex Corporation", with 3 of those Contacts' <<<"$OUT"
check "the Account became a HubSpot company" \
  grep -Eq 'Salesforce Account 001[A-Za-z0-9]+ "Globex Corporation" -> HubSpot company [0-9]+, with 3 contacts' <<<"$OUT"
check "its contacts are listed" grep -q 'hank.scorpio@example.com (HubSpot contact' <<<"$OUT"
check "second pass: 0 write calls" grep -q ': 0 write calls' <<<"$OUT"
check "verify: in sync" grep -q 'In sync: HubSpot and Salesforce agree' <<<"$OUT"

finish
