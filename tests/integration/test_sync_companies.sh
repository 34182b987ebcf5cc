#!/usr/bin/env bash
# Companies ⇄ Accounts through the sandbox (A1, A2, C15, C16, R1, R9):
# a new Account creates a company; a company creates an Account only when
# one of its contacts needs it (and never when it has none, or all its
# contacts sync to Leads); Contact.AccountId follows the contact's primary
# company both ways, in the same pass as the parent; a child whose parent
# cannot sync waits as an Associations error and resumes by itself once the
# parent has synced; contact_if_company_linked and create_salesforce_as:
# contact create the Contact with its Account (C15); delete policies and
# two_way conflicts apply to companies as to contacts.
source "$(dirname "$0")/lib.sh"

start_sandbox "$WORK/data" --hubspot-rate-limit 0
write_config
# companies: is the last section of the template; its keys are unique there.
sed -i -E 's/^  enabled: false/  enabled: true/' "$CFG"
check "init writes a companies section" grep -q '^companies:' "$CFG"

# sync: one pass (in the lag runs, after the index lag: see cs in lib.sh).
sync() { cs sync; }

# hs_company NAME: creates an HS company; its id in $COMPANY.
hs_company() {
  local props=$1
  req POST "$HS/crm/v3/objects/companies" "{\"properties\":$props}"
  COMPANY=$(json_get 'b.id')
}
# hs_contact JSON_PROPS: creates an HS contact; its id in $CONTACT.
hs_contact() {
  req POST "$HS/crm/v3/objects/contacts" "{\"properties\":$1}"
  CONTACT=$(json_get 'b.id')
}
# hs_primary CONTACT COMPANY: makes COMPANY the contact's primary company.
hs_primary() {
  req PUT "$HS/crm/v4/objects/contacts/$1/associations/companies/$2" \
    '[{"associationCategory":"HUBSPOT_DEFINED","associationTypeId":1}]'
}
# primary_of CONTACT: prints the contact's primary company id (or nothing).
primary_of() {
  req GET "$HS/crm/v4/objects/contacts/$1/associations/companies"
  json_get '(b.results.find((r) => r.associationTypes.some((t) => t.typeId === 1)) || {}).toObjectId || ""'
}
# sf_field TYPE ID FIELD: prints one field of one SF record.
sf_field() {
  req GET "$SF$SFV/sobjects/$1/$2"
  json_get "b.$3 === null || b.$3 === undefined ? '' : b.$3"
}
# hs_company_get ID: the company with crmsync's property; body in $BODY.
hs_company_get() {
  req GET "$HS/crm/v3/objects/companies/$1?properties=name,phone,salesforceaccountid"
}
# company_named NAME: prints the id of the HS company with that name (listed,
# not searched: search lags behind writes in the lag runs).
company_named() {
  req GET "$HS/crm/v3/objects/companies?limit=100&properties=name,phone,salesforceaccountid"
  json_get "(b.results.find((r) => r.properties.name === '$1') || {}).id || ''"
}
# account_named NAME: prints the Id of the Account with that name.
account_named() {
  soql "SELECT Id FROM Account WHERE Name = '$1'"
  json_get '(b.records[0] || {}).Id || ""'
}

cs check
check "check accepts the company mappings against both live schemas" [ "$RC" = 0 ]
check "check reads the companies schemas" grep -q '^companies: HubSpot companies have' <<<"$OUT"
cp "$CFG" "$WORK/good.yaml"
python3 - "$CFG" <<'PY'
import sys
p = sys.argv[1]
s = open(p).read()
i = s.index("\ncompanies:")
s = s[:i] + s[i:].replace("  mappings: []", "  mappings:\n    - { hubspot: tier, salesforce: Tier__c }", 1)
open(p, "w").write(s)
PY
cs check
check "check refuses a company mapping whose fields exist on neither side" [ "$RC" != 0 ]
check "check names the missing company property" grep -q 'HubSpot company property tier' <<<"$OUT"
check "check names the missing Account field" grep -q 'Account field Tier__c' <<<"$OUT"
cp "$WORK/good.yaml" "$CFG"

# ---- first pass: contacts link by email, an Account creates a company (A1) ----
sf_create Account '{"Name":"Globex","Phone":"555-0100"}'
GLOBEX_SF=$SFID
sf_create Contact '{"Email":"bob@example.com","FirstName":"Bob","LastName":"Brown"}'
BOB_SF=$SFID
hs_contact '{"email":"bob@example.com","firstname":"Bob","lastname":"Brown"}'
BOB=$CONTACT
sf_create Contact "{\"Email\":\"carol@example.com\",\"LastName\":\"Cole\",\"AccountId\":\"$GLOBEX_SF\"}"
CAROL_SF=$SFID
hs_company '{"name":"Lonely Inc"}'
LONELY=$COMPANY
hs_company '{"name":"Leady Co"}'
LEADY=$COMPANY
hs_contact '{"email":"leady@example.com","lastname":"Lee","company":"Leady Co"}'
hs_primary "$CONTACT" "$LEADY"

