#!/usr/bin/env bash
# crmsync against its peer (bench/peer/sync.mjs, a stateless full-compare
# sync on the official SDKs), on copies of the same sandbox data. For each N:
# seed one data directory (N HubSpot contacts, N Salesforce Leads, N/10
# emails on both sides), stop the sandbox, copy the directory, start one
# sandbox on each copy; then on copy A `crmsync sync`, on copy B the peer;
# then the same 1% change on each side of both copies (bench/compare.mjs
# change) and a second pass of each. Per pass: wall time, client CPU
# (user+sys), peak RSS, API calls per side from /__sandbox/stats, records
# written, and convergence (crmsync verify on A; the peer's own --check on B,
# and on both copies the distinct emails per side against the 2N - N/10
# expected). Appends a dated section to bench/RESULTS.md.
#
# Usage: bench/compare.sh [--no-append] [N...]   (default N: 10000)
#   --no-append   print the table only (the smoke test uses it)
#   CRMSYNC_BIN   binary to measure (default: the Release build, via make build)
#   OVERLAP       crmsync's sync.overlap for the run (default: the configuration's default)
#   VERIFY=0      skip `crmsync verify` (slow at 100k: it pages HubSpot's search); the
#                 peer's --check and the email counts still check convergence
# Exit 0 when every pass ran (whether or not targets were met), 1 when a pass
# failed or a copy did not converge, 2 for bad usage.
source "$(dirname "$0")/lib.sh"

bench_sizes compare.sh "$@"
set -- "${SIZES[@]}"
bench_build
LIMITS=(--hubspot-rate-limit 0 --hubspot-search-rate 0 --salesforce-daily-limit 0)
STATUS=0
: >"$WORK/rows"
: >"$WORK/ratios"
: >"$WORK/notes"

# timed NAME CMD...: runs CMD under /usr/bin/time; sets T_WALL T_CPU T_RSS
# (seconds, seconds, KiB). The command's stdout goes to $WORK/NAME.out.
timed() {
  local name=$1
  shift
  local rc=0
  /usr/bin/time -f '%e %U %S %M' -o "$WORK/$name.time" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" || rc=$?
  local u s
  read -r T_WALL u s T_RSS <"$WORK/$name.time"
  T_CPU=$(awk -v u="$u" -v s="$s" 'BEGIN { printf("%.2f", u + s) }')
  return $rc
}

# sb_cpu PID: the sandbox process's user+sys CPU so far, in clock ticks.
sb_cpu() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# peer_check HS SF: "emailsHS emailsSF differences", from the peer's --check.
peer_check() {
  local hs=$1 sf=$2
  node bench/peer/sync.mjs "$hs" "$sf" "$TOKEN" --check >"$WORK/check.json"
  node -e 'const j = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    console.log(`${j.emails.hubspot} ${j.emails.salesforce} ${j.differences}`)' "$WORK/check.json"
}

ratio() {
  local pass=$1 n=$2
  read -r cw cc cr ch cs _ _ cb <"$WORK/last.crmsync"
  read -r pw pc pr ph ps _ _ pb <"$WORK/last.peer"
  awk -v p="$pass" -v n="$n" -v cw="$cw" -v pw="$pw" -v cc="$cc" -v pc="$pc" -v cr="$cr" -v pr="$pr" \
    -v ch="$ch" -v ph="$ph" -v cs="$cs" -v ps="$ps" -v cb="$cb" -v pb="$pb" \
    'function r(a, b) { return b > 0 ? sprintf("%.2f", a / b) : "-" }
    BEGIN { printf("| %s | %s | %s | %s | %s | %s | %s | %s |\n", p, n, r(cw, pw), r(cc, pc), r(cr, pr), r(cb, pb), r(ch, ph), r(cs, ps)) }' |
    tee -a "$WORK/ratios"
}

