// Measures the sandbox: HubSpot batch/create (100 per call) and list paging,
// Salesforce composite create (200 per call) and query paging, for N records
// each, sequentially over one keep-alive connection per API. Prints a
// markdown table. Run through bench/sandbox.sh.
import { startSandbox, TOKEN } from '../tests/conformance/sandbox.mjs';
import { readFileSync } from 'node:fs';

const N = Number(process.argv[2] || 100000);
const auth = { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' };

async function call(method, url, body, headers = {}) {
  const res = await fetch(url, { method, headers: { ...auth, ...headers }, body: body && JSON.stringify(body) });
  const text = await res.text();
  if (res.status >= 300 && res.status !== 207) throw new Error(`${method} ${url}: ${res.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : null;
}

function rssKb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+)/.exec(status)[1]);
}

const sb = await startSandbox(['--hubspot-rate-limit', '0', '--salesforce-daily-limit', '0']);
const rows = [];
async function measure(name, calls, fn) {
  const t0 = process.hrtime.bigint();
  const n = await fn();
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  rows.push(`| ${name} | ${n} | ${calls()} | ${s.toFixed(2)} | ${Math.round(n / s)} |`);
}

try {
  let hsCalls = 0;
  await measure('HubSpot batch/create contacts (100/call)', () => hsCalls, async () => {
    for (let i = 0; i < N; i += 100) {
      const inputs = [];
      for (let j = i; j < Math.min(N, i + 100); j++)
        inputs.push({ properties: { email: `bench${j}@example.com`, firstname: `F${j}`, lastname: `L${j}`, company: `Co ${j % 997}` } });
      await call('POST', `${sb.hubspot}/crm/v3/objects/contacts/batch/create`, { inputs });
      hsCalls++;
    }
    return N;
  });
  let hsRead = 0;
  await measure('HubSpot list contacts (100/page)', () => hsRead, async () => {
    let after, n = 0;
    do {
      const q = new URLSearchParams({ limit: '100', properties: 'email,firstname,lastname' });
      if (after) q.set('after', after);
      const page = await call('GET', `${sb.hubspot}/crm/v3/objects/contacts?${q}`);
      hsRead++;
      n += page.results.length;
      after = page.paging?.next?.after;
    } while (after);
    return n;
  });
  let hsSearch = 0;
  await measure('HubSpot search lastmodifieddate window (200/page, first 10k)', () => hsSearch, async () => {
    let after, n = 0;
    do {
      const page = await call('POST', `${sb.hubspot}/crm/v3/objects/contacts/search`, {
        filterGroups: [{ filters: [{ propertyName: 'lastmodifieddate', operator: 'GTE', value: '0' }] }],
        sorts: [{ propertyName: 'lastmodifieddate', direction: 'ASCENDING' }],
        properties: ['email', 'lastmodifieddate'], limit: 200, after,
      });
      hsSearch++;
      n += page.results.length;
      after = page.paging?.next?.after;
    } while (after && n < 10000);
    return n;
  });
  let sfCalls = 0;
  await measure('Salesforce composite create leads (200/call)', () => sfCalls, async () => {
    for (let i = 0; i < N; i += 200) {
      const records = [];
      for (let j = i; j < Math.min(N, i + 200); j++)
        records.push({ attributes: { type: 'Lead' }, Email: `bench${j}@example.org`, LastName: `L${j}`, Company: `Co ${j % 997}` });
      await call('POST', `${sb.salesforce}/services/data/v60.0/composite/sobjects`, { allOrNone: false, records });
      sfCalls++;
    }
    return N;
  });
  let sfQuery = 0;
  await measure('Salesforce query Lead by SystemModstamp (2000/page)', () => sfQuery, async () => {
    const q = encodeURIComponent('SELECT Id, Email, LastName, Company, SystemModstamp FROM Lead WHERE SystemModstamp > 2000-01-01T00:00:00Z ORDER BY SystemModstamp');
    let page = await call('GET', `${sb.salesforce}/services/data/v60.0/query?q=${q}`);
    sfQuery++;
    let n = page.records.length;
    while (!page.done) {
      page = await call('GET', `${sb.salesforce}${page.nextRecordsUrl}`);
      sfQuery++;
      n += page.records.length;
    }
    return n;
  });
  console.log('| operation | records | calls | seconds | records/s |');
  console.log('|---|---|---|---|---|');
  for (const r of rows) console.log(r);
  if (sb.pid) console.log(`\nsandbox peak RSS: ${Math.round(rssKb(sb.pid) / 1024)} MiB`);
} finally {
  await sb.stop();
}
