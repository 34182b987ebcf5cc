#!/usr/bin/env bash
# `crmsync verify` reads HubSpot as it is now, not as its search index last
# saw it (R2: HubSpot's search shows each record as last indexed, seconds
# behind a write). verify used to read HubSpot through search: right after a
# sync it called contacts missing or stale that were fine, and an edit made
# just before it went unseen ("In sync" while the sides disagreed). It now
# reads HubSpot through the object listing, like a first pass.
source "$(dirname "$0")/lib.sh"

# A lag far longer than the test: search never catches up while it runs.
start_sandbox "$WORK/data" --hubspot-rate-limit 0 --hubspot-search-lag-ms 600000
write_config
hs_batch_create '{"inputs":[
 {"properties":{"email":"ivy@example.com","firstname":"Ivy","lastname":"Ito","jobtitle":"Analyst"}},
 {"properties":{"email":"jon@example.com","firstname":"Jon","lastname":"Jones","jobtitle":"Buyer"}}]}'
check "HS contacts created" [ "$STATUS" = 201 ]
sf_create Lead '{"Email":"kim@example.com","FirstName":"Kim","LastName":"Kane","Company":"Kane Co","Status":"Open - Not Contacted"}'
check "SF lead created" [ -n "$SFID" ]

cs sync --quiet
check "the first pass reads in full and completes under index lag" [ "$RC" = 0 ]
cs verify
check "verify right after it is clean" [ "$RC" = 0 ]
check "and says in sync" grep -q 'In sync' <<<"$OUT"

# An edit in HubSpot that search will not show for ten minutes.
hs_find ivy@example.com
IVY=$(json_get 'b.id')
req PATCH "$HS/crm/v3/objects/contacts/$IVY" '{"properties":{"jobtitle":"Director"}}'
check "HS contact edited" [ "$STATUS" = 200 ]
cs verify
check "verify sees the edit at once (exit 1)" [ "$RC" = 1 ]
check "and names the field" grep -q 'jobtitle' <<<"$OUT"
finish
