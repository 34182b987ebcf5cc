// HubSpot search as the sync engine's change scan asks it: a window
// "lastmodifieddate LTE the scan's start", range pages of two filter groups
// (the rest of time T NOT_IN the ids already read, OR after T) and tie pages
// by hs_object_id. The sandbox answers these from its indexes and a count
// cache, at a cost per page rather than per table; every page here is asked
// twice, once as the engine sends it and once with a filter that always
// holds but that only the record-by-record evaluator can decide, and both
// answers must be identical (results, rendering, total, paging), with writes
// moving records out of the window between pages.
//
// Also the fault injection's scope (/__sandbox/faults "only" and "seed"),
// which the engine's unknown-outcome tests rely on.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { TOKEN, admin, startSandbox } from './sandbox.mjs';
import { WindowScan } from './search_window.mjs';

let sb;

async function call(method, path, body) {
  const res = await fetch(sb.hubspot + path, {
    method,
    headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

before(async () => {
  sb = await startSandbox(['--hubspot-rate-limit', '0', '--hubspot-search-rate', '0']);
});

after(async () => {
  await sb?.stop();
});

const MOD = 'lastmodifieddate';
const f = (propertyName, operator, value) => ({ propertyName, operator, value: String(value) });
// always true for these contacts (each has an email), and not in SQL
const ALWAYS = { propertyName: 'email', operator: 'HAS_PROPERTY' };

async function search(body) {
  const res = await call('POST', '/crm/v3/objects/contacts/search', body);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body;
}

// The page as the engine asks it and as the plain evaluator answers it.
async function both(body) {
  const fast = await search(body);
  const plain = await search({
    ...body,
    filterGroups: body.filterGroups.map((g) => ({ filters: [...g.filters, ALWAYS] })),
  });
  assert.deepEqual(fast, plain, JSON.stringify(body.filterGroups));
  return fast;
}

async function create(n, tag) {
  const inputs = [];
  for (let i = 0; i < n; i++) inputs.push({ properties: { email: `${tag}${i}@example.org`, firstname: tag } });
  const res = await call('POST', '/crm/v3/objects/contacts/batch/create', { inputs });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.results;
}

describe('HubSpot search: the change scan from the indexes', () => {
  test('range pages with the NOT_IN group, tie pages, writes between pages', async () => {
    // a batch shares a modification time, as a bulk import does: batches
    // of 20 make pages that end inside a time (the NOT_IN group), batches
    // of 100 whole pages at one time (tie pages)
    const made = [];
    for (let b = 0; b < 10; b++) made.push(...(await create(20, `win${b}-`)));
    for (let b = 10; b < 13; b++) made.push(...(await create(100, `win${b}-`)));
    const upper = Date.now();
    const late = await create(20, 'late-'); // after the window: never returned
    const scan = new WindowScan(upper);
    const seen = new Set();
    let pages = 0, ties = 0;
    while (!scan.done) {
      const tie = scan.tie;
      const page = await both(scan.request(30));
      pages++;
      ties += tie;
      for (const r of page.results) {
        seen.add(r.id);
        assert.ok(Date.parse(r.properties[MOD]) <= upper, `${r.id} after the window`);
      }
      scan.consume(page);
      // the engine writes back to what it read: those leave the window
      if (pages % 3 === 0 && page.results.length > 0) {
        const res = await call('POST', '/crm/v3/objects/contacts/batch/update', {
          inputs: page.results.slice(0, 5).map((r) => ({ id: r.id, properties: { lastname: `seen${pages}` } })),
        });
        assert.equal(res.status, 200, JSON.stringify(res.body));
      }
      assert.ok(pages < 200, 'the scan does not end');
    }
    const twoGroups = scan.twoGroups;
    assert.ok(twoGroups > 0, 'no range page with the NOT_IN group');
    assert.ok(ties > 0, 'no tie page');
    // every record of the window read once the scan ends (none written after it)
    for (const r of made) assert.ok(seen.has(r.id), `${r.id} never read`);
    for (const r of late) assert.ok(!seen.has(r.id), `${r.id} read although after the window`);
  });

  test('window totals follow writes and archives as the plain count does', async () => {
    const a = await create(50, 'tot-a-');
    const b = await create(50, 'tot-b-');
    const upper = Date.now();
    const t0 = Date.parse(a[0].properties[MOD]);
    const window = (lo) => ({ filterGroups: [{ filters: [f(MOD, 'GTE', lo), f(MOD, 'LTE', upper)] }],
      sorts: [{ propertyName: MOD, direction: 'ASCENDING' }], limit: 10 });
    const first = await both(window(t0));
    assert.equal(first.total, 100);
    // the lower bound rises (cached count minus what lies between)
    const tb = Date.parse(b[0].properties[MOD]);
    assert.equal((await both(window(tb))).total, tb > t0 ? 50 : 100);
    // a write moves records out of the window; an archive takes one away
    await call('POST', '/crm/v3/objects/contacts/batch/update', {
      inputs: b.slice(0, 7).map((r) => ({ id: r.id, properties: { lastname: 'moved' } })),
    });
    assert.equal((await call('DELETE', `/crm/v3/objects/contacts/${b[10].id}`)).status, 204);
    assert.equal((await both(window(tb))).total, (tb > t0 ? 50 : 100) - 8);
    // BETWEEN, an empty window, and disjoint groups add up
    await both({ filterGroups: [{ filters: [{ propertyName: MOD, operator: 'BETWEEN', value: String(t0), highValue: String(upper) }] }], limit: 5 });
    assert.equal((await both(window(upper + 1))).total, 0);
    const disjoint = await both({ filterGroups: [
      { filters: [f(MOD, 'EQ', t0)] },
      { filters: [f(MOD, 'GT', t0), f(MOD, 'LTE', upper)] }], sorts: [{ propertyName: MOD, direction: 'ASCENDING' }], limit: 10 });
    assert.equal(disjoint.total, (await both(window(t0))).total);
    // overlapping groups count each record once
    const overlap = await both({ filterGroups: [{ filters: [f(MOD, 'GTE', t0)] }, { filters: [f(MOD, 'LTE', upper)] }], limit: 3 });
    assert.ok(overlap.total >= 100);
  });

  test('hs_object_id IN / NOT_IN with values SQL and the evaluator read alike', async () => {
    const rs = await create(5, 'ids-');
    const ids = rs.map((r) => r.id);
    for (const values of [ids, [ids[0], `0${ids[1]}`], [ids[2], '1e2', ' 7'], ['99999999999999999999']]) {
      await both({ filterGroups: [{ filters: [{ propertyName: 'hs_object_id', operator: 'IN', values }] }], limit: 10 });
      await both({ filterGroups: [{ filters: [f(MOD, 'LTE', Date.now()), { propertyName: 'hs_object_id', operator: 'NOT_IN', values }] }], limit: 10 });
    }
  });
});

describe('/__sandbox/faults: only and seed', () => {
  test('faults hit only the named endpoints; seeded draws repeat', async () => {
    const only = ['POST /crm/v3/objects/contacts/batch/create', 'GET /crm/v3/owners*'];
    const set = await admin(sb.hubspot, 'POST', '/__sandbox/faults', { api: 'hubspot', rate_500: 1, only });
    assert.equal(set.status, 200);
    assert.deepEqual(set.body.hubspot.only, only);
    assert.equal((await call('GET', '/crm/v3/objects/contacts?limit=1')).status, 200);
    assert.equal((await call('POST', '/crm/v3/objects/contacts/batch/create', { inputs: [{ properties: { email: 'x@example.org' } }] })).status, 500);
    assert.equal((await call('GET', '/crm/v3/owners?limit=1')).status, 500);
    assert.equal((await call('POST', '/crm/v3/objects/contacts/batch/read', { inputs: [{ id: '1' }] })).status < 500, true);
    // a seed makes the next draws the same
    const draws = async () => {
      await admin(sb.hubspot, 'POST', '/__sandbox/faults', { api: 'hubspot', rate_500: 0.5, seed: 42, only: 'GET /crm/v3/objects/contacts' });
      const out = [];
      for (let i = 0; i < 24; i++) out.push((await call('GET', '/crm/v3/objects/contacts?limit=1')).status);
      return out.join(',');
    };
    const one = await draws();
    assert.equal(await draws(), one);
    assert.match(one, /500/);
    assert.match(one, /200/);
    for (const bad of [{ only: 5 }, { only: '' }, { only: ['GET /a\nGET /b'] }, { seed: -1 }, { seed: 'x' }]) {
      const res = await fetch(`${sb.hubspot}/__sandbox/faults`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(bad) });
      assert.equal(res.status, 400, JSON.stringify(bad));
    }
    const cleared = await admin(sb.hubspot, 'POST', '/__sandbox/faults', {});
    assert.equal(cleared.body.hubspot.only, undefined);
  });
});
