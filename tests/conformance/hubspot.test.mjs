// Conformance of the sandbox's HubSpot API, driven by the official
// @hubspot/api-client. The SDK rejects any status code its spec does not
// list for a call (a 200 where 201 is documented throws), so every call here
// checks status codes and shapes against HubSpot's own spec; the assertions
// check the behaviour (duplicates, validation, search, limits, opt-out).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import hubspot from '@hubspot/api-client';

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

import { startSandbox, admin, crmsyncBin, TOKEN } from './sandbox.mjs';

const { Client } = hubspot;
let sb;
let hs;
const SEEDED = 10050; // enough to pass the 10,000-result search cap

before(async () => {
  sb = await startSandbox(['--seed-contacts', String(SEEDED)]);
  // Search allows 5 requests a second, as on HubSpot: the SDK waits out a
  // secondly 429 (1 s x attempt) when it may retry.
  // The SDK decorates an API when first touched, with the retry setting of
  // the Client constructed last: touch the search APIs now, before the
  // tests construct clients without retries.
  hs = new Client({ accessToken: TOKEN, basePath: sb.hubspot, numberOfApiCallRetries: 6 });
  void hs.crm.contacts.searchApi;
  void hs.crm.objects.searchApi;
  // The burst limit would slow the suite down; one test sets it on purpose.
  await admin(sb.hubspot, 'POST', '/__sandbox/limits', { hubspot_per_10s: 0 });
});

after(async () => {
  await sb?.stop();
});

// Runs fn, expecting the SDK to throw an ApiException with this status.
async function rejects(status, fn) {
  try {
    await fn();
  } catch (e) {
    assert.equal(e.code, status, `expected HTTP ${status}, got ${e.code}: ${e.message}`);
    return typeof e.body === 'string' ? JSON.parse(e.body) : e.body;
  }
  assert.fail(`expected HTTP ${status}, but the call succeeded`);
}

function filter(propertyName, operator, extra = {}) {
  return { propertyName, operator, ...extra };
}

test('requests without a valid token get HubSpot 401 body', async () => {
  const res = await fetch(`${sb.hubspot}/crm/v3/objects/contacts`);
  assert.equal(res.status, 401);
  const body = await res.json();
  assert.equal(body.category, 'INVALID_AUTHENTICATION');
  assert.equal(body.status, 'error');
  assert.ok(body.correlationId);
  assert.equal(res.headers.get('x-hubspot-correlation-id'), body.correlationId);
  const bad = new Client({ accessToken: 'wrong', basePath: sb.hubspot });
  await rejects(401, () => bad.crm.contacts.basicApi.getPage(1));
});

test('contact CRUD: create 201, get, update, archive 204, then 404', async () => {
  const created = await hs.crm.contacts.basicApi.create({
    properties: { email: 'Crud.Person@Example.com', firstname: 'Crud', city: 'Rome' },
    associations: [],
  });
  assert.match(created.id, /^\d+$/);
  assert.equal(created.properties.email, 'Crud.Person@Example.com');
  assert.equal(created.properties.hs_object_id, created.id);
  assert.ok(created.properties.createdate);
  assert.equal(created.archived, false);

  const got = await hs.crm.contacts.basicApi.getById(created.id, ['city', 'phone']);
  assert.equal(got.properties.city, 'Rome');
  assert.equal(got.properties.phone, null, 'requested but unset properties are null');
  assert.ok(got.properties.lastmodifieddate, 'server properties always come back');

  const byEmail = await hs.crm.contacts.basicApi.getById(
    'crud.person@example.com', ['firstname'], undefined, undefined, false, 'email');
  assert.equal(byEmail.id, created.id, 'idProperty=email finds the contact case-insensitively');

  await new Promise((r) => setTimeout(r, 5));
  const updated = await hs.crm.contacts.basicApi.update(created.id, {
    properties: { city: '', jobtitle: 'Chef' },
  });
  assert.equal(updated.properties.jobtitle, 'Chef');
  assert.equal(updated.properties.city, null, 'an empty string clears a property');
  assert.ok(new Date(updated.updatedAt) > new Date(created.updatedAt));
  assert.ok(new Date(updated.properties.lastmodifieddate) > new Date(created.properties.lastmodifieddate));

  await hs.crm.contacts.basicApi.archive(created.id);
  const body = await rejects(404, () => hs.crm.contacts.basicApi.getById(created.id));
  assert.equal(body.category, 'OBJECT_NOT_FOUND');
  const archived = await hs.crm.contacts.basicApi.getById(created.id, undefined, undefined,
    undefined, true);
  assert.equal(archived.archived, true);
  assert.ok(archived.archivedAt);
  // The email is free again once the contact is archived.
  const again = await hs.crm.contacts.basicApi.create({
    properties: { email: 'crud.person@example.com' }, associations: [],
  });
  assert.notEqual(again.id, created.id);
});

