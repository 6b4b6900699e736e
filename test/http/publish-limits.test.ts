import assert from 'node:assert/strict';
import net from 'node:net';
import { describe, it } from 'node:test';
import { readFixture } from '../support/fixtures.js';
import { startRelay, toDataUrl } from '../support/relay-harness.js';

const png = readFixture('video-001.png');
const CAMERA_A = 'camera-a-secret-00000001';
const CAMERA_B = 'camera-b-secret-00000001';

const publishRaw = (baseUrl: string, channel: string, token?: string) =>
  fetch(`${baseUrl}/channels/${channel}/images`, {
    method: 'POST',
    headers: { 'content-type': 'image/png', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: png,
  });

const publishJson = (baseUrl: string, channel: string) =>
  fetch(`${baseUrl}/receive-image`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ imageSrc: toDataUrl(png), channel }),
  });

describe('publish limits', () => {
  it('refuses past the burst with the catalogue body, the limit in words and Retry-After, on both publish APIs', async () => {
    const server = await startRelay({ limits: { publishPerClient: { perSecond: 1, burst: 2 } } });
    try {
      assert.equal((await publishRaw(server.url, 'cam-1')).status, 201);
      assert.equal((await publishJson(server.url, 'cam-2')).status, 200);
      for (const refused of [await publishRaw(server.url, 'cam-1'), await publishJson(server.url, 'cam-3')]) {
        assert.equal(refused.status, 429);
        assert.match(refused.headers.get('content-type') ?? '', /^application\/json/);
        assert.equal(refused.headers.get('retry-after'), '1');
        const body = (await refused.json()) as Record<string, string>;
        assert.deepEqual(Object.keys(body).sort(), ['error', 'message']);
        assert.equal(body.error, 'rate_limited');
        assert.match(body.message!, /from this client: at most 1 a second, in bursts of up to 2\. Try again in 1 s\./);
      }
      // Refusals are counted by code, as every refusal is.
      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      assert.match(metrics, /image_relay_refusals_total\{error="rate_limited"\} 2/);
    } finally {
      await server.close();
    }
  });

  it('gives each client its own bucket', async () => {
    const server = await startRelay({
      access: { tokens: `${CAMERA_A}=publish@cam-* ${CAMERA_B}=publish@cam-*`, jwt: undefined },
      limits: { publishPerClient: { perSecond: 1, burst: 2 } },
    });
    try {
      for (let i = 0; i < 2; i++) assert.equal((await publishRaw(server.url, 'cam-a', CAMERA_A)).status, 201);
      assert.equal((await publishRaw(server.url, 'cam-a', CAMERA_A)).status, 429);
      // The other camera is not held back by the first one's loop, even on the same address.
      for (let i = 0; i < 2; i++) assert.equal((await publishRaw(server.url, 'cam-b', CAMERA_B)).status, 201);
    } finally {
      await server.close();
    }
  });

  it('refuses before reading the body, so a flood costs no parsing', async () => {
    const server = await startRelay({ limits: { publishPerClient: { perSecond: 1, burst: 1 } } });
    try {
      assert.equal((await publishRaw(server.url, 'cam-1')).status, 201);
      // Headers announcing a megabyte, and none of it sent: the answer comes anyway, with nothing parsed.
      const port = Number(new URL(server.url).port);
      const answer = await new Promise<string>((resolve, reject) => {
        const socket = net.connect(port, '127.0.0.1', () =>
          socket.write('POST /channels/cam-1/images HTTP/1.1\r\nHost: x\r\nContent-Type: image/png\r\nContent-Length: 1048576\r\n\r\n'),
        );
        let text = '';
        socket.on('data', (chunk: Buffer) => {
          text += chunk.toString();
          if (text.includes('\r\n\r\n') && text.includes('}')) {
            socket.destroy();
            resolve(text);
          }
        });
        // Today's answer comes at once; a relay that waited for the body would answer 408 only minutes later.
        socket.setTimeout(10_000, () => socket.destroy());
        socket.on('error', reject);
        socket.on('close', () => resolve(text));
      });
      assert.match(answer, /^HTTP\/1\.1 429 /);
      assert.match(answer, /retry-after: 1\r\n/i);
      assert.match(answer, /"error":"rate_limited"/);
    } finally {
      await server.close();
    }
  });

  it('limits the images a channel takes from all its publishers together, each image of a form counting', async () => {
    const server = await startRelay({
      access: { tokens: `${CAMERA_A}=publish@* ${CAMERA_B}=publish@*`, jwt: undefined },
      limits: { publishPerChannel: { perSecond: 1, burst: 3 } },
    });
    try {
      assert.equal((await publishRaw(server.url, 'wall', CAMERA_A)).status, 201);
      assert.equal((await publishRaw(server.url, 'wall', CAMERA_B)).status, 201);
      assert.equal((await publishRaw(server.url, 'wall', CAMERA_A)).status, 201);
      const refused = await publishRaw(server.url, 'wall', CAMERA_B);
      assert.equal(refused.status, 429);
      assert.equal(refused.headers.get('retry-after'), '1');
      const body = (await refused.json()) as Record<string, string>;
      assert.equal(body.error, 'rate_limited');
      assert.match(body.message!, /to channel "wall" \(from all its publishers together\): at most 1 a second, in bursts of up to 3/);
      // Another channel has its own bucket.
      assert.equal((await publishRaw(server.url, 'lobby', CAMERA_B)).status, 201);
      // A form of four images into a fresh channel: three are published, the fourth refused, and the answer says so.
      const form = new FormData();
      for (let i = 0; i < 4; i++) form.append('image', new Blob([png], { type: 'image/png' }), `frame-${i}.png`);
      const formAnswer = await fetch(`${server.url}/channels/yard/images`, { method: 'POST', headers: { authorization: `Bearer ${CAMERA_A}` }, body: form });
      assert.equal(formAnswer.status, 429);
      const formBody = (await formAnswer.json()) as { error: string; published: unknown[] };
      assert.equal(formBody.error, 'rate_limited');
      assert.equal(formBody.published.length, 3);
      assert.equal((await server.relay.hub.recent('yard', 10)).length, 3, 'nothing refused was stored');
    } finally {
      await server.close();
    }
  });

  it('counts a /receive-image publish against the channel its body names', async () => {
    const server = await startRelay({ limits: { publishPerChannel: { perSecond: 1, burst: 1 } } });
    try {
      assert.equal((await publishJson(server.url, 'cam-9')).status, 200);
      const refused = await publishJson(server.url, 'cam-9');
      assert.equal(refused.status, 429);
      assert.match(((await refused.json()) as { message: string }).message, /to channel "cam-9"/);
      assert.equal((await publishJson(server.url, 'cam-10')).status, 200);
    } finally {
      await server.close();
    }
  });
});
