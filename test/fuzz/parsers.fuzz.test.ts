import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { resolveChannelName, isValidChannelName } from '../../src/core/channel-name.js';
import { RelayError } from '../../src/core/errors.js';
import { parseEventId } from '../../src/core/event-id.js';
import { parseDataUrl } from '../../src/core/image/data-url.js';
import { readImageDimensions } from '../../src/core/image/dimensions.js';
import { ACCEPTED_IMAGE_TYPES } from '../../src/core/image/image-type.js';
import { sniffImageType } from '../../src/core/image/sniff.js';
import { validateImage } from '../../src/core/image/validate-image.js';
import { parseImageMeta } from '../../src/core/image-meta.js';
import { loadManifest, readFixture } from '../support/fixtures.js';
import { FUZZ_RUNS } from './fuzz-runs.js';

/** Runs `action`; passes if it returns or throws a RelayError (a 4xx), fails on any other exception. */
function onlyRelayErrors(action: () => unknown): void {
  try {
    action();
  } catch (error) {
    if (!(error instanceof RelayError)) throw error;
    assert.ok(error.status >= 400 && error.status < 500, `${error.code} is a ${error.status}`);
  }
}

const realImages = loadManifest().map((entry) => readFixture(entry.file)).filter((bytes) => bytes.length < 200_000);

/** Bytes that look like images: real files cut, flipped and spliced, plus plain noise. */
const imageLikeBytes = fc.oneof(
  fc.uint8Array({ maxLength: 512 }),
  fc.tuple(fc.constantFrom(...realImages), fc.nat(), fc.nat(), fc.integer({ min: 0, max: 255 })).map(([bytes, cut, at, value]) => {
    const copy = Buffer.from(bytes.subarray(0, 1 + (cut % bytes.length)));
    if (copy.length > 0) copy[at % copy.length] = value;
    return copy;
  }),
  fc.tuple(fc.constantFrom(...realImages), fc.uint8Array({ maxLength: 64 })).map(([bytes, junk]) => Buffer.concat([bytes.subarray(0, 40), junk])),
);

describe('fuzzing the parsers', () => {
  it('parseDataUrl: any string is parsed or refused with a 4xx', () => {
    const dataUrlLike = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc.tuple(fc.string({ maxLength: 40 }), fc.base64String({ maxLength: 200 })).map(([header, payload]) => `data:${header};base64,${payload}`),
      fc.tuple(fc.constantFrom('data:image/png;base64,', 'DATA:;base64,', 'data:image/png,'), fc.string({ maxLength: 100 })).map(([head, tail]) => head + tail),
    );
    fc.assert(fc.property(dataUrlLike, (source) => onlyRelayErrors(() => parseDataUrl(source, 1024))), { numRuns: FUZZ_RUNS });
  });

  it('parseDataUrl: the same URL as text or as bytes (in pieces) gives the same answer', () => {
    const outcome = (source: string | Buffer): string => {
      try {
        const parsed = parseDataUrl(source, 300_000);
        return `${parsed.header}|${parsed.declaredType}|${parsed.bytes.toString('hex')}`;
      } catch (error) {
        return (error as RelayError).code;
      }
    };
    const urls = fc.oneof(
      fc.uint8Array({ maxLength: 150_000 }).map((bytes) => `data:image/png;base64,${Buffer.from(bytes).toString('base64')}`),
      fc.tuple(fc.uint8Array({ minLength: 70_000, maxLength: 100_000 }), fc.nat(), fc.constantFrom('*', '-', '=', ' ')).map(([bytes, at, junk]) => {
        const text = `data:image/png;base64,${Buffer.from(bytes).toString('base64')}`;
        const index = 22 + (at % (text.length - 22));
        return text.slice(0, index) + junk + text.slice(index + 1);
      }),
      fc.string({ maxLength: 200 }).filter((text) => /^[\x20-\x7e]*$/.test(text)),
    );
    fc.assert(fc.property(urls, (url) => assert.equal(outcome(Buffer.from(url, 'latin1')), outcome(url))), { numRuns: Math.min(FUZZ_RUNS, 300) });
  });

  it('parseDataUrl: a canonical data: URL round-trips exactly', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 300 }), fc.constantFrom('image/png', 'image/jpeg', ''), (bytes, type) => {
        const source = `data:${type};base64,${Buffer.from(bytes).toString('base64')}`;
        const parsed = parseDataUrl(source, 1024);
        assert.equal(`${parsed.header},${parsed.bytes.toString('base64')}`, source);
      }),
      { numRuns: FUZZ_RUNS },
    );
  });

  it('sniffImageType and readImageDimensions: never throw, dimensions are positive whole numbers', () => {
    fc.assert(
      fc.property(imageLikeBytes, (bytes) => {
        sniffImageType(bytes);
        for (const type of ACCEPTED_IMAGE_TYPES) {
          const dimensions = readImageDimensions(bytes, type);
          if (dimensions) assert.ok(Number.isInteger(dimensions.width) && dimensions.width > 0 && Number.isInteger(dimensions.height) && dimensions.height > 0);
        }
      }),
      { numRuns: FUZZ_RUNS },
    );
  });

  it('validateImage: accepts or refuses with a 4xx', () => {
    fc.assert(fc.property(imageLikeBytes, (bytes) => onlyRelayErrors(() => validateImage(bytes))), { numRuns: FUZZ_RUNS });
  });

  it('channel names: accepted names match the rule, everything else is a 4xx', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 80 }), fc.stringMatching(/^[A-Za-z0-9._-]{0,70}$/), fc.anything()), (name) => {
        try {
          const resolved = resolveChannelName(name);
          assert.ok(resolved === 'default' || isValidChannelName(resolved));
        } catch (error) {
          assert.ok(error instanceof RelayError && error.code === 'invalid_channel');
        }
      }),
      { numRuns: FUZZ_RUNS },
    );
  });

  it('metadata: any JSON value or text is an object within bounds or a 4xx', () => {
    fc.assert(
      fc.property(fc.oneof(fc.json({ maxDepth: 4 }), fc.string({ maxLength: 200 }), fc.jsonValue({ maxDepth: 3 })), (value) => {
        onlyRelayErrors(() => {
          const meta = parseImageMeta(value, 'meta');
          if (meta) assert.ok(Buffer.byteLength(JSON.stringify(meta)) <= 4096);
        });
      }),
      { numRuns: FUZZ_RUNS },
    );
  });

  it('event ids: parsing never throws and accepts only what the relay issues', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (text) => {
        const parsed = parseEventId(text);
        if (parsed) assert.equal(`${parsed.ms}-${parsed.seq}`, text.replace(/^0+(\d)/, '$1').replace(/-0+(\d)/, '-$1'));
      }),
      { numRuns: FUZZ_RUNS },
    );
  });
});