test('list pages through contacts with after/limit', async () => {
  const first = await hs.crm.contacts.basicApi.getPage(5, undefined, ['email']);
  assert.equal(first.results.length, 5);
  assert.ok(first.paging.next.after);
  const second = await hs.crm.contacts.basicApi.getPage(5, first.paging.next.after, ['email']);
  assert.equal(second.results.length, 5);
  assert.ok(Number(second.results[0].id) > Number(first.results[4].id));
  await rejects(400, () => hs.crm.contacts.basicApi.getPage(101));
});

test('a duplicate email is a 409 naming the existing id (single and batch create)', async () => {
  const a = await hs.crm.contacts.basicApi.create({
    properties: { email: 'dup@example.com' }, associations: [],
  });
  let body = await rejects(409, () => hs.crm.contacts.basicApi.create({
    properties: { email: 'DUP@example.com' }, associations: [],
  }));
  assert.equal(body.category, 'CONFLICT');
  assert.equal(body.message, `Contact already exists. Existing ID: ${a.id}`);
  body = await rejects(409, () => hs.crm.contacts.batchApi.create({
    inputs: [{ properties: { email: 'fresh1@example.com' }, associations: [] },
      { properties: { email: 'dup@example.com' }, associations: [] }],
  }));
  assert.equal(body.message, `Contact already exists. Existing ID: ${a.id}`);
  // The whole batch failed: the first input was not created either.
  const found = await hs.crm.contacts.searchApi.doSearch({
    filterGroups: [{ filters: [filter('email', 'EQ', { value: 'fresh1@example.com' })] }],
  });
  assert.equal(found.total, 0);
});

test('property validation answers like HubSpot', async () => {
  const cases = [
    [{ nosuchprop: 'x' }, 'PROPERTY_DOESNT_EXIST'],
    [{ email: 'not-an-email' }, 'INVALID_EMAIL'],
    [{ hs_lead_status: 'MAYBE' }, 'INVALID_OPTION'],
    [{ numemployees: 'many' }, 'INVALID_DECIMAL'],
    [{ hs_email_optout: 'true' }, 'READ_ONLY_VALUE'],
    [{ createdate: '2024-01-01' }, 'READ_ONLY_VALUE'],
    [{ hubspot_owner_id: '12345' }, 'INVALID_OPTION'],
  ];
  for (const [properties, code] of cases) {
    const body = await rejects(400, () => hs.crm.contacts.basicApi.create({ properties, associations: [] }));
    assert.equal(body.category, 'VALIDATION_ERROR');
    assert.ok(body.message.startsWith('Property values were not valid: ['), body.message);
    const inner = JSON.parse(body.message.slice('Property values were not valid: '.length));
    assert.equal(inner[0].error, code, JSON.stringify(properties));
    assert.equal(inner[0].isValid, false);
  }
  const ok = await hs.crm.contacts.basicApi.create({
    properties: { email: 'valid@example.com', hs_lead_status: 'OPEN', numemployees: 12,
      hubspot_owner_id: '70000001', leadsource: 'Web', rating: 'Hot',
      salesforcelastsynctime: 1700000000000 },
    associations: [],
  });
  assert.equal(ok.properties.numemployees, '12');
  assert.equal(ok.properties.salesforcelastsynctime, '2023-11-14T22:13:20.000Z');
});

