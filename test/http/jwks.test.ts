import assert from 'node:assert/strict';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { exportJWK, SignJWT, type JWK } from 'jose';
import { loadConfig } from '../../src/config/load-config.js';
import { JwksServer } from '../support/jwks-server.js';
import { solidPng } from '../support/png.js';
import { startRelay, type RunningRelay } from '../support/relay-harness.js';
import { waitFor } from '../support/wait-for.js';

const png = solidPng(2, 2, [7, 7, 7]);

interface SigningKey {
  readonly kid: string;
  readonly alg: 'RS256' | 'ES256' | 'EdDSA';
  readonly privateKey: KeyObject;
  readonly jwk: JWK;
}

async function signingKey(kid: string, alg: SigningKey['alg']): Promise<SigningKey> {
  const { publicKey, privateKey } =
    alg === 'RS256'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : alg === 'ES256'
        ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
        : generateKeyPairSync('ed25519');
  return { kid, alg, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, use: 'sig' } };
}

const tokenOf = (key: SigningKey, header: { alg?: string; kid?: string } = {}) =>
  new SignJWT({ 'image-relay': { publish: ['*'] } })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, ...header })
    .setExpirationTime('5m')
    .sign(key.privateKey);

async function publish(server: RunningRelay, token: string): Promise<{ status: number; error: string | undefined; retryAfter: string | null }> {
  const response = await fetch(`${server.url}/channels/cam-1/images`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'image/png' }, body: png });
  const body = (await response.json()) as { error?: string };
  return { status: response.status, error: body.error, retryAfter: response.headers.get('retry-after') };
}

