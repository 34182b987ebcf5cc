#!/usr/bin/env bash
# Two-way contact sync through the sandbox (issue 3): the first sync creates
# both ways and links an email on both sides (C5); a second pass with no
# changes makes zero write calls (echo suppression, R2); different fields
# edited on both sides both survive; the same field edited on both sides is
# decided by its rule (prefer_sf_unless_blank: Salesforce; two_way: the latest
# edit, journaled as a conflict, R1, R5); verify, status, journal; `crmsync
# run` stops cleanly on SIGTERM.
source "$(dirname "$0")/lib.sh"

start_sandbox "$WORK/data" --hubspot-rate-limit 0
write_config
set_rule firstname two_way
set_rule phone two_way
set_rule jobtitle two_way

# Lead statuses as each side spells them: HubSpot's hs_lead_status options,
# Salesforce's default Lead Status values; the default value map translates
# (R3). Every record starts with one: a Lead created without one gets
# Salesforce's default Status, which would reach HubSpot on the next pass.
hs_batch_create '{"inputs":[
 {"properties":{"email":"alice@example.com","firstname":"Alice","lastname":"Adams","phone":"111","jobtitle":"Engineer","hs_lead_status":"IN_PROGRESS"}},
 {"properties":{"email":"bob@example.com","firstname":"Bob","lastname":"Baker","phone":"222","hs_lead_status":"OPEN"}},
 {"properties":{"email":"carl@example.com","firstname":"Carl","lastname":"Clark","jobtitle":"Intern","hs_lead_status":"CONNECTED"}}]}'
check "HS contacts created" [ "$STATUS" = 201 ]
sf_create Lead '{"Email":"dora@example.com","FirstName":"Dora","LastName":"Dunn","Company":"Dunn Ltd","Status":"Working - Contacted"}'
DORA_SF=$SFID
sf_create Lead '{"Email":"Carl@Example.com","FirstName":"Carl","LastName":"Clark","Company":"Acme","Title":"VP Sales","Status":"Open - Not Contacted"}'
CARL_SF=$SFID
check "SF leads created" [ -n "$DORA_SF" ] && [ -n "$CARL_SF" ]

cs check
check "check against the sandbox is OK" [ "$RC" = 0 ]
check "check prints OK" grep -q '^OK: ' <<<"$OUT"

cs plan
check "plan exits 0" [ "$RC" = 0 ]
check "plan shows a Salesforce create for alice" grep -q 'alice@example.com' <<<"$OUT"
check "plan names the rule of each field" grep -q 'two_way\|prefer_sf_unless_blank\|create' <<<"$OUT"
soql "SELECT Id FROM Lead WHERE Email = 'alice@example.com'"
check "plan wrote nothing to Salesforce" [ "$(json_get 'b.totalSize')" = 0 ]

# ---- first sync both ways ---------------------------------------------------
cs sync --quiet
check "first sync exits 0" [ "$RC" = 0 ]
check "summary names both sides" grep -q 'HubSpot Salesforce' <<<"$(tr -s ' ' <<<"$OUT")"
soql "SELECT Id, FirstName, LastName, Phone, Title, Company, Status FROM Lead WHERE Email = 'alice@example.com'"
check "HS contact created as an SF Lead (C15)" [ "$(json_get 'b.totalSize')" = 1 ]
ALICE_SF=$(json_get 'b.records[0].Id')
check "Lead got the HS values" [ "$(json_get 'b.records[0].Phone')" = 111 ]
check "Lead Company gets the placeholder (C13)" [ "$(json_get 'b.records[0].Company')" = "[not provided]" ]
check "HS status IN_PROGRESS became Lead Status 'Working - Contacted' (R3)" [ "$(json_get 'b.records[0].Status')" = "Working - Contacted" ]
soql "SELECT Id, Status FROM Lead WHERE Email = 'bob@example.com'"
BOB_SF=$(json_get 'b.records[0].Id')
check "HS status OPEN became 'Open - Not Contacted' (R3)" [ "$(json_get 'b.records[0].Status')" = "Open - Not Contacted" ]
hs_find dora@example.com
check "SF Lead created an HS contact (C3)" [ "$STATUS" = 200 ]
check "HS contact has the Lead's values" [ "$(json_get 'b.properties.lastname')" = Dunn ]
check "HS contact knows its Lead (salesforceleadid)" [ "$(json_get 'b.properties.salesforceleadid')" = "$DORA_SF" ]
check "Lead Status 'Working - Contacted' arrived as IN_PROGRESS (R3)" [ "$(json_get 'b.properties.hs_lead_status')" = IN_PROGRESS ]
hs_find carl@example.com
check "same email on both sides: linked, not duplicated (C5)" [ "$(json_get 'b.properties.salesforceleadid')" = "$CARL_SF" ]
check "first link: SF value wins under prefer_sf_unless_blank (R1)" [ "$(json_get 'b.properties.jobtitle')" = "VP Sales" ]
check "first link: the SF status wins, translated (R1, R3)" [ "$(json_get 'b.properties.hs_lead_status')" = NEW ]
CARL_HS=$(json_get 'b.id')
soql "SELECT Id FROM Lead WHERE Email = 'carl@example.com'"
check "no second Lead for carl" [ "$(json_get 'b.totalSize')" = 1 ]
hs_find alice@example.com; ALICE_HS=$(json_get 'b.id')
hs_find bob@example.com; BOB_HS=$(json_get 'b.id')

