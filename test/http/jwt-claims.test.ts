import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SignJWT } from 'jose';
import { loadConfig } from '../../src/config/load-config.js';
import { solidPng } from '../support/png.js';
import { startRelay, type RunningRelay } from '../support/relay-harness.js';

const SECRET = 'a-jwt-signing-secret-of-32-chars+';
const key = new TextEncoder().encode(SECRET);
const png = solidPng(2, 2, [5, 6, 7]);

/** A publish-everything token with the given claims (and no others: no exp unless asked). */
function token(claims: { exp?: string; iat?: boolean; aud?: string; iss?: string }): Promise<string> {
  const jwt = new SignJWT({ 'image-relay': { publish: ['*'] } }).setProtectedHeader({ alg: 'HS256' }).setSubject('cam');
  if (claims.iat) jwt.setIssuedAt();
  if (claims.exp) jwt.setExpirationTime(claims.exp);
  if (claims.aud) jwt.setAudience(claims.aud);
  if (claims.iss) jwt.setIssuer(claims.iss);
  return jwt.sign(key);
}

async function publish(server: RunningRelay, jwt: string): Promise<{ status: number; body: { error?: string; message?: string } }> {
  const response = await fetch(`${server.url}/channels/cam-1/images`, {
    method: 'POST',
    headers: { authorization: `Bearer ${jwt}`, 'content-type': 'image/png' },
    body: png,
  });
  return { status: response.status, body: (await response.json()) as { error?: string; message?: string } };
}

describe('JWT claims the relay requires', () => {
  it('refuses a JWT with no exp, naming the claim, and takes one with it', async () => {
    const server = await startRelay({ access: { tokens: '', jwt: { algorithm: 'HS256', key: SECRET } } });
    try {
      const forever = await publish(server, await token({}));
      assert.equal(forever.status, 401);
      assert.equal(forever.body.error, 'invalid_token');
      assert.match(forever.body.message ?? '', /"exp"/);
      assert.equal((await publish(server, await token({ exp: '5m' }))).status, 201);
    } finally {
      await server.close();
    }
  });

  it('with an audience and an issuer, refuses tokens minted for another service with the same key', async () => {
    const server = await startRelay({ access: { tokens: '', jwt: { algorithm: 'HS256', key: SECRET, audience: 'image-relay', issuer: 'https://app.example' } } });
    try {
      const other = await publish(server, await token({ exp: '5m', aud: 'some-other-service', iss: 'https://app.example' }));
      assert.equal(other.status, 401);
      assert.match(other.body.message ?? '', /"aud"/);
      const evil = await publish(server, await token({ exp: '5m', aud: 'image-relay', iss: 'evil' }));
      assert.equal(evil.status, 401);
      assert.match(evil.body.message ?? '', /"iss"/);
      const none = await publish(server, await token({ exp: '5m' }));
      assert.equal(none.status, 401, 'the claims are required once configured');
      assert.equal((await publish(server, await token({ exp: '5m', aud: 'image-relay', iss: 'https://app.example' }))).status, 201);
    } finally {
      await server.close();
    }
  });

  it('with a maximum lifetime, refuses a token that lives longer, or says nothing of when it was issued', async () => {
    const server = await startRelay({ access: { tokens: '', jwt: { algorithm: 'HS256', key: SECRET, maxLifetimeSeconds: 3600 } } });
    try {
      const long = await publish(server, await token({ exp: '30d', iat: true }));
      assert.equal(long.status, 401);
      assert.match(long.body.message ?? '', /at most 3600 s/);
      const undated = await publish(server, await token({ exp: '5m' }));
      assert.equal(undated.status, 401);
      assert.match(undated.body.message ?? '', /"iat"/);
      assert.equal((await publish(server, await token({ exp: '30m', iat: true }))).status, 201);
    } finally {
      await server.close();
    }
  });

  it('reads the rules from flags, and only beside a JWT key', () => {
    const config = loadConfig(['--jwt-secret', SECRET, '--jwt-audience', 'image-relay', '--jwt-issuer', 'app', '--jwt-max-lifetime', '600'], {});
    assert.deepEqual(config.access.jwt, { algorithm: 'HS256', key: SECRET, audience: 'image-relay', issuer: 'app', maxLifetimeSeconds: 600 });
    assert.throws(() => loadConfig(['--jwt-audience', 'image-relay'], {}), /go with --jwt-secret/);
  });
});

describe('a stream of a token that may watch nothing', () => {
  it('is refused with 403 before it takes a stream slot', async () => {
    const publishOnly = 'camera-publish-only-secret-01';
    const server = await startRelay({ access: { tokens: `${publishOnly}=publish@*`, jwt: undefined }, limits: { streamsPerClient: 1 } });
    try {
      for (let attempt = 0; attempt < 2; attempt++) {
        const response = await fetch(`${server.url}/events?channel=*`, { headers: { authorization: `Bearer ${publishOnly}` } });
        assert.equal(response.status, 403, `attempt ${attempt + 1}: forbidden, not a slot-holding empty stream (nor 429 once one is held)`);
        assert.equal(((await response.json()) as { error: string }).error, 'forbidden');
      }
    } finally {
      await server.close();
    }
  });
});
