// Helper of bench/compare.sh, bench/latency.sh and bench/chaos.sh: talks to
// a sandbox around the timed passes.
//   node bench/compare.mjs change HS SF TOKEN N
//        edits 1% of the records on each side so that each edit must travel:
//        `fax` on the first N/100 HubSpot contacts by id (their Leads have no
//        Fax, so HubSpot's value wins under prefer_sf_unless_blank) and
//        `Title` on the first N/100 Leads by Id (Salesforce's value wins).
//        Prints "hsEdited sfEdited".
//   node bench/compare.mjs stats HS
//        prints "hsCalls hsWrites sfCalls sfWrites" from /__sandbox/stats
//        (writes: anything but GET, search, batch/read, sObject Collections retrieve
//        and Bulk query jobs)
//   node bench/compare.mjs endpoints HS
//        prints the calls per API and endpoint from /__sandbox/stats, one line
//   node bench/compare.mjs dups HS SF TOKEN
//        reads both sides in full; prints "hsDuplicates leadDuplicates
//        contactDuplicates": records beyond the first per email (C5: trimmed,
//        case-insensitive) among HubSpot contacts, open Leads and Contacts.
const [mode, hs, sf, token, nArg] = process.argv.slice(2);
const headers = { Authorization: `Bearer ${token}`, "Content-Type": "application/json" };
const V = "v60.0";

async function call(method, url, body) {
  const r = await fetch(url, { method, headers, body: body && JSON.stringify(body) });
  const text = await r.text();
  if (r.status >= 300) throw new Error(`${method} ${url}: ${r.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : null;
}

async function change(n) {
  const k = Math.max(1, Math.floor(n / 100));
  const tag = Date.now().toString(36);
  let after, ids = [];
  while (ids.length < k) {
    const b = await call("GET", `${hs}/crm/v3/objects/contacts?limit=100${after ? `&after=${after}` : ""}`);
    ids.push(...b.results.map((r) => r.id));
    if (!b.paging) break;
    after = b.paging.next.after;
  }
  ids = ids.slice(0, k);
  for (let i = 0; i < ids.length; i += 100)
    await call("POST", `${hs}/crm/v3/objects/contacts/batch/update`, {
      inputs: ids.slice(i, i + 100).map((id) => ({ id, properties: { fax: `+1 555 ${tag} ${id}` } })) });
  const q = encodeURIComponent(`SELECT Id FROM Lead ORDER BY Id LIMIT ${k}`);
  const leads = (await call("GET", `${sf}/services/data/${V}/query?q=${q}`)).records.map((r) => r.Id);
  for (let i = 0; i < leads.length; i += 200)
    await call("PATCH", `${sf}/services/data/${V}/composite/sobjects`, { allOrNone: false,
      records: leads.slice(i, i + 200).map((Id) => ({ attributes: { type: "Lead" }, Id, Title: `Changed ${tag}` })) });
  console.log(`${ids.length} ${leads.length}`);
}

async function stats() {
  const s = await (await fetch(`${hs}/__sandbox/stats`)).json();
  const writes = (api) => Object.entries(s[api].by_endpoint)
    .filter(([k]) => !k.startsWith("GET ") && !/\/search$|\/batch\/read$/.test(k)
      // sObject Collections retrieve (POST /composite/sobjects/{type}) and
      // Bulk query jobs read records; they write none.
      && !/^POST .*\/composite\/sobjects\/[^/]+$/.test(k) && !/\/jobs\/query/.test(k))
    .reduce((a, [, v]) => a + v, 0);
  console.log(`${s.hubspot.requests} ${writes("hubspot")} ${s.salesforce.requests} ${writes("salesforce")}`);
}

async function endpoints() {
  const s = await (await fetch(`${hs}/__sandbox/stats`)).json();
  const parts = [];
  for (const api of ["hubspot", "salesforce"])
    for (const [k, v] of Object.entries(s[api].by_endpoint).sort((a, b) => b[1] - a[1]))
      parts.push(`${api === "hubspot" ? "HS" : "SF"} ${k.replace("/services/data/{version}", "").replace("/crm/v3/objects", "")} ${v}`);
  console.log(parts.join("; "));
}

async function soqlAll(soql) {
  let b = await call("GET", `${sf}/services/data/${V}/query?q=${encodeURIComponent(soql)}`);
  const out = [...b.records];
  while (!b.done) {
    b = await call("GET", `${sf}${b.nextRecordsUrl}`);
    out.push(...b.records);
  }
  return out;
}

async function dups() {
  const key = (e) => (e ? String(e).trim().toLowerCase() : "");
  const extra = (emails) => {
    const seen = new Set();
    let n = 0;
    for (const e of emails) {
      if (!e) continue;
      if (seen.has(e)) n++;
      else seen.add(e);
    }
    return n;
  };
  const hsEmails = [];
  let after;
  for (;;) {
    const b = await call("GET", `${hs}/crm/v3/objects/contacts?limit=100&properties=email${after ? `&after=${after}` : ""}`);
    hsEmails.push(...b.results.map((r) => key(r.properties.email)));
    if (!b.paging) break;
    after = b.paging.next.after;
  }
  const leads = await soqlAll("SELECT Email FROM Lead WHERE IsConverted = false");
  const contacts = await soqlAll("SELECT Email FROM Contact");
  console.log(`${extra(hsEmails)} ${extra(leads.map((r) => key(r.Email)))} ${extra(contacts.map((r) => key(r.Email)))}`);
}

const modes = { change: () => change(Number(nArg)), stats, endpoints, dups };
if (!modes[mode]) {
  console.error("usage: node bench/compare.mjs change|stats|endpoints|dups HS [SF TOKEN [N]]");
  process.exit(2);
}
modes[mode]().catch((e) => { console.error(e.message); process.exit(1); });
