// SOQL compile errors as the official jsforce client raises them from the
// sandbox: the errorCode Salesforce answers for each literal-type, operator,
// id and limit mistake, and the message laid out as Salesforce lays it out
// (the query, a caret under the offending token, "ERROR at Row:R:Column:C",
// the detail). Also checks that well-typed queries over every Lead field type
// still answer, so the checks refuse only what Salesforce refuses.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createRequire } from 'node:module';

import { TOKEN, startSandbox } from './sandbox.mjs';

const require = createRequire(import.meta.url);
const jsforce = require('jsforce');

let sb;
let conn;

before(async () => {
  sb = await startSandbox(['--seed-leads', '5']);
  conn = new jsforce.Connection({ instanceUrl: sb.salesforce, accessToken: TOKEN, version: '60.0' });
});

after(async () => {
  await sb?.stop();
});

// The error conn.query(soql) raises (fails when it answers).
async function queryError(soql, options) {
  try {
    await conn.query(soql, options);
  } catch (e) {
    return e;
  }
  assert.fail(`expected an error for ${soql}`);
}

// "\n<line>\n<caret>\nERROR at Row:r:Column:c\n<detail>", for a one-line query
// whose error is at 1-based column col.
function layout(soql, col, detail) {
  return `\n${soql}\n${' '.repeat(col - 1)}^\nERROR at Row:1:Column:${col}\n${detail}`;
}

describe('SOQL literal types and operators', () => {
  const cases = [
    [
      "SELECT Id FROM Lead WHERE CreatedDate > '2026-01-01T00:00:00Z'",
      27,
      'INVALID_QUERY_FILTER_OPERATOR',
      "value of filter criterion for field 'CreatedDate' must be of type dateTime and should not be enclosed in quotes",
    ],
    [
      'SELECT Id FROM Lead WHERE CreatedDate > 2026-01-01',
      27,
      'INVALID_QUERY_FILTER_OPERATOR',
      "value of filter criterion for field 'CreatedDate' must be of type dateTime and should not be enclosed in quotes",
    ],
    [
      "SELECT Id FROM Lead WHERE ConvertedDate = '2026-01-01'",
      27,
      'INVALID_QUERY_FILTER_OPERATOR',
      "value of filter criterion for field 'ConvertedDate' must be of type date and should not be enclosed in quotes",
    ],
    [
      'SELECT Id FROM Lead WHERE LastName = 5',
      27,
      'INVALID_QUERY_FILTER_OPERATOR',
      "value of filter criterion for field 'LastName' must be of type string and should be enclosed in quotes",
    ],
    [
      "SELECT Id FROM Lead WHERE IsConverted = 'false'",
      27,
      'INVALID_QUERY_FILTER_OPERATOR',
      "value of filter criterion for field 'IsConverted' must be of type boolean and should not be enclosed in quotes",
    ],
    [
      "SELECT Id FROM Lead WHERE AnnualRevenue IN (1, '2')",
      27,
      'INVALID_QUERY_FILTER_OPERATOR',
      "value of filter criterion for field 'AnnualRevenue' must be of type double and should not be enclosed in quotes",
    ],
    ['SELECT Id FROM Lead WHERE IsConverted > false', 27, 'INVALID_QUERY_FILTER_OPERATOR', 'invalid operator on boolean field'],
    ["SELECT Id FROM Lead WHERE NumberOfEmployees LIKE '1%'", 27, 'INVALID_QUERY_FILTER_OPERATOR', 'invalid operator on int field'],
    ["SELECT Id FROM Lead WHERE OwnerId LIKE '005%'", 27, 'INVALID_QUERY_FILTER_OPERATOR', 'invalid operator on id field'],
    ["SELECT Id FROM Lead WHERE Id = 'foo'", 27, 'INVALID_QUERY_FILTER_OPERATOR', 'invalid ID field: foo'],
    [
      "SELECT Id FROM Lead WHERE Description = 'x'",
      27,
      'INVALID_FIELD',
      "field 'Description' can not be filtered in a query call",
    ],
  ];
  for (const [soql, col, code, detail] of cases) {
    test(`${code}: ${detail.slice(0, 60)}`, async () => {
      const e = await queryError(soql);
      assert.equal(e.errorCode, code);
      assert.equal(e.message, layout(soql, col, detail));
    });
  }

  test('queryAll checks the same way', async () => {
    const e = await queryError("SELECT Id FROM Lead WHERE Id IN ('bar')", { scanAll: true });
    assert.equal(e.errorCode, 'INVALID_QUERY_FILTER_OPERATOR');
    assert.match(e.message, /\ninvalid ID field: bar$/);
  });

  test('well-typed filters on every kind of Lead field still answer', async () => {
    const all = await conn.query('SELECT Id, OwnerId FROM Lead ORDER BY Id');
    assert.equal(all.totalSize, 5);
    const id = all.records[0].Id;
    const r = await conn.query(
      `SELECT Id FROM Lead WHERE Id IN ('${id.slice(0, 15)}', '${all.records[1].Id}') AND IsConverted = false ` +
        'AND CreatedDate = LAST_N_DAYS:1 AND CreatedDate > 2000-01-01T00:00:00Z AND ConvertedDate = NULL ' +
        "AND (NumberOfEmployees = NULL OR NumberOfEmployees >= 0) AND (AnnualRevenue = NULL OR AnnualRevenue > 0.5) " +
        "AND LastName LIKE '%' AND Email != 'nobody@example.org' ORDER BY Id",
    );
    assert.deepEqual(
      r.records.map((x) => x.Id),
      [id, all.records[1].Id],
    );
    // An empty string on a reference field reads as NULL: every lead has an owner.
    assert.equal((await conn.query("SELECT COUNT() FROM Lead WHERE OwnerId = ''")).totalSize, 0);
    assert.equal((await conn.query("SELECT COUNT() FROM Lead WHERE OwnerId != ''")).totalSize, 5);
  });
});