test('batch create 201, read 207 with missing ids, update, upsert by email, archive 204', async () => {
  const created = await hs.crm.contacts.batchApi.create({
    inputs: [1, 2, 3].map((i) => ({ properties: { email: `batch${i}@example.com`, firstname: `B${i}` }, associations: [] })),
  });
  assert.equal(created.status, 'COMPLETE');
  assert.equal(created.results.length, 3);
  const ids = created.results.map((r) => r.id);

  const read = await hs.crm.contacts.batchApi.read({
    inputs: [{ id: ids[0] }, { id: '999999999' }], properties: ['firstname'], propertiesWithHistory: [],
  });
  assert.equal(read.results.length, 1);
  assert.equal(read.results[0].properties.firstname, 'B1');
  assert.equal(read.numErrors, 1, 'a missing id makes a 207 with errors');
  assert.equal(read.errors[0].category, 'OBJECT_NOT_FOUND');
  assert.deepEqual(read.errors[0].context.ids, ['999999999']);

  const byEmail = await hs.crm.contacts.batchApi.read({
    inputs: [{ id: 'BATCH2@example.com' }], idProperty: 'email', properties: ['email'], propertiesWithHistory: [],
  });
  assert.equal(byEmail.results[0].id, ids[1]);

  const updated = await hs.crm.contacts.batchApi.update({
    inputs: [{ id: ids[0], properties: { lastname: 'One' } }, { id: ids[1], properties: { lastname: 'Two' } }],
  });
  assert.equal(updated.results.length, 2);
  assert.deepEqual(updated.results.map((r) => r.properties.lastname).sort(), ['One', 'Two']);
  await rejects(400, () => hs.crm.contacts.batchApi.update({
    inputs: [{ id: ids[0], properties: { lastname: 'A' } }, { id: ids[0], properties: { lastname: 'B' } }],
  }));
  const partial = await hs.crm.contacts.batchApi.update({
    inputs: [{ id: ids[2], properties: { lastname: 'Three' } }, { id: '999999998', properties: { lastname: 'X' } }],
  });
  assert.equal(partial.numErrors, 1);
  assert.equal(partial.results[0].properties.lastname, 'Three');

  const upserted = await hs.crm.contacts.batchApi.upsert({
    inputs: [
      { id: 'batch1@example.com', idProperty: 'email', properties: { firstname: 'Upd' } },
      { id: 'upsert-new@example.com', idProperty: 'email', properties: { firstname: 'New' } },
    ],
  });
  const byId = Object.fromEntries(upserted.results.map((r) => [r.properties.email ?? r.id, r]));
  const existing = upserted.results.find((r) => r.id === ids[0]);
  assert.equal(existing._new, false);
  assert.equal(existing.properties.firstname, 'Upd');
  const fresh = upserted.results.find((r) => r.id !== ids[0]);
  assert.equal(fresh._new, true);
  assert.equal(fresh.properties.email, 'upsert-new@example.com');
  assert.ok(byId);

  await hs.crm.contacts.batchApi.archive({ inputs: ids.map((id) => ({ id })) });
  const gone = await hs.crm.contacts.batchApi.read({ inputs: ids.map((id) => ({ id })), properties: [], propertiesWithHistory: [] });
  assert.equal(gone.results.length, 0);

  const tooMany = Array.from({ length: 101 }, (_, i) => ({ properties: { firstname: `T${i}` }, associations: [] }));
  const body = await rejects(400, () => hs.crm.contacts.batchApi.create({ inputs: tooMany }));
  assert.equal(body.category, 'VALIDATION_ERROR');
});

test('search: operators, sorts, paging and total', async () => {
  const s = hs.crm.contacts.searchApi;
  const one = await s.doSearch({
    filterGroups: [{ filters: [filter('email', 'EQ', { value: 'CONTACT7@example.com' })] }],
    properties: ['email', 'city'],
  });
  assert.equal(one.total, 1);
  assert.equal(one.results[0].properties.email, 'contact7@example.com');
  assert.ok('city' in one.results[0].properties);

  const inList = await s.doSearch({
    filterGroups: [{ filters: [filter('email', 'IN', { values: ['contact1@example.com', 'contact2@example.com', 'nobody@x.y'] })] }],
  });
  assert.equal(inList.total, 2);

  const orGroups = await s.doSearch({
    filterGroups: [
      { filters: [filter('email', 'EQ', { value: 'contact3@example.com' })] },
      { filters: [filter('email', 'EQ', { value: 'contact4@example.com' })] },
    ],
  });
  assert.equal(orGroups.total, 2, 'filter groups are ORed');

  const token = await s.doSearch({
    filterGroups: [{ filters: [filter('email', 'CONTAINS_TOKEN', { value: '*@example.com' }),
      filter('hs_object_id', 'LTE', { value: '20' })] }],
  });
  assert.equal(token.total, 20);

  const numeric = await s.doSearch({
    filterGroups: [{ filters: [filter('hs_object_id', 'BETWEEN', { value: '10', highValue: '19' })] }],
    sorts: [{ propertyName: 'hs_object_id', direction: 'DESCENDING' }],
    limit: 3,
  });
  assert.equal(numeric.total, 10);
  assert.deepEqual(numeric.results.map((r) => r.id), ['19', '18', '17']);
  assert.equal(numeric.paging.next.after, '3');

  const noPhone = await s.doSearch({
    filterGroups: [{ filters: [filter('phone', 'NOT_HAS_PROPERTY'), filter('email', 'HAS_PROPERTY')] }],
    limit: 1,
  });
  assert.ok(noPhone.total >= 1);
  const neq = await s.doSearch({
    filterGroups: [{ filters: [filter('hs_object_id', 'LTE', { value: '6' }), filter('city', 'NEQ', { value: 'paris' })] }],
  });
  assert.ok(neq.results.every((r) => r.id !== '1'), 'contact1 lives in Paris; NEQ is case-insensitive');

  const byCity = await s.doSearch({
    filterGroups: [{ filters: [filter('hs_object_id', 'LTE', { value: '16' })] }],
    sorts: [{ propertyName: 'city', direction: 'ASCENDING' }],
    properties: ['city'],
    limit: 16,
  });
  const cities = byCity.results.map((r) => r.properties.city);
  assert.deepEqual(cities, [...cities].sort((a, b) => a.localeCompare(b)));

  const before = Date.now();
  await new Promise((r) => setTimeout(r, 5));
  const touched = await hs.crm.contacts.basicApi.update('42', { properties: { jobtitle: 'Pilot' } });
  const changed = await s.doSearch({
    filterGroups: [{ filters: [filter('lastmodifieddate', 'GTE', { value: String(before) })] }],
    sorts: [{ propertyName: 'lastmodifieddate', direction: 'ASCENDING' }],
    properties: ['jobtitle'],
    limit: 200,
  });
  assert.ok(changed.results.some((r) => r.id === touched.id && r.properties.jobtitle === 'Pilot'));
  assert.ok(changed.results.every((r) => new Date(r.properties.lastmodifieddate).getTime() >= before));
});

