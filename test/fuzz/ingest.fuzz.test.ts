import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { loadManifest, readFixture } from '../support/fixtures.js';
import { startRelay, type RunningRelay } from '../support/relay-harness.js';
import { FUZZ_RUNS } from './fuzz-runs.js';

const realImages = loadManifest().map((entry) => readFixture(entry.file)).filter((bytes) => bytes.length < 100_000);
const CONTENT_TYPES = ['image/png', 'application/octet-stream', 'application/json', 'multipart/form-data; boundary=XyZ', 'text/plain', 'image/svg+xml', ''];

/** A multipart body around fuzzed parts, sometimes well formed, sometimes not. */
const multipartBody = fc
  .tuple(fc.array(fc.tuple(fc.constantFrom('image', 'meta', 'caption', 'x'), fc.uint8Array({ maxLength: 200 })), { maxLength: 4 }), fc.boolean())
  .map(([parts, close]) => {
    const chunks = parts.map(([name, bytes]) =>
      Buffer.concat([Buffer.from(`--XyZ\r\nContent-Disposition: form-data; name="${name}"${name === 'image' ? '; filename="a.png"' : ''}\r\n\r\n`), bytes, Buffer.from('\r\n')]),
    );
    return Buffer.concat([...chunks, Buffer.from(close ? '--XyZ--\r\n' : '')]);
  });

const body = fc.oneof(
  fc.uint8Array({ maxLength: 400 }).map((bytes) => Buffer.from(bytes)),
  fc.tuple(fc.constantFrom(...realImages), fc.nat()).map(([bytes, cut]) => bytes.subarray(0, cut % (bytes.length + 1))),
  fc.json().map((text) => Buffer.from(text)),
  fc.record({ imageSrc: fc.string(), meta: fc.jsonValue(), caption: fc.anything() }).map((value) => Buffer.from(JSON.stringify(value) ?? '')),
  multipartBody,
);

describe('fuzzing ingest over HTTP', () => {
  let server: RunningRelay;
  before(async () => {
    server = await startRelay({ maxImageBytes: 64 * 1024 });
  });
  after(() => server.close());

  it('raw, JSON and multipart bodies of any shape answer 2xx or a JSON 4xx, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...CONTENT_TYPES), body, fc.constantFrom('/channels/fuzz/images', '/receive-image', '/channels/f%00z/images'), async (contentType, payload, url) => {
        const response = await server.relay.http.inject({
          method: 'POST',
          url,
          headers: contentType ? { 'content-type': contentType } : {},
          payload,
        });
        assert.ok(response.statusCode < 500, `${response.statusCode} for ${contentType} ${url}: ${response.body.slice(0, 200)}`);
        if (response.statusCode >= 400) {
          const answer = JSON.parse(response.body) as { error: unknown; message: unknown };
          assert.equal(typeof answer.error, 'string');
          assert.equal(typeof answer.message, 'string');
        }
      }),
      { numRuns: Math.min(FUZZ_RUNS, 10_000) },
    );
  });
});
