// The peer crmsync is measured against: the stateless full-compare sync a
// RevOps engineer writes with the official SDKs instead of running crmsync.
// Each run reads both sides in full (HubSpot contacts through the SDK's
// getAll, Salesforce Leads and Contacts through SOQL and queryMore), joins
// them by email (C5: trimmed, case-insensitive; a Contact before a Lead),
// and batch-writes the differences: HubSpot batch create/update of 100,
// Salesforce sObject Collections of 200 through jsforce. Fields follow the
// default contact mappings (C6) with "prefer Salesforce unless blank": a
// non-blank Salesforce value wins, a blank one takes HubSpot's; the Lead
// Status value map translates hs_lead_status (R3); required Lead fields get
// crmsync's placeholder (C13), which never flows back. It keeps no state, so
// it links nothing and writes no ids back; owner (C17) and the email opt-out
// (C10, which needs the subscriptions API) are left out, as such a script
// usually does.
//
// usage: node bench/peer/sync.mjs HS_URL SF_URL TOKEN [--check]
//   --check  read and compare only; print the differences a run would write
// Prints one JSON line: records read per side, distinct emails per side,
// records created/updated per side, the calls it made (its own count; the
// benchmarks take theirs from the sandbox's /__sandbox/stats), the
// differences it found (after a run: 0 with --check means converged) and
// wall time. Exit 1 when a record was refused or a side could not be read.
import { performance } from "node:perf_hooks";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { Client } = require("@hubspot/api-client");
const jsforce = require("jsforce");

const [hsUrl, sfUrl, token, ...flags] = process.argv.slice(2);
if (!hsUrl || !sfUrl || !token) {
  console.error("usage: node bench/peer/sync.mjs HS_URL SF_URL TOKEN [--check]");
  process.exit(2);
}
const checkOnly = flags.includes("--check");
const PLACEHOLDER = "[not provided]";

// HS property, Lead field, Contact field (null: Lead only), as MAPPINGS.md's
// contact table lists them; owner and opt-out are left out (see above).
const FIELDS = [
  ["email", "Email", "Email"],
  ["firstname", "FirstName", "FirstName"],
  ["lastname", "LastName", "LastName"],
  ["salutation", "Salutation", "Salutation"],
  ["jobtitle", "Title", "Title"],
  ["phone", "Phone", "Phone"],
  ["fax", "Fax", "Fax"],
  ["company", "Company", null],
  ["website", "Website", null],
  ["industry", "Industry", null],
  ["annualrevenue", "AnnualRevenue", null],
  ["numemployees", "NumberOfEmployees", null],
  ["address", "Street", "MailingStreet"],
  ["city", "City", "MailingCity"],
  ["state", "State", "MailingState"],
  ["zip", "PostalCode", "MailingPostalCode"],
  ["country", "Country", "MailingCountry"],
  ["hs_lead_status", "Status", null],
  ["leadsource", "LeadSource", "LeadSource"],
  ["rating", "Rating", null],
  ["description", "Description", "Description"],
];
// hs_lead_status -> Lead Status; Salesforce -> HubSpot takes the first option.
const STATUS_TO_SF = {
  NEW: "Open - Not Contacted", IN_PROGRESS: "Working - Contacted", OPEN_DEAL: "Closed - Converted",
  UNQUALIFIED: "Closed - Not Converted", OPEN: "Open - Not Contacted",
  ATTEMPTED_TO_CONTACT: "Working - Contacted", CONNECTED: "Working - Contacted",
  BAD_TIMING: "Closed - Not Converted",
};
const STATUS_TO_HS = {};
for (const [hs, sf] of Object.entries(STATUS_TO_SF)) if (!(sf in STATUS_TO_HS)) STATUS_TO_HS[sf] = hs;

const calls = { hsRead: 0, hsWrite: 0, sfRead: 0, sfWrite: 0 };
const hs = new Client({ accessToken: token, basePath: hsUrl, numberOfApiCallRetries: 6 });
const sf = new jsforce.Connection({ instanceUrl: sfUrl, accessToken: token, version: "60.0" });