test('search: limits and the 10,000-result cap', async () => {
  const s = hs.crm.contacts.searchApi;
  const all = await s.doSearch({ limit: 200, after: '9800' });
  assert.ok(all.total >= SEEDED, `total is the real count (${all.total})`);
  assert.equal(all.results.length, 200);
  assert.equal(all.paging.next.after, '10000');
  let body = await rejects(400, () => s.doSearch({ limit: 200, after: '10000' }));
  assert.equal(body.category, 'VALIDATION_ERROR');
  await rejects(400, () => s.doSearch({ limit: 201 }));
  const groups = Array.from({ length: 6 }, () => ({ filters: [filter('email', 'HAS_PROPERTY')] }));
  await rejects(400, () => s.doSearch({ filterGroups: groups }));
  const wide = Array.from({ length: 11 }, () => filter('email', 'HAS_PROPERTY'));
  await rejects(400, () => s.doSearch({ filterGroups: [{ filters: wide }] }));
  body = await rejects(400, () => s.doSearch({ filterGroups: [{ filters: [filter('email', 'LIKE', { value: 'x' })] }] }));
  assert.match(body.message, /operator/);
  await rejects(400, () => s.doSearch({ filterGroups: [{ filters: [filter('nosuch', 'EQ', { value: 'x' })] }] }));
});

test('properties: list, get, create 201, duplicate 409', async () => {
  const all = await hs.crm.properties.coreApi.getAll('contacts');
  const byName = Object.fromEntries(all.results.map((p) => [p.name, p]));
  for (const name of ['email', 'firstname', 'lastname', 'salutation', 'jobtitle', 'phone', 'fax',
    'company', 'website', 'industry', 'annualrevenue', 'numemployees', 'address', 'city', 'state',
    'zip', 'country', 'hs_lead_status', 'leadsource', 'rating', 'description', 'hubspot_owner_id',
    'hs_email_optout', 'salesforceleadid', 'salesforcecontactid', 'salesforcecampaignids',
    'salesforcelastsynctime', 'salesforceaccountid']) {
    assert.ok(byName[name], `contacts have ${name}`);
  }
  assert.deepEqual(byName.hs_lead_status.options.map((o) => o.value).slice(0, 3), ['NEW', 'OPEN', 'IN_PROGRESS']);
  assert.equal(byName.hs_email_optout.type, 'bool');
  assert.equal(byName.hs_email_optout.modificationMetadata.readOnlyValue, true);
  const companies = await hs.crm.properties.coreApi.getAll('companies');
  assert.ok(companies.results.some((p) => p.name === 'hs_lastmodifieddate'));
  assert.ok(companies.results.some((p) => p.name === 'numberofemployees' && p.type === 'number'));

  const lead = await hs.crm.properties.coreApi.getByName('contacts', 'leadsource');
  assert.equal(lead.type, 'enumeration');
  const created = await hs.crm.properties.coreApi.create('contacts', {
    name: 'favorite_color', label: 'Favorite color', type: 'enumeration', fieldType: 'select',
    groupName: 'contactinformation', options: [{ label: 'Red', value: 'red', displayOrder: 0, hidden: false }],
  });
  assert.equal(created.name, 'favorite_color');
  assert.equal(created.hubspotDefined, false);
  await rejects(409, () => hs.crm.properties.coreApi.create('contacts', {
    name: 'favorite_color', label: 'Again', type: 'string', fieldType: 'text', groupName: 'contactinformation',
  }));
  await rejects(400, () => hs.crm.properties.coreApi.create('contacts', {
    name: 'bad_pair', label: 'Bad', type: 'number', fieldType: 'select', groupName: 'contactinformation',
  }));
  const c = await hs.crm.contacts.basicApi.create({ properties: { favorite_color: 'red' }, associations: [] });
  assert.equal(c.properties.favorite_color, 'red');
  await rejects(404, () => hs.crm.properties.coreApi.getByName('contacts', 'nosuchprop'));
});

