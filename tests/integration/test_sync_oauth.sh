#!/usr/bin/env bash
# Salesforce OAuth end to end (issue 3, net/: "OAuth refresh on 401"): a
# config with an oauth block (client_credentials) gets its own token from the
# token endpoint; after the sandbox expires every Salesforce session, the next
# pass refreshes the token and completes; secrets never reach the output; a
# missing secret variable is a clear error naming the variable.
source "$(dirname "$0")/lib.sh"

start_sandbox "$WORK/data" --hubspot-rate-limit 0
write_config
sed -i -E 's/^  token_env: SALESFORCE_TOKEN.*$/  oauth:\n    grant: client_credentials\n    client_id_env: SF_CLIENT_ID\n    client_secret_env: SF_CLIENT_SECRET/' "$CFG"
check "config now uses an oauth block" grep -q '^    grant: client_credentials' "$CFG"
export HUBSPOT_TOKEN=$TOKEN SF_CLIENT_ID=crmsync-test-client SF_CLIENT_SECRET=s3cret-client-value
unset SALESFORCE_TOKEN

# new_sf_token: a fresh Salesforce session for the test's own queries.
new_sf_token() {
  curl -s -X POST "$SF/services/oauth2/token" \
    --data "grant_type=client_credentials&client_id=t&client_secret=t" |
    node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).access_token))'
}

hs_batch_create '{"inputs":[{"properties":{"email":"olga@example.com","firstname":"Olga","lastname":"Ortiz","hs_lead_status":"NEW"}}]}'
cs sync
check "first pass through OAuth completes" [ "$RC" = 0 ]
soql "SELECT Id FROM Lead WHERE Email = 'olga@example.com'"
check "the lead was created" [ "$(json_get 'b.totalSize')" = 1 ]

anon POST "$SF/__sandbox/expire-tokens" '{"api":"salesforce"}'
check "Salesforce sessions expired" [ "$(json_get 'b.salesforce')" = true ]
soql "SELECT Id FROM Lead"
check "the old token is refused now" [ "$STATUS" = 401 ]
req GET "$HS/crm/v3/objects/contacts?limit=1"
check "HubSpot tokens unaffected" [ "$STATUS" = 200 ]

hs_batch_create '{"inputs":[{"properties":{"email":"pavel@example.com","firstname":"Pavel","lastname":"Petrov","hs_lead_status":"NEW"}}]}'
cs sync
check "the pass after expiry refreshes the token and completes" [ "$RC" = 0 ]
check "no secret in the output" bash -c '! grep -q "s3cret-client-value" <<<"$0"' "$OUT"
SAVED=$TOKEN
TOKEN=$(new_sf_token)
soql "SELECT Id FROM Lead WHERE Email = 'pavel@example.com'"
check "the lead of the second pass exists" [ "$(json_get 'b.totalSize')" = 1 ]
TOKEN=$SAVED

unset SF_CLIENT_SECRET
cs sync
check "a missing secret variable is a configuration error (exit 2)" [ "$RC" = 2 ]
check "the error names the variable" grep -q 'SF_CLIENT_SECRET' <<<"$OUT"

finish
