import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { readFixture } from '../support/fixtures.js';
import { solidPng } from '../support/png.js';
import { publishDataUrl, startRelay, toDataUrl, type RunningRelay } from '../support/relay-harness.js';
import { SseReader } from '../support/sse-reader.js';

const MAX_IMAGE_BYTES = 64 * 1024;

interface Refusal {
  name: string;
  body: string | Buffer;
  contentType?: string;
  status: number;
  code: string;
}

const png = solidPng(2, 2, [0, 128, 0]);
const b64 = (bytes: Buffer): string => bytes.toString('base64');

const refusals: Refusal[] = [
  { name: 'invalid JSON', body: '{"imageSrc": ', status: 400, code: 'invalid_json' },
  { name: 'an empty body', body: '', status: 400, code: 'invalid_json' },
  { name: 'a JSON array', body: '[]', status: 400, code: 'missing_image_src' },
  { name: 'no imageSrc', body: '{"image": "x"}', status: 400, code: 'missing_image_src' },
  { name: 'a non-string imageSrc', body: '{"imageSrc": 42}', status: 400, code: 'missing_image_src' },
  { name: 'a plain URL', body: '{"imageSrc": "http://example.com/a.png"}', status: 400, code: 'not_a_data_url' },
  { name: 'a URL-encoded data: URL', body: '{"imageSrc": "data:image/png,%89PNG"}', status: 400, code: 'not_base64' },
  { name: 'bad base64', body: '{"imageSrc": "data:image/png;base64,iVBOR*w0KGgo="}', status: 400, code: 'invalid_base64' },
  {
    name: 'a header with a line break',
    body: JSON.stringify({ imageSrc: `data:image/png\nid: 9;base64,${b64(png)}` }),
    status: 400,
    code: 'not_a_data_url',
  },
  { name: 'a bad channel name', body: JSON.stringify({ imageSrc: toDataUrl(png), channel: '../etc' }), status: 400, code: 'invalid_channel' },
  { name: 'text', body: JSON.stringify({ imageSrc: toDataUrl(readFixture('not-an-image.txt')) }), status: 415, code: 'not_an_image' },
  { name: 'HTML', body: JSON.stringify({ imageSrc: toDataUrl(readFixture('page.html')) }), status: 415, code: 'not_an_image' },
  {
    name: 'SVG with a script',
    body: JSON.stringify({ imageSrc: toDataUrl(readFixture('svg-with-script.svg'), 'image/svg+xml') }),
    status: 415,
    code: 'unsupported_image_type',
  },
  {
    name: 'SVG labelled as PNG',
    body: JSON.stringify({ imageSrc: toDataUrl(readFixture('svg-with-script.svg')) }),
    status: 415,
    code: 'unsupported_image_type',
  },
  {
    name: 'a PNG declared as text/html',
    body: JSON.stringify({ imageSrc: toDataUrl(png, 'text/html') }),
    status: 415,
    code: 'not_an_image',
  },
  { name: 'BMP', body: JSON.stringify({ imageSrc: toDataUrl(readFixture('video-001.bmp'), 'image/bmp') }), status: 415, code: 'unsupported_image_type' },
  { name: 'TIFF', body: JSON.stringify({ imageSrc: toDataUrl(readFixture('video-001.tiff'), 'image/tiff') }), status: 415, code: 'unsupported_image_type' },
  { name: 'a truncated PNG header', body: JSON.stringify({ imageSrc: toDataUrl(readFixture('truncated-header.png')) }), status: 415, code: 'unreadable_image' },
  { name: 'text/plain content', body: JSON.stringify({ imageSrc: toDataUrl(png) }), contentType: 'text/plain', status: 415, code: 'unsupported_media_type' },
  { name: 'form content', body: 'imageSrc=x', contentType: 'application/x-www-form-urlencoded', status: 415, code: 'unsupported_media_type' },
  {
    name: 'an image over the limit',
    body: JSON.stringify({ imageSrc: toDataUrl(solidPng(2, 2, [1, 1, 1], { padToBytes: MAX_IMAGE_BYTES + 1 })) }),
    status: 413,
    code: 'image_too_large',
  },
  {
    name: 'a body far over the limit',
    body: JSON.stringify({ imageSrc: toDataUrl(solidPng(2, 2, [1, 1, 1], { padToBytes: 2 * MAX_IMAGE_BYTES })) }),
    status: 413,
    code: 'image_too_large',
  },
];

async function post(url: string, body: string | Buffer, contentType = 'application/json') {
  const response = await fetch(`${url}/receive-image`, { method: 'POST', headers: { 'content-type': contentType }, body });
  return { status: response.status, contentType: response.headers.get('content-type'), body: (await response.json()) as { error: string; message: string } };
}

describe('bad input', () => {
  let server: RunningRelay;
  let viewer: SseReader;
  before(async () => {
    server = await startRelay({ maxImageBytes: MAX_IMAGE_BYTES });
    viewer = await SseReader.open(`${server.url}/sse-image`);
  });
  after(async () => {
    viewer.close();
    await server.close();
  });

  for (const refusal of refusals) {
    it(`refuses ${refusal.name} with ${refusal.status} ${refusal.code}`, async () => {
      const answer = await post(server.url, refusal.body, refusal.contentType);
      assert.equal(answer.status, refusal.status);
      assert.match(answer.contentType ?? '', /^application\/json/);
      assert.equal(answer.body.error, refusal.code);
      assert.equal(typeof answer.body.message, 'string');
      assert.ok(answer.body.message.length > 10);
    });
  }

  it('refuses a 50 MB body by its Content-Length, without reading it', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const request = http.request(`${server.url}/receive-image`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': String(50 * 1024 * 1024) },
      });
      request.on('response', (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      request.on('error', reject);
      request.write('{"imageSrc": "data:image/png;base64,');
    });
    assert.equal(status, 413);
  });

  it('refuses a streamed body once it passes the limit, without waiting for the rest', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const request = http.request(`${server.url}/receive-image`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      });
      request.on('response', (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
        request.destroy();
      });
      request.on('error', () => undefined); // the relay may close the connection on the unread remainder
      request.write('{"imageSrc": "data:image/png;base64,');
      // Far more than the limit, but far less than the 50 MB the client claims to be sending.
      const chunk = 'A'.repeat(64 * 1024);
      for (let i = 0; i < 4; i++) request.write(chunk);
      setTimeout(() => reject(new Error('no answer while the body was still streaming')), 10_000).unref();
    });
    assert.equal(status, 413);
  });

  it('keeps publishing while another client drips its upload', async () => {
    const port = Number(new URL(server.url).port);
    const drip = net.connect(port, '127.0.0.1');
    await new Promise<void>((resolve) => drip.once('connect', () => resolve()));
    drip.write('POST /receive-image HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"imageSrc": "');
    try {
      const { status } = await publishDataUrl(server.url, toDataUrl(solidPng(3, 3, [5, 5, 5])), 'drip');
      assert.equal(status, 200);
    } finally {
      drip.destroy();
    }
  });

  it('never lets anything refused reach a viewer', async () => {
    const good = toDataUrl(solidPng(1, 1, [7, 7, 7]));
    assert.equal((await publishDataUrl(server.url, good)).status, 200);
    await viewer.waitForEvents(1);
    assert.equal(viewer.events.length, 1, 'only the one valid image was relayed');
    assert.equal(viewer.events[0]!.data, good);
  });

  it('answers unknown paths with a JSON 404', async () => {
    const response = await fetch(`${server.url}/nope`);
    assert.equal(response.status, 404);
    assert.equal(((await response.json()) as { error: string }).error, 'not_found');
  });
});
