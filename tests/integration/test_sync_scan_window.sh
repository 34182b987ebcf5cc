#!/usr/bin/env bash
# HubSpot change scan, no record skipped (R2, C15): crmsync writes
# salesforceleadid back to the contacts it has just read, between the pages
# of its scan. A scan that paged with an offset inside one modification time
# skipped one unread contact per write-back (2,099 Leads of 2,100 contacts
# created one at a time; 1,000 of 3,000 seeded contacts that share their
# times), and with sync.overlap 0s no later pass read them again. Each case:
# one `crmsync sync` with overlap 0s, then exactly N Leads and a clean
# `crmsync verify`. The seeded case holds SCAN_SEEDED contacts (default
# 1,200: six pages in one millisecond; test_soak_scan_window.sh runs 3,000).
source "$(dirname "$0")/lib.sh"
SEEDED=${SCAN_SEEDED:-1200}

# wait_search N: waits until HubSpot's search shows N contacts (under
# CRMSYNC_SANDBOX_ARGS' search lag the newest writes show up late; a pass
# before that would rightly leave them to the next one).
wait_search() {
  for _ in $(seq 1 150); do
    req POST "$HS/crm/v3/objects/contacts/search" '{"limit":1}'
    if [ "$STATUS" = 200 ] && [ "$(json_get 'b.total')" = "$1" ]; then return 0; fi
    sleep 0.2
  done
  return 1
}

# lead_count: Leads in Salesforce (COUNT() query).
lead_count() {
  soql "SELECT COUNT() FROM Lead"
  json_get 'b.totalSize'
}

# one_case NAME N: sync with overlap 0s, expect N Leads and verify clean.
one_case() {
  local name=$1 n=$2
  check "$name: search shows all $n contacts" wait_search "$n"
  rm -f "$WORK"/state.db* # a fresh store: links and cursors of this sandbox only
  write_config
  sed -i -E 's/^(  overlap: +).*/\10s/' "$CFG"
  check "$name: config has overlap 0s" grep -qE '^  overlap: +0s' "$CFG"
  cs sync --quiet
  check "$name: sync exits 0" [ "$RC" = 0 ]
  local got
  got=$(lead_count)
  check "$name: every contact became a Lead ($got of $n)" [ "$got" = "$n" ]
  cs verify
  check "$name: verify is clean" [ "$RC" = 0 ]
  check "$name: verify says in sync" grep -q 'In sync' <<<"$OUT"
  # a second pass finds nothing left to create
  cs sync --quiet
  check "$name: second sync exits 0" [ "$RC" = 0 ]
  got=$(lead_count)
  check "$name: a second sync leaves exactly N Leads ($got)" [ "$got" = "$n" ]
}

# ---- 2,100 contacts created one at a time: (nearly) one time each ----------
start_sandbox "$WORK/one" --hubspot-rate-limit 0
node - "$HS" "$TOKEN" 2100 <<'JS'
const [hs, token, nArg] = process.argv.slice(2);
const n = Number(nArg);
const headers = { Authorization: `Bearer ${token}`, "Content-Type": "application/json" };
async function one(k) {
  const r = await fetch(`${hs}/crm/v3/objects/contacts`, { method: "POST", headers,
    body: JSON.stringify({ properties: { email: `one${k}@example.com`, lastname: `One${k}` } }) });
  if (r.status !== 201) throw new Error(`contact ${k}: ${r.status} ${await r.text()}`);
}
async function main() {
  let next = 0;
  const worker = async () => { while (next < n) await one(next++); };
  await Promise.all([worker(), worker(), worker(), worker()]);
}
main().catch((e) => { console.error(e.message); process.exit(1); });
JS
check "2,100 contacts created one at a time" [ $? = 0 ]
one_case "one at a time" 2100
stop_sandbox

# ---- seeded contacts sharing their modification times ----------------
start_sandbox "$WORK/seed" --hubspot-rate-limit 0 --seed-contacts "$SEEDED"
one_case "seeded" "$SEEDED"
stop_sandbox

finish
