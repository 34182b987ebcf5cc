// Conformance of the sandbox's Salesforce REST API, driven by the official
// jsforce client: query and paging, single-record CRUD, sObject Collections,
// describe, limits, upsert by external id, replication, error shapes,
// OAuth refresh after token expiry, the daily request limit, lead conversion
// (SPEC C14), campaign members (SPEC C12) and custom objects.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createRequire } from 'node:module';

import { TOKEN, admin, startSandbox } from './sandbox.mjs';

const require = createRequire(import.meta.url);
const jsforce = require('jsforce');

const SEED_LEADS = 2500;
let sb;
let conn;

function connect(version = '60.0', accessToken = TOKEN) {
  return new jsforce.Connection({
    instanceUrl: sb.salesforce,
    accessToken,
    version,
    oauth2: { loginUrl: sb.salesforce, clientId: 'crmsync-test', clientSecret: 'secret' },
    refreshToken: 'refresh-token-1',
  });
}

// Runs fn and returns the error it throws (fails when it does not throw).
async function failure(fn) {
  try {
    await fn();
  } catch (e) {
    return e;
  }
  assert.fail('expected an error');
}

async function raw(method, path, body, headers = {}) {
  const res = await fetch(sb.salesforce + path, {
    method,
    headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
}

before(async () => {
  sb = await startSandbox(['--seed-leads', String(SEED_LEADS)]);
  conn = connect();
});

after(async () => {
  await sb?.stop();
});

describe('versions, describe and limits', () => {
  test('version list needs no token and carries no limit header', async () => {
    const res = await fetch(`${sb.salesforce}/services/data/`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('sforce-limit-info'), null);
    const versions = await res.json();
    const v60 = versions.find((v) => v.version === '60.0');
    assert.deepEqual(v60, { label: "Spring '24", url: '/services/data/v60.0', version: '60.0' });
  });

  test('an unknown API version is a 404 NOT_FOUND', async () => {
    const res = await raw('GET', '/services/data/v99.0/sobjects');
    assert.equal(res.status, 404);
    assert.equal(res.body[0].errorCode, 'NOT_FOUND');
  });

  test('describeGlobal lists the standard objects with their key prefixes', async () => {
    const g = await conn.describeGlobal();
    assert.equal(g.maxBatchSize, 200);
    const prefixes = Object.fromEntries(g.sobjects.map((o) => [o.name, o.keyPrefix]));
    assert.deepEqual(
      {
        Lead: prefixes.Lead,
        Contact: prefixes.Contact,
        Account: prefixes.Account,
        Campaign: prefixes.Campaign,
        CampaignMember: prefixes.CampaignMember,
        User: prefixes.User,
        RecordType: prefixes.RecordType,
      },
      {
        Lead: '00Q',
        Contact: '003',
        Account: '001',
        Campaign: '701',
        CampaignMember: '00v',
        User: '005',
        RecordType: '012',
      },
    );
  });

  test('describe Lead shows types, lengths, requiredness, references and picklists', async () => {
    const d = await conn.sobject('Lead').describe();
    assert.equal(d.name, 'Lead');
    assert.equal(d.keyPrefix, '00Q');
    const f = Object.fromEntries(d.fields.map((x) => [x.name, x]));
    assert.equal(f.Email.type, 'email');
    assert.equal(f.Email.length, 80);
    assert.equal(f.LastName.nillable, false);
    assert.equal(f.LastName.createable, true);
    assert.equal(f.Company.length, 255);
    assert.equal(f.Name.createable, false);
    assert.equal(f.Name.updateable, false);
    assert.equal(f.OwnerId.relationshipName, 'Owner');
    assert.deepEqual(f.OwnerId.referenceTo, ['Group', 'User']);
    assert.equal(f.IsConverted.updateable, false);
    assert.equal(f.ConvertedContactId.relationshipName, 'ConvertedContact');
    assert.equal(f.HasOptedOutOfEmail.type, 'boolean');
    assert.equal(f.GeocodeAccuracy.restrictedPicklist, true);
    const status = f.Status.picklistValues.find((p) => p.defaultValue);
    assert.equal(status.value, 'Open - Not Contacted');
    for (const name of ['SystemModstamp', 'CreatedDate', 'LastModifiedDate', 'IsDeleted']) {
      assert.ok(f[name], `${name} is described`);
    }
  });

  test('describe of an unknown object is a 404', async () => {
    const e = await failure(() => conn.sobject('Nope__c').describe());
    assert.equal(e.errorCode, 'NOT_FOUND');
  });

  test('limits and conn.limitInfo report the daily API usage', async () => {
    const limits = await conn.limits();
    assert.ok(limits.DailyApiRequests.Max > 0);
    assert.ok(limits.DailyApiRequests.Remaining < limits.DailyApiRequests.Max);
    assert.ok(conn.limitInfo.apiUsage.used >= 1);
    assert.equal(conn.limitInfo.apiUsage.limit, limits.DailyApiRequests.Max);
    const before = conn.limitInfo.apiUsage.used;
    await conn.limits();
    assert.equal(conn.limitInfo.apiUsage.used, before + 1);
  });
});

describe('query', () => {
  test('seeded leads are queryable with parent relationships', async () => {
    const r = await conn.query(
      "SELECT Id, Name, Email, Company, Owner.Email FROM Lead WHERE Email = 'lead7@example.org'",
    );
    assert.equal(r.totalSize, 1);
    const rec = r.records[0];
    assert.equal(rec.attributes.type, 'Lead');
    assert.match(rec.attributes.url, /^\/services\/data\/v60\.0\/sobjects\/Lead\/00Q/);
    assert.match(rec.Id, /^00Q[0-9A-Za-z]{15}$/);
    assert.ok(rec.Name.length > 0);
    assert.equal(rec.Owner.attributes.type, 'User');
    assert.match(rec.Owner.Email, /@example\.com$/);
  });

  test('Name is the compound FirstName LastName on User, Lead and Contact', async () => {
    const users = await conn.query('SELECT Id, Name, FirstName, LastName FROM User');
    assert.ok(users.records.length > 0);
    for (const u of users.records) {
      assert.equal(u.Name, u.FirstName ? `${u.FirstName} ${u.LastName}` : u.LastName);
    }
    const owned = await conn.query(
      "SELECT Owner.Name, Owner.FirstName, Owner.LastName FROM Lead WHERE Email = 'lead7@example.org'",
    );
    const owner = owned.records[0].Owner;
    assert.equal(owner.Name, `${owner.FirstName} ${owner.LastName}`);
    const solo = await conn.sobject('User').create({
      LastName: 'Solo', Email: 'solo.user@example.com', Username: 'solo.user@example.com',
      Alias: 'solo', CommunityNickname: 'solo',
    });
    let got = await conn.sobject('User').retrieve(solo.id);
    assert.equal(got.Name, 'Solo');
    await conn.sobject('User').update({ Id: solo.id, FirstName: 'Han' });
    got = await conn.sobject('User').retrieve(solo.id);
    assert.equal(got.Name, 'Han Solo');
    const contact = await conn.sobject('Contact').create({ LastName: 'Only' });
    assert.equal((await conn.sobject('Contact').retrieve(contact.id)).Name, 'Only');
  });

  test('ids compare as ids: 15- and 18-character forms, binary order for keyset paging', async () => {
    const first = await conn.query('SELECT Id FROM Lead ORDER BY Id LIMIT 300');
    const ids = first.records.map((r) => r.Id);
    const binary = [...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    assert.deepEqual(ids, binary, 'ORDER BY Id is byte order');
    const id = ids[7];
    for (const form of [id, id.slice(0, 15), id.slice(0, 15).toLowerCase() + id.slice(15)]) {
      const r = await conn.query(`SELECT Id FROM Lead WHERE Id = '${form}'`);
      assert.deepEqual(r.records.map((x) => x.Id), [id], form);
    }
    const inList = await conn.query(`SELECT Id FROM Lead WHERE Id IN ('${ids[1].slice(0, 15)}', '${ids[2]}')`);
    assert.equal(inList.totalSize, 2);
    const next = await conn.query(`SELECT Id FROM Lead WHERE Id > '${ids[199]}' ORDER BY Id LIMIT 100`);
    assert.deepEqual(next.records.map((r) => r.Id), ids.slice(200, 300), 'keyset paging continues the order');
  });

  test('COUNT() answers totalSize with no records', async () => {
    const r = await conn.query('SELECT COUNT() FROM Lead');
    assert.equal(r.totalSize, SEED_LEADS);
    assert.deepEqual(r.records, []);
  });

  test('more than 2000 rows page through nextRecordsUrl and queryMore', async () => {
    const first = await conn.query('SELECT Id, Email FROM Lead ORDER BY Email', {
      autoFetch: false,
    });
    assert.equal(first.totalSize, SEED_LEADS);
    assert.equal(first.done, false);
    assert.equal(first.records.length, 2000);
    // jsforce prefixes the instance URL to the path the API answers.
    assert.match(first.nextRecordsUrl, /\/services\/data\/v60\.0\/query\/01g[0-9A-Za-z]{15}-2000$/);
    const second = await conn.queryMore(first.nextRecordsUrl);
    assert.equal(second.done, true);
    assert.equal(second.records.length, SEED_LEADS - 2000);
    assert.equal(second.nextRecordsUrl, undefined);
    const ids = new Set([...first.records, ...second.records].map((r) => r.Id));
    assert.equal(ids.size, SEED_LEADS);
    const emails = [...first.records, ...second.records].map((r) => r.Email);
    const key = (x) => x.toLowerCase();
    const sorted = [...emails].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
    assert.deepEqual(emails, sorted);
  });

  test('Sforce-Query-Options batchSize sets the page size; autoFetch follows it', async () => {
    const r = await conn.query('SELECT Id FROM Lead', {
      autoFetch: true,
      maxFetch: 100000,
      headers: { 'Sforce-Query-Options': 'batchSize=200' },
    });
    assert.equal(r.records.length, SEED_LEADS);
    const page = await raw('GET', '/services/data/v60.0/query?q=SELECT+Id+FROM+Lead', undefined, {
      'Sforce-Query-Options': 'batchSize=200',
    });
    assert.equal(page.body.records.length, 200);
    assert.match(page.body.nextRecordsUrl, /-200$/);
  });

  test('LIMIT, OFFSET and WHERE with LIKE, IN and AND', async () => {
    // '0' sorts before '@': lead10@, lead11@, lead1@.
    const r = await conn.query(
      "SELECT Email FROM Lead WHERE Email LIKE 'lead1%' AND Email IN ('lead1@example.org', 'lead10@example.org', 'lead11@example.org') ORDER BY Email LIMIT 2 OFFSET 1",
    );
    assert.deepEqual(
      r.records.map((x) => x.Email),
      ['lead11@example.org', 'lead1@example.org'],
    );
  });

  test('query errors: MALFORMED_QUERY, INVALID_FIELD, INVALID_TYPE', async () => {
    let e = await failure(() => conn.query('SELECT Id FORM Lead'));
    assert.equal(e.errorCode, 'MALFORMED_QUERY');
    e = await failure(() => conn.query('SELECT Id, Nope FROM Lead'));
    assert.equal(e.errorCode, 'INVALID_FIELD');
    assert.match(e.message, /No such column 'Nope' on entity 'Lead'/);
    e = await failure(() => conn.query('SELECT Id, Nobody.Name FROM Lead'));
    assert.equal(e.errorCode, 'INVALID_FIELD');
    e = await failure(() => conn.query('SELECT Id FROM Foo'));
    assert.equal(e.errorCode, 'INVALID_TYPE');
    assert.match(e.message, /sObject type 'Foo' is not supported/);
  });

  test('an unknown query locator is refused', async () => {
    const e = await failure(() => conn.queryMore('/services/data/v60.0/query/01gHo000000000ZZZZ-2000'));
    assert.equal(e.errorCode, 'INVALID_QUERY_LOCATOR');
  });
});

describe('single records', () => {
  test('create, retrieve, update, delete; deleted rows only through queryAll', async () => {
    const res = await conn.sobject('Lead').create({
      FirstName: 'Ada',
      LastName: 'Lovelace',
      Company: 'Analytical Engines',
      Email: 'ada@example.net',
    });
    assert.equal(res.success, true);
    assert.deepEqual(res.errors, []);
    assert.match(res.id, /^00Q/);
    const rec = await conn.sobject('Lead').retrieve(res.id);
    assert.equal(rec.Name, 'Ada Lovelace');
    assert.equal(rec.Status, 'Open - Not Contacted');
    assert.equal(rec.IsDeleted, false);
    assert.equal(rec.HasOptedOutOfEmail, false);
    assert.match(rec.OwnerId, /^005/);
    assert.match(rec.SystemModstamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
    assert.equal(rec.CreatedDate, rec.SystemModstamp);

    const upd = await conn.sobject('Lead').update({ Id: res.id, LastName: 'King', Title: 'Countess' });
    assert.equal(upd.success, true);
    const rec2 = await conn.sobject('Lead').retrieve(res.id);
    assert.equal(rec2.Name, 'Ada King');
    assert.equal(rec2.Title, 'Countess');
    assert.ok(rec2.SystemModstamp > rec.SystemModstamp, 'SystemModstamp increases');
    assert.equal(rec2.CreatedDate, rec.CreatedDate);

    const del = await conn.sobject('Lead').destroy(res.id);
    assert.equal(del.success, true);
    let e = await failure(() => conn.sobject('Lead').retrieve(res.id));
    assert.equal(e.errorCode, 'ENTITY_IS_DELETED');
    e = await failure(() => conn.sobject('Lead').update({ Id: res.id, Title: 'x' }));
    assert.equal(e.errorCode, 'ENTITY_IS_DELETED');

    const q = `SELECT Id, IsDeleted FROM Lead WHERE Id = '${res.id}'`;
    assert.equal((await conn.query(q)).totalSize, 0);
    const all = await conn.query(q, { scanAll: true });
    assert.equal(all.totalSize, 1);
    assert.equal(all.records[0].IsDeleted, true);
  });

  test('retrieve with a malformed or unknown id is NOT_FOUND', async () => {
    let e = await failure(() => conn.sobject('Lead').retrieve('not-an-id'));
    assert.equal(e.errorCode, 'NOT_FOUND');
    e = await failure(() => conn.sobject('Lead').retrieve('00QHo00000ZZZZZ'));
    assert.equal(e.errorCode, 'NOT_FOUND');
  });

  test('15-character ids are accepted and answered as 18', async () => {
    const res = await conn.sobject('Account').create({ Name: 'Fifteen Ltd' });
    const rec = await conn.sobject('Account').retrieve(res.id.slice(0, 15));
    assert.equal(rec.Id, res.id);
  });

  test('validation errors carry the real error codes and messages', async () => {
    const lead = conn.sobject('Lead');
    let e = await failure(() => lead.create({ FirstName: 'No' }));
    assert.equal(e.errorCode, 'REQUIRED_FIELD_MISSING');
    assert.match(e.message, /Required fields are missing: \[LastName, Company\]/);
    e = await failure(() => conn.sobject('Contact').create({ FirstName: 'No' }));
    assert.equal(e.errorCode, 'REQUIRED_FIELD_MISSING');
    e = await failure(() => conn.sobject('Account').create({ Phone: '1' }));
    assert.equal(e.errorCode, 'REQUIRED_FIELD_MISSING');
    e = await failure(() => lead.create({ LastName: 'X', Company: 'Y', Email: 'not-an-email' }));
    assert.equal(e.errorCode, 'INVALID_EMAIL_ADDRESS');
    assert.match(e.message, /^Email: invalid email address: not-an-email/);
    e = await failure(() => lead.create({ LastName: 'x'.repeat(81), Company: 'Y' }));
    assert.equal(e.errorCode, 'STRING_TOO_LONG');
    assert.match(e.message, /^Last Name: data value too large: x+ \(max length=80\)/);
    e = await failure(() => lead.create({ LastName: 'X', Company: 'Y', GeocodeAccuracy: 'Galaxy' }));
    assert.equal(e.errorCode, 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST');
    e = await failure(() => lead.create({ LastName: 'X', Company: 'Y', Foo: 'bar' }));
    assert.equal(e.errorCode, 'INVALID_FIELD');
    assert.match(e.message, /No such column 'Foo' on sobject of type Lead/);
    e = await failure(() => lead.create({ LastName: 'X', Company: 'Y', IsConverted: true, Name: 'n' }));
    assert.equal(e.errorCode, 'INVALID_FIELD_FOR_INSERT_UPDATE');
    e = await failure(() => lead.create({ LastName: 'X', Company: 'Y', NumberOfEmployees: 'many' }));
    assert.equal(e.errorCode, 'INVALID_TYPE_ON_FIELD_IN_RECORD');
    e = await failure(() => conn.sobject('Contact').create({ LastName: 'X', AccountId: 'garbage' }));
    assert.equal(e.errorCode, 'MALFORMED_ID');
    const leadId = (await lead.create({ LastName: 'Ref', Company: 'Ref' })).id;
    e = await failure(() => conn.sobject('Contact').create({ LastName: 'X', AccountId: leadId }));
    assert.equal(e.errorCode, 'FIELD_INTEGRITY_EXCEPTION');
    e = await failure(() =>
      conn.sobject('Contact').create({ LastName: 'X', AccountId: '001Ho0000000ZZZ' }),
    );
    assert.equal(e.errorCode, 'INVALID_CROSS_REFERENCE_KEY');
  });

  test('an inactive user cannot own a record (SPEC C17)', async () => {
    const users = await conn.query('SELECT Id, Email, IsActive FROM User ORDER BY Email');
    const byEmail = Object.fromEntries(users.records.map((u) => [u.Email, u]));
    assert.equal(byEmail['former.dan@example.com'].IsActive, false);
    assert.equal(byEmail['owner.alice@example.com'].IsActive, true);
    const e = await failure(() =>
      conn.sobject('Lead').create({
        LastName: 'X',
        Company: 'Y',
        OwnerId: byEmail['former.dan@example.com'].Id,
      }),
    );
    assert.equal(e.errorCode, 'INACTIVE_OWNER_OR_USER');
    const ok = await conn.sobject('Lead').create({
      LastName: 'X',
      Company: 'Y',
      OwnerId: byEmail['owner.alice@example.com'].Id,
    });
    assert.equal(ok.success, true);
  });
});

describe('sObject Collections', () => {
  test('create with partial errors keeps the valid records, in order', async () => {
    const res = await conn.sobject('Contact').create(
      [{ LastName: 'One' }, { FirstName: 'NoLast' }, { LastName: 'Three', Email: 'bad@' }, { LastName: 'Four' }],
      { allOrNone: false },
    );
    assert.equal(res.length, 4);
    assert.equal(res[0].success, true);
    assert.equal(res[1].success, false);
    assert.equal(res[1].errors[0].statusCode, 'REQUIRED_FIELD_MISSING');
    assert.equal(res[2].errors[0].statusCode, 'INVALID_EMAIL_ADDRESS');
    assert.deepEqual(res[2].errors[0].fields, ['Email']);
    assert.equal(res[3].success, true);
    const q = await conn.query(`SELECT LastName FROM Contact WHERE Id IN ('${res[0].id}', '${res[3].id}')`);
    assert.equal(q.totalSize, 2);
  });

  test('allOrNone rolls every record back', async () => {
    const before = (await conn.query('SELECT COUNT() FROM Account')).totalSize;
    const res = await conn.sobject('Account').create([{ Name: 'A1' }, { Phone: 'no name' }, { Name: 'A3' }], {
      allOrNone: true,
    });
    assert.equal(res[1].errors[0].statusCode, 'REQUIRED_FIELD_MISSING');
    for (const i of [0, 2]) {
      assert.equal(res[i].success, false);
      assert.equal(res[i].errors[0].statusCode, 'ALL_OR_NONE_OPERATION_ROLLED_BACK');
      assert.equal(res[i].id, undefined);
    }
    assert.equal((await conn.query('SELECT COUNT() FROM Account')).totalSize, before);
  });

  test('update, retrieve and destroy; malformed and deleted ids fail per record', async () => {
    const created = await conn.sobject('Account').create([{ Name: 'U1' }, { Name: 'U2' }]);
    const ids = created.map((r) => r.id);
    const upd = await conn
      .sobject('Account')
      .update([{ Id: ids[0], Industry: 'Banking' }, { Id: ids[1], Name: 'U2b' }, { Id: 'bogus', Name: 'x' }], {
        allOrNone: false,
      });
    assert.equal(upd[0].success, true);
    assert.equal(upd[1].success, true);
    assert.equal(upd[2].success, false);
    assert.equal(upd[2].errors[0].statusCode, 'MALFORMED_ID');
    const got = await conn.sobject('Account').retrieve(ids, { fields: ['Name', 'Industry'] });
    assert.deepEqual(
      got.map((r) => [r.Name, r.Industry]),
      [
        ['U1', 'Banking'],
        ['U2b', null],
      ],
    );
    const del = await conn.sobject('Account').destroy(ids);
    assert.deepEqual(
      del.map((r) => r.success),
      [true, true],
    );
    const again = await conn.sobject('Account').destroy(ids, { allOrNone: false });
    assert.equal(again[0].errors[0].statusCode, 'ENTITY_IS_DELETED');
  });

  test('more than 200 records is a request error', async () => {
    const records = Array.from({ length: 201 }, (_, i) => ({ attributes: { type: 'Account' }, Name: `N${i}` }));
    const res = await raw('POST', '/services/data/v60.0/composite/sobjects', { allOrNone: false, records });
    assert.equal(res.status, 400);
    assert.equal(res.body[0].errorCode, 'EXCEEDED_ID_LIMIT');
  });

  test('an unknown field fails the whole request with INVALID_FIELD', async () => {
    const res = await raw('POST', '/services/data/v60.0/composite/sobjects', {
      records: [{ attributes: { type: 'Account' }, Name: 'ok' }, { attributes: { type: 'Account' }, Nope: 1 }],
    });
    assert.equal(res.status, 400);
    assert.equal(res.body[0].errorCode, 'INVALID_FIELD');
  });
});

describe('custom schema and upsert', () => {
  before(async () => {
    let r = await admin(sb.salesforce, 'POST', '/__sandbox/salesforce/sobjects', {
      name: 'Project__c',
      label: 'Project',
      fields: [
        { name: 'Code__c', type: 'string', length: 20, label: 'Code', externalId: true, unique: true },
        { name: 'Tag__c', type: 'string', length: 20, label: 'Tag', externalId: true },
        { name: 'Phase__c', type: 'picklist', label: 'Phase', picklistValues: ['Plan', 'Build'], restricted: true },
        { name: 'Account__c', type: 'reference', referenceTo: 'Account', label: 'Account' },
      ],
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    r = await admin(sb.salesforce, 'POST', '/__sandbox/salesforce/sobjects/Lead/fields', {
      fields: [{ name: 'Favorite_Color__c', type: 'string', length: 30, label: 'Favorite Color' }],
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
  });

  test('bad definitions are refused with a clear message', async () => {
    let r = await admin(sb.salesforce, 'POST', '/__sandbox/salesforce/sobjects', { name: 'NoSuffix', label: 'x' });
    assert.equal(r.status, 400);
    assert.match(r.body.error, /custom object API name/);
    r = await admin(sb.salesforce, 'POST', '/__sandbox/salesforce/sobjects/Lead/fields', {
      fields: [{ name: 'Bad__c', type: 'blob' }],
    });
    assert.equal(r.status, 400);
    assert.match(r.body.error, /type must be one of/);
  });

  test('custom objects and fields are described and writable', async () => {
    const d = await conn.sobject('Project__c').describe();
    assert.equal(d.custom, true);
    assert.match(d.keyPrefix, /^a0/);
    const f = Object.fromEntries(d.fields.map((x) => [x.name, x]));
    assert.equal(f.Code__c.externalId, true);
    assert.equal(f.Account__c.relationshipName, 'Account__r');
    const lead = await conn.sobject('Lead').describe();
    assert.ok(lead.fields.some((x) => x.name === 'Favorite_Color__c' && x.custom));
    const id = (await conn.sobject('Lead').create({ LastName: 'C', Company: 'C', Favorite_Color__c: 'teal' })).id;
    const q = await conn.query(`SELECT Favorite_Color__c FROM Lead WHERE Id = '${id}'`);
    assert.equal(q.records[0].Favorite_Color__c, 'teal');
    const e = await failure(() => conn.sobject('Project__c').create({ Name: 'P', Phase__c: 'Ship' }));
    assert.equal(e.errorCode, 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST');
    assert.match(e.message, /^Phase: bad value for restricted picklist field: Ship/);
  });

  test('upsert by external id creates, then updates; created flag as in v46+', async () => {
    const acc = (await conn.sobject('Account').create({ Name: 'Owner Co' })).id;
    const r1 = await conn.sobject('Project__c').upsert({ Code__c: 'P-1', Name: 'First', Account__c: acc }, 'Code__c');
    assert.equal(r1.success, true);
    assert.equal(r1.created, true);
    const r2 = await conn.sobject('Project__c').upsert({ Code__c: 'p-1', Name: 'Renamed' }, 'Code__c');
    assert.equal(r2.created, false);
    assert.equal(r2.id, r1.id);
    const q = await conn.query("SELECT Name, Code__c, Account__r.Name FROM Project__c WHERE Code__c = 'P-1'");
    assert.equal(q.totalSize, 1);
    assert.equal(q.records[0].Name, 'Renamed');
    assert.equal(q.records[0].Account__r.Name, 'Owner Co');
    const e = await failure(() => conn.sobject('Project__c').create({ Name: 'Dup', Code__c: 'P-1' }));
    assert.equal(e.errorCode, 'DUPLICATE_VALUE');
  });

  test('several matches on a non-unique external id answer 300', async () => {
    await conn.sobject('Project__c').create([{ Name: 'a', Tag__c: 'same' }, { Name: 'b', Tag__c: 'same' }]);
    const res = await raw('PATCH', '/services/data/v60.0/sobjects/Project__c/Tag__c/same', { Name: 'c' });
    assert.equal(res.status, 300);
    assert.equal(res.body.length, 2);
    assert.match(res.body[0], /^\/services\/data\/v60\.0\/sobjects\/Project__c\/a0/);
  });

  test('collection upsert reports created per record', async () => {
    const res = await conn
      .sobject('Project__c')
      .upsert([{ Code__c: 'C-1', Name: 'x' }, { Code__c: 'P-1', Name: 'again' }], 'Code__c', {
        allOrNone: false,
      });
    assert.equal(res[0].created, true);
    assert.equal(res[1].created, false);
    // jsforce refuses a record without the key itself: sent raw.
    const noKey = await raw('PATCH', '/services/data/v60.0/composite/sobjects/Project__c/Code__c', {
      allOrNone: false,
      records: [{ attributes: { type: 'Project__c' }, Name: 'no key' }],
    });
    assert.equal(noKey.status, 200);
    assert.equal(noKey.body[0].success, false);
    assert.equal(noKey.body[0].errors[0].statusCode, 'MISSING_ARGUMENT');
  });

  test('upsert on a field that is not an external id is NOT_FOUND', async () => {
    const res = await raw('PATCH', '/services/data/v60.0/sobjects/Lead/LastName/x', { Company: 'c' });
    assert.equal(res.status, 404);
    assert.equal(res.body[0].errorCode, 'NOT_FOUND');
  });

  test('below v46 an upsert update answers 204 and no body', async () => {
    const res = await raw('PATCH', '/services/data/v45.0/sobjects/Project__c/Code__c/C-1', { Name: 'old api' });
    assert.equal(res.status, 204);
  });
});

describe('replication', () => {
  test('updated and deleted list ids by SystemModstamp and deletion time', async () => {
    const start = new Date(Date.now() - 5 * 60000);
    const end = new Date(Date.now() + 2 * 60000);
    const a = (await conn.sobject('Contact').create({ LastName: 'Rep A' })).id;
    const b = (await conn.sobject('Contact').create({ LastName: 'Rep B' })).id;
    await conn.sobject('Contact').destroy(b);
    // Replication covers whole minutes only: wait for the current one to end.
    await new Promise((resolve) => setTimeout(resolve, 60000 - (Date.now() % 60000) + 500));
    const upd = await conn.sobject('Contact').updated(start, end);
    assert.ok(upd.ids.includes(a));
    assert.ok(!upd.ids.includes(b));
    assert.match(upd.latestDateCovered, /:00\.000\+0000$/);
    const del = await conn.sobject('Contact').deleted(start, end);
    assert.ok(del.deletedRecords.some((r) => r.id === b));
    assert.ok(del.earliestDateAvailable);
  });

  test('a start older than 30 days is refused', async () => {
    const e = await failure(() =>
      conn.sobject('Contact').updated(new Date(Date.now() - 40 * 86400000), new Date()),
    );
    assert.equal(e.errorCode, 'INVALID_REPLICATION_DATE');
  });
});

describe('lead conversion and campaigns', () => {
  test('converting a lead creates the Contact and Account and links them (SPEC C14)', async () => {
    const leadId = (
      await conn.sobject('Lead').create({ FirstName: 'Conv', LastName: 'Erted', Company: 'Convert Co', Email: 'c@x.org' })
    ).id;
    const before = (await conn.sobject('Lead').retrieve(leadId)).SystemModstamp;
    const r = await admin(sb.salesforce, 'POST', '/__sandbox/salesforce/convert-lead', { leadId });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const lead = await conn.sobject('Lead').retrieve(leadId);
    assert.equal(lead.IsConverted, true);
    assert.equal(lead.ConvertedContactId, r.body.contactId);
    assert.equal(lead.ConvertedAccountId, r.body.accountId);
    assert.match(lead.ConvertedDate, /^\d{4}-\d\d-\d\d$/);
    assert.ok(lead.SystemModstamp > before);
    const contact = await conn.sobject('Contact').retrieve(r.body.contactId);
    assert.equal(contact.Email, 'c@x.org');
    assert.equal(contact.AccountId, r.body.accountId);
    const account = await conn.sobject('Account').retrieve(r.body.accountId);
    assert.equal(account.Name, 'Convert Co');
    const e = await failure(() => conn.sobject('Lead').update({ Id: leadId, Title: 'x' }));
    assert.equal(e.errorCode, 'CANNOT_UPDATE_CONVERTED_LEAD');
    const again = await admin(sb.salesforce, 'POST', '/__sandbox/salesforce/convert-lead', { leadId });
    assert.equal(again.status, 400);
  });

  test('campaign members link leads and contacts to campaigns (SPEC C12)', async () => {
    const campaigns = await conn.query("SELECT Id, Name FROM Campaign WHERE Name = 'Spring Webinar 2026'");
    assert.equal(campaigns.totalSize, 1);
    const campaignId = campaigns.records[0].Id;
    const leadId = (await conn.sobject('Lead').create({ LastName: 'Member', Company: 'M', Email: 'm@x.org' })).id;
    const res = await conn.sobject('CampaignMember').create([{ CampaignId: campaignId, LeadId: leadId, Status: 'Responded' }]);
    assert.equal(res[0].success, true, JSON.stringify(res[0]));
    assert.match(res[0].id, /^00v/);
    const dup = await conn.sobject('CampaignMember').create([{ CampaignId: campaignId, LeadId: leadId }]);
    assert.equal(dup[0].errors[0].statusCode, 'DUPLICATE_VALUE');
    const q = await conn.query(
      `SELECT Campaign.Name, LeadId, Email, Status FROM CampaignMember WHERE LeadId = '${leadId}'`,
    );
    assert.equal(q.records[0].Campaign.Name, 'Spring Webinar 2026');
    assert.equal(q.records[0].Email, 'm@x.org');
    assert.equal(q.records[0].Status, 'Responded');
  });
});

describe('numbers in bodies', () => {
  test('reals print in their shortest exact form, API bodies and admin echo alike', async () => {
    const faults = await fetch(`${sb.salesforce}/__sandbox/faults`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ api: 'salesforce', rate_500: 0.3, rate_slow: 0.1, slow_ms: 1 }),
    });
    const echo = await faults.text();
    assert.match(echo, /"rate_500":0\.3[,}]/);
    assert.match(echo, /"rate_slow":0\.1[,}]/);
    await admin(sb.salesforce, 'POST', '/__sandbox/faults', {});

    const short = await conn.sobject('Contact').create({
      LastName: 'Geo', MailingLatitude: 37.7749, MailingLongitude: -122.4194,
    });
    const res = await fetch(`${sb.salesforce}/services/data/v60.0/sobjects/Contact/${short.id}`, {
      headers: { Authorization: `Bearer ${TOKEN}` },
    });
    assert.match(await res.text(), /"MailingLatitude":37\.7749,"MailingLongitude":-122\.4194[,}]/);
    // 45.123456789012345 needs 17 significant digits: it must still round-trip.
    const c = await conn.sobject('Contact').create({
      LastName: 'Geo', MailingLatitude: 37.7749, MailingLongitude: 45.123456789012345,
    });
    const got = await conn.sobject('Contact').retrieve(c.id);
    assert.equal(got.MailingLatitude, 37.7749);
    assert.equal(got.MailingLongitude, 45.123456789012345);
    const q = await raw('GET', `/services/data/v60.0/query?q=${encodeURIComponent(
      `SELECT MailingLatitude, MailingLongitude FROM Contact WHERE Id = '${c.id}'`)}`);
    assert.equal(q.body.records[0].MailingLatitude, 37.7749);
    assert.equal(q.body.records[0].MailingLongitude, 45.123456789012345);
  });
});

describe('sessions and limits', () => {
  test('an expired session is refreshed through OAuth and the call retried', async () => {
    const c = connect();
    let refreshed = null;
    c.on('refresh', (token) => {
      refreshed = token;
    });
    const r = await admin(sb.salesforce, 'POST', '/__sandbox/expire-tokens');
    assert.equal(r.status, 200);
    const raw401 = await fetch(`${sb.salesforce}/services/data/v60.0/limits`, {
      headers: { Authorization: `Bearer ${TOKEN}` },
    });
    assert.equal(raw401.status, 401);
    assert.deepEqual(await raw401.json(), [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
    const q = await c.query('SELECT COUNT() FROM User');
    assert.ok(q.totalSize >= 4, 'the seeded users (and any a test created)');
    assert.ok(refreshed, 'jsforce refreshed the token');
    assert.notEqual(c.accessToken, TOKEN);
    conn = connect('60.0', c.accessToken);
  });

  test('bad OAuth grants answer the OAuth error shape', async () => {
    const post = (form) =>
      fetch(`${sb.salesforce}/services/oauth2/token`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(form),
      });
    let res = await post({ grant_type: 'magic', client_id: 'x' });
    assert.equal(res.status, 400);
    assert.equal((await res.json()).error, 'unsupported_grant_type');
    res = await post({ grant_type: 'password', client_id: 'x', username: 'former.dan@example.com', password: 'p' });
    assert.equal((await res.json()).error, 'invalid_grant');
    res = await post({ grant_type: 'client_credentials', client_id: 'x', client_secret: 'y' });
    const ok = await res.json();
    assert.equal(ok.token_type, 'Bearer');
    assert.equal(ok.instance_url, sb.salesforce);
  });

  test('past the daily limit every call is REQUEST_LIMIT_EXCEEDED', async () => {
    const r = await admin(sb.salesforce, 'POST', '/__sandbox/limits', { salesforce_daily: 3, reset_usage: true });
    assert.equal(r.status, 200);
    await conn.limits();
    await conn.limits();
    await conn.limits();
    const e = await failure(() => conn.limits());
    assert.equal(e.errorCode, 'REQUEST_LIMIT_EXCEEDED');
    assert.match(e.message, /TotalRequests Limit exceeded/);
    await admin(sb.salesforce, 'POST', '/__sandbox/limits', { salesforce_daily: 0, reset_usage: true });
  });
});
