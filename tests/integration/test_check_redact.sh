#!/usr/bin/env bash
# A password given inside a URL (a base URL's userinfo, a store URL such as
# postgres://user:password@host/db) is never printed: `crmsync check` used
# to echo it in its "HubSpot <url>: ..." line. Every command's output is
# searched for the password, on success and on failure (a refused URL, a TLS
# error that names the host, a store that cannot be opened).
source "$(dirname "$0")/lib.sh"

PW=hunter2-Sekr1t
start_sandbox "$WORK/data" --hubspot-rate-limit 0
write_config
HS_HOSTPORT=${HS#http://}
SF_HOSTPORT=${SF#http://}
sed -i -E "s|^(  base_url: ).*|\1\"http://admin:$PW@$HS_HOSTPORT\"|" "$CFG"
sed -i -E "s|^(  instance_url: ).*|\1\"http://admin:$PW@$SF_HOSTPORT\"|" "$CFG"
check "the config carries the password in both URLs" [ "$(grep -c "$PW" "$CFG")" = 2 ]

no_password() { ! grep -q "$PW" <<<"$OUT"; }

cs check
check "check succeeds" [ "$RC" = 0 ]
check "check shows the URLs with the password masked" grep -q "HubSpot http://admin:\*\*\*@$HS_HOSTPORT: contacts have" <<<"$OUT"
check "check prints no password" no_password
cs sync --quiet
check "sync succeeds" [ "$RC" = 0 ]
check "sync prints no password" no_password
cs status
check "status prints no password" no_password

# Failures that name the URL or its host.
sed -i -E "s|^(  base_url: ).*|\1\"https://admin:$PW@$HS_HOSTPORT\"|" "$CFG"
cs check
check "check against a TLS-less port fails" [ "$RC" != 0 ]
check "the failure prints no password" no_password
sed -i -E "s|^(  base_url: ).*|\1\"ftp://admin:$PW@$HS_HOSTPORT\"|" "$CFG"
cs check
check "an ftp:// URL is a configuration error (exit 2)" [ "$RC" = 2 ]
check "the problem shows the URL masked" grep -q "'ftp://admin:\*\*\*@$HS_HOSTPORT' is not an http:// or https:// URL" <<<"$OUT"
check "and no password" no_password
sed -i -E "s|^(  base_url: ).*|\1\"http://$HS_HOSTPORT\"|" "$CFG"
sed -i -E "s|^store: .*|store: \"postgres://crm:$PW@db.example.com/crm\"|" "$CFG"
for cmd in check status sync verify; do
  cs "$cmd"
  check "$cmd with a postgres:// store prints no password" no_password
done
cs status
check "the store URL is shown masked" grep -q "postgres://crm:\*\*\*@db.example.com/crm" <<<"$OUT"
finish
