import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SignJWT } from 'jose';
import { requestFrom } from '../support/from-address.js';
import { startRelay, type RunningRelay } from '../support/relay-harness.js';
import { waitFor } from '../support/wait-for.js';

const VIEWER = 'wall-screen-viewer-secret-1';
const METRICS = 'prometheus-scrape-secret-01';
const JWT_SECRET = 'a-jwt-signing-secret-of-32-chars+';

const list = (server: RunningRelay, address: string, token?: string) =>
  requestFrom(address, `${server.url}/channels`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

describe('requests with a missing or invalid token, throttled per address', () => {
  it('answers 429 with Retry-After past the burst, before even the right token is checked, and lets the address in again', async () => {
    const server = await startRelay({ access: { tokens: `${VIEWER}=subscribe@*`, jwt: undefined }, limits: { authFailures: { perSecond: 2, burst: 3 } } });
    try {
      assert.equal((await list(server, '127.0.0.2', 'guess-number-0000000001')).status, 401);
      assert.equal((await list(server, '127.0.0.2')).status, 401, 'no token at all counts too');
      assert.equal((await list(server, '127.0.0.2', 'guess-number-0000000002')).status, 401);
      const throttled = await list(server, '127.0.0.2', 'guess-number-0000000003');
      assert.equal(throttled.status, 429);
      assert.equal(throttled.body.error, 'rate_limited');
      assert.match(String(throttled.body.message), /missing or invalid token from this address/);
      assert.ok(Number(throttled.headers['retry-after']) >= 1);
      // A guesser that finds the secret now learns nothing: it is not looked at.
      assert.equal((await list(server, '127.0.0.2', VIEWER)).status, 429);
      assert.equal((await list(server, '127.0.0.3', VIEWER)).status, 200, 'another address is not held back');
      await waitFor(async () => (await list(server, '127.0.0.2', VIEWER)).status === 200, 'the bucket to refill');
    } finally {
      await server.close();
    }
  });

  it('counts forged and expired JWTs, and guesses at the metrics token', async () => {
    const server = await startRelay({
      access: { tokens: '', jwt: { algorithm: 'HS256', key: JWT_SECRET } },
      metricsToken: METRICS,
      limits: { authFailures: { perSecond: 1, burst: 2 } },
    });
    try {
      const claims = { 'image-relay': { subscribe: ['*'] } };
      const forged = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('5m').sign(new TextEncoder().encode('x'.repeat(32)));
      const expired = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('-1m').sign(new TextEncoder().encode(JWT_SECRET));
      assert.equal((await list(server, '127.0.0.2', forged)).status, 401);
      assert.equal((await list(server, '127.0.0.2', expired)).status, 401);
      assert.equal((await list(server, '127.0.0.2', forged)).status, 429);
      const scrape = (address: string, token: string) => requestFrom(address, `${server.url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal((await scrape('127.0.0.3', 'not-the-metrics-token-1')).status, 401);
      assert.equal((await scrape('127.0.0.3', 'not-the-metrics-token-2')).status, 401);
      assert.equal((await scrape('127.0.0.3', METRICS)).status, 429);
      assert.equal((await scrape('127.0.0.4', METRICS)).status, 200);
    } finally {
      await server.close();
    }
  });

  it('by default, lets a misconfigured client fail 20 times in a row before a 429', async () => {
    const server = await startRelay({ access: { tokens: `${VIEWER}=subscribe@*`, jwt: undefined } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 20; i++) statuses.push((await list(server, '127.0.0.2', 'a-stale-token-from-last-week')).status);
      assert.deepEqual(new Set(statuses), new Set([401]), 'told what is wrong each time');
      // Then the burst is spent: whatever the refill (2 a second) brought back meanwhile goes within a few more.
      let answer = 401;
      for (let i = 0; i < 100 && answer === 401; i++) answer = (await list(server, '127.0.0.2', 'a-stale-token-from-last-week')).status;
      assert.equal(answer, 429);
    } finally {
      await server.close();
    }
  });
});