test('custom object schemas: create 201, list, get by id, name and fully qualified name', async () => {
  const schema = await hs.crm.schemas.coreApi.create({
    name: 'cars',
    labels: { singular: 'Car', plural: 'Cars' },
    primaryDisplayProperty: 'model',
    requiredProperties: ['model'],
    searchableProperties: ['model'],
    secondaryDisplayProperties: [],
    associatedObjects: ['CONTACT'],
    properties: [
      { name: 'model', label: 'Model', type: 'string', fieldType: 'text' },
      { name: 'vin', label: 'VIN', type: 'string', fieldType: 'text', hasUniqueValue: true },
      { name: 'year', label: 'Year', type: 'number', fieldType: 'number' },
    ],
  });
  assert.match(schema.objectTypeId, /^2-\d+$/);
  assert.match(schema.fullyQualifiedName, /^p\d+_cars$/);
  assert.deepEqual(schema.requiredProperties, ['model']);
  assert.ok(schema.properties.some((p) => p.name === 'hs_object_id'));
  assert.ok(schema.associations.some((a) => a.toObjectTypeId === '0-1'));

  const all = await hs.crm.schemas.coreApi.getAll();
  assert.ok(all.results.some((r) => r.objectTypeId === schema.objectTypeId));
  for (const key of [schema.objectTypeId, 'cars', schema.fullyQualifiedName]) {
    const got = await hs.crm.schemas.coreApi.getById(key);
    assert.equal(got.objectTypeId, schema.objectTypeId);
  }
  await rejects(409, () => hs.crm.schemas.coreApi.create({
    name: 'cars', labels: { singular: 'Car', plural: 'Cars' }, requiredProperties: [],
    associatedObjects: [], properties: [{ name: 'model', label: 'Model', type: 'string', fieldType: 'text' }],
  }));
  await rejects(400, () => hs.crm.schemas.coreApi.create({
    name: 'boats', labels: { singular: 'Boat', plural: 'Boats' }, requiredProperties: ['hull'],
    associatedObjects: [], properties: [{ name: 'model', label: 'Model', type: 'string', fieldType: 'text' }],
  }));

  // Records of the custom object, through every name of its type.
  const car = await hs.crm.objects.basicApi.create(schema.objectTypeId, {
    properties: { model: 'Roadster', vin: 'VIN-1', year: '2020' }, associations: [],
  });
  const viaFqn = await hs.crm.objects.basicApi.getById(schema.fullyQualifiedName, car.id, ['model']);
  assert.equal(viaFqn.properties.model, 'Roadster');
  assert.ok(viaFqn.properties.hs_lastmodifieddate);
  const viaVin = await hs.crm.objects.basicApi.getById('cars', 'vin-1', ['year'], undefined, undefined, false, 'vin');
  assert.equal(viaVin.id, car.id);
  await rejects(409, () => hs.crm.objects.basicApi.create('cars', { properties: { model: 'Copy', vin: 'VIN-1' }, associations: [] }));
  const found = await hs.crm.objects.searchApi.doSearch('cars', {
    filterGroups: [{ filters: [filter('year', 'GTE', { value: '2019' })] }], properties: ['model'],
  });
  assert.equal(found.total, 1);

  // requiredProperties are enforced on every create: single, batch, and an
  // upsert that creates; an update may leave them out.
  const missingModel = (body) => {
    assert.equal(body.category, 'VALIDATION_ERROR');
    assert.match(body.message, /^Property values were not valid: \[/);
    const inner = JSON.parse(body.message.slice('Property values were not valid: '.length));
    assert.deepEqual(inner.map((r) => [r.isValid, r.name, r.error]), [[false, 'model', 'REQUIRED_PROPERTY']]);
    assert.match(inner[0].message, /model/);
  };
  missingModel(await rejects(400, () => hs.crm.objects.basicApi.create('cars', {
    properties: { vin: 'VIN-2' }, associations: [],
  })));
  missingModel(await rejects(400, () => hs.crm.objects.basicApi.create('cars', {
    properties: { model: '', vin: 'VIN-2' }, associations: [],
  })));
  missingModel(await rejects(400, () => hs.crm.objects.batchApi.create('cars', {
    inputs: [{ properties: { model: 'Ok', vin: 'VIN-3' }, associations: [] },
      { properties: { vin: 'VIN-4' }, associations: [] }],
  })));
  missingModel(await rejects(400, () => hs.crm.objects.batchApi.upsert('cars', {
    inputs: [{ id: 'VIN-5', idProperty: 'vin', properties: { year: '2021' } }],
  })));
  const none = await hs.crm.objects.searchApi.doSearch('cars', {
    filterGroups: [{ filters: [filter('vin', 'IN', { values: ['VIN-2', 'VIN-3', 'VIN-4', 'VIN-5'] })] }],
  });
  assert.equal(none.total, 0, 'a rejected batch writes nothing');
  const updated = await hs.crm.objects.basicApi.update('cars', car.id, { properties: { year: '2021' } });
  assert.equal(updated.properties.year, '2021');
  const upserted = await hs.crm.objects.batchApi.upsert('cars', {
    inputs: [{ id: 'VIN-1', idProperty: 'vin', properties: { year: '2022' } }],
  });
  assert.equal(upserted.results[0]._new, false);
});

test('v4 associations: create 201, list, default, batch, archive', async () => {
  const contact = await hs.crm.contacts.basicApi.create({ properties: { email: 'assoc@example.com' }, associations: [] });
  const [co1, co2] = await Promise.all(['Assoc One', 'Assoc Two'].map((name) =>
    hs.crm.companies.basicApi.create({ properties: { name }, associations: [] })));
  const pair = await hs.crm.associations.v4.basicApi.create('contacts', contact.id, 'companies', co1.id,
    [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 1 }]);
  assert.deepEqual(pair.labels, ['Primary']);
  let page = await hs.crm.associations.v4.basicApi.getPage('contacts', contact.id, 'companies');
  assert.equal(page.results.length, 1);
  assert.equal(String(page.results[0].toObjectId), co1.id);
  const typeIds = page.results[0].associationTypes.map((t) => t.typeId).sort((a, b) => a - b);
  assert.deepEqual(typeIds, [1, 279], 'a labeled association implies the unlabeled one');
  const back = await hs.crm.associations.v4.basicApi.getPage('companies', co1.id, 'contacts');
  assert.deepEqual(back.results[0].associationTypes.map((t) => t.typeId).sort((a, b) => a - b), [2, 280]);

  const def = await hs.crm.associations.v4.basicApi.createDefault('contacts', contact.id, 'companies', co2.id);
  assert.equal(def.results[0].associationSpec.associationTypeId, 279);
  // A new primary company replaces the old primary.
  await hs.crm.associations.v4.basicApi.create('contacts', contact.id, 'companies', co2.id,
    [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 1 }]);
  page = await hs.crm.associations.v4.basicApi.getPage('contacts', contact.id, 'companies');
  const primary = page.results.filter((r) => r.associationTypes.some((t) => t.typeId === 1));
  assert.deepEqual(primary.map((r) => String(r.toObjectId)), [co2.id]);

  const v3 = await hs.crm.contacts.basicApi.getById(contact.id, ['email'], undefined, ['companies']);
  assert.ok(v3.associations.companies.results.some((r) => r.id === co2.id));

  await rejects(400, () => hs.crm.associations.v4.basicApi.create('contacts', contact.id, 'companies', co1.id,
    [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 280 }]));
  await rejects(404, () => hs.crm.associations.v4.basicApi.create('contacts', contact.id, 'companies', '999999999',
    [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 279 }]));

  await hs.crm.associations.v4.basicApi.archive('contacts', contact.id, 'companies', co1.id);
  page = await hs.crm.associations.v4.basicApi.getPage('contacts', contact.id, 'companies');
  assert.deepEqual(page.results.map((r) => String(r.toObjectId)), [co2.id]);

  const other = await hs.crm.contacts.basicApi.create({ properties: { email: 'assoc2@example.com' }, associations: [] });
  const batch = await hs.crm.associations.v4.batchApi.create('contacts', 'companies', {
    inputs: [{ _from: { id: other.id }, to: { id: co1.id }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 279 }] }],
  });
  assert.equal(batch.results.length, 1);
  const read = await hs.crm.associations.v4.batchApi.getPage('contacts', 'companies', {
    inputs: [{ id: other.id }, { id: contact.id }],
  });
  assert.equal(read.results.length, 2);
  await hs.crm.associations.v4.batchApi.archive('contacts', 'companies', {
    inputs: [{ _from: { id: other.id }, to: [{ id: co1.id }] }],
  });
  const after = await hs.crm.associations.v4.batchApi.getPage('contacts', 'companies', { inputs: [{ id: other.id }] });
  assert.equal(after.results.length, 0);
  assert.equal(after.numErrors, 1);

  // Associations given at create time.
  const withAssoc = await hs.crm.contacts.basicApi.create({
    properties: { email: 'assoc3@example.com' },
    associations: [{ to: { id: co1.id }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 279 }] }],
  });
  page = await hs.crm.associations.v4.basicApi.getPage('contacts', withAssoc.id, 'companies');
  assert.equal(String(page.results[0].toObjectId), co1.id);
});

