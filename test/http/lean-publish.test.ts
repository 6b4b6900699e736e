import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { solidPng } from '../support/png.js';
import { startRelay, toDataUrl, type RunningRelay } from '../support/relay-harness.js';

const png = solidPng(6, 4, [90, 10, 200]);
const dataUrl = toDataUrl(png);

interface Exchange {
  readonly path: string;
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string | Buffer | FormData;
}

/** What a client can see of an answer, with what differs between any two publishes (ids, times) taken out. */
async function answer(baseUrl: string, exchange: Exchange): Promise<Record<string, unknown>> {
  const response = await fetch(baseUrl + exchange.path, {
    method: exchange.method ?? 'POST',
    headers: exchange.headers ?? {},
    ...(exchange.body === undefined ? {} : { body: exchange.body }),
  });
  const text = await response.text();
  const normalise = (value: string): string => value.replace(/\d{13}-\d+/g, '<id>').replace(/"publishedAt":"[^"]+"/g, '"publishedAt":"<time>"');
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    cors: response.headers.get('access-control-allow-origin'),
    retryAfter: response.headers.get('retry-after'),
    location: normalise(response.headers.get('location') ?? ''),
    body: normalise(text),
  };
}

const json = { 'content-type': 'application/json' };
const exchanges: Exchange[] = [
  { path: '/receive-image', headers: json, body: JSON.stringify({ imageSrc: dataUrl }) },
  { path: '/receive-image?channel=cam-1', headers: { 'Content-Type': 'application/json; charset=utf-8' }, body: JSON.stringify({ imageSrc: dataUrl }) },
  { path: '/receive-image?channel=a&channel=b', headers: json, body: JSON.stringify({ imageSrc: dataUrl }) },
  { path: '/receive-image', headers: json, body: JSON.stringify({ imageSrc: dataUrl, channel: 'bad name' }) },
  { path: '/receive-image', headers: json, body: '{"imageSrc": "data:image/png;base64,' },
  { path: '/receive-image', headers: json, body: '' },
  { path: '/receive-image', headers: json, body: '{"channel": "x"}' },
  { path: '/receive-image', headers: json, body: JSON.stringify({ imageSrc: 'data:image/png,abc' }) },
  { path: '/receive-image', headers: json, body: JSON.stringify({ imageSrc: 'data:image/png;base64,AB-_' }) },
  { path: '/receive-image', headers: json, body: JSON.stringify({ imageSrc: `data:text/html;base64,${png.toString('base64')}` }) },
  { path: '/receive-image', headers: json, body: JSON.stringify({ imageSrc: toDataUrl(Buffer.alloc(3000, 1)) }) },
  { path: '/receive-image', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ imageSrc: dataUrl }) },
  { path: '/receive-image', method: 'PUT', headers: json, body: JSON.stringify({ imageSrc: dataUrl }) },
  { path: '/channels/cam-2/images', headers: { 'content-type': 'image/png' }, body: png },
  { path: '/channels/cam-2/images', method: 'PUT', headers: { 'content-type': 'application/octet-stream', 'x-image-meta': '{"step": 3}' }, body: png },
  { path: '/channels/cam-2/images?caption=door', headers: { 'content-type': 'image/jpeg' }, body: png },
  { path: '/channels/cam-2/images', headers: { 'content-type': 'image/png', 'x-image-meta': '[1]' }, body: png },
  { path: '/channels/cam-2/images', headers: { 'content-type': 'image/png' }, body: Buffer.from('not an image') },
  { path: '/channels/cam-2/images', headers: { 'content-type': 'image/png' }, body: Buffer.alloc(0) },
  { path: '/channels/cam-2/images', headers: json, body: JSON.stringify({ imageSrc: dataUrl, meta: { a: 1 }, caption: 'hi' }) },
  { path: '/channels/cam-2/images', headers: json, body: JSON.stringify({ imageSrc: dataUrl, caption: 5 }) },
  { path: '/channels/bad%20name/images', headers: { 'content-type': 'image/png' }, body: png },
  { path: '/channels/-x/images', headers: { 'content-type': 'image/png' }, body: png },
  { path: '/channels/cam-2/images', headers: { 'content-type': 'text/plain' }, body: 'x' },
];

describe('the lean publish path', () => {
  let lean: RunningRelay;
  let routed: RunningRelay;
  before(async () => {
    lean = await startRelay();
    routed = await startRelay({}, { leanPublishPath: false });
  });
  after(() => Promise.all([lean.close(), routed.close()]));

  it('answers every publish, good or bad, exactly as the Fastify routes do', async () => {
    for (const exchange of exchanges) {
      const expected = await answer(routed.url, exchange);
      const actual = await answer(lean.url, exchange);
      assert.deepEqual(actual, expected, `${exchange.method ?? 'POST'} ${exchange.path} ${String(exchange.body).slice(0, 60)}`);
    }
    const multipart = (): FormData => {
      const form = new FormData();
      form.append('caption', 'two');
      form.append('image', new Blob([png], { type: 'image/png' }), 'a.png');
      return form;
    };
    assert.deepEqual(await answer(lean.url, { path: '/channels/cam-3/images', body: multipart() }), await answer(routed.url, { path: '/channels/cam-3/images', body: multipart() }));
  });

  it('serves the publishes itself, and logs them as the routes do', async () => {
    const before = lean.logLines.length;
    assert.equal((await answer(lean.url, exchanges[0]!)).status, 200);
    const published = lean.logLines.slice(before).find((line) => line.msg === 'image published');
    assert.ok(published, 'an "image published" line');
    assert.match(String(published.reqId), /^req-lean-/, 'from the lean path');
    assert.deepEqual(Object.keys(published).filter((key) => !['level', 'time', 'pid', 'hostname'].includes(key)).sort(), ['bytes', 'channel', 'id', 'msg', 'reqId', 'type', 'viewers']);
  });

  it('counts publishes against the same per-client limit, before reading the body', async () => {
    const limited = await startRelay({ limits: { publishPerClient: { perSecond: 1, burst: 2 } } });
    try {
      const statuses = [];
      for (let index = 0; index < 3; index++) statuses.push((await answer(limited.url, exchanges[0]!)).status);
      assert.deepEqual(statuses, [200, 200, 429]);
      const refused = await answer(limited.url, { path: '/channels/cam-2/images', headers: { 'content-type': 'image/png' }, body: png });
      assert.equal(refused.status, 429);
      assert.equal(refused.retryAfter, '1');
      assert.match(String(refused.body), /"error":"rate_limited"/);
    } finally {
      await limited.close();
    }
  });
});
