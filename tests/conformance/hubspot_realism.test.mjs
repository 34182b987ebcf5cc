// Where the sandbox's HubSpot is as unkind as the real one, driven by the
// official @hubspot/api-client: search's own secondly limit (5 a second, a
// 429 the SDK retries after 1 s), the search index's lag behind writes, the
// read-only default properties every record carries, email validation down to
// the top-level domain, and HubSpot's bodies for malformed JSON and for
// upserts by a property that is not unique (R4, R6).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import hubspot from '@hubspot/api-client';

import { startSandbox, admin, TOKEN } from './sandbox.mjs';

const { Client } = hubspot;
const SECONDLY = 'You have reached your secondly limit.';
let sb;
let hs; // retries a secondly 429 as the SDK does: 1 s x attempt
let plain; // no retries

// The SDK decorates an API when first touched, with the retry setting of
// the Client constructed last, so each client's APIs are touched at once.
function client(retries) {
  const c = new Client({ accessToken: TOKEN, basePath: sb.hubspot, ...(retries ? { numberOfApiCallRetries: retries } : {}) });
  void c.crm.contacts.basicApi;
  void c.crm.contacts.searchApi;
  void c.crm.contacts.batchApi;
  void c.crm.companies.basicApi;
  void c.crm.companies.searchApi;
  void c.crm.companies.batchApi;
  void c.crm.properties.coreApi;
  return c;
}

before(async () => {
  sb = await startSandbox(['--hubspot-rate-limit', '0']);
  plain = client(0);
  hs = client(6);
});

after(async () => {
  await sb?.stop();
});

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function rejects(status, fn) {
  try {
    await fn();
  } catch (e) {
    assert.equal(e.code, status, `expected HTTP ${status}, got ${e.code}: ${e.message}`);
    return typeof e.body === 'string' ? JSON.parse(e.body) : e.body;
  }
  assert.fail(`expected HTTP ${status}, but the call succeeded`);
}

