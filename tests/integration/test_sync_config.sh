#!/usr/bin/env bash
# The commands' contract: every command has --help (exit 0); config errors
# (unknown key, unknown rule, a removed default mapping, C6, R1) exit 2 with
# file:line:col and the SPEC id; a missing secret exits 2 naming the variable
# and never prints a value; init refuses to overwrite; check against the
# sandbox is OK and finds a mapped name the live schema lacks (R3); `run
# --interval` wants a unit like sync.interval, and `run` stops in one sentence.
source "$(dirname "$0")/lib.sh"

for c in init check plan sync run status errors journal verify demo; do
  rc=0; out=$("$CRMSYNC_BIN" "$c" --help 2>&1) || rc=$?
  check "$c --help exits 0" [ "$rc" = 0 ]
  check "$c --help shows usage and exit codes" grep -q "usage: crmsync $c" <<<"$out"
done
cs status --bogus
check "unknown option is a usage error" [ "$RC" = 2 ]
check "unknown option named" grep -q "unknown option '--bogus'" <<<"$OUT"
# --interval spells a duration as the configuration does: a bare number needs a unit.
cs run --interval 5
check "run --interval 5: usage error (exit 2)" [ "$RC" = 2 ]
check "run --interval 5: needs a unit, as in the config" grep -q "'5' needs a unit: ms, s, m or h (e.g. 5s)" <<<"$OUT"
cs run --interval 50ms
check "run --interval below 100ms: exit 2" [ "$RC" = 2 ]
check "run --interval out of range says the range" grep -q '50ms is out of range (100ms to 24h)' <<<"$OUT"
cs run --interval 2x
check "run --interval 2x: exit 2" [ "$RC" = 2 ]
check "run --interval 2x: not a duration" grep -q "'2x' is not a duration" <<<"$OUT"

start_sandbox "$WORK/data"
write_config
check "init wrote the file" [ -s "$CFG" ]
rc=0; out=$("$CRMSYNC_BIN" init --config "$CFG" 2>&1) || rc=$?
check "init refuses to overwrite (exit 2)" [ "$rc" = 2 ]
check "init says --force" grep -q -- '--force' <<<"$out"
rc=0; "$CRMSYNC_BIN" init --config "$WORK/x.yaml" --hubspot-url 'ftp://nope' >/dev/null 2>&1 || rc=$?
check "init refuses a bad URL (exit 2)" [ "$rc" = 2 ]
check "init wrote nothing for a bad URL" [ ! -e "$WORK/x.yaml" ]

cs check
check "check against the sandbox: exit 0" [ "$RC" = 0 ]
check "check against the sandbox: OK" grep -q '^OK: 24 mappings' <<<"$OUT"
cs run --interval 100ms --max-passes 1
check "run --max-passes 1: exit 0" [ "$RC" = 0 ]
check "run says how it stopped, in one sentence" grep -q '^crmsync run: stopped after 1 pass (0 failed)$' <<<"$OUT"

cp "$CFG" "$WORK/good.yaml"
expect_config_error() { # WHAT EXPECTED_REGEX
  cs check
  check "$1: exit 2" [ "$RC" = 2 ]
  check "$1: file:line:col and message" grep -Eq "$2" <<<"$OUT"
  cp "$WORK/good.yaml" "$CFG"
}
sed -i 's/^  base_url:/  base_ulr:/' "$CFG"
expect_config_error "unknown key" 'crmsync\.yaml:[0-9]+:[0-9]+: hubspot\.base_ulr: unknown key \(did you mean .base_url.\?\)'
set_rule firstname tow_way
expect_config_error "unknown rule" "crmsync\.yaml:[0-9]+:[0-9]+: contacts\.rules\.firstname: unknown rule 'tow_way'.*R1"
sed -i -E 's/^(    firstname: +)[a-z_]+/\1none/' "$CFG"
expect_config_error "removed default mapping" 'crmsync\.yaml:[0-9]+:[0-9]+: contacts\.rules\.firstname: a default mapping cannot be removed.*C6'
set_rule email always_hs
expect_config_error "rule the row does not allow" "crmsync\.yaml:[0-9]+:[0-9]+: contacts\.rules\.email: rule 'always_hs' is not allowed"
cs sync --config "$WORK/missing.yaml"
check "missing config file: exit 2" [ "$RC" = 2 ]
check "missing config file named" grep -q 'missing.yaml' <<<"$OUT"

# A mapped name the live schema lacks is found by check (R3), not by loading.
sed -i 's/^  mappings: \[\]/  mappings:\n    - { hubspot: shoe_size, salesforce: Shoe_Size__c, rule: two_way }/' "$CFG"
cs check
check "check finds names missing from the live schemas: exit 1" [ "$RC" = 1 ]
check "check names the HS property" grep -q 'shoe_size' <<<"$OUT"
check "check names the SF field" grep -q 'Shoe_Size__c' <<<"$OUT"
cp "$WORK/good.yaml" "$CFG"

# Secrets come from the environment, and never show.
RC=0; OUT=$(env -u HUBSPOT_TOKEN "$CRMSYNC_BIN" sync --config "$CFG" 2>&1) || RC=$?
check "missing token: exit 2" [ "$RC" = 2 ]
check "missing token names the variable" grep -q 'HUBSPOT_TOKEN' <<<"$OUT"
RC=0; OUT=$(HUBSPOT_TOKEN=wrong-secret-value "$CRMSYNC_BIN" check --config "$CFG" 2>&1) || RC=$?
check "a wrong token fails the check (exit 1)" [ "$RC" = 1 ]
check "the token is never printed" bash -c '! grep -q wrong-secret-value <<<"$1"' _ "$OUT"

finish