test('lists: create, add/remove members, memberships with timestamps', async () => {
  const created = await hs.crm.lists.listsApi.create({ name: 'Sync to Salesforce', objectTypeId: '0-1', processingType: 'MANUAL' });
  const listId = created.list.listId;
  assert.equal(created.list.size, 0);
  const added = await hs.crm.lists.membershipsApi.add(listId, ['1', '2', '3', '999999999']);
  assert.deepEqual(added.recordsIdsAdded, ['1', '2', '3']);
  assert.deepEqual(added.recordIdsMissing, ['999999999']);
  const again = await hs.crm.lists.membershipsApi.add(listId, ['1']);
  assert.deepEqual(again.recordsIdsAdded, [], 'adding a member twice changes nothing');
  const got = await hs.crm.lists.listsApi.getById(listId);
  assert.equal(got.list.size, 3);
  const page = await hs.crm.lists.membershipsApi.getPage(listId, undefined, undefined, 2);
  assert.deepEqual(page.results.map((r) => r.recordId), ['1', '2']);
  assert.ok(page.results[0].membershipTimestamp instanceof Date);
  const rest = await hs.crm.lists.membershipsApi.getPage(listId, page.paging.next.after);
  assert.deepEqual(rest.results.map((r) => r.recordId), ['3']);
  const ofRecord = await hs.crm.lists.membershipsApi.getLists('0-1', '3');
  assert.ok(ofRecord.results.some((r) => r.listId === listId));
  const removed = await hs.crm.lists.membershipsApi.remove(listId, ['2', '5']);
  assert.deepEqual(removed.recordIdsRemoved, ['2']);
  assert.deepEqual(removed.recordIdsMissing, ['5']);
  const after = await hs.crm.lists.listsApi.getById(listId);
  assert.equal(after.list.size, 2);
  assert.ok(after.list.updatedAt >= got.list.updatedAt);
  await rejects(404, () => hs.crm.lists.listsApi.getById('999999'));
  await rejects(400, () => hs.crm.lists.listsApi.create({ name: 'Sync to Salesforce', objectTypeId: '0-1', processingType: 'MANUAL' }));
});

