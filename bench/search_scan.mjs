// HubSpot search paged as crmsync's change scan pages it (the connector's
// keyset scan): a window "lastmodifieddate LTE the scan's start"; range
// pages sorted by lastmodifieddate, the next one asking for the rest of the
// last time T (hs_object_id NOT_IN the ids already read at T) OR a later
// time; a page all at one time switches to tie pages (EQ T, hs_object_id GT
// the last id, sorted by id). No offset, so the 10,000-result cap never
// applies. Used by bench/sandbox.mjs (its "change scan" row), and on its own
// against a running sandbox:
//   node bench/search_scan.mjs HS_URL create N     (N contacts, 100 a batch)
//   node bench/search_scan.mjs HS_URL scan [PAGES] (prints pages, records, s)
const TOKEN = 'sandbox-token';
const headers = { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' };
const MOD = 'lastmodifieddate';

async function post(url, body) {
  const r = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
  const t = await r.text();
  if (r.status >= 300 && r.status !== 207) throw new Error(`${url}: ${r.status} ${t.slice(0, 300)}`);
  return JSON.parse(t);
}

// Pages the window [since, now] of contacts; returns { pages, records }.
export async function scanLikeEngine(hs, { maxPages = Infinity, since = -1, limit = 200 } = {}) {
  const upper = Date.now();
  const f = (p, o, v) => ({ propertyName: p, operator: o, value: String(v) });
  let pos = since, posDone = false, tie = false, tieAfter = '', pages = 0, records = 0;
  const tieIds = new Set();
  while (pages < maxPages) {
    const filters = [f(MOD, 'LTE', upper)];
    const groups = [{ filters }];
    if (tie) {
      filters.push(f(MOD, 'EQ', pos));
      if (tieAfter) filters.push(f('hs_object_id', 'GT', tieAfter));
    } else if (pos >= 0 && !posDone && tieIds.size > 0 && tieIds.size <= 100) {
      groups.push({ filters: [f(MOD, 'LTE', upper), f(MOD, 'EQ', pos),
        { propertyName: 'hs_object_id', operator: 'NOT_IN', values: [...tieIds] }] });
      filters.push(f(MOD, 'GT', pos));
    } else if (pos >= 0) filters.push(f(MOD, posDone ? 'GT' : 'GTE', pos));
    const page = await post(`${hs}/crm/v3/objects/contacts/search`, {
      sorts: [{ propertyName: tie ? 'hs_object_id' : MOD, direction: 'ASCENDING' }],
      limit, filterGroups: groups, properties: ['email', MOD] });
    pages++;
    const more = Boolean(page.paging);
    let first = -1;
    for (const r of page.results) {
      records++;
      const m = Date.parse(r.properties[MOD]);
      if (tie) { tieAfter = r.id; continue; }
      if (first < 0) first = m;
      if (m > pos || posDone) { tieIds.clear(); pos = m; posDone = false; }
      tieIds.add(r.id);
    }
    if (tie) {
      if (page.results.length === 0 || !more) { tie = false; tieAfter = ''; posDone = true; tieIds.clear(); }
      continue;
    }
    if (page.results.length === 0 || !more) break;
    if (first === pos) { tie = true; tieAfter = ''; }
  }
  return { pages, records };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [hs, cmd, arg] = process.argv.slice(2);
  if (cmd === 'create') {
    const n = Number(arg);
    for (let i = 0; i < n; i += 100) {
      const inputs = [];
      for (let j = i; j < Math.min(n, i + 100); j++) inputs.push({ properties: { email: `s${j}@example.com`, firstname: `F${j}` } });
      await post(`${hs}/crm/v3/objects/contacts/batch/create`, { inputs });
    }
  } else if (cmd === 'scan') {
    const t0 = process.hrtime.bigint();
    const { pages, records } = await scanLikeEngine(hs, { maxPages: Number(arg || Infinity) });
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    console.log(`${pages} pages, ${records} records, ${s.toFixed(2)} s, ${(pages / s).toFixed(2)} pages/s`);
  } else {
    console.error('usage: node bench/search_scan.mjs HS_URL create N | scan [PAGES]');
    process.exit(2);
  }
}
