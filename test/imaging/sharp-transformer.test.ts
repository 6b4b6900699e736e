import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RelayError } from '../../src/core/errors.js';
import { createSharpTransformer } from '../../src/imaging/sharp-transformer.js';
import { resolveVariant } from '../../src/imaging/variant-spec.js';
import { readFixture } from '../support/fixtures.js';

describe('the sharp transformer', () => {
  const transformer = createSharpTransformer(50_000_000);

  it('refuses a decompression bomb by its pixel count before decoding it (libvips limitInputPixels)', async () => {
    // The variant service refuses bombs by their header first; this is the second guard, without that check.
    await assert.rejects(
      transformer.transform(readFixture('bomb-20000x20000.png'), resolveVariant({ width: 160 }, 'image/png')),
      (error: unknown) => error instanceof RelayError && error.code === 'image_too_complex',
    );
  });

  it('refuses bytes it cannot decode with variant_failed', async () => {
    await assert.rejects(
      transformer.transform(readFixture('truncated-header.png'), resolveVariant({ width: 160 }, 'image/png')),
      (error: unknown) => error instanceof RelayError && error.code === 'variant_failed',
    );
  });

  it('takes the first frame of an animation, and reports the size it made', async () => {
    const variant = await transformer.transform(readFixture('animated-3frames.gif'), resolveVariant({ format: 'webp' }, 'image/gif'));
    assert.deepEqual([variant.type, variant.width, variant.height], ['image/webp', 48, 32]);
  });
});
