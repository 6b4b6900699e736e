import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { EventSource } from 'eventsource';
import { SignJWT } from 'jose';
import { readFixture } from '../support/fixtures.js';
import { startRelay, type RunningRelay } from '../support/relay-harness.js';
import { SseReader } from '../support/sse-reader.js';
import { waitFor } from '../support/wait-for.js';

const DEVICE = 'camera-device-secret-0001';
const WALL = 'wall-screen-secret-000001';
const JWT_SECRET = 'a-jwt-signing-secret-of-32-chars+';
const key = new TextEncoder().encode(JWT_SECRET);

async function jwt(claim: object, expiresIn = '5m', secret = key): Promise<string> {
  return new SignJWT({ 'image-relay': claim }).setProtectedHeader({ alg: 'HS256' }).setSubject('alice').setIssuedAt().setExpirationTime(expiresIn).sign(secret);
}

type Credential = { header?: string; cookie?: string; query?: string };
const png = readFixture('video-001.png');

describe('access control', () => {
  let server: RunningRelay;
  let imageUrl: string;
  const credentials: Record<string, Credential> = {};

  before(async () => {
    server = await startRelay({
      access: { tokens: `${DEVICE}=publish@cam-* ${WALL}=subscribe@cam-*,lobby`, jwt: { algorithm: 'HS256', key: JWT_SECRET } },
      corsOrigins: ['http://wall.example'],
      // Every refused credential is tried from one address, far more often than the failure throttle (its own
      // test, auth-throttle.test.ts) lets an address fail.
      limits: { authFailures: { perSecond: 1000, burst: 1000 } },
    });
    const published = await fetch(`${server.url}/channels/cam-1/images`, {
      method: 'POST',
      headers: { authorization: `Bearer ${DEVICE}`, 'content-type': 'image/png' },
      body: png,
    });
    assert.equal(published.status, 201);
    imageUrl = ((await published.json()) as { url: string }).url;
    const expired = await jwt({ subscribe: ['*'], publish: ['*'] }, '-1m');
    const forged = await jwt({ subscribe: ['*'], publish: ['*'] }, '5m', new TextEncoder().encode('another-secret-that-is-32-chars-long'));
    Object.assign(credentials, { expired, forged, viewerJwt: await jwt({ subscribe: ['cam-*'] }), publisherJwt: await jwt({ publish: ['cam-*'] }) });
  });
  after(() => server.close());

  const as = (token: string | undefined): Record<string, string> => (token ? { authorization: `Bearer ${token}` } : {});
  const publish = (token: string | undefined) =>
    fetch(`${server.url}/channels/cam-2/images`, { method: 'POST', headers: { ...as(token), 'content-type': 'image/png' }, body: png });
  const original = (token: string | undefined) =>
    fetch(`${server.url}/receive-image`, { method: 'POST', headers: { ...as(token), 'content-type': 'application/json' }, body: JSON.stringify({ imageSrc: `data:image/png;base64,${png.toString('base64')}`, channel: 'cam-2' }) });
  const fetchImage = (token: string | undefined) => fetch(server.url + imageUrl, { headers: as(token) });
  const list = (token: string | undefined) => fetch(`${server.url}/channels`, { headers: as(token) });
  const streamStatus = async (path: string, headers: Record<string, string>): Promise<number> => {
    const reader = await SseReader.open(server.url + path, { headers });
    reader.close();
    return reader.status;
  };

  const cases = (): [string, string | undefined, { publish: number; read: number }][] => [
    ['no token', undefined, { publish: 401, read: 401 }],
    ['a wrong token', 'not-a-token-anyone-configured', { publish: 401, read: 401 }],
    ['an expired JWT', credentials.expired as unknown as string, { publish: 401, read: 401 }],
    ['a JWT signed with another key', credentials.forged as unknown as string, { publish: 401, read: 401 }],
    ['a watch-only token', WALL, { publish: 403, read: 200 }],
    ['a watch-only JWT', credentials.viewerJwt as unknown as string, { publish: 403, read: 200 }],
    ['a publish-only token', DEVICE, { publish: 201, read: 403 }],
    ['a publish-only JWT', credentials.publisherJwt as unknown as string, { publish: 201, read: 403 }],
  ];

  it('refuses or allows publishing, image fetches and streams for every kind of credential', async () => {
    for (const [name, token, expected] of cases()) {
      const published = await publish(token);
      assert.equal(published.status, expected.publish, `publish with ${name}`);
      if (published.status >= 400) {
        const body = (await published.json()) as { error: string; message: string };
        assert.equal(body.error, { 401: token ? 'invalid_token' : 'unauthorized', 403: 'forbidden' }[published.status as 401 | 403]);
      }
      assert.equal((await original(token)).status, expected.publish === 201 ? 200 : expected.publish, `receive-image with ${name}`);
      assert.equal((await fetchImage(token)).status, expected.read, `image fetch with ${name}`);
      const streamExpected = expected.read;
      assert.equal(await streamStatus('/sse-image?channel=cam-1', as(token)), streamExpected, `stream (header) with ${name}`);
      assert.equal(await streamStatus(`/channels/cam-1/events${token ? `?access_token=${encodeURIComponent(token)}` : ''}`, {}), streamExpected, `stream (query) with ${name}`);
      assert.equal(await streamStatus('/events?channel=cam-1', token ? { cookie: `image_relay_token=${encodeURIComponent(token)}` } : {}), streamExpected, `stream (cookie) with ${name}`);
      const listed = await list(token);
      assert.equal(listed.status, expected.read === 401 ? 401 : 200, `channel list with ${name}`);
    }
  });

  it('says why a JWT was refused when it has expired', async () => {
    const response = await publish(credentials.expired as unknown as string);
    assert.match(((await response.json()) as { message: string }).message, /expired/);
  });

  it('lets a wall screen watch with EventSource and a cookie, seeing only what its token covers', async () => {
    const source = new EventSource(`${server.url}/events?channel=*`, {
      fetch: (input, init) => fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string>), cookie: `image_relay_token=${WALL}` } }),
    });
    const seen: string[] = [];
    source.addEventListener('image', (event) => seen.push((JSON.parse(event.data as string) as { channel: string }).channel));
    try {
      await new Promise<void>((resolve, reject) => {
        source.onopen = () => resolve();
        source.onerror = (error) => reject(new Error(String(error.message)));
      });
      await fetch(`${server.url}/channels/secret-room/images`, { method: 'POST', headers: { ...as(credentials.publisherJwt as unknown as string), 'content-type': 'image/png' }, body: png }); // refused: not cam-*
      await fetch(`${server.url}/receive-image`, { method: 'POST', headers: { authorization: `Bearer ${DEVICE}`, 'content-type': 'application/json' }, body: JSON.stringify({ imageSrc: `data:image/png;base64,${png.toString('base64')}`, channel: 'cam-3' }) });
      await waitFor(() => seen.includes('cam-3'), 'the cam-3 image');
      assert.ok(seen.every((channel) => channel.startsWith('cam-')), seen.join(','));
      const listed = (await (await list(WALL)).json()) as { channels: { channel: string }[] };
      assert.ok(listed.channels.every((channel) => channel.channel.startsWith('cam-') || channel.channel === 'lobby'));
    } finally {
      source.close();
    }
  });

  it('allows only configured origins, with credentials, never with *', async () => {
    const allowed = await fetch(`${server.url}/channels`, {
      method: 'OPTIONS',
      headers: { origin: 'http://wall.example', 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
    });
    assert.equal(allowed.headers.get('access-control-allow-origin'), 'http://wall.example');
    assert.equal(allowed.headers.get('access-control-allow-credentials'), 'true');
    const other = await fetch(`${server.url}/channels`, {
      method: 'OPTIONS',
      headers: { origin: 'http://evil.example', 'access-control-request-method': 'GET' },
    });
    assert.equal(other.headers.get('access-control-allow-origin'), null);
  });

  it('still answers the health check and serves the viewer page without a token', async () => {
    assert.equal(await (await fetch(`${server.url}/`)).text(), 'status ok!');
    assert.equal((await fetch(`${server.url}/view/cam-1`, { headers: { accept: 'text/html' } })).status, 200);
  });

  it('keeps tokens out of its logs', async () => {
    await streamStatus(`/channels/cam-1/events?access_token=${WALL}`, {});
    const log = server.logText();
    for (const secret of [DEVICE, WALL, JWT_SECRET]) assert.ok(!log.includes(secret), 'a secret reached the log');
  });
});

