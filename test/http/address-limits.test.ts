import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SignJWT } from 'jose';
import { requestFrom } from '../support/from-address.js';
import { solidPng } from '../support/png.js';
import { startRelay, type RunningRelay } from '../support/relay-harness.js';
import { SseReader } from '../support/sse-reader.js';

const WALL = 'shared-wall-screen-secret-01';
const CAM_A = 'camera-a-publish-secret-0001';
const CAM_B = 'camera-b-publish-secret-0001';
const CAM_C = 'camera-c-publish-secret-0001';
const JWT_SECRET = 'a-jwt-signing-secret-of-32-chars+';
const png = solidPng(2, 2, [1, 1, 1]);

const tokens = `${WALL}=subscribe@* ${CAM_A}=publish+subscribe@* ${CAM_B}=publish+subscribe@* ${CAM_C}=publish+subscribe@*`;

const publishFrom = (server: RunningRelay, address: string, token: string, headers: Record<string, string> = {}) =>
  requestFrom(address, `${server.url}/channels/cam-1/images`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'image/png', ...headers },
    body: png,
  });

/** Opens a stream from an address; the test closes every reader it gets. */
async function streamFrom(server: RunningRelay, address: string, token: string, readers: SseReader[]): Promise<number> {
  const reader = await SseReader.open(`${server.url}/events?channel=*`, { headers: { authorization: `Bearer ${token}` }, localAddress: address });
  readers.push(reader);
  return reader.status;
}

describe('stream slots per client and per address', () => {
  it('keeps one holder of a shared watch token from taking the slots of screens at other addresses', async () => {
    const server = await startRelay({ access: { tokens, jwt: undefined }, limits: { streamsPerClient: 2, streamsPerAddress: 8 } });
    const readers: SseReader[] = [];
    try {
      assert.equal(await streamFrom(server, '127.0.0.2', WALL, readers), 200);
      assert.equal(await streamFrom(server, '127.0.0.2', WALL, readers), 200);
      assert.equal(await streamFrom(server, '127.0.0.2', WALL, readers), 429, 'this holder has its two');
      assert.equal(await streamFrom(server, '127.0.0.3', WALL, readers), 200, 'a screen elsewhere with the same token still gets in');
    } finally {
      for (const reader of readers) reader.close();
      await server.close();
    }
  });

  it('keeps one address from taking more than its share by going through tokens', async () => {
    const server = await startRelay({ access: { tokens, jwt: undefined }, limits: { streamsPerClient: 2, streamsPerAddress: 3 } });
    const readers: SseReader[] = [];
    try {
      for (const token of [CAM_A, CAM_A, CAM_B]) assert.equal(await streamFrom(server, '127.0.0.2', token, readers), 200);
      assert.equal(await streamFrom(server, '127.0.0.2', CAM_C, readers), 429, 'a third token at the same address');
      assert.equal(await streamFrom(server, '127.0.0.3', CAM_C, readers), 200, 'another address is not held back');
    } finally {
      for (const reader of readers) reader.close();
      await server.close();
    }
  });
});

describe('publish rates per client and per address', () => {
  it('gives each address its own bucket for a shared publish token', async () => {
    const server = await startRelay({ access: { tokens, jwt: undefined }, limits: { publishPerClient: { perSecond: 1, burst: 2 } } });
    try {
      for (let i = 0; i < 2; i++) assert.equal((await publishFrom(server, '127.0.0.2', CAM_A)).status, 201);
      const refused = await publishFrom(server, '127.0.0.2', CAM_A);
      assert.equal(refused.status, 429);
      assert.match(String(refused.body.message), /from this client/);
      assert.equal((await publishFrom(server, '127.0.0.3', CAM_A)).status, 201, 'the same token elsewhere is not held back');
    } finally {
      await server.close();
    }
  });

  it('counts all tokens of one address together', async () => {
    const server = await startRelay({ access: { tokens, jwt: undefined }, limits: { publishPerAddress: { perSecond: 1, burst: 3 } } });
    try {
      for (const token of [CAM_A, CAM_B, CAM_C]) assert.equal((await publishFrom(server, '127.0.0.2', token)).status, 201);
      const refused = await publishFrom(server, '127.0.0.2', CAM_A);
      assert.equal(refused.status, 429);
      assert.equal(refused.headers['retry-after'], '1');
      assert.match(String(refused.body.message), /from this address \(all its tokens together\): at most 1 a second, in bursts of up to 3/);
      assert.equal((await publishFrom(server, '127.0.0.3', CAM_A)).status, 201);
    } finally {
      await server.close();
    }
  });

  it('keeps a bucket per JWT sub, and JWTs without one apart by address', async () => {
    const server = await startRelay({ access: { tokens: '', jwt: { algorithm: 'HS256', key: JWT_SECRET } }, limits: { publishPerClient: { perSecond: 1, burst: 1 } } });
    const jwt = (sub?: string) => {
      const token = new SignJWT({ 'image-relay': { publish: ['*'] } }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('5m');
      return (sub === undefined ? token : token.setSubject(sub)).sign(new TextEncoder().encode(JWT_SECRET));
    };
    try {
      assert.equal((await publishFrom(server, '127.0.0.2', await jwt('alice'))).status, 201);
      assert.equal((await publishFrom(server, '127.0.0.2', await jwt('alice'))).status, 429);
      assert.equal((await publishFrom(server, '127.0.0.2', await jwt('bob'))).status, 201, 'another sub, another bucket');
      assert.equal((await publishFrom(server, '127.0.0.2', await jwt())).status, 201);
      assert.equal((await publishFrom(server, '127.0.0.2', await jwt())).status, 429, 'anonymous JWTs of one address share one bucket');
      assert.equal((await publishFrom(server, '127.0.0.3', await jwt())).status, 201, 'but not with every other address');
    } finally {
      await server.close();
    }
  });

  it('takes the address from X-Forwarded-For with --trust-proxy, and only then', async () => {
    const limits = { publishPerClient: { perSecond: 1, burst: 1 } };
    for (const trustProxy of [true, false]) {
      const server = await startRelay({ access: { tokens, jwt: undefined }, limits, trustProxy });
      try {
        assert.equal((await publishFrom(server, '127.0.0.2', CAM_A, { 'x-forwarded-for': '203.0.113.5' })).status, 201);
        const other = await publishFrom(server, '127.0.0.2', CAM_A, { 'x-forwarded-for': '203.0.113.6' });
        assert.equal(other.status, trustProxy ? 201 : 429, trustProxy ? 'behind a trusted proxy, another client' : 'a header anyone can send');
      } finally {
        await server.close();
      }
    }
  });
});
