// Conformance of the sandbox's Bulk API 2.0, driven by jsforce's bulk2 as an
// application would: ingest jobs (insert, update, upsert by external id,
// delete) with their successful / failed / unprocessed results, query jobs
// paged by Sforce-Locator and maxRecords, CSV dialects, aborting, the
// documented size limits, job errors, and the daily API request count
// (SPEC R6: every call counts).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, test } from 'node:test';
import { createRequire } from 'node:module';

import { TOKEN, admin, crmsyncBin, startSandbox } from './sandbox.mjs';

const require = createRequire(import.meta.url);
const jsforce = require('jsforce');

const SEED_LEADS = 2500;
const V = '/services/data/v60.0';
let sb;
let conn;

async function raw(method, path, body, headers = {}) {
  const h = { Authorization: `Bearer ${TOKEN}`, ...headers };
  if (body !== undefined && !h['Content-Type']) h['Content-Type'] = 'application/json';
  const res = await fetch(sb.salesforce + path, {
    method,
    headers: h,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  return { status: res.status, headers: res.headers, text, body: json };
}

async function failure(fn) {
  try {
    await fn();
  } catch (e) {
    return e;
  }
  assert.fail('expected an error');
}

async function load(object, operation, input, extra = {}) {
  return conn.bulk2.loadAndWaitForResults({ object, operation, input, pollInterval: 50, pollTimeout: 60000, ...extra });
}

// Creates an ingest job, uploads csv and closes it; returns the job id.
async function rawJob(body, csv) {
  const r = await raw('POST', `${V}/jobs/ingest`, body);
  assert.equal(r.status, 200, r.text);
  const up = await raw('PUT', `${V}/jobs/ingest/${r.body.id}/batches`, csv, { 'Content-Type': 'text/csv' });
  assert.equal(up.status, 201, up.text);
  const close = await raw('PATCH', `${V}/jobs/ingest/${r.body.id}`, { state: 'UploadComplete' });
  assert.equal(close.status, 200, close.text);
  assert.equal(close.body.state, 'UploadComplete');
  return r.body.id;
}

async function waitDone(kind, id) {
  for (let i = 0; i < 600; i++) {
    const r = await raw('GET', `${V}/jobs/${kind}/${id}`);
    if (['JobComplete', 'Failed', 'Aborted'].includes(r.body.state)) return r.body;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.fail(`job ${id} did not finish`);
}

before(async () => {
  sb = await startSandbox(['--seed-leads', String(SEED_LEADS)]);
  conn = new jsforce.Connection({ instanceUrl: sb.salesforce, accessToken: TOKEN, version: '60.0' });
  let r = await admin(sb.salesforce, 'POST', '/__sandbox/salesforce/sobjects/Contact/fields', {
    fields: [{ name: 'Ext_Id__c', type: 'string', length: 40, label: 'Ext Id', externalId: true, unique: true }],
  });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  r = await admin(sb.salesforce, 'POST', '/__sandbox/salesforce/sobjects/Account/fields', {
    fields: [{ name: 'Acct_Ext__c', type: 'string', length: 40, label: 'Acct Ext', externalId: true, unique: true }],
  });
  assert.equal(r.status, 200, JSON.stringify(r.body));
});

after(async () => {
  await sb?.stop();
});

describe('ingest jobs', () => {
  test('insert: every row created, results name the new ids', async () => {
    const csv = 'FirstName,LastName,Email,Ext_Id__c\nAda,Lovelace,ada@example.com,E-1\n' +
      'Grace,"Hopper, Rear Adm.",grace@example.com,E-2\n"Multi\nLine","Quote""",q@example.com,E-3\n';
    const r = await load('Contact', 'insert', csv);
    assert.equal(r.failedResults.length, 0, JSON.stringify(r.failedResults));
    assert.equal(r.successfulResults.length, 3);
    assert.deepEqual(r.unprocessedRecords, []);
    const byExt = Object.fromEntries(r.successfulResults.map((x) => [x.Ext_Id__c, x]));
    assert.equal(byExt['E-1'].sf__Created, 'true');
    assert.match(byExt['E-1'].sf__Id, /^003[A-Za-z0-9]{15}$/);
    const rec = await conn.sobject('Contact').retrieve(byExt['E-2'].sf__Id);
    assert.equal(rec.LastName, 'Hopper, Rear Adm.');
    const q = await conn.sobject('Contact').retrieve(byExt['E-3'].sf__Id);
    assert.equal(q.FirstName, 'Multi\nLine');
    assert.equal(q.LastName, 'Quote"');
  });

  test('bad rows go to failedResults with Salesforce error text; the job completes', async () => {
    const job = conn.bulk2.createJob({ object: 'Contact', operation: 'insert' });
    await job.open();
    await job.uploadData('LastName,Email,Birthdate\nGood,good@example.com,1990-05-01\n' +
      'NoEmail,not-an-email,\n,missing@example.com,\nBadDate,d@example.com,yesterday\n');
    await job.close();
    await job.poll(50, 60000);
    const info = await job.check();
    assert.equal(info.state, 'JobComplete');
    assert.equal(info.numberRecordsProcessed, 4);
    assert.equal(info.numberRecordsFailed, 3);
    assert.equal(info.jobType, 'V2Ingest');
    const failed = await job.getFailedResults();
    const errors = Object.fromEntries(failed.map((x) => [x.LastName || x.Email, x.sf__Error]));
    assert.equal(errors.NoEmail, 'INVALID_EMAIL_ADDRESS:Email: invalid email address: not-an-email:Email --');
    assert.equal(errors['missing@example.com'], 'REQUIRED_FIELD_MISSING:Required fields are missing: [LastName]:LastName --');
    assert.match(errors.BadDate, /^INVALID_TYPE_ON_FIELD_IN_RECORD:Birthdate: value not of required type: .*yesterday.*:Birthdate --$/);
    assert.ok(failed.every((x) => x.sf__Id === ''));
    const ok = await job.getSuccessfulResults();
    assert.equal(ok.length, 1);
    assert.equal((await conn.sobject('Contact').retrieve(ok[0].sf__Id)).Birthdate, '1990-05-01');
    const raws = await job.getFailedResults(true);
    assert.match(raws, /^"sf__Id","sf__Error","LastName","Email","Birthdate"\n/);
  });

  test('update: empty cells keep values, #N/A clears them, booleans parse', async () => {
    const ins = await load('Contact', 'insert', 'LastName,Title,Department\nUpd,Boss,Sales\n');
    const id = ins.successfulResults[0].sf__Id;
    const r = await load('Contact', 'update',
      `Id,Title,Department,HasOptedOutOfEmail\n${id},,#N/A,TRUE\n003000000000000AAA,x,,false\n`);
    assert.equal(r.successfulResults.length, 1);
    assert.equal(r.successfulResults[0].sf__Created, 'false');
    const rec = await conn.sobject('Contact').retrieve(id);
    assert.equal(rec.Title, 'Boss');
    assert.equal(rec.Department, null);
    assert.equal(rec.HasOptedOutOfEmail, true);
    assert.equal(r.failedResults.length, 1);
    assert.match(r.failedResults[0].sf__Error, /^(ENTITY_IS_DELETED|INVALID_CROSS_REFERENCE_KEY|MALFORMED_ID|NOT_FOUND):/);
  });

  test('upsert by external id: creates and updates, sf__Created says which', async () => {
    const first = await load('Contact', 'upsert', 'Ext_Id__c,LastName\nU-1,One\nU-2,Two\n', { externalIdFieldName: 'Ext_Id__c' });
    assert.deepEqual(first.successfulResults.map((x) => x.sf__Created).sort(), ['true', 'true']);
    const again = await load('Contact', 'upsert', 'Ext_Id__c,LastName\nU-1,Uno\nU-3,Three\n,Nobody\n', { externalIdFieldName: 'Ext_Id__c' });
    const created = Object.fromEntries(again.successfulResults.map((x) => [x.Ext_Id__c, x.sf__Created]));
    assert.deepEqual(created, { 'U-1': 'false', 'U-3': 'true' });
    assert.equal(again.failedResults.length, 1);
    assert.equal(again.failedResults[0].sf__Error, 'MISSING_ARGUMENT:Ext_Id__c not specified:--');
    const q = await conn.query("SELECT LastName FROM Contact WHERE Ext_Id__c = 'U-1'");
    assert.equal(q.records[0].LastName, 'Uno');
  });

  test('a relationship column sets the reference from the parent external id', async () => {
    const acct = await conn.sobject('Account').create({ Name: 'Parent Co', Acct_Ext__c: 'ACC-9' });
    const r = await load('Contact', 'insert', 'LastName,Account.Acct_Ext__c\nChild,ACC-9\nOrphan,ACC-404\n');
    assert.equal(r.successfulResults.length, 1);
    const rec = await conn.sobject('Contact').retrieve(r.successfulResults[0].sf__Id);
    assert.equal(rec.AccountId, acct.id);
    assert.match(r.failedResults[0].sf__Error, /^INVALID_FIELD:Foreign key external ID: ACC-404 not found/);
  });

  test('delete: records leave query and show as deleted in queryAll', async () => {
    const ins = await load('Contact', 'insert', 'LastName\nDel1\nDel2\n');
    const ids = ins.successfulResults.map((x) => x.sf__Id);
    const r = await load('Contact', 'delete', `Id\n${ids.join('\n')}\n`);
    assert.equal(r.successfulResults.length, 2);
    const live = await conn.query(`SELECT Id FROM Contact WHERE Id IN ('${ids.join("','")}')`);
    assert.equal(live.totalSize, 0);
    const all = await conn.query(`SELECT Id, IsDeleted FROM Contact WHERE Id IN ('${ids.join("','")}')`, { scanAll: true });
    assert.equal(all.totalSize, 2);
    assert.ok(all.records.every((x) => x.IsDeleted === true));
  });

  test('tab and pipe delimiters with CRLF line endings', async () => {
    const id = await rawJob({ object: 'Contact', operation: 'insert', columnDelimiter: 'TAB', lineEnding: 'CRLF' },
      'LastName\tTitle\r\nTabbed\ta|b\r\n');
    const info = await waitDone('ingest', id);
    assert.equal(info.state, 'JobComplete');
    assert.equal(info.columnDelimiter, 'TAB');
    assert.equal(info.lineEnding, 'CRLF');
    const ok = await raw('GET', `${V}/jobs/ingest/${id}/successfulResults`);
    assert.match(ok.headers.get('content-type'), /^text\/csv/);
    assert.match(ok.text, /^"sf__Id"\t"sf__Created"\t"LastName"\t"Title"\r\n"003\w{15}"\t"true"\t"Tabbed"\t"a\|b"\r\n$/);
    // A CRLF upload to an LF job keeps the carriage return in the last column.
    const lf = await rawJob({ object: 'Contact', operation: 'insert', columnDelimiter: 'PIPE' }, 'LastName|Title\r\nPiped|x\r\n');
    const lfInfo = await waitDone('ingest', lf);
    assert.equal(lfInfo.state, 'Failed');
    assert.equal(lfInfo.errorMessage, 'InvalidBatch : Field name not found : Title\r');
  });

  test('aborting a job: the poller stops, records stay unprocessed', async () => {
    const job = conn.bulk2.createJob({ object: 'Contact', operation: 'insert' });
    await job.open();
    await job.uploadData('LastName\nA1\nA2\n');
    await job.abort();
    const e = await failure(() => job.poll(50, 5000));
    assert.match(e.message, /Job has been aborted/);
    const un = await job.getUnprocessedRecords();
    assert.deepEqual(un.map((x) => x.LastName), ['A1', 'A2']);
    const again = await raw('PATCH', `${V}/jobs/ingest/${job.id}`, { state: 'UploadComplete' });
    assert.equal(again.status, 409);
    assert.equal(again.body[0].errorCode, 'INVALIDJOBSTATE');
    assert.equal(again.body[0].message, 'Closing already Aborted Job not allowed');
    const del = await raw('DELETE', `${V}/jobs/ingest/${job.id}`);
    assert.equal(del.status, 204);
    assert.equal((await raw('GET', `${V}/jobs/ingest/${job.id}`)).status, 404);
  });
});

describe('job errors', () => {
  test('job creation checks operation, object and external id', async () => {
    let r = await raw('POST', `${V}/jobs/ingest`, { object: 'Nope__c', operation: 'insert' });
    assert.equal(r.status, 400);
    assert.deepEqual(r.body, [{ message: 'InvalidJob : Unable to find object: Nope__c', errorCode: 'INVALIDJOB' }]);
    r = await raw('POST', `${V}/jobs/ingest`, { object: 'Contact', operation: 'merge' });
    assert.equal(r.body[0].errorCode, 'JSON_PARSER_ERROR');
    r = await raw('POST', `${V}/jobs/ingest`, { object: 'Contact', operation: 'upsert' });
    assert.match(r.body[0].message, /External ID was blank for Contact/);
    r = await raw('POST', `${V}/jobs/ingest`, { object: 'Contact', operation: 'upsert', externalIdFieldName: 'LastName' });
    assert.equal(r.body[0].errorCode, 'INVALIDJOB');
    r = await raw('POST', `${V}/jobs/ingest`, { object: 'Contact', operation: 'insert', columnDelimiter: 'COLON' });
    assert.equal(r.body[0].errorCode, 'JSON_PARSER_ERROR');
    r = await raw('POST', '/services/data/v40.0/jobs/ingest', { object: 'Contact', operation: 'insert' });
    assert.equal(r.status, 404);
  });

  test('unknown jobs, a second upload and a closed job are refused', async () => {
    let r = await raw('GET', `${V}/jobs/ingest/750000000000000AAA`);
    assert.equal(r.status, 404);
    assert.equal(r.body[0].errorCode, 'NOT_FOUND');
    const job = await raw('POST', `${V}/jobs/ingest`, { object: 'Contact', operation: 'insert' });
    assert.equal(job.body.state, 'Open');
    assert.equal(job.body.contentUrl, `services/data/v60.0/jobs/ingest/${job.body.id}/batches`);
    const put = (csv) => raw('PUT', `${V}/jobs/ingest/${job.body.id}/batches`, csv, { 'Content-Type': 'text/csv' });
    assert.equal((await put('LastName\nX\n')).status, 201);
    r = await put('LastName\nY\n');
    assert.equal(r.status, 409);
    assert.equal(r.body[0].errorCode, 'BULK_API_ERROR');
    assert.match(r.body[0].message, /multiple 'PUT's not supported/);
    await raw('PATCH', `${V}/jobs/ingest/${job.body.id}`, { state: 'UploadComplete' });
    await waitDone('ingest', job.body.id);
    r = await put('LastName\nZ\n');
    assert.equal(r.status, 409);
    assert.equal(r.body[0].errorCode, 'INVALIDJOBSTATE');
    r = await raw('PATCH', `${V}/jobs/ingest/${job.body.id}`, { state: 'Aborted' });
    assert.equal(r.body[0].message, 'Aborting already Completed Job not allowed');
    const list = await raw('GET', `${V}/jobs/ingest`);
    assert.equal(list.body.done, true);
    assert.ok(list.body.records.some((x) => x.id === job.body.id && x.state === 'JobComplete'));
  });

  test('an unknown column or malformed CSV fails the job and writes nothing', async () => {
    const before = (await conn.query("SELECT COUNT() FROM Contact WHERE LastName = 'Never'")).totalSize;
    let id = await rawJob({ object: 'Contact', operation: 'insert' }, 'LastName,Shoe_Size__c\nNever,42\n');
    let info = await waitDone('ingest', id);
    assert.equal(info.state, 'Failed');
    assert.equal(info.errorMessage, 'InvalidBatch : Field name not found : Shoe_Size__c');
    id = await rawJob({ object: 'Contact', operation: 'insert' }, 'LastName,Title\nNever,ok\nNever,"bad"x\n');
    info = await waitDone('ingest', id);
    assert.equal(info.state, 'Failed');
    assert.match(info.errorMessage, /^InvalidBatch : line 3, column 2: Failed to parse CSV. Found unescaped quote/);
    assert.equal(info.numberRecordsProcessed, 0);
    const un = await raw('GET', `${V}/jobs/ingest/${id}/unprocessedrecords`);
    assert.equal(un.text, 'LastName,Title\nNever,ok\nNever,"bad"x\n');
    id = await rawJob({ object: 'Contact', operation: 'insert' }, 'LastName,Title\n"Never\nTwo lines",x\nNever\n');
    info = await waitDone('ingest', id);
    assert.equal(info.errorMessage, 'InvalidBatch : Failed to parse CSV. Line 4: 1 values where the header has 2');
    assert.equal((await conn.query("SELECT COUNT() FROM Contact WHERE LastName = 'Never'")).totalSize, before);
  });

  test('the documented limits: characters per field and per record, fields per record', async () => {
    let id = await rawJob({ object: 'Contact', operation: 'insert' }, `LastName,Description\nBig,${'x'.repeat(131073)}\n`);
    let info = await waitDone('ingest', id);
    assert.equal(info.state, 'Failed');
    assert.match(info.errorMessage, /a field has more than 131072 characters/);
    // 131,072 characters pass the CSV limit (the field's own length then decides).
    id = await rawJob({ object: 'Contact', operation: 'insert' }, `LastName,Description\nBig,${'é'.repeat(131072)}\n`);
    info = await waitDone('ingest', id);
    assert.equal(info.state, 'JobComplete');
    assert.equal(info.numberRecordsFailed, 1);
    const cols = Array.from({ length: 5001 }, (_, i) => `C${i}`).join(',');
    id = await rawJob({ object: 'Contact', operation: 'insert' }, `${cols}\n`);
    info = await waitDone('ingest', id);
    assert.match(info.errorMessage, /a record has more than 5000 fields/);
    const cell = 'y'.repeat(100000);
    id = await rawJob({ object: 'Contact', operation: 'insert' }, `LastName,Description,Title,Department,FirstName\nA,${cell},${cell},${cell},${cell}\n`);
    info = await waitDone('ingest', id);
    assert.match(info.errorMessage, /a record has more than 400000 characters/);
  });
});

describe('query jobs', () => {
  const SOQL = 'SELECT Id, LastName, Company, Email, IsConverted, CreatedDate, Owner.Email FROM Lead ORDER BY LastName, Id';

  test('jsforce bulk2.query returns what the REST query returns', async () => {
    const rows = await (await conn.bulk2.query(SOQL, { pollInterval: 50, pollTimeout: 60000 })).toArray();
    const rest = [];
    let res = await conn.query(SOQL);
    rest.push(...res.records);
    while (!res.done) {
      res = await conn.queryMore(res.nextRecordsUrl);
      rest.push(...res.records);
    }
    assert.equal(rows.length, SEED_LEADS);
    assert.equal(rows.length, rest.length);
    for (let i = 0; i < rows.length; i += 97) {
      assert.equal(rows[i].Id, rest[i].Id);
      assert.equal(rows[i].LastName, rest[i].LastName);
      assert.equal(rows[i].Email, rest[i].Email ?? '');
      assert.equal(rows[i].IsConverted, String(rest[i].IsConverted));
      assert.equal(rows[i].CreatedDate, rest[i].CreatedDate.replace('+0000', 'Z'));
      assert.equal(rows[i]['Owner.Email'], rest[i].Owner?.Email ?? '');
    }
  });

  test('maxRecords pages through Sforce-Locator until the literal "null"', async () => {
    const job = await raw('POST', `${V}/jobs/query`, { operation: 'query', query: SOQL });
    assert.equal(job.status, 200, job.text);
    assert.equal(job.body.state, 'UploadComplete');
    const info = await waitDone('query', job.body.id);
    assert.equal(info.state, 'JobComplete');
    assert.equal(info.numberRecordsProcessed, SEED_LEADS);
    assert.equal(info.jobType, 'V2Query');
    let locator = '';
    const locators = [];
    const ids = [];
    for (;;) {
      const page = await raw('GET', `${V}/jobs/query/${job.body.id}/results?maxRecords=1000${locator ? `&locator=${locator}` : ''}`);
      assert.equal(page.status, 200);
      const lines = page.text.trimEnd().split('\n');
      assert.equal(lines[0], '"Id","LastName","Company","Email","IsConverted","CreatedDate","Owner.Email"');
      assert.equal(Number(page.headers.get('sforce-numberofrecords')), lines.length - 1);
      ids.push(...lines.slice(1).map((l) => l.slice(1, 19)));
      locator = page.headers.get('sforce-locator');
      locators.push(locator);
      if (locator === 'null') break;
    }
    assert.deepEqual(locators, ['MTAwMA', 'MjAwMA', 'null']);
    assert.equal(ids.length, SEED_LEADS);
    assert.equal(new Set(ids).size, SEED_LEADS);
    const bad = await raw('GET', `${V}/jobs/query/${job.body.id}/results?maxRecords=0`);
    assert.equal(bad.status, 400);
  });

  test('queryAll, bad SOQL and results before completion', async () => {
    let r = await raw('POST', `${V}/jobs/query`, { operation: 'query', query: 'SELECT Nope FROM Lead' });
    assert.equal(r.status, 400);
    assert.equal(r.body[0].errorCode, 'INVALID_FIELD');
    r = await raw('POST', `${V}/jobs/query`, { operation: 'query', query: 'SELECT COUNT() FROM Lead' });
    assert.equal(r.body[0].errorCode, 'INVALIDJOB');
    // A job pages through locators: OFFSET is refused, and the query's own
    // type checks apply as they do to GET /query.
    r = await raw('POST', `${V}/jobs/query`, { operation: 'query', query: 'SELECT Id FROM Lead OFFSET 10' });
    assert.equal(r.status, 400);
    assert.match(r.body[0].message, /OFFSET is not supported/);
    r = await raw('POST', `${V}/jobs/query`, { operation: 'query', query: "SELECT Id FROM Lead WHERE CreatedDate > '2026-01-01'" });
    assert.equal(r.body[0].errorCode, 'INVALID_QUERY_FILTER_OPERATOR');
    r = await raw('POST', `${V}/jobs/query`, { operation: 'select', query: 'SELECT Id FROM Lead' });
    assert.equal(r.body[0].errorCode, 'JSON_PARSER_ERROR');
    r = await raw('POST', `${V}/jobs/query`, { operation: 'query', query: 'SELECT Id FROM Lead', columnDelimiter: 'COLON' });
    assert.equal(r.body[0].errorCode, 'JSON_PARSER_ERROR');
    const tab = await raw('POST', `${V}/jobs/query`, {
      operation: 'query', query: 'SELECT Id, LastName FROM Lead ORDER BY Id LIMIT 2', columnDelimiter: 'TAB', lineEnding: 'CRLF',
    });
    assert.equal(tab.body.columnDelimiter, 'TAB');
    await waitDone('query', tab.body.id);
    const page = await raw('GET', `${V}/jobs/query/${tab.body.id}/results`);
    assert.match(page.text, /^"Id"\t"LastName"\r\n("00Q\w{15}"\t"[^"]*"\r\n){2}$/);
    assert.equal(page.headers.get('sforce-locator'), 'null');
    const del = await conn.sobject('Lead').create({ LastName: 'Gone', Company: 'G' });
    await conn.sobject('Lead').destroy(del.id);
    const rows = await (await conn.bulk2.query(`SELECT Id, IsDeleted FROM Lead WHERE Id = '${del.id}'`, { scanAll: true, pollInterval: 50 })).toArray();
    assert.deepEqual(rows, [{ Id: del.id, IsDeleted: 'true' }]);
    const none = await (await conn.bulk2.query(`SELECT Id FROM Lead WHERE Id = '${del.id}'`, { pollInterval: 50 })).toArray();
    assert.deepEqual(none, []);
    const job = await raw('POST', `${V}/jobs/query`, { operation: 'query', query: 'SELECT Id FROM Lead' });
    const early = await raw('GET', `${V}/jobs/query/${job.body.id}/results`);
    if (early.status !== 200) {
      assert.equal(early.status, 412);
      assert.equal(early.body[0].errorCode, 'JOB_NOT_COMPLETE');
    }
    await waitDone('query', job.body.id);
  });

  test('a query job can be aborted and deleted', async () => {
    const job = conn.bulk2.job('query', { id: (await raw('POST', `${V}/jobs/query`, { operation: 'query', query: 'SELECT Id FROM Lead' })).body.id });
    const r = await raw('PATCH', `${V}/jobs/query/${job.id}`, { state: 'Aborted' });
    if (r.status === 200) {
      assert.equal(r.body.state, 'Aborted');
      const e = await failure(() => job.poll(50, 5000));
      assert.match(e.message, /aborted/);
    } else {
      assert.equal(r.body[0].message, 'Aborting already Completed Job not allowed');
    }
    await job.delete();
    assert.equal((await raw('GET', `${V}/jobs/query/${job.id}`)).status, 404);
  });
});

describe('limits', () => {
  test('each Bulk API call counts toward DailyApiRequests', async () => {
    const used = (r) => Number(/api-usage=(\d+)\//.exec(r.headers.get('sforce-limit-info'))[1]);
    const a = await raw('GET', `${V}/jobs/ingest`);
    const job = await raw('POST', `${V}/jobs/ingest`, { object: 'Contact', operation: 'insert' });
    const b = await raw('GET', `${V}/jobs/ingest/${job.body.id}`);
    assert.equal(used(job), used(a) + 1);
    assert.equal(used(b), used(a) + 2);
    const limits = await conn.limits();
    assert.equal(limits.DailyApiRequests.Max - limits.DailyApiRequests.Remaining, used(b) + 1);
  });
});

// A sandbox on a data directory the test keeps, so it can be restarted.
async function startOn(dir) {
  const child = spawn(crmsyncBin(), ['sandbox', '--data', dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  const rl = createInterface({ input: child.stdout });
  const url = await new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`sandbox exited with ${code}`)));
    rl.on('line', (line) => {
      const [name, u] = line.trim().split(/\s+/);
      if (name === 'salesforce') resolve(u);
    });
  });
  return {
    url,
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

describe('persistence', () => {
  test('a job interrupted by a restart resumes where it stopped, writing each record once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crmsync-bulk-'));
    const ROWS = 6000;
    const call = async (base, method, path, body, type = 'application/json') => {
      const res = await fetch(base + V + path, {
        method,
        headers: { Authorization: `Bearer ${TOKEN}`, ...(body ? { 'Content-Type': type } : {}) },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await res.text();
      const json = /json/.test(res.headers.get('content-type') || '');
      return { status: res.status, text, body: json && text ? JSON.parse(text) : null };
    };
    try {
      let box = await startOn(dir);
      const job = (await call(box.url, 'POST', '/jobs/ingest', { object: 'Contact', operation: 'insert' })).body;
      const lines = ['LastName,Email'];
      for (let i = 0; i < ROWS; i++) lines.push(`Resume${i},resume${i}@example.com`);
      assert.equal((await call(box.url, 'PUT', `/jobs/ingest/${job.id}/batches`, lines.join('\n') + '\n', 'text/csv')).status, 201);
      await call(box.url, 'PATCH', `/jobs/ingest/${job.id}`, { state: 'UploadComplete' });
      let info;
      for (;;) {
        info = (await call(box.url, 'GET', `/jobs/ingest/${job.id}`)).body;
        if (info.numberRecordsProcessed > 0 || info.state === 'JobComplete') break;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      await box.stop();
      box = await startOn(dir);
      try {
        for (let i = 0; i < 3000; i++) {
          info = (await call(box.url, 'GET', `/jobs/ingest/${job.id}`)).body;
          if (info.state !== 'InProgress' && info.state !== 'UploadComplete') break;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        assert.equal(info.state, 'JobComplete');
        assert.equal(info.numberRecordsProcessed, ROWS);
        assert.equal(info.numberRecordsFailed, 0);
        const ok = await call(box.url, 'GET', `/jobs/ingest/${job.id}/successfulResults`, undefined, 'text/csv');
        const rows = ok.text.trimEnd().split('\n').slice(1);
        assert.equal(rows.length, ROWS);
        assert.equal(new Set(rows.map((r) => r.split(',')[0])).size, ROWS);
        const q = await call(box.url, 'GET', `/query?q=${encodeURIComponent("SELECT COUNT() FROM Contact WHERE LastName LIKE 'Resume%'")}`);
        assert.equal(q.body.totalSize, ROWS);
      } finally {
        await box.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
