import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { solidPng } from '../support/png.js';
import { startRelay, type RunningRelay } from '../support/relay-harness.js';

interface RawAnswer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/** Sends bytes as they are (what fetch would refuse to send) and reads the answer until the relay closes. */
function rawRequest(server: RunningRelay, text: string): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(new URL(server.url).port), '127.0.0.1', () => socket.write(text));
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
    socket.on('error', reject);
    socket.on('close', () => {
      const status = Number(/^HTTP\/1\.1 (\d{3}) /.exec(answer)?.[1] ?? 0);
      const body = answer.slice(answer.indexOf('\r\n\r\n') + 4);
      try {
        resolve({ status, body: JSON.parse(body) as Record<string, unknown> });
      } catch {
        reject(new Error(`not a JSON answer: ${JSON.stringify(answer.slice(0, 300))}`));
      }
    });
  });
}

const post = (path: string, contentType: string | undefined, body: string, extraHeaders = ''): string =>
  `POST ${path} HTTP/1.1\r\nHost: relay\r\n${contentType ? `Content-Type: ${contentType}\r\n` : ''}Content-Length: ${Buffer.byteLength(body)}\r\n` +
  `${extraHeaders}Connection: close\r\n\r\n${body}`;

/**
 * Every error Fastify, its form parser or Node's HTTP parser gives for something a client sent, each with the
 * catalogue's code and a message saying what was wrong: [name, request, status, code, what the message says].
 */