const blank = (v) => v === null || v === undefined || String(v).trim() === "";
const key = (email) => (blank(email) ? null : String(email).trim().toLowerCase());

// sfBlank: Salesforce values that count as blank, the placeholder included.
const sfBlank = (v) => blank(v) || v === PLACEHOLDER;

// HubSpot's value a Salesforce value maps to, and back.
function toHs(prop, v) {
  if (prop === "hs_lead_status") return STATUS_TO_HS[v] ?? null;
  return String(v);
}
function toSf(prop, v) {
  if (prop === "hs_lead_status") return STATUS_TO_SF[v] ?? null;
  if (prop === "annualrevenue" || prop === "numemployees") {
    const n = Number(v);
    return Number.isFinite(n) ? n : null;
  }
  return String(v);
}
function same(prop, hsv, sfv) {
  if (prop === "email") return key(hsv) === key(sfv);
  if (prop === "hs_lead_status") return STATUS_TO_SF[hsv] === sfv;
  if (prop === "annualrevenue" || prop === "numemployees") return Number(hsv) === Number(sfv);
  return String(hsv) === String(sfv);
}

async function readHubSpot() {
  const props = FIELDS.map((f) => f[0]);
  // getAll pages through GET /crm/v3/objects/contacts, 100 per call.
  const all = await hs.crm.contacts.getAll(100, undefined, props);
  calls.hsRead += Math.max(1, Math.ceil(all.length / 100));
  return all;
}

async function readSalesforce(object) {
  const fields = ["Id", ...FIELDS.map((f) => (object === "Lead" ? f[1] : f[2])).filter(Boolean)];
  const where = object === "Lead" ? " WHERE IsConverted = false" : "";
  let res = await sf.query(`SELECT ${fields.join(", ")} FROM ${object}${where}`);
  calls.sfRead++;
  const records = [...res.records];
  while (!res.done) {
    calls.sfRead++;
    res = await sf.queryMore(res.nextRecordsUrl);
    records.push(...res.records);
  }
  return records;
}

// plan: what each side gets, from the three full reads.
function plan(contacts, leads, sfContacts) {
  const sfByEmail = new Map();
  for (const [object, list] of [["Contact", sfContacts], ["Lead", leads]])
    for (const r of list) {
      const k = key(r.Email);
      if (k && !sfByEmail.has(k)) sfByEmail.set(k, { object, r });
    }
  const hsByEmail = new Map();
  for (const c of contacts) {
    const k = key(c.properties.email);
    if (k && !hsByEmail.has(k)) hsByEmail.set(k, c);
  }
  const out = { hsCreate: [], hsUpdate: [], sfCreate: { Lead: [] }, sfUpdate: { Lead: [], Contact: [] } };
  for (const [k, c] of hsByEmail) {
    const p = c.properties;
    const match = sfByEmail.get(k);
    if (!match) {
      const lead = {};
      for (const [prop, leadField] of FIELDS) {
        if (blank(p[prop])) continue;
        const v = toSf(prop, p[prop]);
        if (v !== null) lead[leadField] = v;
      }
      for (const req of ["LastName", "Company"]) if (blank(lead[req])) lead[req] = PLACEHOLDER;
      out.sfCreate.Lead.push(lead);
      continue;
    }
    const hsProps = {}, sfFields = {};
    for (const [prop, leadField, contactField] of FIELDS) {
      const field = match.object === "Lead" ? leadField : contactField;
      if (!field) continue;
      const sfv = match.r[field], hsv = p[prop];
      if (!sfBlank(sfv)) {
        if (blank(hsv) || !same(prop, hsv, sfv)) {
          const v = toHs(prop, sfv);
          if (v !== null && v !== hsv) hsProps[prop] = v;
        }
      } else if (!blank(hsv)) {
        const v = toSf(prop, hsv);
        if (v !== null) sfFields[field] = v;
      }
    }
    if (Object.keys(hsProps).length) out.hsUpdate.push({ id: c.id, properties: hsProps });
    if (Object.keys(sfFields).length) out.sfUpdate[match.object].push({ Id: match.r.Id, ...sfFields });
  }
  for (const [k, { object, r }] of sfByEmail) {
    if (hsByEmail.has(k)) continue;
    const props = {};
    for (const [prop, leadField, contactField] of FIELDS) {
      const field = object === "Lead" ? leadField : contactField;
      if (!field || sfBlank(r[field])) continue;
      const v = toHs(prop, r[field]);
      if (v !== null) props[prop] = v;
    }
    out.hsCreate.push({ properties: props });
  }
  return out;
}