cs plan
check "plan names the HubSpot object it creates from an Account" \
  grep -q "create HubSpot company from Salesforce Account $GLOBEX_SF" <<<"$OUT"
check "plan says company, never contact, for an Account" \
  bash -c '! grep -q "HubSpot contact from Salesforce Account" <<<"$1"' _ "$OUT"

sync
check "first pass exits 0" [ "$RC" = 0 ]
GLOBEX=$(company_named Globex)
check "A1: a new Account creates a HubSpot company" [ -n "$GLOBEX" ]
hs_company_get "$GLOBEX"
check "A1: the company carries the Account's values" grep -q '555-0100' <<<"$BODY"
check "A1: the company holds the linked Account id" grep -q "$GLOBEX_SF" <<<"$BODY"
check "A1: a company without contacts creates no Account" [ -z "$(account_named 'Lonely Inc')" ]
check "A1: a company whose contacts sync to Leads creates no Account" \
  [ -z "$(account_named 'Leady Co')" ]
hs_find carol@example.com
CAROL=$(json_get 'b.id')
check "C3: the Salesforce Contact created its HubSpot contact" [ -n "$CAROL" ]
check "A2: the new contact's primary company is its Account's company, in the same pass" \
  [ "$(primary_of "$CAROL")" = "$GLOBEX" ]

cs plan
check "nothing left to do after the first pass" grep -q 'would write nothing' <<<"$OUT"

# ---- A1 (a): a company whose contact syncs to a Contact without an Account ----
hs_company '{"name":"Initech"}'
INITECH=$COMPANY
hs_primary "$BOB" "$INITECH"
sync
check "second pass exits 0" [ "$RC" = 0 ]
INITECH_SF=$(account_named Initech)
check "A1: the company of a Contact without an Account creates the Account" [ -n "$INITECH_SF" ]
check "A2: the Contact's AccountId is set in the same pass" \
  [ "$(sf_field Contact "$BOB_SF" AccountId)" = "$INITECH_SF" ]
hs_company_get "$INITECH"
check "A1: the company holds its new Account's id" grep -q "$INITECH_SF" <<<"$BODY"

# ---- A2 both ways on linked pairs -------------------------------------------------
req PATCH "$SF$SFV/sobjects/Contact/$CAROL_SF" "{\"AccountId\":\"$INITECH_SF\"}"
sync
check "A2: a Salesforce AccountId change moves the primary company" \
  [ "$(primary_of "$CAROL")" = "$INITECH" ]
hs_primary "$BOB" "$GLOBEX"
req PATCH "$HS/crm/v3/objects/contacts/$BOB" '{"properties":{"jobtitle":"CTO"}}'
sync
check "A2: a new primary company in HubSpot moves the AccountId" \
  [ "$(sf_field Contact "$BOB_SF" AccountId)" = "$GLOBEX_SF" ]
cs journal --record "$BOB"
check "A2 is journaled (R5)" grep -q 'AccountId' <<<"$OUT"

# ---- a child waits for its parent (R9) and resumes by itself -----------------------
sf_create Contact '{"Email":"dan@example.com","LastName":"Dunn"}'
DAN_SF=$SFID
sync
hs_find dan@example.com
DAN=$(json_get 'b.id')
hs_company '{"domain":"nameless.example"}'
NAMELESS=$COMPANY
hs_primary "$DAN" "$NAMELESS"
sync
check "a pass with a waiting child exits 0" [ "$RC" = 0 ]
check "A1: a company without a name is refused by Salesforce's required Name" \
  [ -z "$(sf_field Contact "$DAN_SF" AccountId)" ]
cs errors
check "the child waits as an Associations error (R9)" grep -qi 'associations' <<<"$OUT"
check "the error names the parent it waits for" grep -q "$NAMELESS" <<<"$OUT"
req PATCH "$HS/crm/v3/objects/companies/$NAMELESS" '{"properties":{"name":"Named Now"}}'
sync
NAMED_SF=$(account_named 'Named Now')
check "the parent syncs once it has a name" [ -n "$NAMED_SF" ]
check "the waiting child resumes by itself in the same pass" \
  [ "$(sf_field Contact "$DAN_SF" AccountId)" = "$NAMED_SF" ]
