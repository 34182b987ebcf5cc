#!/usr/bin/env bash
# Records a Salesforce validation rule or duplicate rule refuses (R4): each
# becomes a sync error with its R9 category ("Custom code" for
# FIELD_CUSTOM_VALIDATION_EXCEPTION, "Duplicates" for DUPLICATES_DETECTED)
# and the API's own message, listed by `crmsync errors`; the rest of the
# pass lands; fixing the record clears the error on the next pass. The rules
# are defined through the sandbox admin routes, as an admin would set them
# up in Salesforce.
source "$(dirname "$0")/lib.sh"

start_sandbox "$WORK/data" --hubspot-rate-limit 0
anon POST "$SF/__sandbox/salesforce/validation-rules" \
  '{"object":"Lead","name":"No_interns","error_condition":"Title = '"'"'Intern'"'"'","message":"Interns are not sales leads","field":"Title"}'
check "validation rule created" [ "$STATUS" = 201 ]
anon POST "$SF/__sandbox/salesforce/duplicate-rules" \
  '{"object":"Lead","name":"Same_person","fields":["LastName","Company"],"action":"block","message":"This person is already a lead"}'
check "duplicate rule created" [ "$STATUS" = 201 ]
sf_create Lead '{"Email":"old@example.com","FirstName":"Olga","LastName":"Known","Company":"Known Co"}'
check "existing lead created" [ "$STATUS" = 201 ]

write_config
hs_batch_create '{"inputs":[
 {"properties":{"email":"good1@example.com","firstname":"Good","lastname":"One","jobtitle":"CEO","company":"A","hs_lead_status":"NEW"}},
 {"properties":{"email":"intern@example.com","firstname":"Ian","lastname":"Intern","jobtitle":"Intern","company":"B","hs_lead_status":"NEW"}},
 {"properties":{"email":"olga.new@example.com","firstname":"Olga","lastname":"known","company":"KNOWN CO","hs_lead_status":"NEW"}},
 {"properties":{"email":"good2@example.com","firstname":"Good","lastname":"Two","jobtitle":"CTO","company":"C","hs_lead_status":"NEW"}}]}'
check "HS contacts created" [ "$STATUS" = 201 ]

cs sync --quiet
check "sync completes despite refused records (exit 0)" [ "$RC" = 0 ]
check "summary counts the validation rule refusal under Custom code (R9)" grep -Eq 'Custom code +0 +1$' <<<"$OUT"
check "summary counts the duplicate rule refusal under Duplicates (R9)" grep -Eq 'Duplicates +0 +1$' <<<"$OUT"
check "summary: both were refused by an API" grep -q '^2 records with errors: 2 refused by an API' <<<"$OUT"

soql "SELECT Id FROM Lead WHERE Email IN ('good1@example.com', 'good2@example.com')"
check "the rest of the pass landed (R4)" [ "$(json_get 'b.totalSize')" = 2 ]
soql "SELECT Id FROM Lead WHERE Email IN ('intern@example.com', 'olga.new@example.com')"
check "refused records were not created" [ "$(json_get 'b.totalSize')" = 0 ]

cs errors
check "errors exits 0" [ "$RC" = 0 ]
check "the validation rule's message is listed (R4)" grep -q 'Interns are not sales leads' <<<"$OUT"
check "the duplicate rule's message is listed (R4)" grep -q 'This person is already a lead' <<<"$OUT"
check "category Custom code shown (R9)" grep -q 'Custom code  refused by Salesforce' <<<"$OUT"
check "category Duplicates shown (R9)" grep -q 'Duplicates  refused by Salesforce' <<<"$OUT"
check "the refused records are named" grep -q 'email intern@example.com' <<<"$OUT"
check "the rule's error field is shown" grep -q 'field Title' <<<"$OUT"
cs errors --category custom_code
check "category filter: custom_code" [ "$(grep -c '^#' <<<"$OUT")" = 1 ]

# R4: fixing the record in HubSpot clears its error on the next pass.
hs_find intern@example.com
req PATCH "$HS/crm/v3/objects/contacts/$(json_get 'b.id')" '{"properties":{"jobtitle":"Analyst"}}'
cs sync --quiet
check "the next pass completes" [ "$RC" = 0 ]
soql "SELECT Id, Title FROM Lead WHERE Email = 'intern@example.com'"
check "the fixed record syncs on the next pass" [ "$(json_get 'b.totalSize')" = 1 ]
cs errors
check "its error is gone" bash -c '! grep -q "Interns are not" <<<"$1"' _ "$OUT"
check "the duplicate stays refused" grep -q 'This person is already a lead' <<<"$OUT"

finish
