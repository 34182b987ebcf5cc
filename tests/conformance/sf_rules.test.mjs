// Validation rules and duplicate rules of the sandbox's Salesforce API,
// driven by jsforce: the admin routes that manage them (POST, GET, DELETE,
// refusals of bad rules), FIELD_CUSTOM_VALIDATION_EXCEPTION and
// DUPLICATES_DETECTED on single creates, updates and upserts (both
// branches), per record in sObject Collections with allOrNone false and
// true, and rules surviving a restart. A refused record is what SPEC R4
// turns into a sync error ("Custom code" and "Duplicates" in R9's
// categories), so its error must look as the real API's does.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createRequire } from 'node:module';

import { TOKEN, admin, startSandboxOn } from './sandbox.mjs';

const require = createRequire(import.meta.url);
const jsforce = require('jsforce');

const VR = '/__sandbox/salesforce/validation-rules';
const DR = '/__sandbox/salesforce/duplicate-rules';

let dir;
let sb;
let conn;

function connect() {
  return new jsforce.Connection({ instanceUrl: sb.salesforce, accessToken: TOKEN, version: '60.0' });
}

async function raw(method, path, body) {
  const res = await fetch(sb.salesforce + path, {
    method,
    headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

async function failure(fn) {
  try {
    await fn();
  } catch (e) {
    return e;
  }
  assert.fail('expected an error');
}

async function post(path, body, status = 201) {
  const r = await admin(sb.salesforce, 'POST', path, body);
  assert.equal(r.status, status, JSON.stringify(r.body));
  return r.body;
}

async function del(path, status = 204) {
  const r = await admin(sb.salesforce, 'DELETE', path);
  assert.equal(r.status, status, JSON.stringify(r.body));
  return r.body;
}

async function leadById(id) {
  const q = await conn.query(`SELECT Id, Phone, LeadSource, Email FROM Lead WHERE Id = '${id}'`);
  return q.records[0];
}

const WEB_RULE = {
  object: 'Lead',
  name: 'Web_needs_phone',
  error_condition: "LeadSource = 'Web' AND Phone = null",
  message: 'Web leads need a phone',
  field: 'Phone',
};

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'crmsync-rules-'));
  sb = await startSandboxOn(dir);
  conn = connect();
  const r = await admin(sb.salesforce, 'POST', '/__sandbox/salesforce/sobjects/Lead/fields', {
    fields: [{ name: 'Ext__c', type: 'string', length: 40, label: 'Ext', externalId: true }],
  });
  assert.equal(r.status, 200, JSON.stringify(r.body));
});

