#!/usr/bin/env bash
# Companies ⇄ Accounts beyond the basics, through the sandbox (A1, A2, C9,
# C16, R9):
#   - a contact's company changed only by its association (no property
#     edit) still syncs: HubSpot keeps the primary company in the contact's
#     read-only associatedcompanyid, so the change moves the contact's
#     last-modified date and the change scan finds it;
#   - a cleared parent follows both ways: Contact.AccountId set to null
#     removes the contact's association with its primary company, a removed
#     primary association clears AccountId; a parent moved on either side
#     moves on the other;
#   - a new Account whose Contacts belong to contacts that already have a
#     company is matched to that company, not duplicated (A1);
#   - deletes follow the companies' on_salesforce_delete / on_hubspot_delete
#     (C16), and the contacts of a deleted company or Account keep syncing
#     without it;
#   - verify compares companies ⇄ Accounts as it does contacts.
source "$(dirname "$0")/lib.sh"

start_sandbox "$WORK/data" --hubspot-rate-limit 0
write_config
sed -i -E 's/^  enabled: false/  enabled: true/' "$CFG"

sync() { cs sync; }
hs_company() {
  req POST "$HS/crm/v3/objects/companies" "{\"properties\":$1}"
  COMPANY=$(json_get 'b.id')
}
hs_primary() {
  req PUT "$HS/crm/v4/objects/contacts/$1/associations/companies/$2" \
    '[{"associationCategory":"HUBSPOT_DEFINED","associationTypeId":1}]'
}
primary_of() {
  req GET "$HS/crm/v4/objects/contacts/$1/associations/companies"
  json_get '(b.results.find((r) => r.associationTypes.some((t) => t.typeId === 1)) || {}).toObjectId || ""'
}
companies_of() {
  req GET "$HS/crm/v4/objects/contacts/$1/associations/companies"
  json_get 'b.results.length'
}
sf_field() {
  req GET "$SF$SFV/sobjects/$1/$2"
  json_get "b.$3 === null || b.$3 === undefined ? '' : b.$3"
}
contact_prop() {
  req GET "$HS/crm/v3/objects/contacts/$1?properties=$2"
  json_get "b.properties.$2 || ''"
}
company_named() {
  req GET "$HS/crm/v3/objects/companies?limit=100&properties=name,salesforceaccountid"
  json_get "(b.results.find((r) => r.properties.name === '$1') || {}).id || ''"
}
count_companies_named() {
  req GET "$HS/crm/v3/objects/companies?limit=100&properties=name"
  json_get "b.results.filter((r) => r.properties.name === '$1').length"
}
account_named() {
  soql "SELECT Id FROM Account WHERE Name = '$1'"
  json_get '(b.records[0] || {}).Id || ""'
}

# ---- setup: two Accounts, two Contacts under the first, linked by a pass ----------
sf_create Account '{"Name":"Acme"}'
ACME_SF=$SFID
sf_create Account '{"Name":"Umbrella"}'
UMB_SF=$SFID
sf_create Contact "{\"Email\":\"ann@example.com\",\"LastName\":\"Ames\",\"AccountId\":\"$ACME_SF\"}"
ANN_SF=$SFID
sf_create Contact "{\"Email\":\"ben@example.com\",\"LastName\":\"Bell\",\"AccountId\":\"$ACME_SF\"}"
BEN_SF=$SFID
sync
check "first pass exits 0" [ "$RC" = 0 ]
ACME=$(company_named Acme)
UMB=$(company_named Umbrella)
hs_find ann@example.com
ANN=$(json_get 'b.id')
hs_find ben@example.com
BEN=$(json_get 'b.id')
check "setup: both Accounts made companies" [ -n "$ACME" -a -n "$UMB" ]
check "setup: Ann's primary company is Acme" [ "$(primary_of "$ANN")" = "$ACME" ]

# ---- association-only change in HubSpot (A2) ---------------------------------------
check "HubSpot keeps the primary company in associatedcompanyid" \
  [ "$(contact_prop "$ANN" associatedcompanyid)" = "$ACME" ]
BEFORE=$(contact_prop "$ANN" hs_lastmodifieddate)
sleep 1.1
hs_primary "$ANN" "$UMB"
check "a new primary company changes associatedcompanyid" \
  [ "$(contact_prop "$ANN" associatedcompanyid)" = "$UMB" ]
check "a new primary company moves the contact's last-modified date" \
  [ "$(contact_prop "$ANN" hs_lastmodifieddate)" != "$BEFORE" ]
