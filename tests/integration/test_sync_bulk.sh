#!/usr/bin/env bash
# Bulk API 2.0 above sync.bulk_threshold (here 50 instead of 10,000):
# - a first pass reads Salesforce in full through query jobs (the email
#   index and the Lead scan) and writes its Leads through one ingest job,
#   proven by the sandbox's request counts, and converges (verify clean);
# - a record a validation rule refuses inside the job is a sync error with
#   its R9 category and Salesforce's own message (R4), like /composite's;
# - with the threshold at 0, the same first pass uses no Bulk API call;
# - a pass killed (SIGKILL) while its ingest job runs leaves the job's id in
#   the store; the next pass settles that job before it reads anything, so
#   nothing is created twice.
source "$(dirname "$0")/lib.sh"

N=300
OVERLAP=60
start_sandbox "$WORK/data" --hubspot-rate-limit 0
check "seeded $N contacts and $N leads" node "$(dirname "$0")/seed_sync.mjs" "$HS" "$SF" "$TOKEN" "$N" "$OVERLAP"
anon POST "$SF/__sandbox/salesforce/validation-rules" \
  '{"object":"Lead","name":"No_interns","error_condition":"Title = '"'"'Intern'"'"'","message":"Interns are not sales leads","field":"Title"}'
check "validation rule created" [ "$STATUS" = 201 ]
hs_batch_create '{"inputs":[
 {"properties":{"email":"intern1@example.com","firstname":"Ian","lastname":"Intern","jobtitle":"Intern","company":"B"}},
 {"properties":{"email":"intern2@example.com","firstname":"Ina","lastname":"Intern","jobtitle":"Intern","company":"C"}}]}'
check "two contacts the rule refuses" [ "$STATUS" = 201 ]

write_config
sed -i -E 's/^  bulk_threshold: +[0-9]+/  bulk_threshold: 50/' "$CFG"
check "the config sets the threshold" grep -q '^  bulk_threshold: 50' "$CFG"

reset_stats
cs sync --quiet
check "first pass completes despite the refused records (exit 0)" [ "$RC" = 0 ]
check "the Salesforce reads went through query jobs" [ "$(endpoint_calls salesforce '^POST .*/jobs/query$')" -ge 2 ]
check "their results were read by locator pages" [ "$(endpoint_calls salesforce '^GET .*/jobs/query/[^/]+/results$')" -ge 2 ]
check "the Leads were written through an ingest job" [ "$(endpoint_calls salesforce '^POST .*/jobs/ingest$')" -ge 1 ]
check "its CSV was uploaded" [ "$(endpoint_calls salesforce '^PUT .*/jobs/ingest/[^/]+/batches$')" -ge 1 ]
check "its failed results were read" [ "$(endpoint_calls salesforce '^GET .*/failedResults$')" -ge 1 ]
check "no /composite call created Leads" [ "$(endpoint_calls salesforce '^POST .*/composite$')" = 0 ]
TOTAL=$((2 * N - OVERLAP))
soql "SELECT COUNT() FROM Lead"
check "every HubSpot contact has its Lead ($TOTAL)" [ "$(json_get 'b.totalSize')" = "$TOTAL" ]
read -r HS_DUPES SF_DUPES HS_TOTAL SF_TOTAL < <(count_email_dupes)
check "no duplicate email in Salesforce" [ "$SF_DUPES" = 0 ]
check "no duplicate email in HubSpot" [ "$HS_DUPES" = 0 ]
check "every Lead has its contact" [ "$HS_TOTAL" = "$((TOTAL + 2))" ]

cs errors
check "the validation rule's message is listed (R4)" grep -q 'Interns are not sales leads' <<<"$OUT"
check "under its R9 category" grep -q 'Custom code  refused by Salesforce' <<<"$OUT"
check "both refused records are named" [ "$(grep -c 'email intern[12]@example.com' <<<"$OUT")" = 2 ]
check "the rule's error field is shown" grep -q 'field Title' <<<"$OUT"

cs verify
check "verify: in sync but for the two refused records" grep -q 'Compared' <<<"$OUT"
check "verify lists only the known errors" bash -c '! grep -Eiq "missing|differ" <<<"$1" || grep -q "known" <<<"$1"' _ "$OUT"
reset_stats
cs sync --quiet
check "a second pass completes" [ "$RC" = 0 ]
check "a change pass uses no Bulk API job" [ "$(endpoint_calls salesforce '/jobs/')" = 0 ]

