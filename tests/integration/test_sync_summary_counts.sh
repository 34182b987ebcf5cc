#!/usr/bin/env bash
# The pass summary leaves nothing silent (issue: one-pass convergence): on a
# first pass every record of each side counts as read once — also a
# contact whose email is on a Lead too, which the first pass reads both in
# its scan and as a counterpart — and whatever a pass plans is either done
# or counted with why (record errors, children waiting for a parent, a
# budget stop, creates not tried), so done + left = planned.
source "$(dirname "$0")/lib.sh"

start_sandbox "$WORK/data" --hubspot-rate-limit 0
write_config
N=${SUMMARY_N:-2000}
SHARED=$((N / 10))
node "$(dirname "$0")/seed_sync.mjs" "$HS" "$SF" "$TOKEN" "$N" "$SHARED" >/dev/null

# row LABEL COLUMN: a figure of the summary's row LABEL (2 HubSpot, 1
# Salesforce counted from the end), 0 when the row is not printed.
row() {
  awk -v label="$1" -v col="$2" 'index($0, label) == 3 { print $(NF - col + 1); found = 1 }
    END { if (!found) print 0 }' <<<"$OUT"
}
cs sync --quiet
check "first pass exits 0" [ "$RC" = 0 ]
check "first pass: HubSpot records read = N ($N)" [ "$(row 'records read (changed' 2)" = "$N" ]
check "first pass: Salesforce records read = N ($N)" [ "$(row 'records read (changed' 1)" = "$N" ]
check "first pass: the Leads it created and met again are not counted as read" \
  [ "$(row 'own creates met again' 1)" -le $((N - SHARED)) ]
# done: "operations planned P, done D (...)[, L left undone: why...]"
planned() { sed -nE 's/.*operations planned ([0-9]+), done.*/\1/p' <<<"$OUT"; }
done_ops() { sed -nE 's/.*operations planned [0-9]+, done ([0-9]+).*/\1/p' <<<"$OUT"; }
left_ops() { sed -nE 's/.*, ([0-9]+) left undone.*/\1/p' <<<"$OUT"; }
check "first pass: the summary counts operations planned" [ "$(planned)" -gt 0 ]
check "first pass: every planned operation was done" [ "$(planned)" = "$(done_ops)" ]
check "first pass: nothing left undone" [ -z "$(left_ops)" ]
cs plan
check "one pass converged" grep -q 'would write nothing' <<<"$OUT"

# ---- a budget stop: what is left is counted, with why, and done next -------------
node - "$HS" "$TOKEN" <<'JS'
const [hs, token] = process.argv.slice(2);
const h = { Authorization: `Bearer ${token}`, "Content-Type": "application/json" };
(async () => {
  for (let i = 0; i < 400; i += 100) {
    const inputs = [];
    for (let k = i; k < i + 100; k++)
      inputs.push({ properties: { email: `q${k}@example.com`, lastname: `Q${k}` } });
    const r = await fetch(`${hs}/crm/v3/objects/contacts/batch/create`,
      { method: "POST", headers: h, body: JSON.stringify({ inputs }) });
    if (r.status >= 300) { console.error(await r.text()); process.exit(1); }
  }
})();
JS
cp "$CFG" "$WORK/full.yaml"
# overlap 0: the pass reads the 400 new contacts only, so the budget stops it
# in its writes whatever N is.
sed -i -E "s/^(  overlap: ).*/\10s/" "$CFG"
sed -i -E "s/^(  sf_batch_size: )[0-9]+/\110/; s/^(  sf_api_budget: )[0-9%]+/\1$(($(anon GET "$HS/__sandbox/limits" >/dev/null; json_get 'b.salesforce_daily_used') + 14))/" "$CFG"
cs sync --quiet
check "a pass stopped by the budget says so" grep -q 'budget' <<<"$OUT"
P=$(planned)
D=$(done_ops)
L=$(left_ops)
echo "$OUT" >&2
check "budget stop: operations are left undone and counted" [ "${L:-0}" -gt 0 ]
check "budget stop: done + left = planned ($D + $L = $P)" [ $((D + L)) = "$P" ]
check "budget stop: the summary says why" grep -q 'left undone: the Salesforce API budget was reached (R6)' <<<"$OUT"
check "budget stop: no record error for the creates not tried" [ "$(row 'errors (writing' 1)" = 0 ]
cp "$WORK/full.yaml" "$CFG"
cs sync --quiet
check "the next pass does what was left" [ -z "$(left_ops)" ]
soql "SELECT COUNT() FROM Lead WHERE Email LIKE 'q%'"
check "every contact left by the budget stop has its Lead now" [ "$(json_get 'b.totalSize')" = 400 ]
cs plan
check "converged after the budget stop" grep -q 'would write nothing' <<<"$OUT"
finish
