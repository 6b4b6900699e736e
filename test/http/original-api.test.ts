import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EventSource } from 'eventsource';
import { solidPng } from '../support/png.js';
import { publishDataUrl, startRelay, toDataUrl, type RunningRelay } from '../support/relay-harness.js';
import { SseReader } from '../support/sse-reader.js';
import { waitFor } from '../support/wait-for.js';

describe('the original API', () => {
  let server: RunningRelay;
  before(async () => {
    server = await startRelay();
  });
  after(() => server.close());

  it('answers GET / with "status ok!"', async () => {
    const response = await fetch(`${server.url}/`);
    assert.equal(response.status, 200);
    assert.equal(await response.text(), 'status ok!');
    assert.match(response.headers.get('content-type') ?? '', /^text\/plain/);
  });

  it('relays the original curl request to an EventSource page, the data: URL byte for byte', async () => {
    const imageSrc = toDataUrl(solidPng(4, 3, [255, 0, 0]));
    const source = new EventSource(`${server.url}/sse-image`);
    const opened = new Promise<void>((resolve) => (source.onopen = () => resolve()));
    const received = new Promise<MessageEvent>((resolve) => (source.onmessage = resolve));
    await opened; // onopen fires before any image exists: headers are flushed at once
    try {
      // The exact request of the original article: curl -X POST ... -H 'Content-type: application/json' -d '...'
      const response = await fetch(`${server.url}/receive-image`, {
        method: 'POST',
        headers: { 'Content-type': 'application/json' },
        body: `{"imageSrc": "${imageSrc}"}`,
      });
      assert.equal(response.status, 200);
      const body = (await response.json()) as Record<string, unknown>;
      assert.equal(body.message, 'Images received and accept successfully');
      const message = await received;
      assert.equal(message.data, imageSrc);
      assert.equal(message.type, 'message');
      assert.equal(message.lastEventId, body.id);
    } finally {
      source.close();
    }
  });

  it('streams with the headers proxies and browsers need, and a retry hint', async () => {
    const reader = await SseReader.open(`${server.url}/sse-image?channel=headers`, { headers: { origin: 'http://page.example' } });
    try {
      assert.equal(reader.status, 200);
      const headers = reader.response.headers;
      assert.equal(headers['content-type'], 'text/event-stream');
      assert.equal(headers['cache-control'], 'no-cache');
      assert.equal(headers['x-accel-buffering'], 'no');
      assert.equal(headers['access-control-allow-origin'], '*');
      await reader.waitUntil(() => reader.retry !== undefined, 'a retry hint');
      assert.equal(reader.retry, 2000);
    } finally {
      reader.close();
    }
  });

  it('allows cross-origin preflight and posts', async () => {
    const preflight = await fetch(`${server.url}/receive-image`, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://localhost:3000',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    assert.ok(preflight.status === 204 || preflight.status === 200, `preflight answered ${preflight.status}`);
    assert.equal(preflight.headers.get('access-control-allow-origin'), '*');
    assert.match(preflight.headers.get('access-control-allow-methods') ?? '', /POST/);
    assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /content-type/i);
    const post = await fetch(`${server.url}/receive-image`, {
      method: 'POST',
      headers: { origin: 'http://localhost:3000', 'content-type': 'application/json' },
      body: JSON.stringify({ imageSrc: toDataUrl(solidPng(1, 1, [0, 0, 0])) }),
    });
    assert.equal(post.headers.get('access-control-allow-origin'), '*');
  });

  it('keeps channels apart, named in the body or the query', async () => {
    const red = toDataUrl(solidPng(1, 1, [255, 0, 0]));
    const blue = toDataUrl(solidPng(1, 1, [0, 0, 255]));
    const redViewer = await SseReader.open(`${server.url}/sse-image?channel=red`);
    const blueViewer = await SseReader.open(`${server.url}/sse-image?channel=blue`);
    try {
      assert.equal((await publishDataUrl(server.url, red, 'red')).status, 200);
      const viaQuery = await fetch(`${server.url}/receive-image?channel=blue`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ imageSrc: blue }),
      });
      assert.equal(((await viaQuery.json()) as { channel: string }).channel, 'blue');
      assert.equal((await redViewer.waitForEvents(1))[0]!.data, red);
      assert.equal((await blueViewer.waitForEvents(1))[0]!.data, blue);
      assert.equal(redViewer.events.length, 1);
    } finally {
      redViewer.close();
      blueViewer.close();
    }
  });

  it('logs one line per publish and per viewer, with no image data', async () => {
    const imageSrc = toDataUrl(solidPng(2, 2, [1, 2, 3], { tag: 'SECRET-PIXELS' }));
    const viewer = await SseReader.open(`${server.url}/sse-image?channel=logged`);
    await publishDataUrl(server.url, imageSrc, 'logged');
    await viewer.waitForEvents(1);
    viewer.close();
    const linesOf = () => server.logLines.filter((line) => line.channel === 'logged');
    await waitFor(() => linesOf().some((line) => line.msg === 'viewer disconnected'), 'the disconnect log line');
    const lines = linesOf();
    const published = lines.filter((line) => line.msg === 'image published');
    assert.equal(published.length, 1);
    assert.equal(published[0]!.bytes, Buffer.from(imageSrc.split(',')[1]!, 'base64').length);
    assert.equal(published[0]!.type, 'image/png');
    assert.equal(published[0]!.viewers, 1);
    assert.equal(lines.filter((line) => line.msg === 'viewer connected').length, 1);
    const log = server.logText();
    assert.ok(!log.includes(imageSrc.split(',')[1]!.slice(0, 40)), 'image base64 reached the log');
    assert.ok(!log.includes('SECRET-PIXELS'));
  });
});