# ---- a pass with no changes writes nothing -----------------------------------
reset_stats
cs sync --quiet
check "second sync exits 0" [ "$RC" = 0 ]
check "second pass: zero HubSpot write calls" [ "$(write_calls hubspot)" = 0 ]
check "second pass: zero Salesforce write calls" [ "$(write_calls salesforce)" = 0 ]
cs plan
check "plan after a pass writes nothing" grep -q 'would write nothing' <<<"$OUT"

# ---- different fields edited on both sides both survive -------------------------
req PATCH "$HS/crm/v3/objects/contacts/$ALICE_HS" '{"properties":{"phone":"999"}}'
check "HS edit" [ "$STATUS" = 200 ]
req PATCH "$SF$SFV/sobjects/Lead/$ALICE_SF" '{"Title":"Director","Status":"Closed - Converted"}'
check "SF edit" [ "$STATUS" = 204 ]
cs sync --quiet
check "sync after edits exits 0" [ "$RC" = 0 ]
soql "SELECT Phone, Title, Status FROM Lead WHERE Id = '$ALICE_SF'"
check "HS phone edit reached SF" [ "$(json_get 'b.records[0].Phone')" = 999 ]
check "SF title edit stayed in SF" [ "$(json_get 'b.records[0].Title')" = Director ]
check "SF status edit stayed in SF" [ "$(json_get 'b.records[0].Status')" = "Closed - Converted" ]
hs_find alice@example.com
check "SF title edit reached HS" [ "$(json_get 'b.properties.jobtitle')" = Director ]
check "SF status 'Closed - Converted' reached HS as OPEN_DEAL (R3)" [ "$(json_get 'b.properties.hs_lead_status')" = OPEN_DEAL ]
check "HS phone edit stayed in HS" [ "$(json_get 'b.properties.phone')" = 999 ]

# ---- the same field on both sides: two_way, the latest edit wins ------------------
req PATCH "$HS/crm/v3/objects/contacts/$BOB_HS" '{"properties":{"firstname":"Robert"}}'
sleep 1.2
req PATCH "$SF$SFV/sobjects/Lead/$BOB_SF" '{"FirstName":"Bobby"}'
cs sync --quiet
soql "SELECT FirstName FROM Lead WHERE Id = '$BOB_SF'"
check "two_way conflict: later SF edit kept in SF" [ "$(json_get 'b.records[0].FirstName')" = Bobby ]
hs_find bob@example.com
check "two_way conflict: later SF edit written to HS" [ "$(json_get 'b.properties.firstname')" = Bobby ]
cs journal --record "$BOB_HS"
check "journal shows the conflict (R5)" grep -qi 'conflict' <<<"$OUT"

# ---- the same field on both sides: prefer_sf_unless_blank, Salesforce wins -------
req PATCH "$SF$SFV/sobjects/Lead/$CARL_SF" '{"LastName":"Clark-SF"}'
sleep 1.2
req PATCH "$HS/crm/v3/objects/contacts/$CARL_HS" '{"properties":{"lastname":"Clark-HS"}}'
# and an HS-only edit of a field SF holds: reverted (R1)
req PATCH "$HS/crm/v3/objects/contacts/$ALICE_HS" '{"properties":{"lastname":"Adams-HS"}}'
cs sync --quiet
hs_find carl@example.com
check "prefer_sf_unless_blank: SF wins even when HS is later" [ "$(json_get 'b.properties.lastname')" = Clark-SF ]
soql "SELECT LastName FROM Lead WHERE Id = '$CARL_SF'"
check "prefer_sf_unless_blank: SF keeps its value" [ "$(json_get 'b.records[0].LastName')" = Clark-SF ]
hs_find alice@example.com
check "prefer_sf_unless_blank: an HS-only edit is reverted" [ "$(json_get 'b.properties.lastname')" = Adams ]

# ---- verify, status, journal, errors -------------------------------------------------
cs verify
check "verify exits 0 when in sync" [ "$RC" = 0 ]
check "verify says in sync" grep -q 'In sync' <<<"$OUT"
# A divergence verify must see: an SF edit made behind crmsync's back, then
# the link's snapshot is irrelevant because verify reads both sides in full.
req PATCH "$SF$SFV/sobjects/Lead/$DORA_SF" '{"Title":"Chief"}'
cs verify
check "verify exits 1 on a divergence" [ "$RC" = 1 ]
check "verify names the field" grep -q 'jobtitle' <<<"$OUT"
cs sync --quiet
cs verify
check "after a sync verify is clean again" [ "$RC" = 0 ]
cs status
check "status exits 0" [ "$RC" = 0 ]
check "status counts links" grep -q 'links  *4 contact pairs' <<<"$OUT"
check "status shows the cursors" grep -q 'hubspot.contacts' <<<"$OUT"
cs journal --limit 3
check "journal exits 0" [ "$RC" = 0 ]
check "journal is limited" [ "$(grep -c '^20' <<<"$OUT")" = 3 ]
cs errors
check "no errors" grep -q 'No open errors' <<<"$OUT"

# ---- continuous sync, clean stop on SIGTERM -------------------------------------------
"$CRMSYNC_BIN" run --config "$CFG" --interval 300ms >"$WORK/run.out" 2>&1 &
RUN_PID=$!
for _ in $(seq 1 100); do grep -q 'pass 2' "$WORK/run.out" && break; sleep 0.1; done
kill -TERM "$RUN_PID"
rc=0; wait "$RUN_PID" || rc=$?
check "run stops cleanly on SIGTERM" [ "$rc" = 0 ]
check "run prints a line per pass" grep -q 'pass 2 ' "$WORK/run.out"
check "run says it stopped" grep -q 'stopped on signal' "$WORK/run.out"

finish