// HubSpot batches of 100; a batch's refusal is counted, not fatal.
async function hsBatches(kind, inputs, counts) {
  for (let i = 0; i < inputs.length; i += 100) {
    const chunk = inputs.slice(i, i + 100);
    calls.hsWrite++;
    try {
      const api = hs.crm.contacts.batchApi;
      const res = kind === "create" ? await api.create({ inputs: chunk }) : await api.update({ inputs: chunk });
      counts[kind] += res.results.length;
      counts.errors += chunk.length - res.results.length;
    } catch (e) {
      counts.errors += chunk.length;
      if (counts.firstError === undefined) counts.firstError = `${kind}: ${e.message}`.slice(0, 300);
    }
  }
}

// Salesforce collections of 200, through jsforce's array create/update.
async function sfCollections(kind, object, records, counts) {
  if (!records.length) return;
  const opts = { allOrNone: false, allowRecursive: true };
  calls.sfWrite += Math.ceil(records.length / 200); // jsforce sends 200 per request
  let res;
  try {
    res = kind === "create" ? await sf.sobject(object).create(records, opts)
      : await sf.sobject(object).update(records, opts);
  } catch (e) {
    counts.errors += records.length;
    if (counts.firstError === undefined) counts.firstError = `${kind} ${object}: ${e.message}`.slice(0, 300);
    return;
  }
  for (const r of res) {
    if (r.success) counts[kind]++;
    else {
      counts.errors++;
      if (counts.firstError === undefined) counts.firstError = JSON.stringify(r.errors).slice(0, 300);
    }
  }
}

async function main() {
  const t0 = performance.now();
  const [contacts, leads, sfContacts] = await Promise.all([
    readHubSpot(), readSalesforce("Lead"), readSalesforce("Contact")]);
  const p = plan(contacts, leads, sfContacts);
  const hsCounts = { create: 0, update: 0, errors: 0 };
  const sfCounts = { create: 0, update: 0, errors: 0 };
  const differences = p.hsCreate.length + p.hsUpdate.length + p.sfCreate.Lead.length +
    p.sfUpdate.Lead.length + p.sfUpdate.Contact.length;
  if (!checkOnly) {
    // Each side's writes in order, both sides at once.
    await Promise.all([
      (async () => {
        await hsBatches("create", p.hsCreate, hsCounts);
        await hsBatches("update", p.hsUpdate, hsCounts);
      })(),
      (async () => {
        await sfCollections("create", "Lead", p.sfCreate.Lead, sfCounts);
        await sfCollections("update", "Lead", p.sfUpdate.Lead, sfCounts);
        await sfCollections("update", "Contact", p.sfUpdate.Contact, sfCounts);
      })(),
    ]);
  }
  const emails = (list, f) => new Set(list.map(f).filter(Boolean)).size;
  console.log(JSON.stringify({
    read: { hubspot: contacts.length, salesforce: leads.length + sfContacts.length },
    emails: { hubspot: emails(contacts, (c) => key(c.properties.email)),
      salesforce: emails([...leads, ...sfContacts], (r) => key(r.Email)) },
    differences,
    written: { hubspot: { created: hsCounts.create, updated: hsCounts.update, errors: hsCounts.errors },
      salesforce: { created: sfCounts.create, updated: sfCounts.update, errors: sfCounts.errors } },
    firstError: hsCounts.firstError ?? sfCounts.firstError ?? null,
    calls,
    wall_s: Number(((performance.now() - t0) / 1000).toFixed(2)),
  }));
  if (hsCounts.errors || sfCounts.errors) process.exitCode = 1;
}

main().catch((e) => { console.error(`peer: ${e.stack || e.message}`); process.exit(1); });