sync
check "A2: a contact whose only change is its primary company moves its AccountId" \
  [ "$(sf_field Contact "$ANN_SF" AccountId)" = "$UMB_SF" ]

# ---- a removed primary association clears AccountId ---------------------------------
req DELETE "$HS/crm/v4/objects/contacts/$ANN/associations/companies/$UMB"
check "a removed primary association clears associatedcompanyid" \
  [ -z "$(contact_prop "$ANN" associatedcompanyid)" ]
sync
check "A2: a removed primary association clears Contact.AccountId" \
  [ -z "$(sf_field Contact "$ANN_SF" AccountId)" ]
cs journal --record "$ANN"
check "the cleared AccountId is journaled (R5)" grep -q 'AccountId' <<<"$OUT"

# ---- a cleared AccountId removes the primary association -----------------------------
req PATCH "$SF$SFV/sobjects/Contact/$BEN_SF" '{"AccountId":null}'
sync
check "A2: a cleared AccountId removes the contact's primary company" \
  [ -z "$(primary_of "$BEN")" ]
check "A2: and its association with that company" [ "$(companies_of "$BEN")" = 0 ]
cs plan
check "nothing left to do after the clears" grep -q 'would write nothing' <<<"$OUT"

# ---- set again on either side --------------------------------------------------------
req PATCH "$SF$SFV/sobjects/Contact/$BEN_SF" "{\"AccountId\":\"$UMB_SF\"}"
hs_primary "$ANN" "$ACME"
sync
check "A2: an AccountId set again gives the primary company back" \
  [ "$(primary_of "$BEN")" = "$UMB" ]
check "A2: a primary company set again sets AccountId" \
  [ "$(sf_field Contact "$ANN_SF" AccountId)" = "$ACME_SF" ]


# ---- A1: a new Account is matched to its Contacts' company, not duplicated -------------
# A company whose Account could not be created (no name: Account.Name is
# required) waits with its contact; the user then makes the Account in
# Salesforce and puts the Contact under it. The company is not in the pass
# (unchanged), the Account is: it is matched through the Contact's contact.
sf_create Contact '{"Email":"dora@example.com","LastName":"Diaz"}'
DORA_SF=$SFID
sync
hs_find dora@example.com
DORA=$(json_get 'b.id')
hs_company '{"domain":"doraco.example"}'
DORACO=$COMPANY
hs_primary "$DORA" "$DORACO"
sync
check "setup: the nameless company got no Account" [ -z "$(sf_field Contact "$DORA_SF" AccountId)" ]
sf_create Account '{"Name":"Dora Co"}'
DORACO_SF=$SFID
req PATCH "$SF$SFV/sobjects/Contact/$DORA_SF" "{\"AccountId\":\"$DORACO_SF\"}"
sync
check "A1: the new Account makes no second company" [ "$(count_companies_named 'Dora Co')" = 1 ]
check "A1: it is matched to its Contact's contact's company" [ "$(company_named 'Dora Co')" = "$DORACO" ]
req GET "$HS/crm/v3/objects/companies/$DORACO?properties=salesforceaccountid"
check "A1: the company holds the Account's id" [ "$(json_get 'b.properties.salesforceaccountid')" = "$DORACO_SF" ]
check "A2: the contact keeps its primary company" [ "$(primary_of "$DORA")" = "$DORACO" ]

# ---- verify compares companies ⇄ Accounts -------------------------------------------
cs verify
check "verify: in sync after the passes" [ "$RC" = 0 ]
check "verify: reads companies and Accounts" grep -q 'HubSpot companies and .* Salesforce Accounts in full' <<<"$OUT"
check "verify: compares the Contacts' Account with their primary company" \
  grep -qE 'compared [1-9][0-9]* Contacts' <<<"$OUT"
req PATCH "$SF$SFV/sobjects/Account/$ACME_SF" '{"Phone":"555-9999"}'
req PATCH "$SF$SFV/sobjects/Contact/$BEN_SF" "{\"AccountId\":\"$ACME_SF\"}"
hs_company "{\"name\":\"Acme copy\",\"salesforceaccountid\":\"$ACME_SF\"}"
ACME_COPY=$COMPANY
sf_create Account '{"Name":"Lonely Account"}'
LONELY_SF=$SFID
cs verify
check "verify: divergences make it fail" [ "$RC" != 0 ]
check "verify: a mapped Account field that differs, per pair" \
  grep -q "HubSpot $ACME <-> Account $ACME_SF" <<<"$OUT"
