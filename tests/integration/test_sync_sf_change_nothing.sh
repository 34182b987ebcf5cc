#!/usr/bin/env bash
# contacts.on_salesforce_change: nothing (C3) through the sandbox: a change
# made only in Salesforce starts no sync, even though the HubSpot change
# cursor's overlap window re-reads the contact crmsync itself just wrote (an
# HS record equal to its snapshot is not a change made in HubSpot); a new SF
# record creates nothing in HubSpot; once the contact really changes in
# HubSpot, the pair syncs and each field follows its rule (R1): the HS edit
# of a two_way field reaches Salesforce and the SF edit reaches HubSpot. A pass after that writes nothing.
source "$(dirname "$0")/lib.sh"

start_sandbox "$WORK/data" --hubspot-rate-limit 0
write_config
sed -i -E 's/^(  on_salesforce_change: +)[a-z_]+/\1nothing/; s/^(  create_salesforce_as: +)[a-z_]+/\1contact/' "$CFG"
check "config says nothing" grep -q '^  on_salesforce_change: nothing' "$CFG"
set_rule phone two_way

hs_batch_create '{"inputs":[{"properties":{"email":"ann@example.com","firstname":"Ann","lastname":"Lee","jobtitle":"Engineer","phone":"111"}}]}'
check "HS contact created" [ "$STATUS" = 201 ]
ANN_HS=$(json_get 'b.results[0].id')

cs sync --quiet
check "first sync exits 0" [ "$RC" = 0 ]
soql "SELECT Id, Title, Phone FROM Contact WHERE Email = 'ann@example.com'"
check "HS contact created an SF Contact (C15)" [ "$(json_get 'b.totalSize')" = 1 ]
ANN_SF=$(json_get 'b.records[0].Id')
check "the Contact has the HS title" [ "$(json_get 'b.records[0].Title')" = Engineer ]

# Right after the pass that wrote the HS contact (its link property): the
# HubSpot cursor's overlap window reads it again in the next pass.
req PATCH "$SF$SFV/sobjects/Contact/$ANN_SF" '{"Title":"CTO"}'
check "SF-only edit" [ "$STATUS" = 204 ]
sf_create Lead '{"Email":"bo@example.com","LastName":"Bo","Company":"Bo Ltd"}'
reset_stats
cs sync --quiet
check "sync after the SF-only edit exits 0" [ "$RC" = 0 ]
hs_find ann@example.com
check "SF-only edit did not reach HubSpot (C3: nothing)" [ "$(json_get 'b.properties.jobtitle')" = Engineer ]
check "no HubSpot write call at all" [ "$(write_calls hubspot)" = 0 ]
check "no Salesforce write call at all" [ "$(write_calls salesforce)" = 0 ]
hs_find bo@example.com
check "a new SF Lead creates no HS contact (C3: nothing)" [ "$STATUS" = 404 ]
cs journal --record "$ANN_HS"
check "journal has no Salesforce-won write for ann" bash -c '! grep -q "Salesforce value wins" <<<"$1"' _ "$OUT"

# A later pass (the overlap window again) still leaves it.
cs sync --quiet
hs_find ann@example.com
check "still not synced on the next pass" [ "$(json_get 'b.properties.jobtitle')" = Engineer ]

# A change made in HubSpot starts the pair's sync: every field by its rule.
req PATCH "$HS/crm/v3/objects/contacts/$ANN_HS" '{"properties":{"phone":"222"}}'
check "HS edit" [ "$STATUS" = 200 ]
cs sync --quiet
check "sync after the HS edit exits 0" [ "$RC" = 0 ]
soql "SELECT Title, Phone FROM Contact WHERE Id = '$ANN_SF'"
check "HS phone edit reached SF" [ "$(json_get 'b.records[0].Phone')" = 222 ]
check "SF title stays" [ "$(json_get 'b.records[0].Title')" = CTO ]
hs_find ann@example.com
check "the SF title reached HS with the HubSpot-started sync (prefer_sf_unless_blank)" \
  [ "$(json_get 'b.properties.jobtitle')" = CTO ]

reset_stats
cs sync --quiet
check "the pass after writes nothing to HubSpot" [ "$(write_calls hubspot)" = 0 ]
check "the pass after writes nothing to Salesforce" [ "$(write_calls salesforce)" = 0 ]

finish
