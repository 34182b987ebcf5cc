// HubSpot search paged as crmsync's change scan pages it (the paging itself
// is tests/conformance/search_window.mjs). Used by bench/sandbox.mjs (its "change scan" row), and on its own
// against a running sandbox:
//   node bench/search_scan.mjs HS_URL create N     (N contacts, 100 a batch)
//   node bench/search_scan.mjs HS_URL scan [PAGES] (prints pages, records, s)
import { WindowScan } from '../tests/conformance/search_window.mjs';

const TOKEN = 'sandbox-token';
const headers = { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' };

async function post(url, body) {
  const r = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
  const t = await r.text();
  if (r.status >= 300 && r.status !== 207) throw new Error(`${url}: ${r.status} ${t.slice(0, 300)}`);
  return JSON.parse(t);
}

// Pages the window [since, now] of contacts; returns { pages, records }.
export async function scanLikeEngine(hs, { maxPages = Infinity, since = -1, limit = 200 } = {}) {
  const scan = new WindowScan(Date.now(), since);
  let pages = 0, records = 0;
  while (pages < maxPages && !scan.done) {
    const page = await post(`${hs}/crm/v3/objects/contacts/search`, scan.request(limit));
    pages++;
    records += page.results.length;
    scan.consume(page);
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
