#!/usr/bin/env bash
# `crmsync sandbox` as a user runs it (issue 2): the two lines on stdout, port
# 0, auth on both APIs, state that survives a restart, clean stop on
# SIGTERM/SIGINT, the admin API (stats, reset, faults, limits), bad options.
source "$(dirname "$0")/lib.sh"

DATA="$WORK/data"
start_sandbox "$DATA"
check "prints exactly two lines" [ "$(wc -l <"$WORK/sandbox.out")" -eq 2 ]
check "hubspot line format" grep -Eq '^hubspot http://127\.0\.0\.1:[0-9]+$' "$WORK/sandbox.out"
check "salesforce line format" grep -Eq '^salesforce http://127\.0\.0\.1:[0-9]+$' "$WORK/sandbox.out"
check "two different free ports" [ "$HS" != "$SF" ]

anon GET "$HS/crm/v3/objects/contacts"
check "hubspot 401 without token" [ "$STATUS" = 401 ]
check "hubspot 401 body category" grep -q '"category":"INVALID_AUTHENTICATION"' <<<"$BODY"
anon GET "$SF/services/data/v60.0/sobjects"
check "salesforce 401 without token" [ "$STATUS" = 401 ]
check "salesforce 401 errorCode" grep -q '"errorCode":"INVALID_SESSION_ID"' <<<"$BODY"
req GET "$HS/crm/v3/objects/contacts" 
check "hubspot 200 with token" [ "$STATUS" = 200 ]

# Stats count requests per endpoint template and status.
anon POST "$HS/__sandbox/reset-stats"
req POST "$HS/crm/v3/objects/contacts" '{"properties":{"email":"persist@example.com","firstname":"Per"}}'
check "create contact" [ "$STATUS" = 201 ]
HSID=$(json_get 'b.id')
req GET "$HS/crm/v3/objects/contacts/$HSID"
anon GET "$SF/__sandbox/stats"
check "stats on the other port too" [ "$STATUS" = 200 ]
check "stats count requests" [ "$(json_get 'b.hubspot.requests')" = 2 ]
check "stats by endpoint (object type shown)" [ "$(json_get 'b.hubspot.by_endpoint["POST /crm/v3/objects/contacts"]')" = 1 ]
check "stats by status" [ "$(json_get 'b.hubspot.by_status["201"]')" = 1 ]
anon POST "$HS/__sandbox/reset-stats"
anon GET "$HS/__sandbox/stats"
check "reset-stats empties counts" [ "$(json_get 'b.hubspot.requests')" = 0 ]

# Faults: a 500 in the API's own body, then dropped connections, then cleared.
anon POST "$HS/__sandbox/faults" '{"api":"hubspot","rate_500":1}'
check "set faults" [ "$STATUS" = 200 ]
req GET "$HS/crm/v3/objects/contacts/$HSID"
check "injected 500" [ "$STATUS" = 500 ]
check "injected 500 has hubspot error body" grep -q '"status":"error"' <<<"$BODY"
req GET "$SF/services/data/v60.0/limits"
check "salesforce unaffected by hubspot faults" [ "$STATUS" = 200 ]
anon POST "$HS/__sandbox/faults" '{"api":"hubspot","rate_drop":1}'
anon POST "$HS/__sandbox/reset-stats"
rc=0; curl -s -o /dev/null -H "Authorization: Bearer $TOKEN" "$HS/crm/v3/objects/contacts" || rc=$?
check "dropped connection (curl exit 52 empty reply)" [ "$rc" = 52 ]
anon GET "$HS/__sandbox/stats"
check "a dropped request counts under its endpoint with status 0" [ "$(json_get 'b.hubspot.by_status["0"]')" = 1 ]
# rate_drop_after: the request is applied, the answer never arrives.
anon POST "$HS/__sandbox/faults" '{"api":"hubspot","rate_drop_after":1}'
rc=0; curl -s -o /dev/null -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  --data '{"properties":{"email":"unknown-outcome@example.com"}}' "$HS/crm/v3/objects/contacts" || rc=$?
check "drop after handling: client sees no answer" [ "$rc" = 52 ]
anon POST "$HS/__sandbox/faults" '{}'
req POST "$HS/crm/v3/objects/contacts/search" '{"filterGroups":[{"filters":[{"propertyName":"email","operator":"EQ","value":"unknown-outcome@example.com"}]}]}'
check "drop after handling: the write was applied" [ "$(json_get 'b.total')" = 1 ]
anon POST "$HS/__sandbox/faults" '{"rate_429":2}'
check "fault rate out of range refused" [ "$STATUS" = 400 ]
anon POST "$HS/__sandbox/faults" '{}'
req GET "$HS/crm/v3/objects/contacts/$HSID"
check "faults cleared" [ "$STATUS" = 200 ]

