#!/usr/bin/env bash
# Round sizes of a first pass under sync.bulk_threshold. A pass reads in
# rounds of 2,000 records per scan; a round's memory (records, context,
# plan) grows with its size. A pass that reads HubSpot in full takes rounds
# of the threshold only when its Salesforce writes of one object can pass
# the threshold (more HubSpot records than the threshold, counted once),
# since only then can a round's group of writes go out as one ingest job:
# - 4,500 contacts, threshold 5,000: no job can be sent, so the HubSpot scan
#   takes rounds of 2,000 (at least 3 rounds), sends no ingest job, and
#   converges;
# - the same 4,500 contacts, threshold 2,100: a job pays, so after its first
#   normal round the scan takes rounds of 2,100, whose creates go out as one
#   ingest job (a job needs a group of at least the threshold, which a round
#   of 2,000 cannot hold), and it converges too.
# The rounds of a pass are in its summary (the runs table's counts).
source "$(dirname "$0")/lib.sh"

K=4500
CFG="$WORK/crmsync.yaml"

seed() {
  node -e '
    const [hs, token, n] = process.argv.slice(1);
    (async () => {
      for (let i = 0; i < n; i += 100) {
        const inputs = [];
        for (let k = i; k < Math.min(n, i + 100); k++)
          inputs.push({ properties: { email: `r${k}@example.com`, firstname: `F${k}`, lastname: `L${k}` } });
        const r = await fetch(`${hs}/crm/v3/objects/contacts/batch/create`, { method: "POST",
          headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
          body: JSON.stringify({ inputs }) });
        if (r.status !== 201) throw new Error(`seed: ${r.status}`);
      }
    })().catch((e) => { console.error(e.message); process.exit(1); });' "$HS" "$TOKEN" "$K"
}

last_rounds() { sqlite3 "$WORK/state.db" "SELECT json_extract(counts, '$.rounds') FROM runs ORDER BY id DESC LIMIT 1"; }

# first_pass DIR THRESHOLD: a fresh sandbox with K contacts, one first pass.
first_pass() {
  start_sandbox "$1" --hubspot-rate-limit 0
  check "seeded $K contacts (threshold $2)" seed
  rm -f "$WORK/state.db"*
  write_config
  sed -i -E "s/^  bulk_threshold: +[0-9]+/  bulk_threshold: $2/" "$CFG"
  check "the config sets the threshold $2" grep -Eq "^  bulk_threshold: $2( |\$)" "$CFG"
  reset_stats
  cs sync --quiet
  check "threshold $2: the first pass completes" [ "$RC" = 0 ]
  JOBS=$(endpoint_calls salesforce '^POST .*/jobs/ingest$')
  COMPOSITE=$(endpoint_calls salesforce '^POST .*/composite')
  ROUNDS=$(last_rounds)
  soql "SELECT COUNT() FROM Lead"
  check "threshold $2: every contact has its Lead ($K)" [ "$(json_get 'b.totalSize')" = "$K" ]
  read -r HS_DUPES SF_DUPES _ _ < <(count_email_dupes)
  check "threshold $2: no duplicate email on either side" [ "$HS_DUPES.$SF_DUPES" = 0.0 ]
  cs verify
  check "threshold $2: verify is clean" [ "$RC" = 0 ]
  stop_sandbox
}

first_pass "$WORK/small" 5000
SMALL_ROUNDS=$ROUNDS
check "no job can be sent: no ingest job" [ "$JOBS" = 0 ]
check "the Leads went out through /composite" [ "$COMPOSITE" -ge 1 ]
check "the HubSpot scan took rounds of 2,000 ($SMALL_ROUNDS rounds in the pass, >= 3)" \
  [ "$SMALL_ROUNDS" -ge 3 ]

first_pass "$WORK/large" 2100
check "a job pays: the creates went out through an ingest job" [ "$JOBS" -ge 1 ]

finish