# The same first pass with the threshold at 0: no Bulk API call at all.
stop_sandbox
start_sandbox "$WORK/data0" --hubspot-rate-limit 0
check "seeded again" node "$(dirname "$0")/seed_sync.mjs" "$HS" "$SF" "$TOKEN" "$N" "$OVERLAP"
rm -f "$WORK/state.db"*
write_config
sed -i -E 's/^  bulk_threshold: +[0-9]+/  bulk_threshold: 0/' "$CFG"
reset_stats
cs sync --quiet
check "threshold 0: the first pass completes" [ "$RC" = 0 ]
check "threshold 0: no Bulk API call" [ "$(endpoint_calls salesforce '/jobs/')" = 0 ]
soql "SELECT COUNT() FROM Lead"
check "threshold 0: every contact has its Lead" [ "$(json_get 'b.totalSize')" = "$TOTAL" ]

# A kill while the ingest job runs. 3,000 HubSpot contacts, no Lead,
# threshold 1,200: the full pass's first round (2,000 contacts) sends its
# creates as one job, which the sandbox processes in steps of at most 2,000
# records or 100 ms. The sandbox is stopped at once and restarted: its
# unfinished job then waits until a request names it (Salesforce would have
# gone on running it). The next pass reads the email index through REST
# (fewer Leads than the threshold) and sends the rest as a job of its own,
# which the sandbox runs after the older one: had the pass not settled
# (aborted) the killed pass's job before reading the index, both jobs would
# create the same Leads.
stop_sandbox
K=3000
start_sandbox "$WORK/data1" --hubspot-rate-limit 0
check "seeded $K contacts" node -e '
  const [hs, token, n] = process.argv.slice(1);
  (async () => {
    for (let i = 0; i < n; i += 100) {
      const inputs = [];
      for (let k = i; k < Math.min(n, i + 100); k++)
        inputs.push({ properties: { email: `k${k}@example.com`, firstname: `F${k}`, lastname: `L${k}` } });
      const r = await fetch(`${hs}/crm/v3/objects/contacts/batch/create`, { method: "POST",
        headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
        body: JSON.stringify({ inputs }) });
      if (r.status !== 201) throw new Error(`seed: ${r.status}`);
    }
  })().catch((e) => { console.error(e.message); process.exit(1); });' "$HS" "$TOKEN" "$K"
rm -f "$WORK/state.db"*
write_config
sed -i -E 's/^  bulk_threshold: +[0-9]+/  bulk_threshold: 1200/' "$CFG"
"$CRMSYNC_BIN" sync --config "$CFG" --quiet >"$WORK/kill.out" 2>&1 &
PID=$!
# The job runs from its creation until the pass has read its results; the
# store names it (meta bulk.ingest_jobs) over that whole time, which a poll
# of the API's job states alone can miss when a job finishes in one step.
for _ in $(seq 1 6000); do
  sqlite3 "$WORK/state.db" "SELECT value FROM meta WHERE key = 'bulk.ingest_jobs'" 2>/dev/null |
    grep -q '750' && break
  curl -s -H "Authorization: Bearer $TOKEN" "$SF$SFV/jobs/ingest" |
    grep -Eq '"state": ?"(UploadComplete|InProgress)"' && break
  kill -0 "$PID" 2>/dev/null || break
  sleep 0.01
done
kill -KILL "$PID" 2>/dev/null
stop_sandbox
rc=0; wait "$PID" || rc=$?
check "the pass was killed while its ingest job ran (SIGKILL)" [ "$rc" = 137 ]
JOB=$(sqlite3 "$WORK/state.db" "SELECT value FROM meta WHERE key = 'bulk.ingest_jobs'" | grep -o '750[A-Za-z0-9]*' | head -1)
check "the job's id was kept in the store" [ -n "$JOB" ]
start_sandbox "$WORK/data1" --hubspot-rate-limit 0
write_config
sed -i -E 's/^  bulk_threshold: +[0-9]+/  bulk_threshold: 1200/' "$CFG"
cs sync --quiet
check "the next pass completes" [ "$RC" = 0 ]
for _ in $(seq 1 600); do
  req GET "$SF$SFV/jobs/ingest/$JOB"
  grep -Eq '"state": ?"(JobComplete|Aborted|Failed)"' <<<"$BODY" && break
  sleep 0.1
done
check "the killed pass's job has ended ($(json_get b.state))" grep -Eq '"state": ?"(JobComplete|Aborted|Failed)"' <<<"$BODY"
cs sync --quiet
check "and a third" [ "$RC" = 0 ]
read -r HS_DUPES SF_DUPES HS_TOTAL SF_TOTAL < <(count_email_dupes)
check "no duplicate email in Salesforce after the kill" [ "$SF_DUPES" = 0 ]
check "no duplicate email in HubSpot after the kill" [ "$HS_DUPES" = 0 ]
check "every contact got its Lead after the kill ($K)" [ "$SF_TOTAL" = "$K" ]
check "no job is left to settle" bash -c '[ "$(sqlite3 "$1" "SELECT value FROM meta WHERE key = '"'"'bulk.ingest_jobs'"'"'")" = "[]" ]' _ "$WORK/state.db"
cs verify
check "verify is clean after the kill and rerun" [ "$RC" = 0 ]

finish