test('communication preferences: unsubscribing from everything sets hs_email_optout', async () => {
  const c = await hs.crm.contacts.basicApi.create({ properties: { email: 'optout@example.com' }, associations: [] });
  const defs = await hs.communicationPreferences.definitionApi.getPage();
  assert.ok(defs.subscriptionDefinitions.length >= 2);
  for (const d of defs.subscriptionDefinitions) {
    await hs.communicationPreferences.statusApi.subscribe({ emailAddress: 'optout@example.com', subscriptionId: d.id });
  }
  let status = await hs.communicationPreferences.statusApi.getEmailStatus('optout@example.com');
  assert.ok(status.subscriptionStatuses.every((s) => s.status === 'SUBSCRIBED'));

  const first = await hs.communicationPreferences.statusApi.unsubscribe({
    emailAddress: 'optout@example.com', subscriptionId: defs.subscriptionDefinitions[0].id,
    legalBasis: 'LEGITIMATE_INTEREST_CLIENT', legalBasisExplanation: 'asked by phone',
  });
  assert.equal(first.status, 'NOT_SUBSCRIBED');
  let contact = await hs.crm.contacts.basicApi.getById(c.id, ['hs_email_optout']);
  assert.equal(contact.properties.hs_email_optout, null, 'one subscription is not all email');

  for (const d of defs.subscriptionDefinitions.slice(1)) {
    await hs.communicationPreferences.statusApi.unsubscribe({ emailAddress: 'optout@example.com', subscriptionId: d.id });
  }
  contact = await hs.crm.contacts.basicApi.getById(c.id, ['hs_email_optout']);
  assert.equal(contact.properties.hs_email_optout, 'true');
  assert.ok(new Date(contact.properties.lastmodifieddate) > new Date(c.properties.lastmodifieddate));
  status = await hs.communicationPreferences.statusApi.getEmailStatus('optout@example.com');
  assert.ok(status.subscriptionStatuses.every((s) => s.sourceOfStatus === 'PORTAL_WIDE_STATUS'));
  // Sticky: the API cannot resubscribe, nor can the objects API clear it.
  await rejects(400, () => hs.communicationPreferences.statusApi.subscribe({
    emailAddress: 'optout@example.com', subscriptionId: defs.subscriptionDefinitions[0].id,
  }));
  const body = await rejects(400, () => hs.crm.contacts.basicApi.update(c.id, { properties: { hs_email_optout: 'false' } }));
  assert.match(body.message, /READ_ONLY_VALUE/);
});

