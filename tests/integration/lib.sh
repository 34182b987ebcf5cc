# Shared helpers of the integration tests: start/stop a sandbox on free ports,
# make requests, assert. Sourced by tests/integration/test_*.sh.
set -euo pipefail

CRMSYNC_BIN=${CRMSYNC_BIN:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/build/crmsync}
TOKEN=sandbox-token
WORK=$(mktemp -d "${TMPDIR:-/tmp}/crmsync-it-XXXXXX")
SANDBOX_PID=""
STATUS=""
BODY=""
HS=""
SF=""
FAILS=0
PASSES=0

cleanup() {
  if [ -n "$SANDBOX_PID" ] && kill -0 "$SANDBOX_PID" 2>/dev/null; then
    kill -TERM "$SANDBOX_PID" 2>/dev/null || true
    wait "$SANDBOX_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# start_sandbox DATA_DIR [extra args...]: sets HS, SF, SANDBOX_PID.
# CRMSYNC_SANDBOX_ARGS (words split on blanks) come last, so a whole suite
# can run under other sandbox settings, e.g. "--hubspot-search-lag-ms 2000".
start_sandbox() {
  local dir=$1
  shift
  local out="$WORK/sandbox.out"
  local -a env_args=()
  if [ -n "${CRMSYNC_SANDBOX_ARGS:-}" ]; then read -r -a env_args <<<"$CRMSYNC_SANDBOX_ARGS"; fi
  : >"$out"
  "$CRMSYNC_BIN" sandbox --data "$dir" "$@" "${env_args[@]}" >"$out" 2>"$WORK/sandbox.err" &
  SANDBOX_PID=$!
  for _ in $(seq 1 200); do
    if [ "$(wc -l <"$out")" -ge 2 ]; then break; fi
    if ! kill -0 "$SANDBOX_PID" 2>/dev/null; then
      echo "sandbox exited early:"; cat "$WORK/sandbox.err"; return 1
    fi
    sleep 0.05
  done
  HS=$(awk '$1=="hubspot"{print $2}' "$out")
  SF=$(awk '$1=="salesforce"{print $2}' "$out")
  [ -n "$HS" ] && [ -n "$SF" ] || { echo "sandbox did not print its URLs"; cat "$out"; return 1; }
}

stop_sandbox() {
  kill -TERM "$SANDBOX_PID"
  local rc=0
  wait "$SANDBOX_PID" || rc=$?
  SANDBOX_PID=""
  return $rc
}

# req METHOD URL [BODY]: prints the body, sets STATUS. Authenticated.
req() {
  local method=$1 url=$2 body=${3:-}
  local args=(-s -o "$WORK/body" -w '%{http_code}' -X "$method" -H "Authorization: Bearer $TOKEN")
  if [ -n "$body" ]; then args+=(-H 'Content-Type: application/json' --data "$body"); fi
  STATUS=$(curl "${args[@]}" "$url" || true)
  BODY=$(cat "$WORK/body" 2>/dev/null || true)
}

# anon METHOD URL [BODY]: like req, without a token.
anon() {
  local method=$1 url=$2 body=${3:-}
  local args=(-s -o "$WORK/body" -w '%{http_code}' -X "$method")
  if [ -n "$body" ]; then args+=(-H 'Content-Type: application/json' --data "$body"); fi
  STATUS=$(curl "${args[@]}" "$url" || true)
  BODY=$(cat "$WORK/body" 2>/dev/null || true)
}

ok() { PASSES=$((PASSES + 1)); echo "ok - $*"; }
fail() { FAILS=$((FAILS + 1)); echo "FAIL - $*"; }

# check DESCRIPTION COMMAND...: runs the command, counts pass/fail.
check() {
  local what=$1
  shift
  if "$@"; then ok "$what"; else fail "$what (status=$STATUS body=${BODY:0:300})"; fi
}

# jq-free JSON probe through node: json_get EXPR (reads $BODY), e.g. 'b.results.length'.
json_get() {
  BODY_JSON="$BODY" node -e 'const b=JSON.parse(process.env.BODY_JSON); const v=('"$1"'); console.log(typeof v==="object"?JSON.stringify(v):v)'
}

finish() {
  echo "$PASSES passed, $FAILS failed"
  [ "$FAILS" -eq 0 ]
}

# ---- helpers of the sync tests (test_sync_*.sh) ------------------------------

CFG="$WORK/crmsync.yaml"
export HUBSPOT_TOKEN=$TOKEN SALESFORCE_TOKEN=$TOKEN
SFV=/services/data/v60.0

# write_config: `crmsync init` against the running sandbox, state in $WORK.
write_config() {
  "$CRMSYNC_BIN" init --force --config "$CFG" --hubspot-url "$HS" --salesforce-url "$SF" \
    --store "sqlite:$WORK/state.db" >/dev/null
}

# set_rule PROPERTY RULE: changes a default mapping's rule in $CFG.
set_rule() {
  sed -i -E "s/^(    $1: +)[a-z_]+/\1$2/" "$CFG"
}

# The search index lag CRMSYNC_SANDBOX_ARGS sets (the lag label), in ms; 0: none.
search_lag_ms() {
  local -a a=()
  if [ -n "${CRMSYNC_SANDBOX_ARGS:-}" ]; then read -r -a a <<<"$CRMSYNC_SANDBOX_ARGS"; fi
  local lag=0 i
  for ((i = 0; i + 1 < ${#a[@]}; i++)); do
    if [ "${a[i]}" = --hubspot-search-lag-ms ]; then lag=${a[i + 1]}; fi
  done
  echo "$lag"
}

# cs COMMAND [ARGS...]: runs crmsync COMMAND with $CFG; output in $OUT, exit in $RC.
# Under a search index lag, `sync` and `plan` first wait it out: a change
# pass finds HubSpot's changes through search, which shows an edit only once
# indexed (R2; the real index lags too), so the lag runs check that every
# edit arrives on the first pass after the index has it, and that nothing is
# lost or made twice meanwhile; first passes read in full and need no wait.
cs() {
  local cmd=$1
  shift
  case "$cmd" in
    sync | plan)
      local lag
      lag=$(search_lag_ms)
      if [ "$lag" -gt 0 ]; then sleep "$(((lag + 500) / 1000)).$(((lag + 500) % 1000 / 100))"; fi
      ;;
  esac
  RC=0
  OUT=$("$CRMSYNC_BIN" "$cmd" --config "$CFG" "$@" 2>&1) || RC=$?
}

# hs_batch_create JSON_INPUTS: creates HS contacts ({"inputs":[...]}); ids in $BODY.
hs_batch_create() { req POST "$HS/crm/v3/objects/contacts/batch/create" "$1"; }
# sf_create TYPE JSON: creates one SF record; sets SFID.
sf_create() {
  req POST "$SF$SFV/sobjects/$1" "$2"
  SFID=$(json_get 'b.id')
}
# sf_collection TYPE JSON_RECORDS: sObject Collections create (records need attributes.type).
sf_collection() { req POST "$SF$SFV/composite/sobjects" "{\"allOrNone\":false,\"records\":$2}"; }

# soql QUERY: runs a SOQL query; body in $BODY.
soql() { req GET "$SF$SFV/query?q=$(node -e 'console.log(encodeURIComponent(process.argv[1]))' "$1")"; }

# hs_find EMAIL: the HS contact with that email; body in $BODY, STATUS 200 or 404.
hs_find() {
  req GET "$HS/crm/v3/objects/contacts/$1?idProperty=email&properties=email,firstname,lastname,jobtitle,phone,city,company,hs_lead_status,salesforceleadid,salesforcecontactid"
}

# stats: /__sandbox/stats body in $BODY.
stats() { anon GET "$HS/__sandbox/stats"; }
reset_stats() { anon POST "$HS/__sandbox/reset-stats"; }

# endpoint_calls API REGEX: requests since the last reset on endpoints whose
# key ("METHOD path-template", as /__sandbox/stats names them) matches REGEX.
endpoint_calls() {
  stats
  BODY_JSON="$BODY" node -e '
    const s = JSON.parse(process.env.BODY_JSON)[process.argv[1]].by_endpoint;
    const re = new RegExp(process.argv[2]);
    let n = 0;
    for (const [k, v] of Object.entries(s)) if (re.test(k)) n += v;
    console.log(n);' "$1" "$2"
}

# write_calls API: requests since the last reset that could change data
# (anything but reads: GET, HubSpot search and batch/read, Salesforce
# sObject Collections retrieve).
write_calls() {
  stats
  BODY_JSON="$BODY" node -e '
    const s = JSON.parse(process.env.BODY_JSON)[process.argv[1]].by_endpoint;
    let n = 0;
    for (const [k, v] of Object.entries(s)) {
      if (k.startsWith("GET ")) continue;
      if (/\/search$|\/batch\/read$/.test(k)) continue;
      if (/^POST .*\/composite\/sobjects\/[A-Za-z0-9_]+$/.test(k)) continue;
      n += v;
    }
    console.log(n);' "$1"
}

# count_email_dupes: prints how many emails appear more than once on HS
# contacts, and on SF Leads+Contacts (non-converted), as "HS SF".
count_email_dupes() {
  node - "$HS" "$SF$SFV" "$TOKEN" <<'JS'
const [hs, sf, token] = process.argv.slice(2);
const h = { Authorization: `Bearer ${token}` };
async function all() {
  const hsEmails = [];
  let after;
  for (;;) {
    const u = `${hs}/crm/v3/objects/contacts?limit=100&properties=email${after ? `&after=${after}` : ""}`;
    const b = await (await fetch(u, { headers: h })).json();
    for (const r of b.results) if (r.properties.email) hsEmails.push(r.properties.email.toLowerCase());
    if (!b.paging) break;
    after = b.paging.next.after;
  }
  const sfEmails = [];
  for (const t of ["Lead", "Contact"]) {
    const conv = t === "Lead" ? " WHERE IsConverted = false" : "";
    let url = `${sf}/query?q=${encodeURIComponent(`SELECT Email FROM ${t}${conv}`)}`;
    for (;;) {
      const b = await (await fetch(url, { headers: h })).json();
      for (const r of b.records) if (r.Email) sfEmails.push(`${t}:${r.Email.toLowerCase()}`);
      if (b.done) break;
      url = sf.replace(/\/services.*/, "") + b.nextRecordsUrl;
    }
  }
  const dupes = (a) => { const m = new Map(); for (const e of a) m.set(e, (m.get(e) || 0) + 1); return [...m.values()].filter((c) => c > 1).length; };
  console.log(`${dupes(hsEmails)} ${dupes(sfEmails)} ${hsEmails.length} ${sfEmails.length}`);
}
all().catch((e) => { console.error(e); process.exit(1); });
JS
}
