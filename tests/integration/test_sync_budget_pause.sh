#!/usr/bin/env bash
# The Salesforce API budget (R6) holds call by call, and a pass it pauses
# files no error for the creates it never tried.
# - The budget used to be checked only between batches and rounds: one pass
#   made 176 Salesforce calls against a budget of 160. Now every call of a
#   pass, reads included, is checked before it is sent.
# - A paused pass used to file the plan's errors for its whole round: 250
#   contacts got C17 "the new Lead gets Salesforce's default owner" errors
#   for Leads never created, then waited 20 minutes for their retry (R8),
#   and verify called them known differences. Now the records not tried get
#   no error, and the next pass (with budget left) creates them at once.
source "$(dirname "$0")/lib.sh"

N=500
BUDGET=14
start_sandbox "$WORK/data" --hubspot-rate-limit 0
# N HubSpot contacts whose owner (70000003) has no Salesforce User (C17).
node - "$HS" "$TOKEN" "$N" <<'JS'
const [hs, token, n] = process.argv.slice(2);
const h = { Authorization: `Bearer ${token}`, "Content-Type": "application/json" };
(async () => {
  for (let i = 0; i < Number(n); i += 100) {
    const inputs = [];
    for (let k = i; k < Math.min(Number(n), i + 100); k++)
      inputs.push({ properties: { email: `b${k}@example.com`, firstname: `B${k}`, lastname: `Budget${k}`,
        hs_lead_status: "NEW", hubspot_owner_id: "70000003" } });
    const r = await fetch(`${hs}/crm/v3/objects/contacts/batch/create`, { method: "POST", headers: h, body: JSON.stringify({ inputs }) });
    if (r.status >= 300) { console.error(await r.text()); process.exit(1); }
  }
})();
JS
check "seeded $N contacts owned by an owner with no Salesforce User" [ $? = 0 ]
write_config
sed -i -E "s/^(  sf_batch_size: )[0-9]+/\110/; s/^(  sf_api_budget: )[0-9%]+/\1$BUDGET/" "$CFG"
check "budget $BUDGET calls, collections of 10 (5 to a /composite call: 50 records a call)" grep -q "^  sf_api_budget: $BUDGET " "$CFG"
anon POST "$HS/__sandbox/limits" '{"reset_usage":true}'

sf_used() { anon GET "$HS/__sandbox/limits"; json_get 'b.salesforce_daily_used'; }
lead_count() { soql "SELECT COUNT() FROM Lead"; json_get 'b.totalSize'; }
c17_errors() { sqlite3 "$WORK/state.db" "SELECT count(*) FROM errors WHERE message LIKE 'C17:%' AND NOT dismissed"; }

cs sync --quiet
check "the pass pauses at the budget (exit 1)" [ "$RC" = 1 ]
check "and says so (R6)" grep -q "paused (R6): the Salesforce API budget is reached (1[0-9] of $BUDGET calls used" <<<"$OUT"
USED=$(sf_used)
check "Salesforce calls stay within the budget: $USED of $BUDGET" [ "$USED" -le "$BUDGET" ]
LEADS=$(lead_count)
check "some Leads were created before the pause ($LEADS of $N)" [ "$LEADS" -gt 0 ] && [ "$LEADS" -lt "$N" ]
ERRS=$(c17_errors)
check "no C17 error for a Lead never created ($ERRS errors, $LEADS Leads)" [ "$ERRS" -le "$LEADS" ]
check "the pass is recorded paused" \
  [ "$(sqlite3 "$WORK/state.db" "SELECT status FROM runs ORDER BY id DESC LIMIT 1")" = paused ]

# A new process under the spent budget stops at its first answer that
# tells the usage: the version list (which carries no usage) and the first
# describe go out before it can know.
cs sync --quiet
check "a second sync stops at once (exit 1)" [ "$RC" = 1 ]
check "saying the budget is reached (R6)" grep -q "R6: the Salesforce API budget is reached" <<<"$OUT"
USED=$(sf_used)
check "two calls past the budget at most: $USED of $BUDGET" [ "$USED" -le $((BUDGET + 2)) ]

# With budget left, the records not tried are created at once: no retry wait.
sed -i -E "s/^(  sf_api_budget: )[0-9]+/\180%/" "$CFG"
cs sync --quiet
check "with budget left the pass completes" [ "$RC" = 0 ]
check "every contact has its Lead now" [ "$(lead_count)" = "$N" ]
read -r HS_DUPES SF_DUPES _ _ < <(count_email_dupes)
check "no email has two Leads" [ "$SF_DUPES" = 0 ]
check "the C17 errors stand for Leads created with the default owner only" [ "$(c17_errors)" -le "$N" ]
finish