after(async () => {
  await sb?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('admin routes', () => {
  test('POST stores a rule and answers its normalised form; GET lists; a name posted again replaces', async () => {
    const body = await post(VR, { ...WEB_RULE, object: 'lead', field: 'phone' });
    assert.deepEqual(body, { ...WEB_RULE, active: true, fullName: 'Lead.Web_needs_phone' });
    const again = await post(VR, { ...WEB_RULE, name: 'WEB_NEEDS_PHONE', message: 'Phone, please' }, 200);
    assert.equal(again.message, 'Phone, please');
    let list = (await admin(sb.salesforce, 'GET', VR)).body;
    assert.equal(list.filter((r) => r.name.toLowerCase() === 'web_needs_phone').length, 1);
    assert.equal(list.find((r) => r.fullName.toLowerCase() === 'lead.web_needs_phone').message, 'Phone, please');
    await post(VR, WEB_RULE, 200);
    list = (await admin(sb.salesforce, 'GET', `${VR}?object=Contact`)).body;
    assert.deepEqual(list, []);
  });

  test('DELETE by Name or Object.Name; an ambiguous or unknown name is refused', async () => {
    const rule = { error_condition: "Email = 'x@y.z'", message: 'm', name: 'Same_Name' };
    await post(VR, { ...rule, object: 'Lead' });
    await post(VR, { ...rule, object: 'Contact' });
    let r = await admin(sb.salesforce, 'DELETE', `${VR}/Same_Name`);
    assert.equal(r.status, 400);
    assert.match(r.body.error, /several objects \(Lead, Contact\).*Object\.Name/);
    await del(`${VR}/Contact.Same_Name`);
    await del(`${VR}/same_name`);
    r = await admin(sb.salesforce, 'DELETE', `${VR}/Same_Name`);
    assert.equal(r.status, 404);
    assert.match(r.body.error, /no validation rule named 'Same_Name'/);
    const names = (await admin(sb.salesforce, 'GET', VR)).body.map((x) => x.fullName);
    assert.ok(!names.some((n) => /Same_Name/.test(n)), names.join());
  });

  test('bad validation rules are refused with what and where', async () => {
    const cases = [
      [{ ...WEB_RULE, object: undefined }, /object is required/],
      [{ ...WEB_RULE, object: 'Nope__c' }, /object: no sObject named 'Nope__c'/],
      [{ ...WEB_RULE, name: '1st' }, /name '1st' is not a valid API name/],
      [{ ...WEB_RULE, name: 'a__b' }, /not a valid API name/],
      [{ ...WEB_RULE, name: 'x'.repeat(41) }, /not a valid API name/],
      [{ ...WEB_RULE, error_condition: ' ' }, /error_condition is required/],
      [{ ...WEB_RULE, error_condition: "LeadSource = 'Web' AND AND" }, /error_condition: unexpected token: 'AND' \(row 1, column 24 of the condition\)/],
      [{ ...WEB_RULE, error_condition: 'Phonez = null' }, /error_condition: No such column 'Phonez' on entity 'Lead'/],
      [{ ...WEB_RULE, error_condition: 'Owner.Nope = null' }, /No such column 'Nope' on entity 'User'/],
      [{ ...WEB_RULE, error_condition: 'Boss.Name = null' }, /Didn't understand relationship 'Boss'/],
      [{ ...WEB_RULE, error_condition: "Phone = null ORDER BY Phone" }, /ORDER BY, LIMIT and OFFSET/],
      [{ ...WEB_RULE, error_condition: "Address = null" }, /compound field 'Address'/],
      [{ ...WEB_RULE, message: '' }, /message is required/],
      [{ ...WEB_RULE, message: 'm'.repeat(256) }, /message is longer than 255/],
      [{ ...WEB_RULE, field: 'Nope' }, /field: no field 'Nope' on Lead/],
      [{ ...WEB_RULE, active: 'yes' }, /active must be true or false/],
      [{ ...WEB_RULE, errorCondition: 'x' }, /unknown key 'errorCondition'/],
    ];
    for (const [body, want] of cases) {
      const r = await admin(sb.salesforce, 'POST', VR, body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.match(r.body.error, want);
    }
    const r = await fetch(sb.salesforce + VR, { method: 'POST', body: '[1' });
    assert.equal(r.status, 400);
  });

  test('bad duplicate rules are refused with what and where', async () => {
    const cases = [
      [{ object: 'Lead' }, /fields is required/],
      [{ object: 'Lead', fields: [] }, /fields is required/],
      [{ object: 'Lead', fields: ['Emial'] }, /fields\[0\]: no field 'Emial' on Lead/],
      [{ object: 'Lead', fields: ['Email', 'email'] }, /fields\[1\]: Email is listed twice/],
      [{ object: 'Lead', fields: ['HasOptedOutOfEmail'] }, /checkbox/],
      [{ object: 'Lead', fields: ['Email'], action: 'warn' }, /action must be "block", "alert" or "allow"/],
      [{ object: 'Lead', fields: ['Email'], on: ['delete'] }, /on\[0\] must be "create" or "update"/],
      [{ object: 'Lead', fields: ['Email'], name: '_x' }, /not a valid API name/],
      [{ object: 'Leads', fields: ['Email'] }, /no sObject named 'Leads'/],
    ];
    for (const [body, want] of cases) {
      const r = await admin(sb.salesforce, 'POST', DR, body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.match(r.body.error, want);
    }
  });
});

describe('validation rules', () => {
  before(async () => {
    await post(VR, WEB_RULE, 200);
  });

  test('a single create that makes the condition true is refused with the real body', async () => {
    const r = await raw('POST', '/services/data/v60.0/sobjects/Lead', { LastName: 'W', Company: 'C', LeadSource: 'Web' });
    assert.equal(r.status, 400);
    assert.deepEqual(r.body, [
      { message: 'Web leads need a phone', errorCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION', fields: ['Phone'] },
    ]);
    const e = await failure(() => conn.sobject('Lead').create({ LastName: 'W', Company: 'C', LeadSource: 'Web' }));
    assert.equal(e.errorCode, 'FIELD_CUSTOM_VALIDATION_EXCEPTION');
    assert.equal(e.message, 'Web leads need a phone');
    const ok = await conn.sobject('Lead').create({ LastName: 'W', Company: 'C', LeadSource: 'Web', Phone: '555' });
    assert.equal(ok.success, true);
    const other = await conn.sobject('Lead').create({ LastName: 'W', Company: 'C', LeadSource: 'Other' });
    assert.equal(other.success, true);
  });

  test('an update is judged on the merged record, and refused without a change', async () => {
    const id = (await conn.sobject('Lead').create({ LastName: 'U', Company: 'C', LeadSource: 'Web', Phone: '1' })).id;
    let e = await failure(() => conn.sobject('Lead').update({ Id: id, Phone: null }));
    assert.equal(e.errorCode, 'FIELD_CUSTOM_VALIDATION_EXCEPTION');
    assert.deepEqual(e.data.fields, ['Phone']);
    assert.equal((await leadById(id)).Phone, '1');
    await conn.sobject('Lead').update({ Id: id, Title: 'Boss' });
    // A record saved before the rule existed fails on its next edit.
    const before = (await conn.sobject('Lead').create({ LastName: 'B', Company: 'C', LeadSource: 'Other' })).id;
    e = await failure(() => conn.sobject('Lead').update({ Id: before, LeadSource: 'Web' }));
    assert.equal(e.errorCode, 'FIELD_CUSTOM_VALIDATION_EXCEPTION');
    assert.equal((await leadById(before)).LeadSource, 'Other');
  });

  test('upsert is refused on both branches; delete is not judged', async () => {
    let e = await failure(() => conn.sobject('Lead').upsert({ Ext__c: 'up-1', LastName: 'U', Company: 'C', LeadSource: 'Web' }, 'Ext__c'));
    assert.equal(e.errorCode, 'FIELD_CUSTOM_VALIDATION_EXCEPTION');
    const created = await conn.sobject('Lead').upsert({ Ext__c: 'up-1', LastName: 'U', Company: 'C', LeadSource: 'Other' }, 'Ext__c');
    assert.equal(created.created, true);
    e = await failure(() => conn.sobject('Lead').upsert({ Ext__c: 'UP-1', LeadSource: 'Web' }, 'Ext__c'));
    assert.equal(e.errorCode, 'FIELD_CUSTOM_VALIDATION_EXCEPTION');
    assert.equal((await leadById(created.id)).LeadSource, 'Other');
    await conn.sobject('Lead').destroy(created.id);
  });

  test('every failing rule is reported: jsforce raises MULTIPLE_API_ERRORS', async () => {
    await post(VR, { object: 'Lead', name: 'No_Acme', error_condition: "Company LIKE 'Acme%'", message: 'No Acme leads' });
    try {
      const r = await raw('POST', '/services/data/v60.0/sobjects/Lead', { LastName: 'M', Company: 'Acme Corp', LeadSource: 'Web' });
      assert.equal(r.status, 400);
      assert.deepEqual(r.body, [
        { message: 'Web leads need a phone', errorCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION', fields: ['Phone'] },
        { message: 'No Acme leads', errorCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION', fields: [] },
      ]);
      const e = await failure(() => conn.sobject('Lead').create({ LastName: 'M', Company: 'Acme Corp', LeadSource: 'Web' }));
      assert.equal(e.errorCode, 'MULTIPLE_API_ERRORS');
      assert.equal(e.data.length, 2);
    } finally {
      await del(`${VR}/Lead.No_Acme`);
    }
  });

  test('an inactive rule is kept and listed but not enforced', async () => {
    await post(VR, { object: 'Lead', name: 'Off', error_condition: "LastName = 'Off'", message: 'off', active: false });
    try {
      const rule = (await admin(sb.salesforce, 'GET', VR)).body.find((r) => r.name === 'Off');
      assert.equal(rule.active, false);
      assert.equal((await conn.sobject('Lead').create({ LastName: 'Off', Company: 'C' })).success, true);
    } finally {
      await del(`${VR}/Off`);
    }
  });

  test('a new record has no Id yet: "Id = null" limits a rule to creates', async () => {
    await post(VR, { object: 'Lead', name: 'Create_only', error_condition: "Id = null AND Title = 'Trainee'", message: 'No new trainees' });
    try {
      const e = await failure(() => conn.sobject('Lead').create({ LastName: 'T', Company: 'C', Title: 'Trainee' }));
      assert.equal(e.errorCode, 'FIELD_CUSTOM_VALIDATION_EXCEPTION');
      const id = (await conn.sobject('Lead').create({ LastName: 'T', Company: 'C' })).id;
      await conn.sobject('Lead').update({ Id: id, Title: 'Trainee' });
    } finally {
      await del(`${VR}/Create_only`);
    }
  });

  test('a condition may read a parent record through a relationship', async () => {
    await post(VR, { object: 'Contact', name: 'Not_blocked_accounts', error_condition: "Account.Name = 'Blocked Co'", message: 'Blocked account' });
    try {
      const blocked = (await conn.sobject('Account').create({ Name: 'Blocked Co' })).id;
      const fine = (await conn.sobject('Account').create({ Name: 'Fine Co' })).id;
      const e = await failure(() => conn.sobject('Contact').create({ LastName: 'P', AccountId: blocked }));
      assert.equal(e.errorCode, 'FIELD_CUSTOM_VALIDATION_EXCEPTION');
      assert.equal((await conn.sobject('Contact').create({ LastName: 'P', AccountId: fine })).success, true);
      assert.equal((await conn.sobject('Contact').create({ LastName: 'P' })).success, true);
    } finally {
      await del(`${VR}/Contact.Not_blocked_accounts`);
    }
  });

  test('collections report the refusal per record (allOrNone false)', async () => {
    const res = await conn.sobject('Lead').create(
      [
        { LastName: 'A', Company: 'C', LeadSource: 'Web' },
        { LastName: 'B', Company: 'C', LeadSource: 'Web', Phone: '2' },
      ],
      { allOrNone: false },
    );
    assert.equal(res[0].success, false);
    assert.deepEqual(res[0].errors, [
      { statusCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION', message: 'Web leads need a phone', fields: ['Phone'] },
    ]);
    assert.equal(res[1].success, true);
    const upd = await conn.sobject('Lead').update([{ Id: res[1].id, Phone: null }, { Id: res[1].id, Title: 'T' }], { allOrNone: false });
    assert.equal(upd[0].errors[0].statusCode, 'FIELD_CUSTOM_VALIDATION_EXCEPTION');
    assert.equal(upd[1].success, true);
    const ups = await conn.sobject('Lead').upsert(
      [
        { Ext__c: 'coll-1', LastName: 'A', Company: 'C', LeadSource: 'Web' },
        { Ext__c: 'coll-2', LastName: 'A', Company: 'C' },
      ],
      'Ext__c',
      { allOrNone: false },
    );
    assert.equal(ups[0].errors[0].statusCode, 'FIELD_CUSTOM_VALIDATION_EXCEPTION');
    assert.equal(ups[1].success, true);
  });

  test('collections with allOrNone true keep the refusal and roll the rest back', async () => {
    const res = await conn.sobject('Lead').create(
      [
        { LastName: 'Aon', Company: 'AllOrNone', Phone: '1' },
        { LastName: 'Aon', Company: 'AllOrNone', LeadSource: 'Web' },
      ],
      { allOrNone: true },
    );
    assert.equal(res[0].success, false);
    assert.equal(res[0].errors[0].statusCode, 'ALL_OR_NONE_OPERATION_ROLLED_BACK');
    assert.equal(res[1].errors[0].statusCode, 'FIELD_CUSTOM_VALIDATION_EXCEPTION');
    const q = await conn.query("SELECT Id FROM Lead WHERE Company = 'AllOrNone'");
    assert.equal(q.totalSize, 0);
  });
});

describe('duplicate rules', () => {
  let first;
  before(async () => {
    const body = await post(DR, { object: 'Lead', fields: ['Email'], action: 'block' });
    assert.equal(body.name, 'Lead_Duplicate_Rule_1');
    assert.deepEqual(body.on, ['create', 'update']);
    first = (await conn.sobject('Lead').create({ LastName: 'D', Company: 'C', Email: 'dup@example.com' })).id;
  });

  test('a matching create is refused with DUPLICATES_DETECTED and the duplicateResult', async () => {
    const r = await raw('POST', '/services/data/v60.0/sobjects/Lead', { LastName: 'E', Company: 'C', Email: 'DUP@example.COM' });
    assert.equal(r.status, 400);
    assert.deepEqual(r.body, [
      {
        errorCode: 'DUPLICATES_DETECTED',
        message: 'Use one of these records?',
        fields: [],
        duplicateResult: {
          allowSave: false,
          duplicateRule: 'Lead_Duplicate_Rule_1',
          duplicateRuleEntityType: 'Lead',
          errorMessage: 'Use one of these records?',
          matchResults: [
            {
              entityType: 'Lead',
              errors: [],
              matchEngine: 'ExactMatchEngine',
              matchRecords: [
                {
                  additionalInformation: [],
                  fieldDiffs: [],
                  matchConfidence: 100,
                  record: { attributes: { type: 'Lead', url: `/services/data/v60.0/sobjects/Lead/${first}` }, Id: first },
                },
              ],
              rule: 'Lead_Duplicate_Rule_1_Match',
              size: 1,
              success: true,
            },
          ],
        },
      },
    ]);
    const e = await failure(() => conn.sobject('Lead').create({ LastName: 'E', Company: 'C', Email: 'dup@example.com' }));
    assert.equal(e.errorCode, 'DUPLICATES_DETECTED');
    assert.equal(e.data.duplicateResult.matchResults[0].matchRecords[0].record.Id, first);
  });

  test('blank values never match; deleted records do not count', async () => {
    assert.equal((await conn.sobject('Lead').create({ LastName: 'N', Company: 'C' })).success, true);
    assert.equal((await conn.sobject('Lead').create({ LastName: 'N', Company: 'C' })).success, true);
    const gone = (await conn.sobject('Lead').create({ LastName: 'G', Company: 'C', Email: 'gone@example.com' })).id;
    await conn.sobject('Lead').destroy(gone);
    assert.equal((await conn.sobject('Lead').create({ LastName: 'G', Company: 'C', Email: 'gone@example.com' })).success, true);
  });

  test('updates are judged too (the record itself excluded); "on" can limit a rule to creates', async () => {
    await conn.sobject('Lead').update({ Id: first, Title: 'Same record' });
    const other = (await conn.sobject('Lead').create({ LastName: 'O', Company: 'C', Email: 'other@example.com' })).id;
    const e = await failure(() => conn.sobject('Lead').update({ Id: other, Email: 'dup@example.com' }));
    assert.equal(e.errorCode, 'DUPLICATES_DETECTED');
    await post(DR, { object: 'Lead', name: 'Lead_Duplicate_Rule_1', fields: ['Email'], on: ['create'] }, 200);
    await conn.sobject('Lead').update({ Id: other, Email: 'dup@example.com' });
    await post(DR, { object: 'Lead', name: 'Lead_Duplicate_Rule_1', fields: ['Email'] }, 200);
  });

  test('an "allow" rule lets the duplicate through; several fields must all match', async () => {
    await post(DR, { object: 'Lead', name: 'Lead_Duplicate_Rule_1', fields: ['Email'], action: 'allow' }, 200);
    assert.equal((await conn.sobject('Lead').create({ LastName: 'A', Company: 'C', Email: 'dup@example.com' })).success, true);
    await post(DR, { object: 'Lead', name: 'Ext_and_name', fields: ['Ext__c', 'LastName'], message: 'Same ext and name' });
    try {
      await conn.sobject('Lead').create({ LastName: 'Pair', Company: 'C', Ext__c: 'pair-1' });
      assert.equal((await conn.sobject('Lead').create({ LastName: 'Other', Company: 'C', Ext__c: 'pair-2' })).success, true);
      const e = await failure(() => conn.sobject('Lead').create({ LastName: 'PAIR', Company: 'C', Ext__c: 'PAIR-1' }));
      assert.equal(e.errorCode, 'DUPLICATES_DETECTED');
      assert.equal(e.message, 'Same ext and name');
    } finally {
      await del(`${DR}/Ext_and_name`);
      await post(DR, { object: 'Lead', name: 'Lead_Duplicate_Rule_1', fields: ['Email'] }, 200);
    }
  });

  test('an "alert" rule refuses with allowSave true unless Sforce-Duplicate-Rule-Header allows the save', async () => {
    await post(DR, { object: 'Contact', name: 'Contact_email', fields: ['Email'], action: 'alert' });
    try {
      await conn.sobject('Contact').create({ LastName: 'A', Email: 'alert@example.com' });
      const e = await failure(() => conn.sobject('Contact').create({ LastName: 'B', Email: 'alert@example.com' }));
      assert.equal(e.errorCode, 'DUPLICATES_DETECTED');
      assert.equal(e.data.duplicateResult.allowSave, true);
      const headers = { 'Sforce-Duplicate-Rule-Header': 'allowSave=true; includeRecordDetails=false' };
      const ok = await conn.sobject('Contact').create({ LastName: 'B', Email: 'alert@example.com' }, { headers });
      assert.equal(ok.success, true);
      const coll = await conn.sobject('Contact').create(
        [{ LastName: 'C', Email: 'alert@example.com' }],
        { allOrNone: false, headers },
      );
      assert.equal(coll[0].success, true);
      const off = { 'Sforce-Duplicate-Rule-Header': 'allowSave=false' };
      const refused = await conn.sobject('Contact').create([{ LastName: 'D', Email: 'alert@example.com' }], { allOrNone: false, headers: off });
      assert.equal(refused[0].errors[0].statusCode, 'DUPLICATES_DETECTED');
      // The header never lets a "block" rule's duplicate through.
      const blocked = await failure(() => conn.sobject('Lead').create({ LastName: 'E', Company: 'C', Email: 'dup@example.com' }, { headers }));
      assert.equal(blocked.errorCode, 'DUPLICATES_DETECTED');
      assert.equal(blocked.data.duplicateResult.allowSave, false);
    } finally {
      await del(`${DR}/Contact_email`);
    }
  });

  test('the first matching rule refuses the save; at most 5 active rules per object', async () => {
    await post(DR, { object: 'Lead', name: 'By_last_name', fields: ['LastName'], message: 'Same last name' });
    const extra = ['R3', 'R4', 'R5'];
    try {
      const r = await raw('POST', '/services/data/v60.0/sobjects/Lead', { LastName: 'D', Company: 'C', Email: 'dup@example.com' });
      assert.equal(r.status, 400);
      assert.equal(r.body.length, 1);
      assert.equal(r.body[0].duplicateResult.duplicateRule, 'Lead_Duplicate_Rule_1');
      for (const name of extra) await post(DR, { object: 'Lead', name, fields: ['Title'] });
      const six = await admin(sb.salesforce, 'POST', DR, { object: 'Lead', name: 'R6', fields: ['Title'] });
      assert.equal(six.status, 400);
      assert.match(six.body.error, /Lead already has 5 active duplicate rules/);
      await post(DR, { object: 'Lead', name: 'R6', fields: ['Title'], active: false });
      await post(DR, { object: 'Lead', name: 'R5', fields: ['Title', 'Company'] }, 200);
      assert.equal((await admin(sb.salesforce, 'POST', DR, { object: 'Contact', name: 'R6', fields: ['Title'] })).status, 201);
    } finally {
      for (const name of ['By_last_name', ...extra, 'Lead.R6', 'Contact.R6']) await del(`${DR}/${name}`);
    }
  });

  test('collections report DUPLICATES_DETECTED per record, with allOrNone false and true', async () => {
    let res = await conn.sobject('Lead').create(
      [
        { LastName: 'C1', Company: 'C', Email: 'dup@example.com' },
        { LastName: 'C2', Company: 'C', Email: 'fresh@example.com' },
      ],
      { allOrNone: false },
    );
    assert.equal(res[0].errors[0].statusCode, 'DUPLICATES_DETECTED');
    assert.equal(res[0].errors[0].duplicateResult.duplicateRule, 'Lead_Duplicate_Rule_1');
    const dups = await conn.query("SELECT Id FROM Lead WHERE Email = 'dup@example.com'");
    assert.equal(res[0].errors[0].duplicateResult.matchResults[0].size, dups.totalSize);
    assert.ok(dups.totalSize >= 2);
    assert.equal(res[1].success, true);
    res = await conn.sobject('Lead').create(
      [
        { LastName: 'C3', Company: 'C', Email: 'fresh2@example.com' },
        { LastName: 'C4', Company: 'C', Email: 'dup@example.com' },
      ],
      { allOrNone: true },
    );
    assert.equal(res[0].errors[0].statusCode, 'ALL_OR_NONE_OPERATION_ROLLED_BACK');
    assert.equal(res[1].errors[0].statusCode, 'DUPLICATES_DETECTED');
    const q = await conn.query("SELECT Id FROM Lead WHERE Email = 'fresh2@example.com'");
    assert.equal(q.totalSize, 0);
  });
});

describe('restart', () => {
  test('rules survive a sandbox restart', async () => {
    await sb.stop();
    sb = await startSandboxOn(dir);
    conn = connect();
    const list = (await admin(sb.salesforce, 'GET', VR)).body;
    assert.ok(list.some((r) => r.fullName === 'Lead.Web_needs_phone'), JSON.stringify(list));
    const e = await failure(() => conn.sobject('Lead').create({ LastName: 'R', Company: 'C', LeadSource: 'Web' }));
    assert.equal(e.errorCode, 'FIELD_CUSTOM_VALIDATION_EXCEPTION');
    const d = await failure(() => conn.sobject('Lead').create({ LastName: 'R', Company: 'C', Email: 'dup@example.com' }));
    assert.equal(d.errorCode, 'DUPLICATES_DETECTED');
    await del(`${VR}/Web_needs_phone`);
    assert.equal((await conn.sobject('Lead').create({ LastName: 'R', Company: 'C', LeadSource: 'Web' })).success, true);
  });
});