# crmsync_pass PASS N: one timed `crmsync sync` on copy A, then verify.
crmsync_pass() {
  local pass=$1 n=$2 rc=0
  curl -s -X POST "$A_HS/__sandbox/reset-stats" >/dev/null
  local sb0
  sb0=$(sb_cpu "$A_PID")
  timed crmsync "$CRMSYNC_BIN" sync --config "$WORK/a.yaml" --quiet || rc=$?
  SB_CPU=$(awk -v a="$sb0" -v b="$(sb_cpu "$A_PID")" -v t="$(getconf CLK_TCK)" 'BEGIN { printf("%.2f", (b - a) / t) }')
  if [ $rc -ne 0 ]; then
    echo "crmsync sync exited $rc:" >&2
    tail -n 5 "$WORK/crmsync.out" "$WORK/crmsync.err" >&2
    STATUS=1
  fi
  local hs_w sf_w
  READ=$(awk '$1=="records" && $2=="read" { print $(NF-1) " / " $NF; exit }' "$WORK/crmsync.out")
  hs_w=$(awk '$1=="created"||$1=="updated"{n+=$2} END{print n+0}' "$WORK/crmsync.out")
  sf_w=$(awk '$1=="created"||$1=="updated"{n+=$3} END{print n+0}' "$WORK/crmsync.out")
  local stats_line
  stats_line=$(node bench/compare.mjs stats "$A_HS")
  local endpoints
  endpoints=$(node bench/compare.mjs endpoints "$A_HS")
  local conv
  if [ "${VERIFY:-1}" = 0 ]; then
    conv="verify skipped"
  elif "$CRMSYNC_BIN" verify --config "$WORK/a.yaml" --limit 5 >"$WORK/verify.out" 2>&1; then
    conv="verify clean"
  else
    conv="verify: $(tail -1 "$WORK/verify.out")"
    STATUS=1
  fi
  read -r e_hs e_sf diffs < <(peer_check "$A_HS" "$A_SF")
  conv="$conv; peer check $diffs differences; emails $e_hs / $e_sf of $EXPECT"
  [ "$e_hs" -eq "$EXPECT" ] && [ "$e_sf" -eq "$EXPECT" ] || STATUS=1
  if [ "$pass" = first ]; then
    echo "- N=$n, crmsync's first pass, calls by endpoint: $endpoints" >>"$WORK/notes"
  fi
  STATS_OVERRIDE=$stats_line row_from crmsync "$pass" "$n" "$hs_w" "$sf_w" "$conv"
}