async function raw(method, path, body) {
  const res = await fetch(sb.hubspot + path, {
    method,
    headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
}

const byEmail = (email) => ({ filterGroups: [{ filters: [{ propertyName: 'email', operator: 'EQ', value: email }] }] });
const byFirst = (name) => ({
  filterGroups: [{ filters: [{ propertyName: 'firstname', operator: 'EQ', value: name }] }],
  properties: ['firstname', 'email'],
});

// Waits until no search of the last second counts against the limit.
const quiet = () => sleep(1100);

test('search allows 5 requests a second, then answers 429 with the secondly body and no rate-limit headers', async () => {
  const limits = await admin(sb.hubspot, 'GET', '/__sandbox/limits');
  assert.equal(limits.body.hubspot_search_per_second, 5, 'the default is HubSpot\'s 5 a second');
  await quiet();
  const answers = await Promise.all(Array.from({ length: 8 }, () => raw('POST', '/crm/v3/objects/contacts/search', { limit: 1 })));
  const ok = answers.filter((a) => a.status === 200);
  const refused = answers.filter((a) => a.status === 429);
  assert.equal(ok.length, 5);
  assert.equal(refused.length, 3);
  const r = refused[0];
  assert.equal(r.body.message, SECONDLY);
  assert.equal(r.body.errorType, 'RATE_LIMIT');
  assert.equal(r.body.category, 'RATE_LIMITS');
  assert.equal(r.body.policyName, 'SECONDLY');
  assert.match(r.body.correlationId, /^[0-9a-f-]{36}$/);
  assert.equal(r.headers.get('x-hubspot-correlation-id'), r.body.correlationId);
  for (const a of answers) {
    const names = [...a.headers.keys()].filter((k) => k.startsWith('x-hubspot-ratelimit'));
    assert.deepEqual(names, [], 'search answers carry no rate-limit headers');
  }
  // Other endpoints are not held back by search's limit.
  const list = await raw('GET', '/crm/v3/objects/contacts?limit=1');
  assert.equal(list.status, 200);
  // The SDK's secondly message is final without retries...
  const body = await rejects(429, () => plain.crm.contacts.searchApi.doSearch({ limit: 1 }));
  assert.equal(body.message, SECONDLY);
  // ...and waited out with them: 8 at once all land, the last a second or more later.
  await quiet();
  const started = Date.now();
  const all = await Promise.all(Array.from({ length: 8 }, () => hs.crm.contacts.searchApi.doSearch({ limit: 1 })));
  assert.equal(all.length, 8);
  assert.ok(Date.now() - started >= 1000, 'the SDK waited about a second');
});

test('the search limit is settable in /__sandbox/limits (0 = off) and checked', async () => {
  try {
    let set = await admin(sb.hubspot, 'POST', '/__sandbox/limits', { hubspot_search_per_second: 0 });
    assert.equal(set.status, 200);
    assert.equal(set.body.hubspot_search_per_second, 0);
    await quiet();
    let answers = await Promise.all(Array.from({ length: 12 }, () => raw('POST', '/crm/v3/objects/contacts/search', { limit: 1 })));
    assert.deepEqual([...new Set(answers.map((a) => a.status))], [200]);
    set = await admin(sb.hubspot, 'POST', '/__sandbox/limits', { hubspot_search_per_second: 2 });
    assert.equal(set.body.hubspot_search_per_second, 2);
    await quiet();
    answers = await Promise.all(Array.from({ length: 3 }, () => raw('POST', '/crm/v3/objects/contacts/search', { limit: 1 })));
    assert.deepEqual(answers.map((a) => a.status).sort(), [200, 200, 429]);
    for (const bad of [-1, 1001, 'x']) {
      const res = await admin(sb.hubspot, 'POST', '/__sandbox/limits', { hubspot_search_per_second: bad });
      assert.equal(res.status, 400, `hubspot_search_per_second ${bad}`);
    }
    for (const bad of [-5, 600001, 1.5]) {
      const res = await admin(sb.hubspot, 'POST', '/__sandbox/limits', { hubspot_search_lag_ms: bad });
      assert.equal(res.status, 400, `hubspot_search_lag_ms ${bad}`);
    }
  } finally {
    await admin(sb.hubspot, 'POST', '/__sandbox/limits', { hubspot_search_per_second: 5 });
  }
});

test('search lag: new, changed and archived records reach search only after the lag; reads by id see them at once', async () => {
  const LAG = 1500;
  await admin(sb.hubspot, 'POST', '/__sandbox/limits', { hubspot_search_lag_ms: LAG });
  try {
    const t0 = Date.now();
    const made = await hs.crm.contacts.basicApi.create({ properties: { email: 'lag1@example.com', firstname: 'Old' }, associations: [] });
    // By id, batch read and list: at once.
    assert.equal((await hs.crm.contacts.basicApi.getById(made.id, ['firstname'])).properties.firstname, 'Old');
    const batch = await hs.crm.contacts.batchApi.read({ inputs: [{ id: made.id }], properties: ['firstname'], propertiesWithHistory: [] });
    assert.equal(batch.results[0].properties.firstname, 'Old');
    const list = await raw('GET', '/crm/v3/objects/contacts?limit=100');
    assert.ok(list.body.results.some((r) => r.id === made.id));
    // Search: not yet, not even counted.
    let found = await hs.crm.contacts.searchApi.doSearch(byEmail('lag1@example.com'));
    assert.equal(found.total, 0);
    const all = await hs.crm.contacts.searchApi.doSearch({ limit: 1 });
    await sleep(Math.max(0, t0 + LAG + 200 - Date.now()));
    found = await hs.crm.contacts.searchApi.doSearch(byEmail('lag1@example.com'));
    assert.equal(found.total, 1, 'indexed after the lag');
    const after = await hs.crm.contacts.searchApi.doSearch({ limit: 1 });
    assert.equal(after.total, all.total + 1, 'total counts it once indexed');

    // A change: search still matches the old value and shows the indexed record.
    const t1 = Date.now();
    await hs.crm.contacts.basicApi.update(made.id, { properties: { firstname: 'New' } });
    assert.equal((await hs.crm.contacts.basicApi.getById(made.id, ['firstname'])).properties.firstname, 'New');
    assert.equal((await hs.crm.contacts.searchApi.doSearch(byFirst('New'))).total, 0);
    let old = await hs.crm.contacts.searchApi.doSearch(byFirst('Old'));
    assert.equal(old.total, 1);
    assert.equal(old.results[0].properties.firstname, 'Old', 'search serves the indexed document');
    // A second write before the index caught up moves the lag on.
    await sleep(900);
    await hs.crm.contacts.basicApi.update(made.id, { properties: { firstname: 'Newer' } });
    await sleep(Math.max(0, t1 + LAG + 200 - Date.now()));
    old = await hs.crm.contacts.searchApi.doSearch(byFirst('Old'));
    assert.equal(old.total, 1, 'still the first indexed value: the lag counts from the last write');
    await sleep(1000);
    assert.equal((await hs.crm.contacts.searchApi.doSearch(byFirst('Old'))).total, 0);
    const newer = await hs.crm.contacts.searchApi.doSearch(byFirst('Newer'));
    assert.equal(newer.total, 1);
    assert.equal(newer.results[0].properties.firstname, 'Newer');

    // An archive: gone by id at once, from search only once indexed.
    const t2 = Date.now();
    await hs.crm.contacts.basicApi.archive(made.id);
    await rejects(404, () => hs.crm.contacts.basicApi.getById(made.id));
    assert.equal((await hs.crm.contacts.searchApi.doSearch(byEmail('lag1@example.com'))).total, 1);
    await sleep(Math.max(0, t2 + LAG + 200 - Date.now()));
    assert.equal((await hs.crm.contacts.searchApi.doSearch(byEmail('lag1@example.com'))).total, 0);

    // Sorting and modification-date paging use the indexed times too.
    const made2 = await hs.crm.contacts.basicApi.create({ properties: { email: 'lag2@example.com', firstname: 'Sorted' }, associations: [] });
    const since = {
      filterGroups: [{ filters: [{ propertyName: 'lastmodifieddate', operator: 'GTE', value: String(Date.parse(made2.updatedAt)) }] }],
      sorts: [{ propertyName: 'lastmodifieddate', direction: 'ASCENDING' }],
    };
    assert.equal((await hs.crm.contacts.searchApi.doSearch(since)).total, 0);
    // Switching the lag off indexes everything pending at once.
    await admin(sb.hubspot, 'POST', '/__sandbox/limits', { hubspot_search_lag_ms: 0 });
    const now = await hs.crm.contacts.searchApi.doSearch(since);
    assert.equal(now.total, 1);
    assert.equal(now.results[0].id, made2.id);
  } finally {
    await admin(sb.hubspot, 'POST', '/__sandbox/limits', { hubspot_search_lag_ms: 0 });
  }
});

test('--hubspot-search-lag-ms and --hubspot-search-rate set the limits at start', async () => {
  const other = await startSandbox(['--hubspot-search-lag-ms', '2500', '--hubspot-search-rate', '7']);
  try {
    const limits = await admin(other.hubspot, 'GET', '/__sandbox/limits');
    assert.equal(limits.body.hubspot_search_lag_ms, 2500);
    assert.equal(limits.body.hubspot_search_per_second, 7);
  } finally {
    await other.stop();
  }
});

const READ_ONLY_DEFAULTS = ['hs_object_id', 'createdate', 'hs_createdate', 'hs_lastmodifieddate', 'hs_all_owner_ids',
  'hs_created_by_user_id', 'hs_updated_by_user_id', 'hs_object_source', 'hs_object_source_label',
  'hs_object_source_id', 'hs_object_source_detail_1', 'hs_object_source_user_id'];

test('default properties: read-only, filled on every write, searchable and sortable', async () => {
  for (const type of ['contacts', 'companies']) {
    const all = await hs.crm.properties.coreApi.getAll(type);
    const byName = Object.fromEntries(all.results.map((p) => [p.name, p]));
    for (const name of [...READ_ONLY_DEFAULTS, type === 'contacts' ? 'lastmodifieddate' : 'hs_lastmodifieddate']) {
      assert.ok(byName[name], `${type} have ${name}`);
      assert.equal(byName[name].modificationMetadata.readOnlyValue, true, `${type}.${name} is read-only`);
    }
  }
  const owners = await raw('GET', '/crm/v3/owners?limit=2');
  const [o1, o2] = owners.body.results.map((o) => o.id);
  const props = ['lastmodifieddate', 'hs_lastmodifieddate', 'createdate', 'hs_createdate', 'hs_object_id', 'hs_all_owner_ids',
    'hs_object_source', 'hs_object_source_label', 'hs_object_source_id', 'hs_object_source_detail_1', 'hs_updated_by_user_id'];
  const made = await hs.crm.contacts.basicApi.create({ properties: { email: 'defaults@example.com', hubspot_owner_id: o1 }, associations: [] });
  let got = (await hs.crm.contacts.basicApi.getById(made.id, props)).properties;
  assert.equal(got.hs_lastmodifieddate, got.lastmodifieddate);
  assert.equal(got.hs_createdate, got.createdate);
  assert.equal(got.hs_object_id, made.id);
  assert.equal(got.hs_all_owner_ids, o1);
  assert.equal(got.hs_object_source, 'INTEGRATION');
  assert.equal(got.hs_object_source_label, 'INTEGRATION');
  assert.match(got.hs_object_source_id, /^\d+$/);
  assert.ok(got.hs_object_source_detail_1);
  assert.equal(got.hs_updated_by_user_id, null, 'an integration is no user');
  await sleep(5);
  await hs.crm.contacts.basicApi.update(made.id, { properties: { hubspot_owner_id: o2 } });
  const again = (await hs.crm.contacts.basicApi.getById(made.id, props)).properties;
  assert.equal(again.hs_all_owner_ids, o2, 'follows the owner on every write');
  assert.ok(Date.parse(again.hs_lastmodifieddate) > Date.parse(got.hs_lastmodifieddate));
  assert.equal(again.hs_lastmodifieddate, again.lastmodifieddate);
  assert.equal(again.hs_object_source, 'INTEGRATION', 'the creation source stays');
  got = again;

  for (const name of ['hs_object_source', 'hs_lastmodifieddate', 'hs_createdate', 'hs_all_owner_ids']) {
    const body = await rejects(400, () => hs.crm.contacts.basicApi.update(made.id, { properties: { [name]: '1' } }));
    assert.equal(body.category, 'VALIDATION_ERROR');
    assert.match(body.message, /READ_ONLY_VALUE/, name);
  }

  const search = (filters, sorts = []) => hs.crm.contacts.searchApi.doSearch({ filterGroups: [{ filters }], sorts, properties: props, limit: 100 });
  let found = await search([{ propertyName: 'hs_lastmodifieddate', operator: 'GTE', value: String(Date.parse(got.hs_lastmodifieddate)) }]);
  assert.deepEqual(found.results.map((r) => r.id), [made.id]);
  found = await search([{ propertyName: 'hs_all_owner_ids', operator: 'EQ', value: o2 }]);
  assert.deepEqual(found.results.map((r) => r.id), [made.id]);
  found = await search([{ propertyName: 'hs_object_source', operator: 'EQ', value: 'INTEGRATION' }], [{ propertyName: 'hs_createdate', direction: 'DESCENDING' }]);
  assert.ok(found.total >= 1);
  assert.equal(found.results[0].id, made.id, 'the newest first');
  const created = found.results.map((r) => Date.parse(r.properties.hs_createdate));
  assert.deepEqual(created, [...created].sort((a, b) => b - a));

  const company = await hs.crm.companies.basicApi.create({ properties: { name: 'Defaults Inc' }, associations: [] });
  const c = (await hs.crm.companies.basicApi.getById(company.id, ['createdate', 'hs_createdate', 'hs_lastmodifieddate', 'hs_object_source'])).properties;
  assert.equal(c.hs_createdate, c.createdate);
  assert.equal(c.hs_object_source, 'INTEGRATION');
  const cs = await hs.crm.companies.searchApi.doSearch({
    filterGroups: [{ filters: [{ propertyName: 'hs_createdate', operator: 'GTE', value: String(Date.parse(c.createdate)) }] }],
  });
  assert.equal(cs.total, 1);
});

test('email validation as HubSpot does it, top-level domain included', async () => {
  const refused = ['tld@example.con', 'dot@example.com.', 'local@localhost', '"quoted name"@example.com',
    `${'l'.repeat(65)}@example.com`, 'two..dots@example.com', 'ü@example.com', 'sp ace@example.com'];
  for (const email of refused) {
    const body = await rejects(400, () => hs.crm.contacts.basicApi.create({ properties: { email }, associations: [] }));
    assert.equal(body.category, 'VALIDATION_ERROR', email);
    assert.match(body.message, /^Property values were not valid: /);
    const inner = JSON.parse(body.message.slice('Property values were not valid: '.length));
    assert.equal(inner[0].error, 'INVALID_EMAIL', email);
    assert.equal(inner[0].name, 'email');
    assert.equal(body.errors[0].code, 'INVALID_EMAIL');
  }
  const taken = ['Upper.Case@Example.COM', 'plus+tag@example.co.uk', 'idn@example.xn--p1ai', 'x@example.museum',
    `${'l'.repeat(64)}@example.com`];
  for (const email of taken) {
    const made = await hs.crm.contacts.basicApi.create({ properties: { email }, associations: [] });
    assert.equal(made.properties.email.toLowerCase(), email.toLowerCase(), email);
  }
  // Upserts and batch creates check the same way.
  const body = await rejects(400, () => hs.crm.contacts.batchApi.upsert({ inputs: [{ id: 'up@example.con', idProperty: 'email', properties: { firstname: 'U' } }] }));
  assert.match(body.message, /INVALID_EMAIL/);
});

test('malformed JSON answers as HubSpot does', async () => {
  const cases = [
    ['POST', '/crm/v3/objects/contacts', '{"properties": {"email": '],
    ['POST', '/crm/v3/objects/contacts/search', '{"filterGroups": [}'],
    ['POST', '/crm/v3/objects/contacts/batch/upsert', 'not json'],
  ];
  for (const [method, path, text] of cases) {
    const res = await raw(method, path, text);
    assert.equal(res.status, 400, path);
    assert.equal(res.body.status, 'error');
    assert.equal(res.body.category, 'VALIDATION_ERROR');
    assert.match(res.body.message, /^Invalid input JSON on line 1, column \d+: ./, path);
    assert.match(res.body.correlationId, /^[0-9a-f-]{36}$/);
  }
  const multi = await raw('POST', '/crm/v3/objects/contacts', '{\n  "properties": {\n    "email": "a@b.com",,\n  }\n}');
  assert.match(multi.body.message, /^Invalid input JSON on line 3, column \d+: /);
});

test('an upsert or update by a property that is not unique answers as HubSpot does', async () => {
  for (const idProperty of ['firstname', 'hs_object_id']) {
    const body = await rejects(400, () => hs.crm.contacts.batchApi.upsert({ inputs: [{ id: 'x', idProperty, properties: { lastname: 'L' } }] }));
    assert.equal(body.category, 'VALIDATION_ERROR');
    assert.equal(body.message, `Unable to perform update/upsert by non-unique 0-1 property ${idProperty} in portal ID 123456`);
  }
  const body = await rejects(400, () => hs.crm.companies.batchApi.update({ inputs: [{ id: 'Acme', idProperty: 'name', properties: { city: 'X' } }] }));
  assert.equal(body.message, 'Unable to perform update/upsert by non-unique 0-2 property name in portal ID 123456');
  // By email, the unique property, both work.
  const up = await hs.crm.contacts.batchApi.upsert({ inputs: [{ id: 'unique@example.com', idProperty: 'email', properties: { firstname: 'U' } }] });
  assert.equal(up.results[0].properties.email, 'unique@example.com');
});
