#!/usr/bin/env bash
# The first pass at the API-call bound, converged (R2, C5, R4): with no
# cursor, each side is read in full (HubSpot's object listing, 100 a page;
# Salesforce SOQL pages of 2,000), emails are matched locally against an
# index instead of being looked up record by record, and Salesforce writes go
# out as /composite calls of 5 collections of 200. Checked from the
# sandbox's own request counts (/__sandbox/stats):
#   - calls per side at most 1.1 x the full-read bound + 20, the bound being
#     ceil(N/100) HubSpot reads, ceil(N/2000) Salesforce query pages per
#     object, and the pass's writes in batches of 100 (HubSpot) and 200
#     (Salesforce);
#   - no HubSpot search and no email lookup (batch/read by email, SOQL
#     Email IN) in the pass;
#   - every contact has its Lead and every Lead its contact, and `verify` is
#     clean right after the one pass;
#   - the same with the sandbox's HubSpot search limit and index lag on: the
#     first pass reads the listing, which neither limits nor lags.
# BOUND_N records per side (default 2,000), a tenth of the emails on both.
source "$(dirname "$0")/lib.sh"
N=${BOUND_N:-2000}
SHARED=$((N / 10))

ceil() { echo $((($1 + $2 - 1) / $2)); }

api_calls() { endpoint_calls "$1" '.'; }

count_of() {
  soql "SELECT COUNT() FROM $1"
  json_get 'b.totalSize'
}
hs_total() {
  local after="" n=0 page
  while :; do
    req GET "$HS/crm/v3/objects/contacts?limit=100${after:+&after=$after}"
    page=$(json_get 'b.results.length')
    n=$((n + page))
    after=$(json_get 'b.paging ? b.paging.next.after : ""')
    [ -n "$after" ] || break
  done
  echo "$n"
}

# first_pass LABEL [sandbox args...]
first_pass() {
  local label=$1
  shift
  start_sandbox "$WORK/$label" --hubspot-rate-limit 0 --salesforce-daily-limit 0 "$@"
  node "$(dirname "$0")/seed_sync.mjs" "$HS" "$SF" "$TOKEN" "$N" "$SHARED" >/dev/null
  check "$label: $N contacts and $N Leads seeded" [ $? = 0 ]
  rm -f "$WORK"/state.db*
  write_config
  reset_stats
  cs sync
  check "$label: first pass exits 0" [ "$RC" = 0 ]
  local only=$((N - SHARED)) total=$((2 * N - SHARED))
  local hs_calls sf_calls hs_bound sf_bound
  hs_calls=$(api_calls hubspot)
  sf_calls=$(api_calls salesforce)
  # reads + creates (the other side's records without a match) + updates
  # (every contact gets its Lead's id; matched pairs merge)
  hs_bound=$(($(ceil "$N" 100) + $(ceil "$only" 100) + $(ceil "$N" 100)))
  # Lead and Contact query pages + creates + updates of the matched Leads
  sf_bound=$(($(ceil "$N" 2000) + 1 + $(ceil "$only" 200) + $(ceil "$SHARED" 200)))
  check "$label: HubSpot calls $hs_calls <= 1.1 x $hs_bound + 20" \
    [ $((hs_calls * 10)) -le $((hs_bound * 11 + 200)) ]
  check "$label: Salesforce calls $sf_calls <= 1.1 x $sf_bound + 20" \
    [ $((sf_calls * 10)) -le $((sf_bound * 11 + 200)) ]
  check "$label: no HubSpot search in a first pass" [ "$(endpoint_calls hubspot '/search$')" = 0 ]
  check "$label: HubSpot read through its listing" \
    [ "$(endpoint_calls hubspot '^GET /crm/v3/objects/\[type\]$|^GET /crm/v3/objects/contacts$')" -ge "$(ceil "$N" 100)" ]
  check "$label: Salesforce writes through /composite" \
    [ "$(endpoint_calls salesforce '^POST .*/composite$')" -ge "$(ceil "$only" 1000)" ]
  local leads contacts
  leads=$(count_of Lead)
  contacts=$(hs_total)
  check "$label: every contact has its Lead ($leads of $total)" [ "$leads" = "$total" ]
  check "$label: every Lead has its contact ($contacts of $total)" [ "$contacts" = "$total" ]
  cs verify
  check "$label: verify is clean right after the first pass" [ "$RC" = 0 ]
  check "$label: verify says in sync" grep -q 'In sync' <<<"$OUT"
  stop_sandbox
}

if [ -n "${CRMSYNC_SANDBOX_ARGS:-}" ]; then
  # the suite's own sandbox settings (search lag) come on top of the limits
  first_pass search-limited --hubspot-search-rate 5
else
  first_pass unlimited --hubspot-search-rate 0
  first_pass search-limited --hubspot-search-rate 5 --hubspot-search-lag-ms 2000
fi
finish