test('owners: seeded, paged and filtered by email', async () => {
  const all = await hs.crm.owners.ownersApi.getPage();
  const emails = all.results.map((o) => o.email).sort();
  assert.deepEqual(emails, ['owner.alice@example.com', 'owner.bob@example.com', 'owner.carol@example.com']);
  const paged = await hs.crm.owners.ownersApi.getPage(undefined, undefined, 2);
  assert.equal(paged.results.length, 2);
  const rest = await hs.crm.owners.ownersApi.getPage(undefined, paged.paging.next.after, 2);
  assert.equal(rest.results.length, 1);
  const bob = await hs.crm.owners.ownersApi.getPage('OWNER.BOB@example.com');
  assert.equal(bob.results.length, 1);
  assert.equal(bob.results[0].firstName, 'Bob');
  assert.equal(typeof bob.results[0].userId, 'number');
  const one = await hs.crm.owners.ownersApi.getById(Number(bob.results[0].id));
  assert.equal(one.email, 'owner.bob@example.com');
});

test('429 past the burst limit, retried by the SDK; search is exempt', async () => {
  await admin(sb.hubspot, 'POST', '/__sandbox/limits', { hubspot_per_10s: 3, reset_usage: true });
  try {
    const plain = new Client({ accessToken: TOKEN, basePath: sb.hubspot });
    const res = await fetch(`${sb.hubspot}/crm/v3/objects/contacts/1`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-hubspot-ratelimit-max'), '3');
    assert.equal(res.headers.get('x-hubspot-ratelimit-remaining'), '2');
    await plain.crm.contacts.basicApi.getById('1');
    await plain.crm.contacts.basicApi.getById('1');
    const body = await rejects(429, () => plain.crm.contacts.basicApi.getById('1'));
    assert.equal(body.policyName, 'TEN_SECONDLY_ROLLING');
    assert.equal(body.errorType, 'RATE_LIMIT');
    // Search has its own limit and is not counted against the burst.
    const search = await hs.crm.contacts.searchApi.doSearch({ limit: 1 });
    assert.equal(search.results.length, 1);

    const retrying = new Client({ accessToken: TOKEN, basePath: sb.hubspot, numberOfApiCallRetries: 2 });
    const started = Date.now();
    const got = await retrying.crm.contacts.basicApi.getById('1');
    assert.equal(got.id, '1');
    assert.ok(Date.now() - started >= 5000, 'the SDK waited before retrying');
    const stats = await admin(sb.hubspot, 'GET', '/__sandbox/stats');
    assert.ok(stats.body.hubspot.by_status['429'] >= 2);
  } finally {
    await admin(sb.hubspot, 'POST', '/__sandbox/limits', { hubspot_per_10s: 0 });
  }
});

test('daily limit answers 429 DAILY', async () => {
  const limits = await admin(sb.hubspot, 'GET', '/__sandbox/limits');
  await admin(sb.hubspot, 'POST', '/__sandbox/limits', { hubspot_daily: limits.body.hubspot_daily_used + 1 });
  try {
    await hs.crm.contacts.basicApi.getById('1');
    const body = await rejects(429, () => hs.crm.contacts.basicApi.getById('1'));
    assert.equal(body.policyName, 'DAILY');
    assert.equal(body.message, 'You have reached your daily limit.');
  } finally {
    await admin(sb.hubspot, 'POST', '/__sandbox/limits', { hubspot_daily: 0 });
  }
});

// Starts `crmsync sandbox` on dir and returns { url, stop() } (keeps dir).
async function spawnOn(dir) {
  const child = spawn(crmsyncBin(), ['sandbox', '--data', dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise((resolve, reject) => {
    const rl = createInterface({ input: child.stdout });
    rl.on('line', (line) => { if (line.startsWith('hubspot ')) resolve(line.split(' ')[1]); });
    child.once('exit', (code) => reject(new Error(`sandbox exited with ${code}`)));
  });
  return {
    url,
    async stop() {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      return exited;
    },
  };
}

test('state survives a restart', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'crmsync-hs-restart-'));
  try {
    let run = await spawnOn(dir);
    const first = new Client({ accessToken: TOKEN, basePath: run.url });
    const c = await first.crm.contacts.basicApi.create({ properties: { email: 'persist@example.com' }, associations: [] });
    const list = await first.crm.lists.listsApi.create({ name: 'Kept', objectTypeId: '0-1', processingType: 'MANUAL' });
    await first.crm.lists.membershipsApi.add(list.list.listId, [c.id]);
    assert.equal(await run.stop(), 0, 'the sandbox stops cleanly on SIGTERM');
    run = await spawnOn(dir);
    try {
      const again = new Client({ accessToken: TOKEN, basePath: run.url });
      const got = await again.crm.contacts.basicApi.getById('persist@example.com', undefined, undefined, undefined, false, 'email');
      assert.equal(got.id, c.id);
      const members = await again.crm.lists.membershipsApi.getPage(list.list.listId);
      assert.deepEqual(members.results.map((r) => r.recordId), [c.id]);
    } finally {
      await run.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
