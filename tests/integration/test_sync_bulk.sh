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

# endpoint_count API PATTERN: requests since the last reset whose endpoint matches.
endpoint_count() {
  stats
  BODY_JSON="$BODY" node -e '
    const s = JSON.parse(process.env.BODY_JSON)[process.argv[1]].by_endpoint;
    const re = new RegExp(process.argv[2]);
    let n = 0;
    for (const [k, v] of Object.entries(s)) if (re.test(k)) n += v;
    console.log(n);' "$1" "$2"
}

reset_stats
cs sync --quiet
check "first pass completes despite the refused records (exit 0)" [ "$RC" = 0 ]
check "the Salesforce reads went through query jobs" [ "$(endpoint_count salesforce '^POST .*/jobs/query$')" -ge 2 ]
check "their results were read by locator pages" [ "$(endpoint_count salesforce '^GET .*/jobs/query/[^/]+/results$')" -ge 2 ]
check "the Leads were written through an ingest job" [ "$(endpoint_count salesforce '^POST .*/jobs/ingest$')" -ge 1 ]
check "its CSV was uploaded" [ "$(endpoint_count salesforce '^PUT .*/jobs/ingest/[^/]+/batches$')" -ge 1 ]
check "its failed results were read" [ "$(endpoint_count salesforce '^GET .*/failedResults$')" -ge 1 ]
check "no /composite call created Leads" [ "$(endpoint_count salesforce '^POST .*/composite$')" = 0 ]
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
check "a change pass uses no Bulk API job" [ "$(endpoint_count salesforce '/jobs/')" = 0 ]

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
check "threshold 0: no Bulk API call" [ "$(endpoint_count salesforce '/jobs/')" = 0 ]
soql "SELECT COUNT() FROM Lead"
check "threshold 0: every contact has its Lead" [ "$(json_get 'b.totalSize')" = "$TOTAL" ]

# A kill while the ingest job runs. Threshold 1,200: the first round of the
# full pass (2,000 contacts) sends its creates as one job, which the sandbox
# processes in steps (at most 2,000 records or 100 ms each). The sandbox is
# then restarted: an unfinished job resumes only when a request names it,
# so a pass that read the email index before settling the job would miss
# the Leads the job has still to create and create them twice.
stop_sandbox
K=3000
start_sandbox "$WORK/data1" --hubspot-rate-limit 0
check "seeded $K contacts" node "$(dirname "$0")/seed_sync.mjs" "$HS" "$SF" "$TOKEN" "$K" 0
rm -f "$WORK/state.db"*
write_config
sed -i -E 's/^  bulk_threshold: +[0-9]+/  bulk_threshold: 1200/' "$CFG"
"$CRMSYNC_BIN" sync --config "$CFG" --quiet >"$WORK/kill.out" 2>&1 &
PID=$!
for _ in $(seq 1 6000); do
  curl -s -H "Authorization: Bearer $TOKEN" "$SF$SFV/jobs/ingest" |
    grep -Eq '"state": ?"(UploadComplete|InProgress)"' && break
  kill -0 "$PID" 2>/dev/null || break
  sleep 0.01
done
kill -KILL "$PID" 2>/dev/null
rc=0; wait "$PID" || rc=$?
check "the pass was killed while its ingest job ran (SIGKILL)" [ "$rc" = 137 ]
check "the job's id was kept in the store" bash -c 'sqlite3 "$1" "SELECT value FROM meta WHERE key = '"'"'bulk.ingest_jobs'"'"'" | grep -q 750' _ "$WORK/state.db"
stop_sandbox
start_sandbox "$WORK/data1" --hubspot-rate-limit 0
write_config
sed -i -E 's/^  bulk_threshold: +[0-9]+/  bulk_threshold: 1200/' "$CFG"
cs sync --quiet
check "the next pass completes" [ "$RC" = 0 ]
cs sync --quiet
check "and a third" [ "$RC" = 0 ]
read -r HS_DUPES SF_DUPES HS_TOTAL SF_TOTAL < <(count_email_dupes)
check "no duplicate email in Salesforce after the kill" [ "$SF_DUPES" = 0 ]
check "no duplicate email in HubSpot after the kill" [ "$HS_DUPES" = 0 ]
check "every contact got its Lead after the kill ($((2 * K)))" [ "$SF_TOTAL" = "$((2 * K))" ]
check "no job is left to settle" bash -c '[ "$(sqlite3 "$1" "SELECT value FROM meta WHERE key = '"'"'bulk.ingest_jobs'"'"'")" = "[]" ]' _ "$WORK/state.db"
cs verify
check "verify is clean after the kill and rerun" [ "$RC" = 0 ]

finish