# Limits: HubSpot's burst limit gives 429 with the rate-limit policy.
anon POST "$HS/__sandbox/limits" '{"hubspot_per_10s":3,"reset_usage":true}'
check "set limits" [ "$STATUS" = 200 ]
for _ in 1 2 3; do req GET "$HS/crm/v3/objects/contacts/$HSID"; done
req GET "$HS/crm/v3/objects/contacts/$HSID"
check "429 past the burst limit" [ "$STATUS" = 429 ]
check "429 names the policy" grep -q 'TEN_SECONDLY_ROLLING' <<<"$BODY"
anon POST "$HS/__sandbox/limits" '{"hubspot_per_10s":0,"salesforce_daily":2,"reset_usage":true}'
req GET "$SF/services/data/v60.0/limits"
req GET "$SF/services/data/v60.0/limits"
req GET "$SF/services/data/v60.0/limits"
check "salesforce daily limit gives 403" [ "$STATUS" = 403 ]
check "REQUEST_LIMIT_EXCEEDED body" grep -q 'REQUEST_LIMIT_EXCEEDED' <<<"$BODY"
anon POST "$HS/__sandbox/limits" '{"salesforce_daily":0,"reset_usage":true}'

# Clean stop on SIGTERM, state persists across a restart.
check "stops cleanly on SIGTERM" stop_sandbox
start_sandbox "$DATA"
req GET "$HS/crm/v3/objects/contacts/$HSID?properties=email,firstname"
check "contact survives restart" [ "$STATUS" = 200 ]
check "properties survive restart" grep -q 'persist@example.com' <<<"$BODY"
kill -INT "$SANDBOX_PID"
rc=0; wait "$SANDBOX_PID" || rc=$?
SANDBOX_PID=""
check "stops cleanly on SIGINT" [ "$rc" = 0 ]

# Bad options and bad data directories give clear errors.
rc=0; "$CRMSYNC_BIN" sandbox >/dev/null 2>"$WORK/err" || rc=$?
check "--data is required (exit 2)" [ "$rc" = 2 ]
check "--data error names the option" grep -q -- '--data' "$WORK/err"
rc=0; "$CRMSYNC_BIN" sandbox --data "$DATA" --hubspot-port nope >/dev/null 2>"$WORK/err" || rc=$?
check "bad port refused" [ "$rc" = 2 ]
check "bad port message names the option" grep -q -- '--hubspot-port' "$WORK/err"
touch "$WORK/afile"
rc=0; "$CRMSYNC_BIN" sandbox --data "$WORK/afile" >/dev/null 2>"$WORK/err" || rc=$?
check "a file as --data refused" [ "$rc" = 1 ]
check "message says not a directory" grep -q 'not a directory' "$WORK/err"
rc=0; "$CRMSYNC_BIN" sandbox --help >"$WORK/help" || rc=$?
check "--help exits 0" [ "$rc" = 0 ]
check "--help lists --seed-contacts" grep -q -- '--seed-contacts' "$WORK/help"

# Seeding creates the asked number of records and is not repeated on restart.
start_sandbox "$WORK/seeded" --seed-contacts 250 --seed-leads 120
req POST "$HS/crm/v3/objects/contacts/search" '{"filterGroups":[],"limit":1}'
check "250 seeded contacts" [ "$(json_get 'b.total')" = 250 ]
req GET "$SF/services/data/v60.0/query?q=SELECT%20COUNT()%20FROM%20Lead"
check "120 seeded leads" [ "$(json_get 'b.totalSize')" = 120 ]
stop_sandbox
start_sandbox "$WORK/seeded" --seed-contacts 250 --seed-leads 120
req POST "$HS/crm/v3/objects/contacts/search" '{"filterGroups":[],"limit":1}'
check "reseeding is idempotent" [ "$(json_get 'b.total')" = 250 ]
stop_sandbox

finish
