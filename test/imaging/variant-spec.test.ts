import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { RelayError } from '../../src/core/errors.js';
import { ACCEPTED_IMAGE_TYPES } from '../../src/core/image/image-type.js';
import { asksForVariant, parseVariantQuery, resolveVariant, variantQueryString } from '../../src/imaging/variant-spec.js';
import { FUZZ_RUNS } from '../fuzz/fuzz-runs.js';

describe('variant parameters', () => {
  it('names requests that make the same bytes with the same key', () => {
    const key = (query: Record<string, string>, type: (typeof ACCEPTED_IMAGE_TYPES)[number] = 'image/png') =>
      resolveVariant(parseVariantQuery(query), type).key;
    assert.equal(key({ w: '640' }), key({ w: '640', fit: 'cover' }), 'the fit is moot with one side');
    assert.equal(key({ w: '640' }), key({ w: '640', format: 'png' }), 'the original\'s format spelled out');
    assert.equal(key({ w: '640', format: 'png', q: '40' }), key({ w: '640', format: 'png' }), 'PNG takes no quality');
    assert.equal(key({ w: '640' }, 'image/gif'), key({ w: '640', format: 'png' }, 'image/gif'), 'a GIF becomes a PNG');
    assert.equal(key({ w: '640', format: 'jpeg' }), key({ w: '640', format: 'jpeg', q: '80' }), 'the default quality');
    assert.notEqual(key({ w: '640', h: '640' }), key({ w: '640', h: '640', fit: 'cover' }));
    assert.notEqual(key({ w: '640', format: 'webp', q: '40' }), key({ w: '640', format: 'webp' }));
  });

  it('writes the canonical query in a fixed order', () => {
    assert.equal(variantQueryString(parseVariantQuery({ q: '70', format: 'webp', w: '320', access_token: 'x' })), 'w=320&format=webp&q=70');
    assert.equal(variantQueryString(parseVariantQuery({})), '');
    assert.equal(asksForVariant({ access_token: 'x', lastEventId: '1-0' }), false);
    assert.equal(asksForVariant({ q: '50' }), true);
  });

  it('parses any query or refuses it with 400 invalid_variant, never anything else', () => {
    const value = fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('160', '320', '1920', 'webp', 'cover', '30', '95'), fc.array(fc.string({ maxLength: 4 }), { maxLength: 2 }));
    const query = fc.dictionary(fc.constantFrom('w', 'h', 'fit', 'format', 'q', 'other'), value);
    fc.assert(
      fc.property(query, fc.constantFrom(...ACCEPTED_IMAGE_TYPES), (parameters, type) => {
        try {
          const spec = resolveVariant(parseVariantQuery(parameters), type);
          assert.ok(spec.quality === undefined || (spec.quality >= 30 && spec.quality <= 95));
          assert.ok([spec.width, spec.height].every((side) => side === undefined || [160, 320, 640, 1280, 1920].includes(side)));
        } catch (error) {
          if (!(error instanceof RelayError) || error.code !== 'invalid_variant') throw error;
        }
      }),
      { numRuns: FUZZ_RUNS },
    );
  });
});
