// Helper of bench/sync.sh: talks to the sandbox around the timed sync passes.
//   node bench/sync.mjs change HS SF TOKEN N   edits 1% of HubSpot contacts
//        (batch/update) and 1% of Salesforce Leads (sObject Collections)
//   node bench/sync.mjs stats HS               prints "hsCalls hsWrites sfCalls sfWrites"
//        from /__sandbox/stats (writes: anything but GET, search, batch/read,
//        Salesforce's sObject Collections retrieve)
const [mode, hs, sf, token, nArg] = process.argv.slice(2);
const headers = { Authorization: `Bearer ${token}`, "Content-Type": "application/json" };

async function call(method, url, body) {
  const r = await fetch(url, { method, headers, body: body && JSON.stringify(body) });
  const text = await r.text();
  if (r.status >= 300) throw new Error(`${method} ${url}: ${r.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : null;
}

async function change(n) {
  const k = Math.max(1, Math.floor(n / 100));
  // HubSpot: the first k contacts by id.
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
      inputs: ids.slice(i, i + 100).map((id) => ({ id, properties: { phone: `+1 555 0${id}` } })) });
  // Salesforce: k Leads.
  const q = encodeURIComponent(`SELECT Id FROM Lead ORDER BY Id LIMIT ${k}`);
  const leads = (await call("GET", `${sf}/services/data/v60.0/query?q=${q}`)).records.map((r) => r.Id);
  for (let i = 0; i < leads.length; i += 200)
    await call("PATCH", `${sf}/services/data/v60.0/composite/sobjects`, { allOrNone: false,
      records: leads.slice(i, i + 200).map((Id) => ({ attributes: { type: "Lead" }, Id, Title: "Changed" })) });
  console.log(`${ids.length} ${leads.length}`);
}

async function stats() {
  const s = await (await fetch(`${hs}/__sandbox/stats`)).json();
  const writes = (api) => Object.entries(s[api].by_endpoint)
    .filter(([k]) => !k.startsWith("GET ") && !/\/search$|\/batch\/read$/.test(k) &&
      !/^POST .*\/composite\/sobjects\/[A-Za-z0-9_]+$/.test(k))
    .reduce((a, [, v]) => a + v, 0);
  console.log(`${s.hubspot.requests} ${writes("hubspot")} ${s.salesforce.requests} ${writes("salesforce")}`);
}

(mode === "change" ? change(Number(nArg)) : stats()).catch((e) => { console.error(e.message); process.exit(1); });
