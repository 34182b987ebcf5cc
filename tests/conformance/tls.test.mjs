// The official SDKs over `crmsync sandbox --tls`. The sandbox prints https://
// URLs and the CA it keeps in its data directory; Node trusts that CA only
// when told at start-up (NODE_EXTRA_CA_CERTS), so each check runs the SDKs in
// a child process: with the CA they work unchanged (@hubspot/api-client's CRM
// and OAuth calls, jsforce's query and its OAuth refresh after a 401), and
// without it they fail on the certificate: verification is never skipped.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { startSandboxOn, TOKEN } from './sandbox.mjs';

let dir;
let out;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'crmsync-tls-'));
  out = await startSandboxOn(dir, ['--tls']);
});

after(async () => {
  if (out) await out.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// What the child runs: both SDKs against the sandbox; prints a JSON summary,
// or {"error": message} for the first failure.
const SCRIPT = `
const hubspot = require('@hubspot/api-client');
const jsforce = require('jsforce');
const [hsUrl, sfUrl, token] = process.argv.slice(1);
(async () => {
  const r = {};
  try {
    const hs = new hubspot.Client({ accessToken: token, basePath: hsUrl });
    const c = await hs.crm.contacts.basicApi.create({ properties: { email: 'tls@example.com' }, associations: [] });
    r.hsCreated = c.id;
    const t = await new hubspot.Client({ basePath: hsUrl }).oauth.tokensApi.create(
      'refresh_token', undefined, undefined, 'sandbox-client-id', 'sandbox-client-secret', 'sandbox-refresh-token');
    r.hsOauth = t.tokenType;
    const conn = new jsforce.Connection({ instanceUrl: sfUrl, accessToken: 'expired', version: '60.0',
      oauth2: { loginUrl: sfUrl, clientId: 'cid', clientSecret: 'cs' }, refreshToken: 'RT' });
    const q = await conn.query('SELECT Id FROM Lead LIMIT 1');
    r.sfDone = q.done;
    r.sfInstance = conn.instanceUrl;
  } catch (e) {
    r.error = String(e && (e.cause && e.cause.code || e.code || e.message));
  }
  console.log(JSON.stringify(r));
})();
`;

function runSdks(env) {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['-e', SCRIPT, out.hubspot, out.salesforce, TOKEN],
      { env, cwd: process.cwd(), timeout: 60000 }, (err, stdout, stderr) => {
        if (err) return reject(new Error(`${err.message}\n${stderr}`));
        resolve(JSON.parse(stdout.trim().split('\n').pop()));
      });
  });
}

function baseEnv() {
  const env = { ...process.env };
  delete env.NODE_EXTRA_CA_CERTS;
  delete env.NODE_TLS_REJECT_UNAUTHORIZED;
  return env;
}

test('the sandbox prints https:// URLs and a CA file kept in its data directory', () => {
  assert.match(out.hubspot, /^https:\/\/127\.0\.0\.1:\d+$/);
  assert.match(out.salesforce, /^https:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(out.ca, join(realpathSync(dir), 'tls', 'ca.pem'));
  assert.equal(statSync(join(dir, 'tls', 'ca-key.pem')).mode & 0o777, 0o600);
});

test('with NODE_EXTRA_CA_CERTS both SDKs work over TLS, OAuth refresh included', async () => {
  const r = await runSdks({ ...baseEnv(), NODE_EXTRA_CA_CERTS: out.ca });
  assert.equal(r.error, undefined, `SDK failed: ${r.error}`);
  assert.match(r.hsCreated, /^\d+$/);
  assert.equal(r.hsOauth, 'bearer');
  assert.equal(r.sfDone, true);
  // jsforce refreshed after the 401 and moved to the instance_url answered.
  assert.equal(r.sfInstance, out.salesforce);
});

test('without the CA the SDKs refuse the certificate', async () => {
  const r = await runSdks(baseEnv());
  assert.match(r.error ?? '', /SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT|certificate/i);
  assert.equal(r.hsCreated, undefined);
});