const WALK: readonly (readonly [string, string, number, string, RegExp])[] = [
  ['a path segment over 100 characters', `GET /channels/${'c'.repeat(5000)}/events HTTP/1.1\r\nHost: relay\r\nConnection: close\r\n\r\n`, 414, 'uri_too_long', /100 characters/],
  ['headers over 16 KiB', `GET /channels HTTP/1.1\r\nHost: relay\r\nX-Padding: ${'p'.repeat(20_000)}\r\n\r\n`, 431, 'headers_too_large', /16 KiB/],
  ['headers that never end', 'GET /channels HTTP/1.1\r\nHost: relay\r\n', 408, 'request_timeout', /took too long/],
  ['a body that stops half-way', `POST /receive-image HTTP/1.1\r\nHost: relay\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"imageSrc":`, 408, 'request_timeout', /took too long/],
  ['a body that is not JSON', post('/receive-image', 'application/json', '{imageSrc: nope}'), 400, 'invalid_json', /not valid JSON/],
  ['a raw-route JSON body that is not JSON', post('/channels/cam-1/images', 'application/json', '[1,'), 400, 'invalid_json', /not valid JSON/],
  ['an empty JSON body', post('/receive-image', 'application/json', ''), 400, 'invalid_json', /body is empty/],
  ['a JSON body poisoning prototypes', post('/receive-image', 'application/json', '{"__proto__":{"admin":true},"imageSrc":"x"}'), 400, 'invalid_json', /"__proto__"/],
  ['a JSON body poisoning prototypes with an escape', post('/receive-image', 'application/json', '{"\\u005f_proto__":{"admin":true},"imageSrc":"x"}'), 400, 'invalid_json', /"__proto__"/],
  ['a JSON body poisoning prototypes beside a channel', post('/channels/cam-1/images', 'application/json', '{"channel":"x","__proto__":{"admin":true},"imageSrc":"x"}'), 400, 'invalid_json', /"__proto__"/],
  ['a JSON body poisoning constructors', post('/receive-image', 'application/json', '{"constructor":{"prototype":{"admin":true}},"imageSrc":"x"}'), 400, 'invalid_json', /"constructor"/],
  ['a body of a type the path does not take', post('/receive-image', 'text/plain', 'hello'), 415, 'unsupported_media_type', /application\/json/],
  ['a body without a Content-Type', post('/receive-image', undefined, 'hello'), 415, 'unsupported_media_type', /application\/json/],
  ['a Content-Type that is no media type', post('/channels/cam-1/images', ';;;', 'hello'), 415, 'unsupported_media_type', /raw bytes or multipart/],
  ['a body over the limit', post('/channels/cam-1/images', 'image/png', 'x'.repeat(80_000)), 413, 'image_too_large', /larger than this relay accepts/],
  ['a JSON body over the limit', post('/receive-image', 'application/json', 'x'.repeat(80_000)), 413, 'image_too_large', /larger than this relay accepts/],
  ['a form without a boundary', post('/channels/cam-1/images', 'multipart/form-data', 'hello'), 400, 'invalid_multipart', /Boundary not found/],
  ['a form cut off', post('/channels/cam-1/images', 'multipart/form-data; boundary=XX', '--XX\r\nContent-Disposition: form-data; name="image"; filename="a.png"\r\n\r\nabc'), 400, 'invalid_multipart', /unexpected end/],
  ['a form field named __proto__', post('/channels/cam-1/images', 'multipart/form-data; boundary=XX', '--XX\r\nContent-Disposition: form-data; name="__proto__"\r\n\r\nx\r\n--XX--\r\n'), 400, 'invalid_multipart', /"__proto__"/],
  ['both Content-Length and Transfer-Encoding (request smuggling)', `POST /receive-image HTTP/1.1\r\nHost: relay\r\nContent-Type: application/json\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`, 400, 'bad_request', /Transfer-Encoding can't be present with Content-Length/],
  ['a malformed chunk size', `POST /receive-image HTTP/1.1\r\nHost: relay\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n`, 400, 'bad_request', /chunk size/],
  ['a request line that is not HTTP', 'HELLO THERE\r\n\r\n', 400, 'bad_request', /not valid HTTP\/1\.1: Invalid method/],
  ['a malformed percent-encoding', 'GET /channels/%zz/images HTTP/1.1\r\nHost: relay\r\nConnection: close\r\n\r\n', 400, 'bad_request', /not a valid url component/],
  ['an HTTP/1.1 request without Host', 'GET /channels HTTP/1.1\r\nConnection: close\r\n\r\n', 400, 'bad_request', /needs a Host header/],
];

/** Errors met before a route is chosen, or by the body and form parsers, answered in the catalogue's shape. */
describe('framework errors', () => {
  let server: RunningRelay;
  before(async () => {
    // Timeouts short enough to meet in a test (the options' minimum is 1 s), and a small image limit.
    server = await startRelay({ maxImageBytes: 1000, limits: { headersTimeoutMs: 500, requestTimeoutMs: 500 } });
  });
  after(() => server.close());

  async function refusal(path: string, init: RequestInit = {}): Promise<{ status: number; body: Record<string, unknown>; cors: string | null }> {
    const response = await fetch(server.url + path, init);
    return { status: response.status, body: (await response.json()) as Record<string, unknown>, cors: response.headers.get('access-control-allow-origin') };
  }

  for (const [name, request, status, code, message] of WALK) {
    it(`answers ${name} with ${status} ${code}, {error, message} only`, async () => {
      const answer = await rawRequest(server, request);
      assert.equal(answer.status, status);
      assert.deepEqual(Object.keys(answer.body).sort(), ['error', 'message']);
      assert.equal(answer.body.error, code);
      assert.match(String(answer.body.message), message);
    });
  }

  it('answers a 5,000-digit image id with 414 uri_too_long, with CORS\'s header', async () => {
    const answer = await refusal(`/channels/cam-1/images/${'1'.repeat(5000)}`);
    assert.equal(answer.status, 414);
    assert.deepEqual(Object.keys(answer.body).sort(), ['error', 'message']);
    assert.equal(answer.body.error, 'uri_too_long');
    assert.match(String(answer.body.message), /longer than this relay accepts/);
    assert.equal(answer.cors, '*', 'open CORS, as for every other answer');
  });

  it('answers a form with more than 8 fields with 413 too_many_fields, not invalid_meta', async () => {
    const form = new FormData();
    for (let index = 0; index < 9; index++) form.append('caption', `field ${index}`);
    form.append('image', new Blob([solidPng(2, 2, [1, 2, 3])], { type: 'image/png' }), 'a.png');
    const answer = await refusal('/channels/cam-1/images', { method: 'POST', body: form });
    assert.equal(answer.status, 413);
    assert.equal(answer.body.error, 'too_many_fields');
  });
});
