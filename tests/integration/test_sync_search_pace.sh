#!/usr/bin/env bash
# HubSpot search pacing (R6; sync.hs_search_rate): HubSpot admits a few
# searches a second per account and sends no rate-limit header on search, so
# crmsync paces its change scan's searches itself instead of meeting 429s
# and backing off. The sandbox here admits 1 search a second; the pass that
# follows a first pass reads that pass's writes back through search (several
# pages and window counts):
#   - paced at 1 a second (sync.hs_search_rate: 1), it meets no 429;
#   - unpaced (hs_search_rate: 0), the same pass meets 429s: the check above
#     can fail, and the retries still finish the pass.
source "$(dirname "$0")/lib.sh"
N=1200

# hs_429s: HubSpot answers with status 429 since the last reset.
hs_429s() {
  stats
  json_get 'b.hubspot.by_status["429"] || 0'
}

# scenario LABEL RATE: a first pass, then the timed read-back pass with
# sync.hs_search_rate RATE; sets LIMITED (its 429s) and SEARCHES.
scenario() {
  local label=$1 rate=$2
  start_sandbox "$WORK/$label" --hubspot-rate-limit 0 --salesforce-daily-limit 0 \
    --hubspot-search-rate 1
  node "$(dirname "$0")/seed_sync.mjs" "$HS" "$SF" "$TOKEN" "$N" 0 >/dev/null
  check "$label: $N contacts seeded" [ $? = 0 ]
  rm -f "$WORK"/state.db*
  write_config
  sed -i -E "s/^  hs_search_rate: +[0-9]+/  hs_search_rate: $rate/" "$CFG"
  check "$label: the configuration paces at $rate" grep -q "^  hs_search_rate: $rate" "$CFG"
  cs sync
  check "$label: first pass exits 0" [ "$RC" = 0 ]
  reset_stats
  cs sync
  check "$label: the read-back pass exits 0" [ "$RC" = 0 ]
  SEARCHES=$(endpoint_calls hubspot '^POST .*/search$')
  LIMITED=$(hs_429s)
  stop_sandbox
}

scenario paced 1
check "paced: the pass searched several times ($SEARCHES)" [ "$SEARCHES" -ge 4 ]
check "paced: no search met a 429 ($LIMITED)" [ "$LIMITED" = 0 ]
scenario unpaced 0
check "unpaced: the same pass met 429s ($LIMITED)" [ "$LIMITED" -gt 0 ]

finish