# peer_pass PASS N: one timed peer run on copy B, then its --check.
peer_pass() {
  local pass=$1 n=$2 rc=0
  curl -s -X POST "$B_HS/__sandbox/reset-stats" >/dev/null
  local sb0
  sb0=$(sb_cpu "$B_PID")
  timed peer node bench/peer/sync.mjs "$B_HS" "$B_SF" "$TOKEN" || rc=$?
  SB_CPU=$(awk -v a="$sb0" -v b="$(sb_cpu "$B_PID")" -v t="$(getconf CLK_TCK)" 'BEGIN { printf("%.2f", (b - a) / t) }')
  if [ $rc -ne 0 ]; then
    echo "peer exited $rc:" >&2
    tail -n 5 "$WORK/peer.out" "$WORK/peer.err" >&2
    STATUS=1
  fi
  local stats_line hs_w sf_w
  stats_line=$(node bench/compare.mjs stats "$B_HS")
  read -r hs_w sf_w r_hs r_sf < <(node -e 'const j = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const w = (s) => s.created + s.updated;
    console.log(`${w(j.written.hubspot)} ${w(j.written.salesforce)} ${j.read.hubspot} ${j.read.salesforce}`)' "$WORK/peer.out")
  READ="$r_hs / $r_sf"
  read -r e_hs e_sf diffs < <(peer_check "$B_HS" "$B_SF")
  local conv="$diffs differences left; emails $e_hs / $e_sf of $EXPECT"
  [ "$diffs" -eq 0 ] && [ "$e_hs" -eq "$EXPECT" ] && [ "$e_sf" -eq "$EXPECT" ] || STATUS=1
  STATS_OVERRIDE=$stats_line row_from peer "$pass" "$n" "$hs_w" "$sf_w" "$conv"
}

# row_from TOOL PASS N HS_W SF_W CONV, with the statistics in $STATS_OVERRIDE.
row_from() {
  local tool=$1 pass=$2 n=$3 hs_w=$4 sf_w=$5 conv=$6
  local hs_calls hs_writes sf_calls sf_writes us
  read -r hs_calls hs_writes sf_calls sf_writes <<<"$STATS_OVERRIDE"
  us=$(awk -v c="$T_CPU" -v r=$((2 * n)) 'BEGIN { printf("%.1f", c * 1e6 / r) }')
  printf '| %s | %s | %s | %s s | %s s | %s | %s MiB | %s s | %s (%s writes) | %s (%s writes) | %s | %s / %s | %s |\n' \
    "$tool" "$pass" "$n" "$T_WALL" "$T_CPU" "$us" "$((T_RSS / 1024))" "$SB_CPU" "$hs_calls" "$hs_writes" \
    "$sf_calls" "$sf_writes" "$READ" "$hs_w" "$sf_w" "$conv" | tee -a "$WORK/rows"
  echo "$T_WALL $T_CPU $T_RSS $hs_calls $sf_calls $hs_w $sf_w $SB_CPU" >"$WORK/last.$tool"
  if [ "$tool" = crmsync ] && [ "$pass" = first ]; then
    # The first-pass call bound: full reads (100 per HubSpot page, 2,000 per
    # Salesforce page, Lead and Contact) and batched writes, × 1.1 + 20.
    local bound
    bound=$(awk -v r=$(($(ceil "$n" 100) + $(ceil "$n" 2000) + 1 + $(ceil "$hs_w" 100) + $(ceil "$sf_w" 200))) \
      'BEGIN { printf("%d", r * 1.1 + 20) }')
    echo "- N=$n: crmsync's first pass made $((hs_calls + sf_calls)) calls; the bound (1.1 × full reads and batched writes + 20) is $bound." >>"$WORK/notes"
  fi
}

for N in "$@"; do
  EXPECT=$((2 * N - N / 10))
  bench_copies "$N" "${LIMITS[@]}"
  if [ -n "${OVERLAP:-}" ]; then sed -i -E "s/^(  overlap: )[0-9a-z]+/\1$OVERLAP/" "$WORK/a.yaml"; fi
  echo "N=$N: first pass, crmsync then peer..."
  crmsync_pass first "$N"
  peer_pass first "$N"
  ratio first "$N"
  echo "N=$N: one more pass (it reads the first pass's writes back), then nothing changed..."
  crmsync_pass "one more" "$N"
  crmsync_pass "nothing changed" "$N"
  peer_pass "nothing changed" "$N"
  ratio "nothing changed" "$N"
  read -r a1 b1 < <(node bench/compare.mjs change "$A_HS" "$A_SF" "$TOKEN" "$N")
  read -r a2 b2 < <(node bench/compare.mjs change "$B_HS" "$B_SF" "$TOKEN" "$N")
  echo "N=$N: 1% pass ($a1 + $b1 edits on each copy), crmsync then peer..."
  crmsync_pass "1% change" "$N"
  peer_pass "1% change" "$N"
  ratio "1% change" "$N"
  stop_sandbox A
  stop_sandbox B
done

{
  echo
  echo "## crmsync against the peer script, N=$* — $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "Command: \`bench/compare.sh $*\`${OVERLAP:+ with OVERLAP=$OVERLAP} on $(machine_line) at the end of the run; release build; both sandboxes on the same machine, rate limits off."
  echo "N HubSpot contacts and N Salesforce Leads, N/10 emails on both sides, so both sides should end with 2N − N/10 emails. The peer is \`bench/peer/sync.mjs\`. The 1% change edits \`fax\` on N/100 HubSpot contacts and \`Title\` on N/100 Leads, the same on both copies; each edit must reach the other side."
  echo "CPU is the client's user+sys; µs/rec divides it by the 2N records the two sides hold. Calls come from the sandbox's /__sandbox/stats (writes: anything but GET, search, batch/read, sObject Collections retrieve and Bulk query jobs). Sandbox CPU: the serving sandbox's user+sys during the pass (the server work each tool causes). Read and written: records per side as each tool reports them (crmsync: its summary's \"records read\", created + updated)."
  echo
  echo "| tool | pass | N | wall | CPU | µs/rec | peak RSS | sandbox CPU | HubSpot calls | Salesforce calls | read HS / SF | written HS / SF | converged |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
  cat "$WORK/rows"
  echo
  echo "Ratios crmsync ÷ peer (target: first pass wall ≤ 0.7; 1% pass a small fraction):"
  echo
  echo "| pass | N | wall | CPU | peak RSS | sandbox CPU | HubSpot calls | Salesforce calls |"
  echo "|---|---|---|---|---|---|---|---|"
  cat "$WORK/ratios"
  echo
  cat "$WORK/notes"
} >"$WORK/section"
if [ $APPEND -eq 1 ]; then
  cat "$WORK/section" >>bench/RESULTS.md
  echo "appended to bench/RESULTS.md"
else
  cat "$WORK/section"
fi
exit $STATUS