describe('JWTs signed with a public-key algorithm', () => {
  it('accepts ES256 tokens from the configured key and refuses an algorithm swap', async () => {
    const { generateKeyPair, exportSPKI } = await import('jose');
    const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
    const server = await startRelay({ access: { tokens: '', jwt: { algorithm: 'ES256', key: await exportSPKI(publicKey) } } });
    try {
      const token = await new SignJWT({ 'image-relay': { publish: ['lab-*'] } }).setProtectedHeader({ alg: 'ES256' }).setExpirationTime('5m').sign(privateKey);
      const ok = await fetch(`${server.url}/channels/lab-1/images`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'image/png' }, body: png });
      assert.equal(ok.status, 201);
      // An attacker signs with HS256 using the public key as the secret: refused, the algorithm is not theirs to pick.
      const swapped = await new SignJWT({ 'image-relay': { publish: ['*'] } }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('5m').sign(new TextEncoder().encode(await exportSPKI(publicKey)));
      const refused = await fetch(`${server.url}/channels/lab-1/images`, { method: 'POST', headers: { authorization: `Bearer ${swapped}`, 'content-type': 'image/png' }, body: png });
      assert.equal(refused.status, 401);
    } finally {
      await server.close();
    }
  });
});

describe('abuse limits', () => {
  it('answers 429 with Retry-After past the publish burst, and recovers at the publish rate', async () => {
    const server = await startRelay({ limits: { publishPerClient: { perSecond: 2, burst: 3 } } });
    try {
      const send = () => fetch(`${server.url}/channels/rate/images`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: png });
      for (let i = 0; i < 3; i++) assert.equal((await send()).status, 201);
      const limited = await send();
      assert.equal(limited.status, 429);
      assert.equal(((await limited.json()) as { error: string }).error, 'rate_limited');
      assert.ok(Number(limited.headers.get('retry-after')) >= 1);
      await waitFor(async () => (await send()).status === 201, 'a token to come back');
    } finally {
      await server.close();
    }
  });

  it('limits the streams one client holds open', async () => {
    const server = await startRelay({ limits: { streamsPerClient: 2 } });
    try {
      const first = await SseReader.open(`${server.url}/sse-image`);
      const second = await SseReader.open(`${server.url}/sse-image`);
      const third = await SseReader.open(`${server.url}/sse-image`);
      assert.equal(third.status, 429);
      third.close();
      first.close();
      await waitFor(() => server.relay.hub.totalViewers === 1, 'the closed stream to be forgotten');
      const again = await SseReader.open(`${server.url}/sse-image`);
      assert.equal(again.status, 200);
      again.close();
      second.close();
    } finally {
      await server.close();
    }
  });

  it('refuses oversized headers and URLs with a JSON 431', async () => {
    const server = await startRelay();
    try {
      const port = Number(new URL(server.url).port);
      const answer = await new Promise<string>((resolve) => {
        const socket = net.connect(port, '127.0.0.1', () => socket.write(`GET /channels?x=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`));
        let text = '';
        socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
        socket.on('close', () => resolve(text));
        socket.on('error', () => undefined);
      });
      assert.match(answer, /^HTTP\/1\.1 431 /);
      assert.match(answer, /"error":"headers_too_large"/);
    } finally {
      await server.close();
    }
  });

  it('cuts off a slowloris client while serving others', async () => {
    const server = await startRelay({ limits: { headersTimeoutMs: 1000 } });
    try {
      const port = Number(new URL(server.url).port);
      const slow = net.connect(port, '127.0.0.1');
      let closed = false;
      slow.on('close', () => (closed = true));
      slow.on('error', () => undefined);
      await new Promise<void>((resolve) => slow.once('connect', () => resolve()));
      const header = 'GET /channels HTTP/1.1\r\nHost: x\r\nX-Drip: ';
      let sent = 0;
      const drip = setInterval(() => {
        if (!closed) slow.write(header[sent % header.length]!);
        sent += 1;
      }, 200);
      try {
        assert.equal((await fetch(`${server.url}/`)).status, 200, 'others are served meanwhile');
        await waitFor(() => closed, 'the slow client to be cut off', 10_000);
        assert.ok(sent * 200 < 8000, 'cut off soon after the headers timeout, not after Node\'s default checks');
      } finally {
        clearInterval(drip);
        slow.destroy();
      }
    } finally {
      await server.close();
    }
  });
});