check "verify: names the differing company field" grep -qE 'phone = .*Phone = "555-9999"' <<<"$OUT"
check "verify: a Contact's Account that is not its contact's primary company (A2)" \
  grep -q "HubSpot $BEN <-> Contact $BEN_SF: linked, but the contact's primary company" <<<"$OUT"
check "verify: two companies standing for one Account" \
  grep -q "2 HubSpot companies stand for this Account" <<<"$OUT"
check "verify: an Account without a company (A1)" grep -q "Account $LONELY_SF (Lonely Account) has no HubSpot company" <<<"$OUT"
req DELETE "$HS/crm/v3/objects/companies/$ACME_COPY"
sync
cs verify
check "verify: in sync again after a pass" [ "$RC" = 0 ]
check "the pass moved the primary company to the Contact's new Account" \
  [ "$(primary_of "$BEN")" = "$ACME" ]

# ---- deletes (C16 for companies; never inferred from absence) -----------------------
company_exists() {
  req GET "$HS/crm/v3/objects/companies/$1"
  [ "$STATUS" = 200 ]
}
sf_exists() {
  req GET "$SF$SFV/sobjects/$1/$2"
  [ "$STATUS" = 200 ]
}
sf_create Account '{"Name":"Gone In HubSpot"}'
GONE_HS_SF=$SFID
sf_create Contact "{\"Email\":\"eve@example.com\",\"LastName\":\"Eve\",\"AccountId\":\"$GONE_HS_SF\"}"
EVE_SF=$SFID
sf_create Account '{"Name":"Gone In Salesforce"}'
GONE_SF_SF=$SFID
sf_create Contact "{\"Email\":\"fred@example.com\",\"LastName\":\"Fox\",\"AccountId\":\"$GONE_SF_SF\"}"
sync
GONE_HS=$(company_named 'Gone In HubSpot')
GONE_SF=$(company_named 'Gone In Salesforce')
hs_find eve@example.com
EVE=$(json_get 'b.id')
hs_find fred@example.com
FRED=$(json_get 'b.id')
check "setup: both Accounts have their company and contact" \
  [ -n "$GONE_HS" -a -n "$GONE_SF" -a "$(primary_of "$EVE")" = "$GONE_HS" ]

# A company missing from a read is not a delete: nothing happens to it.
cs sync --full
check "C16: a full pass deletes nothing" sf_exists Account "$GONE_HS_SF"

# on_hubspot_delete: delete — the Account goes, its Contacts stay (detached
# first: Salesforce would delete them with their Account).
sed -i -E '/^companies:/,$ s/^  on_hubspot_delete: nothing/  on_hubspot_delete: delete/' "$CFG"
req DELETE "$HS/crm/v3/objects/companies/$GONE_HS"
sync
check "on_hubspot_delete: delete deletes the company's Account" \
  [ "$(account_named 'Gone In HubSpot')" = "" ]
check "its Contact survives the Account's delete" sf_exists Contact "$EVE_SF"
check "and is detached from it" [ -z "$(sf_field Contact "$EVE_SF" AccountId)" ]
check "its HubSpot contact stays, without company" [ -n "$EVE" -a -z "$(primary_of "$EVE")" ]

# on_salesforce_delete: delete — the company goes; Salesforce deleted the
# Account's Contacts with it, and the contacts' own policy (nothing) keeps
# their HubSpot contacts. Salesforce reports deletions by the minute.
sed -i -E '/^companies:/,$ s/^  on_salesforce_delete: nothing/  on_salesforce_delete: delete/' "$CFG"
soql "SELECT Id FROM Contact WHERE Email = 'fred@example.com'"
FRED_SF=$(json_get '(b.records[0] || {}).Id || ""')
req DELETE "$SF$SFV/sobjects/Account/$GONE_SF_SF"
soql "SELECT Id FROM Contact WHERE Email = 'fred@example.com'"
check "the sandbox deletes an Account's Contacts with it, as Salesforce does" \
  [ -n "$FRED_SF" -a "$(json_get 'b.totalSize')" = 0 ]
GONE=no
for _ in 1 2 3; do
  sleep $((61 - 10#$(date +%S)))
  sync
  if ! company_exists "$GONE_SF"; then GONE=yes; break; fi
done
check "on_salesforce_delete: delete archives the Account's company" [ "$GONE" = yes ]
req GET "$HS/crm/v3/objects/contacts/$FRED"
check "the HubSpot contact of the cascaded Contact stays (contacts: nothing)" [ "$STATUS" = 200 ]

finish
