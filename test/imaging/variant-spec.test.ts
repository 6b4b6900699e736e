import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { RelayError } from '../../src/core/errors.js';
import { ACCEPTED_IMAGE_TYPES } from '../../src/core/image/image-type.js';
import { asksForVariant, parseVariantQuery, resolveVariant, variantIsOriginal, variantQueryString } from '../../src/imaging/variant-spec.js';
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

  it('fits a variant asked for without a size within the largest size, so none is larger', () => {
    const spec = resolveVariant(parseVariantQuery({ format: 'png' }), 'image/jpeg');
    assert.deepEqual([spec.width, spec.height, spec.fit], [1920, 1920, 'inside']);
    assert.equal(spec.key, resolveVariant(parseVariantQuery({ w: '1920', h: '1920', format: 'png' }), 'image/jpeg').key, 'the same bytes');
    assert.equal(resolveVariant(parseVariantQuery({ fit: 'cover', q: '50' }), 'image/webp').fit, 'inside', 'no box was asked for');
  });

  it('knows a variant that would be its original: the same format, a box it already fits', () => {
    const isOriginal = (query: Record<string, string>, type: (typeof ACCEPTED_IMAGE_TYPES)[number], width: number, height: number) =>
      variantIsOriginal(resolveVariant(parseVariantQuery(query), type), { type, width, height });
    assert.equal(isOriginal({ w: '320' }, 'image/png', 150, 103), true);
    assert.equal(isOriginal({ w: '320', q: '40' }, 'image/jpeg', 150, 103), true, 'quality is a re-encode setting');
    assert.equal(isOriginal({ format: 'webp' }, 'image/webp', 400, 301), true, 'within the 1920 box');
    assert.equal(isOriginal({ w: '160', h: '160', fit: 'cover' }, 'image/png', 150, 103), true);
    assert.equal(isOriginal({ w: '160' }, 'image/png', 400, 301), false, 'it shrinks');
    assert.equal(isOriginal({ w: '320', format: 'webp' }, 'image/png', 150, 103), false, 'another format');
    assert.equal(isOriginal({ w: '320' }, 'image/gif', 150, 103), false, 'a GIF\'s variant is a PNG');
    assert.equal(isOriginal({ w: '320', h: '320', fit: 'contain' }, 'image/png', 150, 103), false, 'contain letterboxes');
    assert.equal(isOriginal({ w: '320' }, 'image/jpeg', 150, 400), false, 'EXIF orientation could turn it 400 wide');
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
