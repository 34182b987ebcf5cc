// The sandbox's Lead, Contact and Account describes against real describe
// responses recorded from Salesforce orgs (tests/fixtures/salesforce, see its
// SOURCES.md): every field of a fixture must exist in the sandbox with every
// key the fixture gives it equal, in the fixture's order; the object-level
// keys must match, except the org-specific ones docs/sandbox-salesforce.md
// lists. The sandbox's extra fields are pinned here so the docs stay true.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { after, before, describe, test } from 'node:test';

import { TOKEN, admin, startSandbox } from './sandbox.mjs';

const require = createRequire(import.meta.url);
const jsforce = require('jsforce');

const FIXTURES = new URL('../fixtures/salesforce/', import.meta.url);
const OBJECTS = ['Lead', 'Contact', 'Account'];

// Fields the sandbox has and the recorded describes lack (docs/
// sandbox-salesforce.md, "Describe"): standard fields a describe leaves out
// when field-level security hides them or record types are off.
const EXTRAS = {
  Lead: ['RecordTypeId', 'HasOptedOutOfEmail', 'HasOptedOutOfFax', 'DoNotCall'],
  Contact: ['RecordTypeId', 'HasOptedOutOfEmail', 'HasOptedOutOfFax', 'DoNotCall'],
  Account: [],
};

// Object-level keys compared on their own (below) rather than for equality.
const OBJECT_KEYS_APART = new Set(['fields', 'childRelationships', 'recordTypeInfos', 'urls']);

let sb;

function fixture(name) {
  return JSON.parse(readFileSync(new URL(`${name}.describe.json`, FIXTURES), 'utf8'));
}

// The API version a fixture was recorded at (one of them hides it: "vxx.0").
function versionOf(fx) {
  const m = /\/v(\d+\.\d)\//.exec(fx.urls.describe);
  return m ? m[1] : '59.0';
}

async function getDescribe(object, version) {
  const res = await fetch(`${sb.salesforce}/services/data/v${version}/sobjects/${object}/describe`, {
    headers: { Authorization: `Bearer ${TOKEN}` },
  });
  assert.equal(res.status, 200, `GET ${object}/describe`);
  return res.json();
}

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
const show = (v) => JSON.stringify(v);

// Every difference between the fixture's fields and the sandbox's, as
// "Object.Field.key: fixture X, sandbox Y" lines; empty when they match.
export function fieldDifferences(object, fx, got) {
  const out = [];
  const byName = new Map(got.fields.map((f) => [f.name, f]));
  for (const f of fx.fields) {
    const g = byName.get(f.name);
    if (g === undefined) {
      out.push(`${object}.${f.name}: missing from the sandbox`);
      continue;
    }
    for (const key of Object.keys(f)) {
      if (!(key in g)) out.push(`${object}.${f.name}.${key}: fixture ${show(f[key])}, sandbox has no key`);
      else if (!same(f[key], g[key])) out.push(`${object}.${f.name}.${key}: fixture ${show(f[key])}, sandbox ${show(g[key])}`);
    }
  }
  return out;
}

before(async () => {
  sb = await startSandbox();
});

after(async () => {
  await sb?.stop();
});

