// The sandbox answers some reads through indexes and caches rather than by
// looking at every record: Salesforce queries whose WHERE bounds Id, Email,
// an external id or SystemModstamp read only the candidates those give, and
// HubSpot's "modified since x" searches count their total from a cache that
// writes keep current. Each answer here is compared with the same question
// asked in a form that takes the plain path (an OR chain, an extra filter),
// around writes, deletions and rollbacks, so a shortcut that drifts fails.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { TOKEN, admin, startSandbox } from './sandbox.mjs';

let sb;

// Waits out HubSpot's search limit (5 a second) as the official SDK does:
// 1 s x attempt after a 429 naming the secondly limit.
async function call(base, method, path, body) {
  for (let attempt = 1; ; attempt++) {
    const res = await fetch(base + path, {
      method,
      headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const parsed = text ? JSON.parse(text) : null;
    if (res.status === 429 && parsed?.message === 'You have reached your secondly limit.' && attempt < 6) {
      await new Promise((resolve) => setTimeout(resolve, 1000 * attempt));
      continue;
    }
    return { status: res.status, body: parsed };
  }
}

before(async () => {
  sb = await startSandbox(['--seed-leads', '300', '--seed-contacts', '40']);
  await admin(sb.hubspot, 'POST', '/__sandbox/limits', { hubspot_per_10s: 0 });
});

after(async () => {
  await sb?.stop();
});

describe('Salesforce: indexed WHERE answers as a scan does', () => {
  const V = '/services/data/v60.0';
  let leads;

  async function soql(endpoint, q) {
    const res = await call(sb.salesforce, 'GET', `${V}/${endpoint}?q=${encodeURIComponent(q)}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body;
  }

  // Same records, same order, same rendering, for query and queryAll.
  async function same(indexed, scanned, expected) {
    for (const endpoint of ['query', 'queryAll']) {
      const a = await soql(endpoint, indexed);
      const b = await soql(endpoint, scanned);
      assert.deepEqual(a, b, `${endpoint}: ${indexed}`);
      if (endpoint === 'query' && expected !== undefined) assert.equal(a.totalSize, expected, indexed);
    }
  }

  before(async () => {
    const records = [];
    for (let i = 0; i < 12; i++)
      records.push({ attributes: { type: 'Lead' }, LastName: `Idx${i}`, Company: 'Idx', Email: `Idx.Person${i}@Example.ORG` });
    const res = await call(sb.salesforce, 'POST', `${V}/composite/sobjects`, { allOrNone: true, records });
    assert.equal(res.status, 200);
    leads = res.body.map((r) => r.id);
    // one deleted (queryAll shows it), one whose email changed
    assert.equal((await call(sb.salesforce, 'DELETE', `${V}/sobjects/Lead/${leads[0]}`)).status, 204);
    assert.equal((await call(sb.salesforce, 'PATCH', `${V}/sobjects/Lead/${leads[1]}`, { Email: 'moved@example.org' })).status, 204);
    let r = await admin(sb.salesforce, 'POST', '/__sandbox/salesforce/sobjects', {
      name: 'Gadget__c',
      label: 'Gadget',
      fields: [{ name: 'Serial__c', type: 'string', length: 20, label: 'Serial', externalId: true, unique: true }],
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    for (const serial of ['SN-1', 'sn-2', 'SN-3'])
      assert.equal((await call(sb.salesforce, 'POST', `${V}/sobjects/Gadget__c`, { Name: serial, Serial__c: serial })).status, 201);
  });

  test('Email = / IN, case-insensitive, with other conditions and ORDER BY', async () => {
    await same(
      "SELECT Id, Email, LastName FROM Lead WHERE Email IN ('idx.person0@example.org', 'IDX.PERSON2@EXAMPLE.ORG', 'Idx.Person1@Example.ORG', 'moved@EXAMPLE.org', 'none@example.org') AND IsConverted = false ORDER BY LastModifiedDate DESC, Id",
      "SELECT Id, Email, LastName FROM Lead WHERE (Email = 'idx.person0@example.org' OR Email = 'IDX.PERSON2@EXAMPLE.ORG' OR Email = 'Idx.Person1@Example.ORG' OR Email = 'moved@EXAMPLE.org' OR Email = 'none@example.org') AND IsConverted = false ORDER BY LastModifiedDate DESC, Id",
      2,
    );
    await same(
      "SELECT Id, Email FROM Lead WHERE Email = 'idx.person3@example.org'",
      "SELECT Id, Email FROM Lead WHERE Email LIKE 'idx.person3@example.org'",
      1,
    );
  });

  test('Id = / IN, whatever the case of the ids', async () => {
    const list = leads.slice(0, 6).map((id, i) => `'${i % 2 ? id.toLowerCase() : id}'`).join(', ');
    const chain = leads.slice(0, 6).map((id, i) => `Id = '${i % 2 ? id.toLowerCase() : id}'`).join(' OR ');
    await same(`SELECT Id, Name, Owner.Email FROM Lead WHERE Id IN (${list})`, `SELECT Id, Name, Owner.Email FROM Lead WHERE ${chain}`, 5);
    await same(`SELECT Id FROM Lead WHERE Id = '${leads[4]}' AND Email = 'idx.person4@example.org'`, `SELECT Id FROM Lead WHERE (Id = '${leads[4]}' OR Id = '${leads[4]}') AND Email LIKE 'idx.person4@example.org'`, 1);
  });

  test('SystemModstamp > / >= with paging order', async () => {
    const all = await soql('query', 'SELECT Id, SystemModstamp FROM Lead ORDER BY SystemModstamp, Id');
    const mid = all.records[Math.floor(all.records.length / 2)].SystemModstamp;
    await same(
      `SELECT Id, SystemModstamp FROM Lead WHERE SystemModstamp >= ${mid} ORDER BY SystemModstamp, Id`,
      `SELECT Id, SystemModstamp FROM Lead WHERE NOT SystemModstamp < ${mid} ORDER BY SystemModstamp, Id`,
    );
    await same(
      `SELECT Id FROM Lead WHERE SystemModstamp > ${mid} AND Company = 'Idx'`,
      `SELECT Id FROM Lead WHERE NOT SystemModstamp <= ${mid} AND Company = 'Idx'`,
    );
  });

  test('external id field = / IN', async () => {
    await same(
      "SELECT Name, Serial__c FROM Gadget__c WHERE Serial__c IN ('sn-1', 'SN-2', 'sn-9')",
      "SELECT Name, Serial__c FROM Gadget__c WHERE Serial__c = 'sn-1' OR Serial__c = 'SN-2' OR Serial__c = 'sn-9'",
      2,
    );
  });
});

describe('HubSpot: totals of "modified since" searches', () => {
  async function search(body) {
    const res = await call(sb.hubspot, 'POST', '/crm/v3/objects/contacts/search', body);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body;
  }

  // The engine's change detection, and the same with a filter that always
  // holds (so its total is counted the plain way).
  async function totals(since) {
    const sorts = [{ propertyName: 'lastmodifieddate', direction: 'ASCENDING' }];
    const bound = { propertyName: 'lastmodifieddate', operator: 'GTE', value: String(since) };
    const a = await search({ filterGroups: [{ filters: [bound] }], sorts, limit: 5 });
    const b = await search({ filterGroups: [{ filters: [bound, { propertyName: 'hs_object_id', operator: 'HAS_PROPERTY' }] }], sorts, limit: 5 });
    assert.equal(a.total, b.total, `since ${since}`);
    assert.deepEqual(a.results.map((r) => r.id), b.results.map((r) => r.id));
    return { total: a.total, results: a.results };
  }

  async function create(n, tag) {
    const inputs = [];
    for (let i = 0; i < n; i++) inputs.push({ properties: { email: `${tag}${i}@example.org`, firstname: tag } });
    const res = await call(sb.hubspot, 'POST', '/crm/v3/objects/contacts/batch/create', { inputs });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.results;
  }

  const ms = (r) => Date.parse(r.properties.lastmodifieddate);

  test('a rising bound, then writes, archives and a refused batch in between', async () => {
    const everything = await totals(0);
    assert.ok(everything.total >= 40);
    const first = await create(10, 'cnt-a');
    let t = await totals(0);
    assert.equal(t.total, everything.total + 10);
    const since = ms(first[0]);
    t = await totals(since);
    assert.equal(t.total, 10);
    const later = await create(3, 'cnt-b');
    // the bound rises page by page, as the sync engine pages
    t = await totals(ms(later[0]));
    assert.equal(t.total, 3);
    await totals(since);
    // updates move records past the bound; an archive takes one away
    const upd = await call(sb.hubspot, 'POST', '/crm/v3/objects/contacts/batch/update', {
      inputs: first.slice(0, 4).map((r) => ({ id: r.id, properties: { lastname: 'changed' } })),
    });
    assert.equal(upd.status, 200);
    t = await totals(ms(later[0]));
    assert.equal(t.total, 7);
    assert.equal((await call(sb.hubspot, 'DELETE', `/crm/v3/objects/contacts/${later[0].id}`)).status, 204);
    t = await totals(ms(later[0]));
    assert.equal(t.total, 6);
    // a batch refused as a whole writes nothing and changes no total
    const dup = await call(sb.hubspot, 'POST', '/crm/v3/objects/contacts/batch/create', {
      inputs: [{ properties: { email: 'cnt-c0@example.org' } }, { properties: { email: 'cnt-a1@example.org' } }],
    });
    assert.equal(dup.status, 409);
    t = await totals(ms(later[0]));
    assert.equal(t.total, 6);
    t = await totals(0);
    assert.equal(t.total, everything.total + 12);
  });
});
