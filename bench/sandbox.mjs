// Measures the sandbox: HubSpot batch/create (100 per call) and list paging,
// Salesforce sObject Collections create (200 per call), /composite create
// (5 collections of 200 per call) and query paging, for N records
// each, and the reads the sync engine makes of N records: HubSpot search by
// a rising lastmodifieddate bound, batch/read by email; Salesforce queries by
// Email IN and Id IN (200 values each, on up to 10,000 records); a Bulk API
// 2.0 query job over the N leads and an ingest job inserting N more. Sequential
// over one keep-alive connection per API. Prints a markdown table. Run
// through bench/sandbox.sh.
import { startSandbox, TOKEN } from '../tests/conformance/sandbox.mjs';
import { readFileSync } from 'node:fs';
import { scanLikeEngine } from './search_scan.mjs';

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

// Search's own limit (5 a second) is off too: this measures the sandbox, not the limit.
const sb = await startSandbox(['--hubspot-rate-limit', '0', '--hubspot-search-rate', '0', '--salesforce-daily-limit', '0']);
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
  let hsSlide = 0;
  await measure('HubSpot search lastmodifieddate GTE a rising bound, as the sync engine pages (200/page, all)', () => hsSlide, async () => {
    // the bound moves to the last modification time seen; records at that
    // time already seen are skipped with "after"
    let since = 0, skip = 0, n = 0;
    for (;;) {
      const page = await call('POST', `${sb.hubspot}/crm/v3/objects/contacts/search`, {
        filterGroups: [{ filters: [{ propertyName: 'lastmodifieddate', operator: 'GTE', value: String(since) }] }],
        sorts: [{ propertyName: 'lastmodifieddate', direction: 'ASCENDING' }],
        properties: ['email', 'lastmodifieddate'], limit: 200, after: skip ? String(skip) : undefined,
      });
      hsSlide++;
      n += page.results.length;
      if (!page.paging?.next) break;
      for (const r of page.results) {
        const m = Date.parse(r.properties.lastmodifieddate);
        if (m > since) {
          since = m;
          skip = 0;
        }
        skip++;
      }
    }
    return n;
  });
  let hsScan = 0;
  await measure('HubSpot search as the change scan pages (window LTE its start, range pages with the NOT_IN group, tie pages by id; 200/page, all)', () => hsScan, async () => {
    const { pages, records } = await scanLikeEngine(sb.hubspot);
    hsScan = pages;
    return records;
  });
  const lookups = Math.min(N, 10000);
  // spread over the whole data set, in mixed case as the engine's keys may be
  const picked = (i) => (i * 7919) % N;
  let hsByEmail = 0;
  await measure(`HubSpot batch/read by email (100/call, ${lookups} of N)`, () => hsByEmail, async () => {
    let n = 0;
    for (let i = 0; i < lookups; i += 100) {
      const inputs = [];
      for (let j = i; j < Math.min(lookups, i + 100); j++)
        inputs.push({ id: j % 2 ? `BENCH${picked(j)}@EXAMPLE.COM` : `bench${picked(j)}@example.com` });
      const page = await call('POST', `${sb.hubspot}/crm/v3/objects/contacts/batch/read`, {
        idProperty: 'email', inputs, properties: ['email', 'firstname', 'lastname'],
      });
      hsByEmail++;
      n += page.results.length;
    }
    return n;
  });
  let sfCalls = 0;
  const leadIds = [];
  await measure('Salesforce sObject Collections create leads (200/call)', () => sfCalls, async () => {
    for (let i = 0; i < N; i += 200) {
      const records = [];
      for (let j = i; j < Math.min(N, i + 200); j++)
        records.push({ attributes: { type: 'Lead' }, Email: `bench${j}@example.org`, LastName: `L${j}`, Company: `Co ${j % 997}` });
      const res = await call('POST', `${sb.salesforce}/services/data/v60.0/composite/sobjects`, { allOrNone: false, records });
      for (const r of res) leadIds.push(r.id);
      sfCalls++;
    }
    return N;
  });
  let sfComposite = 0;
  await measure('Salesforce /composite create contacts (5 collections × 200/call)', () => sfComposite, async () => {
    let created = 0;
    for (let i = 0; i < N; i += 1000) {
      const compositeRequest = [];
      for (let c = i; c < Math.min(N, i + 1000); c += 200) {
        const records = [];
        for (let j = c; j < Math.min(N, c + 200); j++)
          records.push({ attributes: { type: 'Contact' }, Email: `bench${j}@example.net`, LastName: `L${j}` });
        compositeRequest.push({ method: 'POST', url: '/services/data/v60.0/composite/sobjects', referenceId: `c${c}`, body: { allOrNone: false, records } });
      }
      const res = await call('POST', `${sb.salesforce}/services/data/v60.0/composite`, { allOrNone: false, compositeRequest });
      for (const sub of res.compositeResponse) created += sub.body.filter((r) => r.success).length;
      sfComposite++;
    }
    if (created !== N) throw new Error(`/composite created ${created} of ${N} contacts`);
    return N;
  });
  const soql = async (q) => call('GET', `${sb.salesforce}/services/data/v60.0/query?q=${encodeURIComponent(q)}`);
  let sfEmail = 0;
  await measure(`Salesforce query Lead WHERE Email IN (200/query, ${lookups} of N)`, () => sfEmail, async () => {
    let n = 0;
    for (let i = 0; i < lookups; i += 200) {
      const values = [];
      for (let j = i; j < Math.min(lookups, i + 200); j++)
        values.push(j % 2 ? `'BENCH${picked(j)}@EXAMPLE.ORG'` : `'bench${picked(j)}@example.org'`);
      const page = await soql(`SELECT Id, Email, LastName, Company FROM Lead WHERE Email IN (${values.join(', ')}) AND IsConverted = false ORDER BY LastModifiedDate DESC, Id`);
      sfEmail++;
      n += page.records.length;
    }
    return n;
  });
  let sfId = 0;
  await measure(`Salesforce query Lead WHERE Id IN (200/query, ${lookups} of N)`, () => sfId, async () => {
    let n = 0;
    for (let i = 0; i < lookups; i += 200) {
      const values = [];
      for (let j = i; j < Math.min(lookups, i + 200); j++) values.push(`'${leadIds[picked(j)]}'`);
      const page = await soql(`SELECT Id, Email, LastName, Company FROM Lead WHERE Id IN (${values.join(', ')})`);
      sfId++;
      n += page.records.length;
    }
    return n;
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
  // Bulk API 2.0, as jsforce's bulk2 drives it: one job, polled every 50 ms.
  const V = `${sb.salesforce}/services/data/v60.0`;
  const waitJob = async (kind, id) => {
    let polls = 0;
    for (;;) {
      const info = await call('GET', `${V}/jobs/${kind}/${id}`);
      polls++;
      if (info.state === 'JobComplete') return polls;
      if (info.state === 'Failed' || info.state === 'Aborted') throw new Error(`bulk job ${id}: ${info.state} ${info.errorMessage || ''}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  let bulkQueryCalls = 0;
  await measure('Salesforce Bulk API 2.0 query Lead by SystemModstamp (one job, all result pages)', () => bulkQueryCalls, async () => {
    const job = await call('POST', `${V}/jobs/query`, {
      operation: 'query',
      query: 'SELECT Id, Email, LastName, Company, SystemModstamp FROM Lead WHERE SystemModstamp > 2000-01-01T00:00:00Z ORDER BY SystemModstamp',
    });
    bulkQueryCalls = 1 + (await waitJob('query', job.id));
    let locator = '', n = 0;
    do {
      const res = await fetch(`${V}/jobs/query/${job.id}/results${locator ? `?locator=${locator}` : ''}`, { headers: auth });
      const text = await res.text();
      if (res.status !== 200) throw new Error(`bulk results: ${res.status} ${text.slice(0, 300)}`);
      bulkQueryCalls++;
      n += Number(res.headers.get('sforce-numberofrecords'));
      locator = res.headers.get('sforce-locator');
    } while (locator !== 'null');
    return n;
  });
  let bulkIngestCalls = 0;
  await measure('Salesforce Bulk API 2.0 ingest insert leads (one job, CSV upload)', () => bulkIngestCalls, async () => {
    const lines = ['Email,LastName,Company'];
    for (let j = 0; j < N; j++) lines.push(`bulk${j}@example.net,B${j},Co ${j % 997}`);
    const job = await call('POST', `${V}/jobs/ingest`, { object: 'Lead', operation: 'insert' });
    const up = await fetch(`${V}/jobs/ingest/${job.id}/batches`, {
      method: 'PUT', headers: { ...auth, 'Content-Type': 'text/csv' }, body: lines.join('\n') + '\n',
    });
    if (up.status !== 201) throw new Error(`bulk upload: ${up.status} ${await up.text()}`);
    await call('PATCH', `${V}/jobs/ingest/${job.id}`, { state: 'UploadComplete' });
    bulkIngestCalls = 3 + (await waitJob('ingest', job.id));
    const ok = await fetch(`${V}/jobs/ingest/${job.id}/successfulResults`, { headers: auth });
    const text = await ok.text();
    bulkIngestCalls++;
    const created = text.split('\n').length - 2;
    if (created !== N) throw new Error(`bulk insert: ${created} of ${N} created`);
    return created;
  });
  console.log('| operation | records | calls | seconds | records/s |');
  console.log('|---|---|---|---|---|');
  for (const r of rows) console.log(r);
  if (sb.pid) console.log(`\nsandbox peak RSS: ${Math.round(rssKb(sb.pid) / 1024)} MiB`);
} finally {
  await sb.stop();
}