describe('describe matches the recorded describes', () => {
  for (const object of OBJECTS) {
    test(`${object}: every fixture field, key by key`, async () => {
      const fx = fixture(object);
      const got = await getDescribe(object, versionOf(fx));
      const diffs = fieldDifferences(object, fx, got);
      assert.deepEqual(diffs, [], `${diffs.length} differences:\n${diffs.join('\n')}`);
    });

    test(`${object}: fields in the fixture's order, extras as documented`, async () => {
      const fx = fixture(object);
      const got = await getDescribe(object, versionOf(fx));
      const known = new Set(fx.fields.map((f) => f.name));
      const ours = got.fields.map((f) => f.name);
      assert.deepEqual(ours.filter((n) => known.has(n)), fx.fields.map((f) => f.name));
      assert.deepEqual(ours.filter((n) => !known.has(n)), EXTRAS[object]);
      // The extras carry the same key set as every real field.
      const keys = Object.keys(fx.fields[0]).sort();
      for (const f of got.fields.filter((x) => !known.has(x.name))) {
        for (const k of keys) assert.ok(k in f, `${object}.${f.name} lacks ${k}`);
      }
    });

    test(`${object}: object-level keys`, async () => {
      const fx = fixture(object);
      const version = versionOf(fx);
      const got = await getDescribe(object, version);
      for (const key of Object.keys(fx)) {
        if (OBJECT_KEYS_APART.has(key)) continue;
        assert.ok(key in got, `${object}.${key}: sandbox has no key`);
        assert.deepEqual(got[key], fx[key], `${object}.${key}`);
      }
      // urls: the resources the sandbox serves, at the requested version.
      for (const key of ['sobject', 'describe', 'rowTemplate']) {
        assert.equal(got.urls[key], fx.urls[key].replace('/vxx.0/', `/v${version}/`), `${object}.urls.${key}`);
      }
      // recordTypeInfos: the master record type as recorded (the Account
      // recording's org adds its own record types, which are not standard).
      const master = (infos) => infos.find((r) => r.master);
      const m = structuredClone(master(fx.recordTypeInfos));
      m.urls.layout = m.urls.layout.replace('/vxx.0/', `/v${version}/`);
      if (!fx.recordTypeInfos.some((r) => r.defaultRecordTypeMapping && !r.master)) {
        assert.deepEqual(master(got.recordTypeInfos), m, `${object}.recordTypeInfos`);
      } else {
        assert.deepEqual({ ...master(got.recordTypeInfos), defaultRecordTypeMapping: false }, m);
      }
    });

    test(`${object}: child relationships between objects the sandbox has`, async () => {
      const fx = fixture(object);
      const got = await getDescribe(object, versionOf(fx));
      const pair = (r) => `${r.childSObject}.${r.field}`;
      const ours = new Map(got.childRelationships.map((r) => [pair(r), r]));
      const described = new Map();
      const fieldsOf = async (name) => {
        if (!described.has(name)) {
          const res = await fetch(`${sb.salesforce}/services/data/v59.0/sobjects/${name}/describe`, {
            headers: { Authorization: `Bearer ${TOKEN}` },
          });
          described.set(name, res.status === 200 ? new Set((await res.json()).fields.map((f) => f.name)) : new Set());
        }
        return described.get(name);
      };
      // Each recorded relationship whose child the sandbox has is there, equal.
      let compared = 0;
      for (const r of fx.childRelationships) {
        if (!(await fieldsOf(r.childSObject)).has(r.field)) continue;
        assert.deepEqual(ours.get(pair(r)), r, `${object}.childRelationships ${pair(r)}`);
        compared++;
      }
      assert.ok(compared >= 2, `${object}: only ${compared} child relationships compared`);
      // And the converse, for children whose standard field a recording has
      // (the recorded custom fields were added to the recording by hand,
      // without their relationships).
      const recorded = new Set(fx.childRelationships.map(pair));
      for (const r of got.childRelationships) {
        if (!OBJECTS.includes(r.childSObject) || r.field.endsWith('__c')) continue;
        if (!fixture(r.childSObject).fields.some((f) => f.name === r.field)) continue;
        assert.ok(recorded.has(pair(r)), `${object}.childRelationships ${pair(r)} is not in the recording`);
      }
      const keys = Object.keys(fx.childRelationships[0]).sort();
      for (const r of got.childRelationships) assert.deepEqual(Object.keys(r).sort(), keys, pair(r));
    });
  }

  test('the comparison names the object, field and key that differ', async () => {
    const fx = fixture('Lead');
    const got = structuredClone(await getDescribe('Lead', versionOf(fx)));
    got.fields.find((f) => f.name === 'Email').length = 81;
    delete got.fields.find((f) => f.name === 'City').groupable;
    got.fields = got.fields.filter((f) => f.name !== 'Title');
    assert.deepEqual(fieldDifferences('Lead', fx, got), [
      'Lead.Title: missing from the sandbox',
      'Lead.City.groupable: fixture true, sandbox has no key',
      'Lead.Email.length: fixture 80, sandbox 81',
    ]);
  });
});

