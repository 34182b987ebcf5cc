#!/usr/bin/env bash
# TLS end to end: `crmsync sandbox --tls` serves both APIs over HTTPS with a
# certificate from a CA it keeps in the data directory, and prints https://
# URLs and the CA file. crmsync syncs through it when ca_file names that CA
# (verify clean), and refuses with an error naming the API, the host and the
# setting when it does not (no ca_file, or another CA), writing nothing. A
# restart keeps the CA, and remakes a missing server certificate.
source "$(dirname "$0")/lib.sh"

DATA=$WORK/data
start_sandbox "$DATA" --tls --hubspot-rate-limit 0
CA=$(awk '$1=="ca"{print $2}' "$WORK/sandbox.out")
check "the URLs are https://" bash -c '[[ $0 == https://127.0.0.1:* && $1 == https://127.0.0.1:* ]]' "$HS" "$SF"
check "a third line names the CA file" [ "$CA" = "$DATA/tls/ca.pem" ]
check "the output has exactly three lines" [ "$(wc -l <"$WORK/sandbox.out")" = 3 ]
check "the CA file is a PEM certificate" grep -q -- '-----BEGIN CERTIFICATE-----' "$CA"
check "the CA key is private (0600)" [ "$(stat -c %a "$DATA/tls/ca-key.pem")" = 600 ]
check "the server key is private (0600)" [ "$(stat -c %a "$DATA/tls/server-key.pem")" = 600 ]
# The test's own curl calls trust the CA; crmsync is told through ca_file.
export CURL_CA_BUNDLE=$CA
anon GET "$HS/crm/v3/objects/contacts?limit=1"
check "HubSpot answers over HTTPS for 127.0.0.1" [ "$STATUS" = 401 ]
LOCALHOST_HS=${HS/127.0.0.1/localhost}
anon GET "$LOCALHOST_HS/crm/v3/objects/contacts?limit=1"
check "... and for localhost" [ "$STATUS" = 401 ]
check "plain HTTP gets no answer" bash -c '! curl -s -o /dev/null "${0/https/http}/__sandbox/stats"' "$HS"

"$CRMSYNC_BIN" init --force --config "$CFG" --hubspot-url "$HS" --salesforce-url "$SF" \
  --store "sqlite:$WORK/state.db" --ca-file "$CA" >/dev/null
check "init wrote hubspot.ca_file and salesforce.ca_file" \
  [ "$(grep -c "^  ca_file: \"$CA\"" "$CFG")" = 2 ]

hs_batch_create '{"inputs":[{"properties":{"email":"sol@example.com","firstname":"Sol","lastname":"Sato","hs_lead_status":"NEW"}}]}'
cs sync
check "a sync over TLS trusting the sandbox's CA completes" [ "$RC" = 0 ]
soql "SELECT Id FROM Lead WHERE Email = 'sol@example.com'"
check "the lead was created" [ "$(json_get 'b.totalSize')" = 1 ]
cs verify
check "verify is clean over TLS" [ "$RC" = 0 ]