describe('SOQL error layout', () => {
  test('MALFORMED_QUERY, INVALID_FIELD and INVALID_TYPE point at the offending token', async () => {
    let soql = 'SELECT Id FORM Lead';
    let e = await queryError(soql);
    assert.equal(e.errorCode, 'MALFORMED_QUERY');
    assert.equal(e.message, layout(soql, 11, "unexpected token: 'FORM'"));
    soql = 'SELECT Id, Nope FROM Lead';
    e = await queryError(soql);
    assert.equal(e.errorCode, 'INVALID_FIELD');
    assert.equal(
      e.message,
      layout(
        soql,
        12,
        "No such column 'Nope' on entity 'Lead'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.",
      ),
    );
    soql = 'SELECT Id FROM Foo';
    e = await queryError(soql);
    assert.equal(e.errorCode, 'INVALID_TYPE');
    assert.equal(
      e.message,
      layout(
        soql,
        16,
        "sObject type 'Foo' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.",
      ),
    );
  });

  test('rows and columns count lines and characters of a multi-line query', async () => {
    const e = await queryError("SELECT Id\nFROM Lead\nWHERE LastName = 'Ünal'\n  AND IsConverted = 1");
    assert.equal(e.errorCode, 'INVALID_QUERY_FILTER_OPERATOR');
    assert.equal(
      e.message,
      "\n  AND IsConverted = 1\n      ^\nERROR at Row:4:Column:7\nvalue of filter criterion for field 'IsConverted' must be of type boolean and should not be enclosed in quotes",
    );
  });
});

describe('SOQL limits', () => {
  test('OFFSET above 2,000 answers NUMBER_OUTSIDE_VALID_RANGE', async () => {
    const ok = await conn.query('SELECT Id FROM Lead ORDER BY Id LIMIT 1 OFFSET 2000');
    assert.equal(ok.totalSize, 0);
    const e = await queryError('SELECT Id FROM Lead ORDER BY Id LIMIT 1 OFFSET 2001');
    assert.equal(e.errorCode, 'NUMBER_OUTSIDE_VALID_RANGE');
    assert.equal(e.message, 'Maximum SOQL offset allowed is 2000');
  });

  test('a WHERE string longer than 4,000 characters is refused, not matched', async () => {
    const ok = await conn.query(`SELECT COUNT() FROM Lead WHERE LastName = '${'x'.repeat(4000)}'`);
    assert.equal(ok.totalSize, 0);
    const e = await queryError(`SELECT Id FROM Lead WHERE LastName = '${'x'.repeat(4001)}'`);
    assert.equal(e.errorCode, 'MALFORMED_QUERY');
    assert.match(e.message, /\nERROR at Row:1:Column:38\nstring literal of 4001 characters: strings in a WHERE clause can't exceed 4000 characters$/);
  });
});
