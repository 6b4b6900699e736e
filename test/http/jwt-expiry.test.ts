import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SignJWT } from 'jose';
import { RelayClient, type ImageDescription } from '../../src/client/index.js';
import { solidPng } from '../support/png.js';
import { startRelay, type RunningRelay } from '../support/relay-harness.js';
import { SseReader } from '../support/sse-reader.js';
import { waitFor } from '../support/wait-for.js';

const SECRET = 'a-jwt-signing-secret-of-32-chars+';
const key = new TextEncoder().encode(SECRET);

/** A token for `sub` with the channel claim given, expiring at `exp` (seconds since the epoch). */
function token(sub: string, claim: { publish?: string[]; subscribe?: string[] }, exp: number): Promise<string> {
  return new SignJWT({ 'image-relay': claim }).setProtectedHeader({ alg: 'HS256' }).setSubject(sub).setExpirationTime(exp).sign(key);
}

const inMinutes = (minutes: number): number => Math.floor(Date.now() / 1000) + minutes * 60;

describe('streams opened with a JWT end when it expires', () => {
  let server: RunningRelay;
  let publisher: string;
  before(async () => {
    server = await startRelay({ access: { tokens: '', jwt: { algorithm: 'HS256', key: SECRET } } });
    publisher = await token('cam', { publish: ['*'] }, inMinutes(10));
  });
  after(() => server.close());

  async function publish(channel: string, shade: number): Promise<string> {
    const response = await fetch(`${server.url}/channels/${channel}/images`, {
      method: 'POST',
      headers: { authorization: `Bearer ${publisher}`, 'content-type': 'image/png' },
      body: solidPng(2, 2, [shade, 0, 0]),
    });
    assert.equal(response.status, 201);
    return ((await response.json()) as { id: string }).id;
  }

  for (const [name, channel, path] of [
    ['a metadata stream', 'wall-1', '/channels/wall-1/events'],
    ['the original stream', 'wall-2', '/sse-image?channel=wall-2'],
  ] as const) {
    it(`ends ${name} with a token_expired event, and a new token resumes after the last image`, { timeout: 30_000 }, async () => {
      const shortLived = await token('screen', { subscribe: [channel] }, Math.floor(Date.now() / 1000) + 2);
      const reader = await SseReader.open(`${server.url}${path}`, { headers: { authorization: `Bearer ${shortLived}` } });
      assert.equal(reader.status, 200);
      const seen = await publish(channel, 1);
      await reader.waitForEvents(1);
      await reader.waitForEnd();
      const last = reader.events.at(-1)!;
      assert.equal(last.event, 'token_expired');
      // It sets no id, so the viewer's last event id (which an SSE parser carries over) stays the last image's.
      assert.equal(last.id, seen, 'the last event id is still the last image');
      assert.equal((JSON.parse(last.data) as { error: string }).error, 'token_expired');
      assert.deepEqual(reader.events.slice(0, -1).map((event) => event.id), [seen]);
      await waitFor(() => server.logLines.some((line) => line.msg === 'viewer disconnected' && line.reason === 'token_expired' && line.channel === channel), 'the log names why');

      const missed = await publish(channel, 2);
      const fresh = await token('screen', { subscribe: [channel] }, inMinutes(10));
      const resumed = await SseReader.open(`${server.url}${path}`, { headers: { authorization: `Bearer ${fresh}`, 'last-event-id': seen } });
      try {
        const [event] = await resumed.waitForEvents(1);
        assert.equal(event!.id, missed, 'the image published while it was away, and nothing twice');
      } finally {
        resumed.close();
      }
      server.logLines.length = 0;
    });
  }

  it('lets a client library subscription renew its token and go on where it was', { timeout: 30_000 }, async () => {
    let tokensMinted = 0;
    const client = new RelayClient({
      url: server.url,
      // The first token lives 2 s; the ones after, minutes.
      token: () => token('script', { subscribe: ['renewed'] }, tokensMinted++ === 0 ? Math.floor(Date.now() / 1000) + 2 : inMinutes(10)),
    });
    const received: ImageDescription[] = [];
    const subscription = client.subscribe('renewed', (image) => void received.push(image), { reconnectDelayMs: 50 });
    try {
      await waitFor(() => server.logLines.some((line) => line.msg === 'viewer connected' && line.channel === 'renewed'), 'the subscription connects');
      const before = await publish('renewed', 3);
      await waitFor(() => received.length === 1, 'the first image');
      await waitFor(() => server.logLines.some((line) => line.reason === 'token_expired' && line.channel === 'renewed'), 'the first token expires');
      const after = await publish('renewed', 4);
      await waitFor(() => received.length === 2, 'the image published after the renewal');
      assert.deepEqual(received.map((image) => image.id), [before, after]);
      assert.ok(tokensMinted >= 2);
    } finally {
      subscription.close();
    }
  });

  it('refuses the expired token when the viewer reconnects with it', { timeout: 30_000 }, async () => {
    const shortLived = await token('screen', { subscribe: ['wall'] }, Math.floor(Date.now() / 1000) + 1);
    const reader = await SseReader.open(`${server.url}/channels/wall/events`, { headers: { authorization: `Bearer ${shortLived}` } });
    await reader.waitForEnd();
    const again = await fetch(`${server.url}/channels/wall/events`, { headers: { authorization: `Bearer ${shortLived}` } });
    assert.equal(again.status, 401);
    assert.equal(((await again.json()) as { error: string }).error, 'invalid_token');
  });
});
