// Conformance of the sandbox's HubSpot OAuth endpoints, driven by the official
// @hubspot/api-client: oauth.tokensApi.create (POST /oauth/v1/token, refresh_token
// grant, form-encoded, no Authorization header) must accept the answer, the
// tokens it hands out must work on the CRM API, accessTokensApi.get must
// describe them, refusals carry HubSpot's BAD_* statuses, and an expired token
// answers 401 EXPIRED_AUTHENTICATION ("expired N second(s) ago"), as HubSpot's
// do, rather than INVALID_AUTHENTICATION.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import hubspot from '@hubspot/api-client';

import { startSandbox, admin } from './sandbox.mjs';

const { Client } = hubspot;
const LIFETIME = 3; // seconds; the sandbox's default is HubSpot's 1800
const APP = { id: 'conf-client-id', secret: 'conf-client-secret', refresh: 'conf-refresh-token' };
let sb;
let anonymous;

before(async () => {
  sb = await startSandbox([
    '--hubspot-token-lifetime', String(LIFETIME),
    '--hubspot-client-id', APP.id,
    '--hubspot-client-secret', APP.secret,
    '--hubspot-refresh-token', APP.refresh,
  ]);
  anonymous = new Client({ basePath: sb.hubspot });
});

after(async () => {
  await sb?.stop();
});

function grant(overrides = {}) {
  const a = { ...APP, ...overrides };
  return anonymous.oauth.tokensApi.create('refresh_token', undefined, undefined, a.id, a.secret, a.refresh);
}

async function rejects(status, fn) {
  try {
    await fn();
  } catch (e) {
    assert.equal(e.code, status, `expected HTTP ${status}, got ${e.code}: ${e.message}`);
    return typeof e.body === 'string' ? JSON.parse(e.body) : e.body;
  }
  assert.fail(`expected HTTP ${status}, the call succeeded`);
}

test('tokensApi.create: the refresh_token grant answers an access token the SDK accepts', async () => {
  const t = await grant();
  assert.equal(typeof t.accessToken, 'string');
  assert.ok(t.accessToken.length >= 100 && t.accessToken.length <= 300, t.accessToken);
  assert.equal(t.refreshToken, APP.refresh, 'HubSpot hands the same refresh token back');
  assert.equal(t.tokenType, 'bearer');
  assert.equal(t.expiresIn, LIFETIME);
  const again = await grant();
  assert.notEqual(again.accessToken, t.accessToken, 'each grant issues a new token');
});

test('an issued token works on the CRM API and accessTokensApi.get describes it', async () => {
  const t = await grant();
  const hs = new Client({ accessToken: t.accessToken, basePath: sb.hubspot });
  const page = await hs.crm.contacts.basicApi.getPage(1);
  assert.ok(Array.isArray(page.results));
  const info = await anonymous.oauth.accessTokensApi.get(t.accessToken);
  assert.equal(info.token, t.accessToken);
  assert.equal(info.hubId, 123456);
  assert.equal(info.tokenType, 'access');
  assert.ok(info.expiresIn >= 0 && info.expiresIn <= LIFETIME, `expiresIn ${info.expiresIn}`);
  assert.ok(info.scopes.includes('crm.objects.contacts.write'));
});

test('refusals: HubSpot BAD_* statuses with a message and correlation id', async () => {
  const cases = [
    [{ refresh: 'not-a-refresh-token' }, 'BAD_REFRESH_TOKEN', 'missing or unknown refresh token'],
    [{ id: 'someone-else' }, 'BAD_CLIENT_ID', 'missing or unknown client id'],
    [{ secret: 'wrong-secret' }, 'BAD_CLIENT_SECRET', 'missing or invalid client secret'],
  ];
  for (const [overrides, status, message] of cases) {
    const body = await rejects(400, () => grant(overrides));
    assert.equal(body.status, status);
    assert.equal(body.message, message);
    assert.match(body.correlationId, /^[0-9a-f-]{36}$/);
  }
  const body = await rejects(400, () =>
    anonymous.oauth.tokensApi.create('password', undefined, undefined, APP.id, APP.secret, APP.refresh));
  assert.equal(body.status, 'BAD_GRANT_TYPE');
});

test('a token past its lifetime answers 401 EXPIRED_AUTHENTICATION with how long ago', async () => {
  const t = await grant();
  const hs = new Client({ accessToken: t.accessToken, basePath: sb.hubspot });
  await new Promise((r) => setTimeout(r, LIFETIME * 1000 + 1200));
  const body = await rejects(401, () => hs.crm.contacts.basicApi.getPage(1));
  assert.equal(body.category, 'EXPIRED_AUTHENTICATION');
  assert.match(body.message, /^The OAuth token used to make this call expired [1-9]\d* second\(s\) ago\.$/);
  await rejects(404, () => anonymous.oauth.accessTokensApi.get(t.accessToken));
  // The refresh path: a new grant with the same refresh token works again.
  const fresh = await grant();
  const again = new Client({ accessToken: fresh.accessToken, basePath: sb.hubspot });
  assert.ok(Array.isArray((await again.crm.contacts.basicApi.getPage(1)).results));
});

test('/__sandbox/expire-tokens expires issued tokens at once; a token never issued stays INVALID', async () => {
  const t = await grant();
  const hs = new Client({ accessToken: t.accessToken, basePath: sb.hubspot });
  await hs.crm.contacts.basicApi.getPage(1);
  const r = await admin(sb.hubspot, 'POST', '/__sandbox/expire-tokens', { api: 'hubspot' });
  assert.equal(r.status, 200);
  const body = await rejects(401, () => hs.crm.contacts.basicApi.getPage(1));
  assert.equal(body.category, 'EXPIRED_AUTHENTICATION');
  assert.match(body.message, /expired 0 second\(s\) ago\.$/);
  const stranger = new Client({ accessToken: 'never-issued', basePath: sb.hubspot });
  const other = await rejects(401, () => stranger.crm.contacts.basicApi.getPage(1));
  assert.equal(other.category, 'INVALID_AUTHENTICATION');
  const fresh = await grant();
  const again = new Client({ accessToken: fresh.accessToken, basePath: sb.hubspot });
  assert.ok(Array.isArray((await again.crm.contacts.basicApi.getPage(1)).results));
});
