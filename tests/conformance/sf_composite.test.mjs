// Conformance of the sandbox's Salesforce Composite resource
// (POST /services/data/vXX.X/composite), driven through jsforce's generic
// request API (jsforce 3.10 has no composite helper): 1,000 records in one
// call, references between subrequests, allOrNone true and false, sObject
// Collections subrequests with their own allOrNone, the limits and the
// whole-request errors, and the one API call a composite counts for (SPEC R6).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createRequire } from 'node:module';

import { TOKEN, admin, startSandbox } from './sandbox.mjs';

const require = createRequire(import.meta.url);
const jsforce = require('jsforce');

const V = '/services/data/v60.0';
const ROLLED_BACK = 'The transaction was rolled back since another operation in the same transaction failed.';
let sb;
let conn;

// POST /composite through jsforce; resolves to the parsed 200 body.
function composite(body, version = 'v60.0') {
  return conn.request({
    method: 'POST',
    url: `/services/data/${version}/composite`,
    body: JSON.stringify(body),
    headers: { 'Content-Type': 'application/json' },
  });
}

// The same call without jsforce, for the status and headers of error answers.
async function raw(body, headers = {}) {
  const res = await fetch(`${sb.salesforce}${V}/composite`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
}

function sub(method, url, referenceId, body) {
  return body === undefined ? { method, url: V + url, referenceId } : { method, url: V + url, referenceId, body };
}

function byRef(res) {
  return Object.fromEntries(res.compositeResponse.map((r) => [r.referenceId, r]));
}

async function count(soql) {
  return (await conn.query(soql)).totalSize;
}

function assertHalted(r, message = ROLLED_BACK) {
  assert.equal(r.httpStatusCode, 400, JSON.stringify(r));
  assert.deepEqual(r.body, [{ errorCode: 'PROCESSING_HALTED', message }]);
  assert.deepEqual(r.httpHeaders, {});
}

before(async () => {
  sb = await startSandbox(['--seed-leads', '450']);
  conn = new jsforce.Connection({ instanceUrl: sb.salesforce, accessToken: TOKEN, version: '60.0' });
});

after(async () => {
  await sb?.stop();
});

describe('one call writes 1,000 records', () => {
  test('an Account and 5 collections of 200 Contacts that reference it, as one API call (SPEC R6)', async () => {
    await admin(sb.salesforce, 'POST', '/__sandbox/reset-stats');
    const usage = await raw({ compositeRequest: [sub('GET', '/sobjects/Account/describe', 'd')] });
    const usedBefore = Number(/api-usage=(\d+)\//.exec(usage.headers.get('sforce-limit-info'))[1]);
    const requests = [sub('POST', '/sobjects/Account', 'acct', { Name: 'Thousand Contacts Inc' })];
    for (let c = 0; c < 5; c++) {
      const records = Array.from({ length: 200 }, (_, i) => ({
        attributes: { type: 'Contact' },
        LastName: `Bulk ${c}-${i}`,
        AccountId: '@{acct.id}',
      }));
      requests.push(sub('POST', '/composite/sobjects', `chunk${c}`, { allOrNone: false, records }));
    }
    const res = await composite({ allOrNone: true, compositeRequest: requests });
    const refs = byRef(res);
    assert.equal(refs.acct.httpStatusCode, 201);
    let ok = 0;
    for (let c = 0; c < 5; c++) {
      assert.equal(refs[`chunk${c}`].httpStatusCode, 200);
      ok += refs[`chunk${c}`].body.filter((r) => r.success && /^003/.test(r.id)).length;
    }
    assert.equal(ok, 1000);
    // The composite counted once toward the daily limit and once in the statistics.
    assert.equal(conn.limitInfo.apiUsage.used, usedBefore + 1);
    assert.equal(await count(`SELECT Id FROM Contact WHERE AccountId = '${refs.acct.body.id}'`), 1000);
    const stats = (await admin(sb.salesforce, 'GET', '/__sandbox/stats')).body.salesforce;
    assert.equal(stats.by_endpoint['POST /services/data/{version}/composite'], 2, JSON.stringify(stats));
    assert.equal(stats.by_endpoint['POST /services/data/{version}/composite/sobjects'], undefined);
    assert.equal(stats.by_endpoint['POST /services/data/{version}/sobjects/Account'], undefined);
  });
});

describe('references and per-subrequest answers', () => {
  test('ids, fields and query paths feed later URLs and bodies; each subrequest sees the earlier ones', async () => {
    const res = await composite({
      compositeRequest: [
        sub('POST', '/sobjects/Account', 'acc', { Name: 'Ref Co', NumberOfEmployees: 42 }),
        sub('POST', '/sobjects/Contact', 'ct', { LastName: 'Refd', AccountId: '@{acc.id}' }),
        sub('GET', '/sobjects/Account/@{acc.id}?fields=Name,NumberOfEmployees', 'got'),
        sub('GET', "/query?q=SELECT+Id,LastName+FROM+Contact+WHERE+AccountId='@{acc.id}'", 'q'),
        sub('PATCH', '/sobjects/Contact/@{q.records[0].Id}', 'upd', {
          FirstName: 'of @{got.Name}',
          Title: '@{got.Name}',
          Description: 'employees: @{got.NumberOfEmployees}',
        }),
        sub('PATCH', '/sobjects/Account/@{acc.id}', 'num', { NumberOfEmployees: '@{got.NumberOfEmployees}' }),
      ],
    });
    const r = byRef(res);
    assert.deepEqual(
      res.compositeResponse.map((x) => x.referenceId),
      ['acc', 'ct', 'got', 'q', 'upd', 'num'],
    );
    assert.equal(r.acc.httpStatusCode, 201);
    assert.deepEqual(r.acc.body, { id: r.acc.body.id, success: true, errors: [] });
    assert.deepEqual(r.acc.httpHeaders, { Location: `${V}/sobjects/Account/${r.acc.body.id}` });
    assert.equal(r.got.httpStatusCode, 200);
    assert.equal(r.got.body.Name, 'Ref Co');
    assert.equal(r.q.body.totalSize, 1);
    assert.equal(r.q.body.records[0].Id, r.ct.body.id);
    assert.equal(r.upd.httpStatusCode, 204);
    assert.equal(r.upd.body, null);
    const contact = await conn.sobject('Contact').retrieve(r.ct.body.id);
    assert.equal(contact.AccountId, r.acc.body.id);
    assert.equal(contact.FirstName, 'of Ref Co');
    assert.equal(contact.Title, 'Ref Co');
    assert.equal(contact.Description, 'employees: 42');
    assert.equal(r.num.httpStatusCode, 204, 'a whole-value reference keeps the number type');
  });

  test('an unresolvable path answers PROCESSING_HALTED with the path and the referenceId', async () => {
    const res = await composite({
      allOrNone: false,
      compositeRequest: [
        sub('GET', "/query?q=SELECT+Id+FROM+Account+WHERE+Name='no such account'", 'none'),
        sub('POST', '/sobjects/Contact', 'ct', { LastName: 'X', AccountId: '@{none.records[0].Id}' }),
        sub('GET', '/sobjects/Account/@{later.id}', 'early'),
        sub('POST', '/sobjects/Account', 'later', { Name: 'Later' }),
      ],
    });
    const r = byRef(res);
    assert.equal(r.none.httpStatusCode, 200);
    assertHalted(r.ct, 'Invalid reference specified. No value for none.records[0].Id found in none');
    assertHalted(r.early, 'Invalid reference specified. No value for later.id found in later');
    assert.equal(r.later.httpStatusCode, 201);
  });

  test('httpHeaders reach the subrequest (Sforce-Query-Options batchSize)', async () => {
    const res = await composite({
      compositeRequest: [
        {
          ...sub('GET', '/query?q=SELECT+Id+FROM+Lead', 'leads'),
          httpHeaders: { 'Sforce-Query-Options': 'batchSize=200' },
        },
        sub('GET', '/query?q=SELECT+Id+FROM+Lead', 'all'),
      ],
    });
    const r = byRef(res);
    assert.equal(r.leads.body.records.length, 200);
    assert.equal(r.leads.body.done, false);
    assert.match(r.leads.body.nextRecordsUrl, /^\/services\/data\/v60\.0\/query\//);
    assert.ok(r.all.body.records.length > 200);
  });

  test('unknown resources, objects and versions answer per subrequest', async () => {
    const res = await composite({
      allOrNone: false,
      compositeRequest: [
        sub('GET', '/sobjects/NoSuchObject__c/001000000000000AAA', 'obj'),
        { method: 'GET', url: '/services/data/v99.0/sobjects/Account/describe', referenceId: 'ver' },
        sub('POST', '/sobjects/Account', 'fine', { Name: 'Still Created' }),
        sub('GET', '/sobjects/Account/001000000000000AAA/nope/more', 'path'),
      ],
    });
    const r = byRef(res);
    assert.equal(r.obj.httpStatusCode, 404);
    assert.equal(r.obj.body[0].errorCode, 'NOT_FOUND');
    assert.equal(r.ver.httpStatusCode, 404);
    assert.equal(r.fine.httpStatusCode, 201);
    assert.equal(r.path.httpStatusCode, 404);
  });
});

describe('allOrNone', () => {
  test('true: a failure in the middle rolls everything back; the others answer PROCESSING_HALTED', async () => {
    const before = await count("SELECT Id FROM Account WHERE Name LIKE 'AON true %'");
    const res = await composite({
      allOrNone: true,
      compositeRequest: [
        sub('POST', '/sobjects/Account', 'a1', { Name: 'AON true 1' }),
        sub('PATCH', '/sobjects/Account/@{a1.id}', 'a1u', { Industry: 'Banking' }),
        sub('POST', '/sobjects/Contact', 'bad', { FirstName: 'No last name' }),
        sub('POST', '/sobjects/Account', 'a2', { Name: 'AON true 2' }),
      ],
    });
    const r = byRef(res);
    assert.equal(r.bad.httpStatusCode, 400);
    assert.equal(r.bad.body[0].errorCode, 'REQUIRED_FIELD_MISSING');
    for (const ref of ['a1', 'a1u', 'a2']) assertHalted(r[ref]);
    assert.equal(await count("SELECT Id FROM Account WHERE Name LIKE 'AON true %'"), before);
  });

  test('true: an unresolvable reference halts its subrequest and rolls the others back', async () => {
    const res = await composite({
      allOrNone: true,
      compositeRequest: [
        sub('POST', '/sobjects/Account', 'made', { Name: 'AON ref rolled back' }),
        sub('GET', "/query?q=SELECT+Id+FROM+RecordType+WHERE+DeveloperName='No_Such_Type'", 'rt'),
        sub('POST', '/sobjects/Account', 'uses', { Name: 'AON ref typed', RecordTypeId: '@{rt.records[0].Id}' }),
        sub('POST', '/sobjects/Account', 'after', { Name: 'AON ref after' }),
      ],
    });
    const r = byRef(res);
    assertHalted(r.uses, 'Invalid reference specified. No value for rt.records[0].Id found in rt');
    for (const ref of ['made', 'rt', 'after']) assertHalted(r[ref]);
    assert.equal(await count("SELECT Id FROM Account WHERE Name LIKE 'AON ref %'"), 0);
  });

  test('false: a subrequest halted on a reference halts the ones that reference it', async () => {
    const res = await composite({
      allOrNone: false,
      compositeRequest: [
        sub('POST', '/sobjects/Account', 'halted', { Name: 'Chain', ParentId: '@{nothing.id}' }),
        sub('GET', '/sobjects/Account/@{halted.id}', 'next'),
        sub('POST', '/sobjects/Contact', 'msg', { LastName: '@{halted[0].message}' }),
      ],
    });
    const r = byRef(res);
    assertHalted(r.halted, 'Invalid reference specified. No value for nothing.id found in nothing');
    assertHalted(r.next, 'Invalid reference specified. No value for halted.id found in halted');
    assertHalted(r.msg, 'Invalid reference specified. No value for halted[0].message found in halted');
  });

  test('false: the others commit; only a subrequest that references the failed one halts', async () => {
    const res = await composite({
      allOrNone: false,
      compositeRequest: [
        sub('POST', '/sobjects/Account', 'a1', { Name: 'AON false 1' }),
        sub('POST', '/sobjects/Contact', 'bad', { FirstName: 'No last name' }),
        sub('POST', '/sobjects/Contact', 'dep', { LastName: 'Dependent', ReportsToId: '@{bad.id}' }),
        sub('POST', '/sobjects/Contact', 'indep', { LastName: 'Independent', AccountId: '@{a1.id}' }),
      ],
    });
    const r = byRef(res);
    assert.equal(r.a1.httpStatusCode, 201);
    assert.equal(r.bad.httpStatusCode, 400);
    assert.equal(r.bad.body[0].errorCode, 'REQUIRED_FIELD_MISSING');
    assertHalted(r.dep, 'Invalid reference specified. No value for bad.id found in bad');
    assert.equal(r.indep.httpStatusCode, 201);
    assert.equal(await count("SELECT Id FROM Account WHERE Name = 'AON false 1'"), 1);
    assert.equal(await count("SELECT Id FROM Contact WHERE LastName = 'Independent'"), 1);
    assert.equal(await count("SELECT Id FROM Contact WHERE LastName = 'Dependent'"), 0);
  });

  const twoAccounts = (tag, inner) => ({
    allOrNone: inner,
    records: [
      { attributes: { type: 'Account' }, Name: `${tag} ok` },
      { attributes: { type: 'Account' }, Phone: 'no name' },
    ],
  });

  test('false: a collection subrequest keeps its own allOrNone (false: partial; true: none)', async () => {
    const res = await composite({
      allOrNone: false,
      compositeRequest: [
        sub('POST', '/composite/sobjects', 'partial', twoAccounts('Inner false', false)),
        sub('POST', '/composite/sobjects', 'none', twoAccounts('Inner true', true)),
        sub('POST', '/sobjects/Contact', 'ct', { LastName: 'After collections' }),
      ],
    });
    const r = byRef(res);
    assert.equal(r.partial.httpStatusCode, 200);
    assert.equal(r.partial.body[0].success, true);
    assert.equal(r.partial.body[1].errors[0].statusCode, 'REQUIRED_FIELD_MISSING');
    assert.equal(r.none.httpStatusCode, 200);
    assert.equal(r.none.body[0].errors[0].statusCode, 'ALL_OR_NONE_OPERATION_ROLLED_BACK');
    assert.equal(r.ct.httpStatusCode, 201);
    assert.equal(await count("SELECT Id FROM Account WHERE Name = 'Inner false ok'"), 1);
    assert.equal(await count("SELECT Id FROM Account WHERE Name = 'Inner true ok'"), 0);
    assert.equal(await count("SELECT Id FROM Contact WHERE LastName = 'After collections'"), 1);
  });

  test("true: overrides a collection's allOrNone false and rolls the whole request back", async () => {
    const res = await composite({
      allOrNone: true,
      compositeRequest: [
        sub('POST', '/sobjects/Contact', 'first', { LastName: 'Before forced' }),
        sub('POST', '/composite/sobjects', 'coll', twoAccounts('Forced', false)),
        sub('POST', '/sobjects/Contact', 'last', { LastName: 'After forced' }),
      ],
    });
    const r = byRef(res);
    assert.equal(r.coll.httpStatusCode, 200);
    assert.equal(r.coll.body[0].success, false);
    assert.equal(r.coll.body[0].errors[0].statusCode, 'ALL_OR_NONE_OPERATION_ROLLED_BACK');
    assert.equal(r.coll.body[1].errors[0].statusCode, 'REQUIRED_FIELD_MISSING');
    assertHalted(r.first);
    assertHalted(r.last);
    assert.equal(await count("SELECT Id FROM Account WHERE Name = 'Forced ok'"), 0);
    assert.equal(await count("SELECT Id FROM Contact WHERE LastName LIKE '% forced'"), 0);
  });

  test('true: a collection delete is forced all-or-none too', async () => {
    const created = await conn.sobject('Account').create([{ Name: 'Del keep 1' }, { Name: 'Del keep 2' }]);
    const ids = created.map((x) => x.id);
    const res = await composite({
      allOrNone: true,
      compositeRequest: [
        sub('DELETE', `/composite/sobjects?ids=${ids[0]},001000000000000AAA,${ids[1]}&allOrNone=false`, 'del'),
      ],
    });
    const r = byRef(res);
    assert.equal(r.del.httpStatusCode, 200);
    assert.equal(r.del.body[0].errors[0].statusCode, 'ALL_OR_NONE_OPERATION_ROLLED_BACK');
    assert.equal(await count("SELECT Id FROM Account WHERE Name LIKE 'Del keep %'"), 2);
  });
});

describe('limits and whole-request errors', () => {
  const many = (n, url = '/sobjects/Account') =>
    Array.from({ length: n }, (_, i) => sub('POST', url, `r${i}`, { Name: `Limit ${i}` }));

  async function assertRefused(body, code, pattern) {
    const before = await count("SELECT Id FROM Account WHERE Name LIKE 'Limit %'");
    const res = await raw(body);
    assert.equal(res.status, 400, JSON.stringify(res.body));
    assert.equal(res.body.length, 1);
    assert.equal(res.body[0].errorCode, code);
    assert.match(res.body[0].message, pattern);
    assert.equal(await count("SELECT Id FROM Account WHERE Name LIKE 'Limit %'"), before, 'nothing ran');
    return res;
  }

  test('25 subrequests run; 26 are refused', async () => {
    const ok = await composite({ compositeRequest: many(25) });
    assert.equal(ok.compositeResponse.length, 25);
    assert.ok(ok.compositeResponse.every((x) => x.httpStatusCode === 201));
    await assertRefused({ compositeRequest: many(26) }, 'LIMIT_EXCEEDED', /at most 25 subrequests/);
  });

  test('at most 5 collections or query/queryAll subrequests', async () => {
    const heavy = [
      sub('GET', '/query?q=SELECT+Id+FROM+Account+LIMIT+1', 'q1'),
      sub('GET', '/queryAll?q=SELECT+Id+FROM+Account+LIMIT+1', 'q2'),
      sub('POST', '/composite/sobjects', 'c1', { records: [{ attributes: { type: 'Account' }, Name: 'Limit c1' }] }),
      sub('POST', '/composite/sobjects/Account', 'c2', { ids: [], fields: ['Name'] }),
      sub('GET', '/query?q=SELECT+Id+FROM+Account+LIMIT+1', 'q3'),
    ];
    const ok = await composite({ allOrNone: true, compositeRequest: [...many(3), ...heavy] });
    assert.ok(ok.compositeResponse.every((x) => x.httpStatusCode < 300), JSON.stringify(ok));
    await conn.sobject('Account').find({ Name: { $like: 'Limit %' } }).destroy();
    await assertRefused(
      { compositeRequest: [...many(1), ...heavy, sub('GET', '/query?q=SELECT+Id+FROM+Lead+LIMIT+1', 'q4')] },
      'LIMIT_EXCEEDED',
      /at most 5 sObject Collections, query and queryAll subrequests; this one holds 6/,
    );
  });

  test('referenceIds must be unique letters, digits and underscores, starting with a letter', async () => {
    await assertRefused(
      { compositeRequest: [...many(2), sub('GET', '/sobjects/Account/describe', 'r0')] },
      'INVALID_INPUT',
      /duplicate referenceId 'r0'/,
    );
    for (const bad of ['1abc', 'has-dash', 'dot.ted', '_under', '']) {
      await assertRefused(
        { compositeRequest: [...many(1), sub('GET', '/sobjects/Account/describe', bad)] },
        'INVALID_INPUT',
        /compositeRequest\[1\]: referenceId/,
      );
    }
  });

  test('method, url, headers and shape are checked before anything runs', async () => {
    const one = many(1);
    await assertRefused(
      { compositeRequest: [...one, { method: 'post', url: `${V}/sobjects/Account`, referenceId: 'm' }] },
      'INVALID_INPUT',
      /method 'post'/,
    );
    await assertRefused(
      { compositeRequest: [...one, { method: 'GET', url: '/sobjects/Account/describe', referenceId: 'u' }] },
      'INVALID_INPUT',
      /must start with \/services\/data\/vXX\.X\//,
    );
    await assertRefused(
      { compositeRequest: [...one, sub('GET', '/limits', 'lim')] },
      'INVALID_INPUT',
      /compositeRequest\[1\]: url/,
    );
    await assertRefused(
      { compositeRequest: [...one, sub('POST', '/composite', 'nested', { compositeRequest: [] })] },
      'INVALID_INPUT',
      /compositeRequest\[1\]: url/,
    );
    await assertRefused(
      {
        compositeRequest: [
          ...one,
          { ...sub('GET', '/sobjects/Account/describe', 'h'), httpHeaders: { 'content-type': 'text/plain' } },
        ],
      },
      'INVALID_INPUT',
      /content-type header is inherited/,
    );
    await assertRefused({ compositeRequest: [...one, { url: `${V}/sobjects/Account`, referenceId: 'x' }] }, 'JSON_PARSER_ERROR', /compositeRequest\[1\]: method, url and referenceId/);
    await assertRefused({ allOrNone: 'yes', compositeRequest: one }, 'JSON_PARSER_ERROR', /allOrNone/);
    await assertRefused({ compositeRequest: [] }, 'JSON_PARSER_ERROR', /non-empty array/);
    await assertRefused({ records: one }, 'JSON_PARSER_ERROR', /compositeRequest/);
    await assertRefused('{"compositeRequest": [', 'JSON_PARSER_ERROR', /line 1/);
  });

  test('jsforce surfaces a refused composite as an error with its errorCode', async () => {
    await assert.rejects(
      composite({ compositeRequest: many(26) }),
      (e) => e.errorCode === 'LIMIT_EXCEEDED' && /at most 25 subrequests/.test(e.message),
    );
  });

  test('the resource exists from v38.0', async () => {
    await assert.rejects(composite({ compositeRequest: many(1) }, 'v37.0'), (e) => e.errorCode === 'NOT_FOUND');
    const res = await composite(
      { compositeRequest: [{ method: 'GET', url: '/services/data/v38.0/sobjects/Account/describe', referenceId: 'd' }] },
      'v38.0',
    );
    assert.equal(res.compositeResponse[0].httpStatusCode, 200);
  });

  test('past the daily limit the composite is refused as a whole (403)', async () => {
    await admin(sb.salesforce, 'POST', '/__sandbox/limits', { salesforce_daily: 1, reset_usage: true });
    try {
      const ok = await raw({ compositeRequest: many(2) });
      assert.equal(ok.status, 200, 'two subrequests, one call: within a limit of one');
      const res = await raw({ compositeRequest: many(1) });
      assert.equal(res.status, 403);
      assert.equal(res.body[0].errorCode, 'REQUEST_LIMIT_EXCEEDED');
    } finally {
      await admin(sb.salesforce, 'POST', '/__sandbox/limits', { salesforce_daily: 0, reset_usage: true });
    }
    await conn.sobject('Account').find({ Name: { $like: 'Limit %' } }).destroy();
  });
});