# Without ca_file: the system store does not know the sandbox's CA.
NOCA=$WORK/noca.yaml
sed '/^  ca_file: /d' "$CFG" >"$NOCA"
hs_batch_create '{"inputs":[{"properties":{"email":"tam@example.com","firstname":"Tam","lastname":"Tran","hs_lead_status":"NEW"}}]}'
reset_stats
RC=0
OUT=$("$CRMSYNC_BIN" sync --config "$NOCA" 2>&1) || RC=$?
check "without ca_file the sync refuses (exit 2)" [ "$RC" = 2 ]
HOSTPORT=${HS#https://}
check "the error names the API and the host" grep -q "HubSpot at $HOSTPORT" <<<"$OUT"
check "the error says the certificate is not trusted" grep -q 'TLS certificate is not trusted' <<<"$OUT"
check "the error names the setting to use" grep -q 'hubspot.ca_file' <<<"$OUT"
check "nothing was written on either side" [ "$(write_calls hubspot) $(write_calls salesforce)" = "0 0" ]
soql "SELECT Id FROM Lead WHERE Email = 'tam@example.com'"
check "no lead was created" [ "$(json_get 'b.totalSize')" = 0 ]

# Another CA (another sandbox's) is refused too, for Salesforce as well.
# Started with a relative --data, it still prints the CA's absolute path.
(cd "$WORK" && exec "$CRMSYNC_BIN" sandbox --data other --tls) >"$WORK/other.out" 2>&1 &
OTHER=$!
for _ in $(seq 1 100); do [ -s "$WORK/other/tls/ca.pem" ] && [ "$(wc -l <"$WORK/other.out")" -ge 3 ] && break; sleep 0.05; done
kill -TERM "$OTHER"
wait "$OTHER" || true
check "the ca line is an absolute path even for a relative --data" \
  grep -qx "ca $(cd "$WORK" && pwd -P)/other/tls/ca.pem" "$WORK/other.out"
WRONG=$WORK/wrong.yaml
sed "s#^  ca_file: .*#  ca_file: \"$WORK/other/tls/ca.pem\"#" "$CFG" >"$WRONG"
reset_stats
RC=0
OUT=$("$CRMSYNC_BIN" sync --config "$WRONG" 2>&1) || RC=$?
check "with another CA the sync refuses (exit 2)" [ "$RC" = 2 ]
check "the error says the certificate is not signed by that CA" \
  grep -q "not signed by the CA in $WORK/other/tls/ca.pem (hubspot.ca_file)" <<<"$OUT"
check "nothing was written with the wrong CA" [ "$(write_calls hubspot) $(write_calls salesforce)" = "0 0" ]
sed -i "/^hubspot:/,/^salesforce:/ s#^  ca_file: .*#  ca_file: \"$CA\"#" "$WRONG"
RC=0
OUT=$("$CRMSYNC_BIN" check --config "$WRONG" 2>&1) || RC=$?
check "Salesforce with another CA is refused as well" [ "$RC" != 0 ]
check "... naming Salesforce and salesforce.ca_file" \
  grep -q "Salesforce at ${SF#https://}.*salesforce.ca_file" <<<"$OUT"

# A restart on the same ports keeps the CA: the same config still works.
CA_SUM=$(sha256sum <"$CA")
SRV_SUM=$(sha256sum <"$DATA/tls/server.pem")
HS_PORT=${HS##*:}
SF_PORT=${SF##*:}
stop_sandbox
start_sandbox "$DATA" --tls --hubspot-rate-limit 0 --hubspot-port "$HS_PORT" --salesforce-port "$SF_PORT"
check "the CA survives a restart" [ "$(sha256sum <"$CA")" = "$CA_SUM" ]
check "so does a valid server certificate" [ "$(sha256sum <"$DATA/tls/server.pem")" = "$SRV_SUM" ]
cs sync
check "the sync after a restart completes (tam's lead now)" [ "$RC" = 0 ]

# A missing server certificate is made again, signed by the same CA.
rm "$DATA/tls/server.pem"
stop_sandbox
start_sandbox "$DATA" --tls --hubspot-rate-limit 0 --hubspot-port "$HS_PORT" --salesforce-port "$SF_PORT"
check "a new server certificate was made" [ -s "$DATA/tls/server.pem" ]
check "... under the same CA" [ "$(sha256sum <"$CA")" = "$CA_SUM" ]
cs verify
check "verify is clean through the new certificate" [ "$RC" = 0 ]

# A CA whose key is gone is never replaced behind the clients' back.
stop_sandbox
mv "$DATA/tls/ca-key.pem" "$WORK/ca-key.pem"
RC=0
OUT=$("$CRMSYNC_BIN" sandbox --data "$DATA" --tls 2>&1) || RC=$?
check "a CA without its key stops the sandbox (exit 1)" [ "$RC" = 1 ]
check "... naming the missing key file" grep -q "$DATA/tls/ca-key.pem is missing" <<<"$OUT"
check "... and the CA is left as it was" [ "$(sha256sum <"$CA")" = "$CA_SUM" ]

finish