cs errors
check "its Associations error is gone" bash -c "! grep -q '$NAMELESS' <<<\"\$0\"" "$OUT"

# ---- C15: contact_if_company_linked and contact -----------------------------------
sed -i -E 's/^  create_salesforce_as: lead/  create_salesforce_as: contact_if_company_linked/' "$CFG"
hs_contact '{"email":"erin@example.com","lastname":"Eve"}'
ERIN=$CONTACT
hs_primary "$ERIN" "$GLOBEX"
hs_contact '{"email":"fay@example.com","lastname":"Fox","company":"Solo"}'
sync
soql "SELECT Id, AccountId FROM Contact WHERE Email = 'erin@example.com'"
check "C15: a contact whose company is linked becomes a Contact" [ "$(json_get 'b.totalSize')" = 1 ]
check "C15: created with its Account" [ "$(json_get 'b.records[0].AccountId')" = "$GLOBEX_SF" ]
soql "SELECT Id FROM Lead WHERE Email = 'fay@example.com'"
check "C15: a contact without a linked company becomes a Lead" [ "$(json_get 'b.totalSize')" = 1 ]

sed -i -E 's/^  create_salesforce_as: contact_if_company_linked/  create_salesforce_as: contact/' "$CFG"
hs_company '{"name":"Hooli"}'
HOOLI=$COMPANY
hs_contact '{"email":"gil@example.com","lastname":"Gray"}'
hs_primary "$CONTACT" "$HOOLI"
sync
HOOLI_SF=$(account_named Hooli)
check "A1 (b): a company whose new contact is created as a Contact creates its Account" \
  [ -n "$HOOLI_SF" ]
soql "SELECT AccountId FROM Contact WHERE Email = 'gil@example.com'"
check "create_salesforce_as: contact creates the Contact with its Account" \
  [ "$(json_get 'b.records[0].AccountId')" = "$HOOLI_SF" ]

# ---- conflicts (R1) ------------------------------------------------------------------
sed -i -E '/^companies:/,$ s/^(    phone: +)[a-z_]+/\1two_way/' "$CFG"
req PATCH "$HS/crm/v3/objects/companies/$GLOBEX" '{"properties":{"phone":"111-HS"}}'
sleep 1.1
req PATCH "$SF$SFV/sobjects/Account/$GLOBEX_SF" '{"Phone":"222-SF"}'
sync
hs_company_get "$GLOBEX"
check "two_way conflict: the later Salesforce edit reaches the company" grep -q '222-SF' <<<"$BODY"
check "two_way conflict: Salesforce keeps its edit" [ "$(sf_field Account "$GLOBEX_SF" Phone)" = 222-SF ]
sed -i -E '/^companies:/,$ s/^  conflict_winner: latest/  conflict_winner: hubspot/' "$CFG"
req PATCH "$SF$SFV/sobjects/Account/$GLOBEX_SF" '{"Phone":"333-SF"}'
sleep 1.1
req PATCH "$HS/crm/v3/objects/companies/$GLOBEX" '{"properties":{"phone":"444-HS"}}'
sed -i -E '/^companies:/,$ s/^  conflict_winner: hubspot/  conflict_winner: salesforce/' "$CFG"
sync
check "conflict_winner: salesforce wins over a later HubSpot edit" \
  [ "$(sf_field Account "$GLOBEX_SF" Phone)" = 333-SF ]
hs_company_get "$GLOBEX"
check "conflict_winner: salesforce: HubSpot gets its value" grep -q '333-SF' <<<"$BODY"

# ---- delete policies (C16) -------------------------------------------------------------
# Salesforce reports deletions minute by minute (the replication API), so
# its side is covered by test_pair.c; HubSpot's archive shows at once.
sf_create Account '{"Name":"Kept"}'
KEPT_SF=$SFID
sync
KEPT=$(company_named Kept)
req DELETE "$HS/crm/v3/objects/companies/$KEPT"
sync
check "on_hubspot_delete: nothing keeps the Account" [ "$(sf_field Account "$KEPT_SF" Name)" = Kept ]
sed -i -E '/^companies:/,$ s/^  on_hubspot_delete: nothing/  on_hubspot_delete: delete/' "$CFG"
req DELETE "$HS/crm/v3/objects/companies/$HOOLI"
sync
soql "SELECT Id FROM Account WHERE Name = 'Hooli'"
check "on_hubspot_delete: delete deletes the Account" [ "$(json_get 'b.totalSize')" = 0 ]

cs plan
check "converged: a pass now would write nothing" grep -q 'would write nothing' <<<"$OUT"

finish