describe('JWTs verified with a JSON Web Key Set (--jwt-jwks-url)', () => {
  let jwks: JwksServer;
  let rsa: SigningKey;
  let ec: SigningKey;
  let ed: SigningKey;
  before(async () => {
    jwks = await JwksServer.start();
    [rsa, ec, ed] = await Promise.all([signingKey('rsa-1', 'RS256'), signingKey('ec-1', 'ES256'), signingKey('ed-1', 'EdDSA')]);
  });
  after(() => jwks.close());

  /** A relay on the test's key set, with jose's cache times as the test needs them. */
  const relayOn = (cache: { cacheMaxAgeMs?: number; cooldownMs?: number }) =>
    startRelay({ access: { tokens: '', jwt: { jwksUrl: jwks.url, ...cache } }, corsOrigins: [] });

  it('takes tokens of every key in the set, each with its own algorithm, fetching the set once while it is fresh', async () => {
    jwks.keys = [rsa.jwk, ec.jwk, ed.jwk];
    jwks.answer = 'keys';
    jwks.fetches = 0;
    const server = await relayOn({ cacheMaxAgeMs: 60_000 });
    try {
      for (const key of [rsa, ec, ed, rsa, ec, ed]) assert.equal((await publish(server, await tokenOf(key))).status, 201, key.kid);
      assert.equal(jwks.fetches, 1, 'one fetch for six verifications');
      // A token naming the RSA key but claiming ES256, or HS256 keyed with the public key: the key decides.
      assert.equal((await publish(server, await tokenOf(ec, { kid: 'rsa-1' }))).status, 401);
      const swapped = await new SignJWT({ 'image-relay': { publish: ['*'] } })
        .setProtectedHeader({ alg: 'HS256', kid: 'rsa-1' })
        .setExpirationTime('5m')
        .sign(new TextEncoder().encode(JSON.stringify(rsa.jwk)));
      assert.equal((await publish(server, swapped)).status, 401);
      // Signed by a key the set does not hold.
      assert.equal((await publish(server, await tokenOf(await signingKey('rsa-1', 'RS256')))).status, 401);
    } finally {
      await server.close();
    }
  });

  it('follows a rotation: a new kid is fetched and taken, a key gone from the set is refused', async () => {
    const next = await signingKey('ec-2', 'ES256');
    jwks.keys = [ec.jwk];
    jwks.answer = 'keys';
    const server = await relayOn({ cacheMaxAgeMs: 60_000, cooldownMs: 0 });
    try {
      assert.equal((await publish(server, await tokenOf(ec))).status, 201);
      // The application rotates: ec-2 in, ec-1 out. The relay's set is fresh, so ec-1 is still taken from it...
      jwks.keys = [next.jwk];
      assert.equal((await publish(server, await tokenOf(ec))).status, 201, 'from the cache');
      // ...until a token names the new key, whose kid makes the relay fetch the set again.
      assert.equal((await publish(server, await tokenOf(next))).status, 201, 'the new kid');
      const retired = await publish(server, await tokenOf(ec));
      assert.equal(retired.status, 401, 'the retired key, once the set was fetched again');
      assert.equal(retired.error, 'invalid_token');
    } finally {
      await server.close();
    }
  });

  it('refuses a removed key once its cache of the set has expired', async () => {
    jwks.keys = [ed.jwk];
    jwks.answer = 'keys';
    const server = await relayOn({ cacheMaxAgeMs: 50, cooldownMs: 0 });
    try {
      assert.equal((await publish(server, await tokenOf(ed))).status, 201);
      jwks.keys = [];
      const token = await tokenOf(ed);
      await waitFor(async () => (await publish(server, token)).status === 401, 'the removed key to be refused');
    } finally {
      await server.close();
    }
  });

  it('answers 503 keys_unavailable with Retry-After while the set cannot be had, and recovers when it can', async () => {
    jwks.keys = [rsa.jwk];
    const server = await relayOn({ cooldownMs: 0 });
    try {
      for (const answer of ['error-500', 'not-json', 'not-a-key-set'] as const) {
        jwks.answer = answer;
        const refused = await publish(server, await tokenOf(rsa));
        assert.equal(refused.status, 503, answer);
        assert.equal(refused.error, 'keys_unavailable', answer);
        assert.ok(Number(refused.retryAfter) >= 1, answer);
      }
      // Nothing to fetch for: a token that is not one this set could verify is the token's fault.
      assert.equal((await publish(server, 'eyJhbGciOiJub25lIn0.eyJleHAiOjk5OTk5OTk5OTl9.')).status, 401);
      jwks.answer = 'keys';
      assert.equal((await publish(server, await tokenOf(rsa))).status, 201, 'served again once the set is');
    } finally {
      await server.close();
    }
  });

  it('answers 503 when the key-set server is not there at all', async () => {
    const gone = await JwksServer.start();
    await gone.close();
    const server = await startRelay({ access: { tokens: '', jwt: { jwksUrl: gone.url, cooldownMs: 0 } }, corsOrigins: [] });
    try {
      const refused = await publish(server, await tokenOf(rsa));
      assert.equal(refused.status, 503);
      assert.equal(refused.error, 'keys_unavailable');
    } finally {
      await server.close();
    }
  });

  it('reads the URL from --jwt-jwks-url, http(s) only, and --jwt-algorithm as the one algorithm taken', () => {
    const url = 'https://app.example/.well-known/jwks.json?tenant=a';
    assert.deepEqual(loadConfig(['--jwt-jwks-url', url], {}).access.jwt, { jwksUrl: url });
    assert.deepEqual(loadConfig(['--jwt-jwks-url', url, '--jwt-algorithm', 'EdDSA'], {}).access.jwt, { jwksUrl: url, algorithm: 'EdDSA' });
    assert.throws(() => loadConfig(['--jwt-jwks-url', 'file:///etc/keys.json'], {}), /--jwt-jwks-url: an http\(s\) URL, not file:/);
    assert.throws(() => loadConfig(['--jwt-jwks-url', 'keys.json'], {}), /--jwt-jwks-url: not a URL/);
    assert.throws(() => loadConfig(['--jwt-jwks-url', url, '--jwt-algorithm', 'HS256'], {}), /--jwt-algorithm HS256 goes with --jwt-secret/);
  });

  it('with --jwt-algorithm, takes no other algorithm from the set', async () => {
    jwks.keys = [rsa.jwk, ec.jwk];
    jwks.answer = 'keys';
    const server = await startRelay({ access: { tokens: '', jwt: { jwksUrl: jwks.url, algorithm: 'ES256' } }, corsOrigins: [] });
    try {
      assert.equal((await publish(server, await tokenOf(ec))).status, 201);
      assert.equal((await publish(server, await tokenOf(rsa))).status, 401);
    } finally {
      await server.close();
    }
  });
});