describe('derived attributes of fields the fixtures do not cover', () => {
  before(async () => {
    const r = await admin(sb.salesforce, 'POST', '/__sandbox/salesforce/sobjects/Account/fields', {
      fields: [
        { name: 'Notes__c', type: 'textarea', length: 32768, label: 'Notes' },
        { name: 'Regions__c', type: 'multipicklist', label: 'Regions', picklistValues: ['EMEA', 'APAC'] },
        { name: 'Champion__c', type: 'reference', referenceTo: 'Contact', label: 'Champion' },
      ],
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
  });

  test('custom long text, multi-select picklist and lookup follow the real rules', async () => {
    const d = await getDescribe('Account', '59.0');
    const f = Object.fromEntries(d.fields.map((x) => [x.name, x]));
    const attrs = (x) => [x.filterable, x.sortable, x.groupable, x.aggregatable, x.extraTypeInfo, x.byteLength];
    assert.deepEqual(attrs(f.Notes__c), [false, false, false, false, 'plaintextarea', 98304]);
    assert.deepEqual(attrs(f.Regions__c), [true, false, false, false, null, f.Regions__c.length]);
    assert.deepEqual(attrs(f.Champion__c), [true, true, true, true, null, 18]);
    assert.equal(f.Champion__c.compoundFieldName, null);
    assert.equal(f.Champion__c.permissionable, true);
    // A custom lookup is a child relationship of its target (unnamed here).
    const contact = await getDescribe('Contact', '59.0');
    const child = contact.childRelationships.find((r) => r.field === 'Champion__c');
    assert.equal(child.childSObject, 'Account');
    assert.equal(child.relationshipName, null);
  });

  test('a polymorphic lookup is a child relationship of each of its targets', async () => {
    for (const object of ['Lead', 'Contact']) {
      const d = await getDescribe(object, '59.0');
      assert.ok(
        d.childRelationships.some((r) => r.childSObject === 'CampaignMember' && r.field === 'LeadOrContactId'),
        `${object} lists CampaignMember.LeadOrContactId`,
      );
    }
  });
});

describe('record types', () => {
  test("an object's active record types follow its master record type, by name", async () => {
    const conn = new jsforce.Connection({ instanceUrl: sb.salesforce, accessToken: TOKEN, version: '59.0' });
    for (const [object, dev] of [['Lead', 'Partner_Lead'], ['Contact', 'Partner_Contact']]) {
      const q = await conn.query(`SELECT Id, Name FROM RecordType WHERE SobjectType = '${object}' AND DeveloperName = '${dev}'`);
      assert.equal(q.totalSize, 1);
      const d = await getDescribe(object, '59.0');
      assert.deepEqual(
        d.recordTypeInfos.map((r) => [r.name, r.developerName, r.recordTypeId, r.master, r.defaultRecordTypeMapping]),
        [
          ['Master', 'Master', '012000000000000AAA', true, true],
          [q.records[0].Name, dev, q.records[0].Id, false, false],
        ],
      );
      const partner = d.recordTypeInfos[1];
      assert.equal(partner.urls.layout, `/services/data/v59.0/sobjects/${object}/describe/layouts/${partner.recordTypeId}`);
    }
    const account = await getDescribe('Account', '59.0');
    assert.deepEqual(account.recordTypeInfos.map((r) => r.name), ['Master']);
  });
});

describe('jsforce reads the describes', () => {
  test('sobject().describe() and describeGlobal() agree with the REST answer', async () => {
    const conn = new jsforce.Connection({ instanceUrl: sb.salesforce, accessToken: TOKEN, version: '59.0' });
    for (const object of OBJECTS) {
      const viaSdk = await conn.sobject(object).describe();
      const viaRest = await getDescribe(object, '59.0');
      assert.deepEqual(viaSdk.fields.map((f) => f.name), viaRest.fields.map((f) => f.name));
      assert.equal(viaSdk.keyPrefix, fixture(object).keyPrefix);
      const lastName = viaSdk.fields.find((f) => f.name === (object === 'Account' ? 'Name' : 'LastName'));
      assert.equal(lastName.nillable, false);
      assert.equal(lastName.compoundFieldName, 'Name');
    }
    const g = await conn.describeGlobal();
    const lead = g.sobjects.find((s) => s.name === 'Lead');
    assert.equal(lead.mruEnabled, true);
    assert.equal(lead.deepCloneable, false);
    assert.equal(g.sobjects.find((s) => s.name === 'Campaign').deepCloneable, true);
  });
});
