#!/usr/bin/env bash
# HubSpot OAuth end to end: a config with hubspot.oauth gets its access token
# from the sandbox's POST /oauth/v1/token (refresh_token grant); when the
# sandbox expires every HubSpot token in the middle of a run (admin API), the
# next call answers 401 EXPIRED_AUTHENTICATION, crmsync refreshes once and
# retries, and the run completes with verify clean; secrets never reach the
# output; a bad refresh token is a clear auth error naming HubSpot and the
# setting; a missing variable is named.
source "$(dirname "$0")/lib.sh"

start_sandbox "$WORK/data" --hubspot-rate-limit 0
write_config
sed -i -E 's/^  token_env: HUBSPOT_TOKEN.*$/  oauth:\n    client_id_env: HS_APP_ID\n    client_secret_env: HS_APP_SECRET\n    refresh_token_env: HS_APP_REFRESH/' "$CFG"
check "config now uses a hubspot.oauth block" grep -q '^    client_id_env: HS_APP_ID' "$CFG"
export HS_APP_ID=sandbox-client-id HS_APP_SECRET=sandbox-client-secret
export HS_APP_REFRESH=sandbox-refresh-token
unset HUBSPOT_TOKEN

# new_hs_token: a fresh HubSpot OAuth access token, for the test's own calls.
new_hs_token() {
  curl -s -X POST "$HS/oauth/v1/token" \
    --data "grant_type=refresh_token&client_id=sandbox-client-id&client_secret=sandbox-client-secret&refresh_token=sandbox-refresh-token" |
    node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).access_token))'
}
# grants: POST /oauth/v1/token calls so far; unauthorized: HubSpot 401 answers so far.
grants() { stats; json_get 'b.hubspot.by_endpoint["POST /oauth/v1/token"] || 0'; }
unauthorized() { stats; json_get 'b.hubspot.by_status["401"] || 0'; }

hs_batch_create '{"inputs":[{"properties":{"email":"quinn@example.com","firstname":"Quinn","lastname":"Quarles","hs_lead_status":"NEW"}}]}'
cs sync
check "first pass through HubSpot OAuth completes" [ "$RC" = 0 ]
check "crmsync obtained its token from the token endpoint" [ "$(grants)" = 1 ]
soql "SELECT Id FROM Lead WHERE Email = 'quinn@example.com'"
check "the lead was created" [ "$(json_get 'b.totalSize')" = 1 ]

# The sandbox's own answer to an expired OAuth token.
OLD=$(new_hs_token)
anon POST "$HS/__sandbox/expire-tokens" '{"api":"hubspot"}'
check "HubSpot tokens expired" [ "$(json_get 'b.hubspot')" = true ]
sleep 1.1
SAVED=$TOKEN
TOKEN=$OLD
req GET "$HS/crm/v3/objects/contacts?limit=1"
check "an expired OAuth token answers 401" [ "$STATUS" = 401 ]
check "... EXPIRED_AUTHENTICATION" [ "$(json_get 'b.category')" = EXPIRED_AUTHENTICATION ]
check "... saying how long ago" \
  grep -Eq '^The OAuth token used to make this call expired [1-9][0-9]* second\(s\) ago\.$' <<<"$(json_get 'b.message')"
TOKEN=$SAVED
req GET "$SF$SFV/query?q=SELECT+Id+FROM+Lead+LIMIT+1"
check "Salesforce sessions unaffected" [ "$STATUS" = 200 ]
TOKEN=$(new_hs_token)

# Expiry in the middle of a run: every HubSpot call is slowed so that the
# run is still going when the admin API expires the tokens it holds.
for i in 1 2 3 4 5 6; do
  hs_batch_create "{\"inputs\":[{\"properties\":{\"email\":\"rho$i@example.com\",\"firstname\":\"Rho$i\",\"lastname\":\"Ruiz\",\"hs_lead_status\":\"NEW\"}}]}"
done
BEFORE_GRANTS=$(grants)
BEFORE_401=$(unauthorized)
anon POST "$HS/__sandbox/faults" '{"api":"hubspot","rate_slow":1,"slow_ms":250}'
"$CRMSYNC_BIN" run --config "$CFG" --max-passes 2 --interval 200ms >"$WORK/run.out" 2>&1 &
RUN_PID=$!
sleep 1.5
anon POST "$HS/__sandbox/expire-tokens" '{"api":"hubspot"}'
RC=0
wait "$RUN_PID" || RC=$?
anon POST "$HS/__sandbox/faults" '{}'
OUT=$(cat "$WORK/run.out")
check "the run with tokens expired mid-way completes" [ "$RC" = 0 ]
check "crmsync met a 401 after the expiry" [ "$(unauthorized)" -gt "$BEFORE_401" ]
check "... and refreshed its token" [ "$(grants)" -gt "$BEFORE_GRANTS" ]
check "no secret in the output" \
  bash -c '! grep -Eq "sandbox-client-secret|sandbox-refresh-token" <<<"$0"' "$OUT"
TOKEN=$SAVED
soql "SELECT Id FROM Lead WHERE Email LIKE 'rho%'"
check "every lead of the run exists" [ "$(json_get 'b.totalSize')" = 6 ]
cs verify
check "verify is clean after the run" [ "$RC" = 0 ]

export HS_APP_REFRESH=not-the-refresh-token
cs sync
check "a bad refresh token is an auth error (exit 2)" [ "$RC" = 2 ]
check "the error names HubSpot OAuth and the setting" grep -q 'HubSpot OAuth (hubspot.oauth)' <<<"$OUT"
check "the error carries HubSpot's own refusal" grep -q 'BAD_REFRESH_TOKEN' <<<"$OUT"
check "the error names the variable to check" grep -q 'HS_APP_REFRESH' <<<"$OUT"
check "the bad refresh token is not echoed" bash -c '! grep -q "not-the-refresh-token" <<<"$0"' "$OUT"

unset HS_APP_SECRET
cs sync
check "a missing secret variable is a configuration error (exit 2)" [ "$RC" = 2 ]
check "the error names the variable" grep -q 'HS_APP_SECRET' <<<"$OUT"

finish
