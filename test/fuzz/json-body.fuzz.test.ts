import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import Fastify from 'fastify';
import { jsonBodyParser, liftedDataUrlText } from '../../src/http/ingest/json-body.js';
import { FUZZ_RUNS } from './fuzz-runs.js';

const parseString = Fastify().getDefaultJsonParser('error', 'error');
const parser = jsonBodyParser(parseString);

function parse(body: Buffer): Promise<{ error: Error | null; value: unknown }> {
  return new Promise((resolve) => {
    (parser as unknown as (request: unknown, body: Buffer, done: (error: Error | null, value?: unknown) => void) => void)(
      {},
      body,
      (error, value) => resolve({ error, value }),
    );
  });
}

/** Bodies shaped like the original API's, and variations that must not fool the shortcut. */
const dataUrl = fc.base64String({ minLength: 4, maxLength: 200 }).map((payload) => `data:image/png;base64,${payload}`);
const body = fc.oneof(
  fc.record({ imageSrc: dataUrl, channel: fc.string({ maxLength: 10 }) }).map((value) => JSON.stringify(value)),
  fc.tuple(dataUrl, fc.jsonValue({ maxDepth: 2 })).map(([url, meta]) => JSON.stringify({ meta, imageSrc: url })),
  fc.tuple(dataUrl, dataUrl).map(([a, b]) => `{"imageSrc": "${a}", "imageSrc": "${b}"}`),
  fc.tuple(dataUrl, dataUrl).map(([a, b]) => JSON.stringify({ meta: { imageSrc: a }, imageSrc: b })),
  fc.tuple(dataUrl, dataUrl).map(([a, b]) => JSON.stringify({ note: `"imageSrc": "${a}"`, imageSrc: b })),
  dataUrl.map((url) => `{ "imageSrc" :\n "${url.slice(0, 30)}\\u0041${url.slice(30)}" }`),
  dataUrl.map((url) => `{"imageSrc": "${url}"`),
  dataUrl.map((url) => `[{"imageSrc": "${url}"}]`),
  fc.json(),
  fc.string({ maxLength: 100 }),
);

describe('the JSON body shortcut', () => {
  it('parses every body exactly as JSON.parse does, or refuses what JSON.parse refuses', async () => {
    await fc.assert(
      fc.asyncProperty(body, async (text) => {
        const { error, value } = await parse(Buffer.from(text));
        let expected: unknown;
        try {
          expected = JSON.parse(text);
        } catch {
          assert.ok(error, `accepted invalid JSON: ${text.slice(0, 80)}`);
          return;
        }
        if (error) {
          // Only the safe parser's own refusals (prototype poisoning) may differ from JSON.parse.
          assert.match(text, /__proto__|constructor/);
          return;
        }
        assert.deepEqual(value, expected);
        const lifted = liftedDataUrlText(value);
        if (lifted) assert.equal(lifted.toString('latin1'), (value as { imageSrc: string }).imageSrc);
      }),
      { numRuns: FUZZ_RUNS },
    );
  });

  it('lifts the data: URL of the original curl body without copying it', async () => {
    const url = `data:image/png;base64,${Buffer.alloc(3000, 7).toString('base64')}`;
    const raw = Buffer.from(`{"imageSrc": "${url}"}`);
    const { value } = await parse(raw);
    const lifted = liftedDataUrlText(value)!;
    assert.equal(lifted.buffer, raw.buffer, 'a view of the request body');
    assert.equal(lifted.toString('latin1'), url);
  });
});
