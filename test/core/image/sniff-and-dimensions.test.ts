import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readImageDimensions } from '../../../src/core/image/dimensions.js';
import { isAcceptedImageType } from '../../../src/core/image/image-type.js';
import { sniffImageType } from '../../../src/core/image/sniff.js';
import { loadManifest, readFixture } from '../../support/fixtures.js';

const manifest = loadManifest();

/** Deterministic pseudo-random bytes (mulberry32), so a failure can be replayed. */
function randomBytes(seed: number, length: number): Uint8Array {
  let state = seed >>> 0;
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = (t ^ (t >>> 14)) & 0xff;
  }
  return out;
}

function readBoth(bytes: Uint8Array): void {
  const type = sniffImageType(bytes);
  if (type && isAcceptedImageType(type)) readImageDimensions(bytes, type);
  for (const any of ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/avif'] as const) readImageDimensions(bytes, any);
}

describe('sniffImageType', () => {
  for (const entry of manifest) {
    it(`identifies ${entry.file} as ${entry.type}`, () => {
      const expected = entry.type.startsWith('image/') ? entry.type : undefined;
      assert.equal(sniffImageType(readFixture(entry.file)), expected);
    });
  }
});

describe('readImageDimensions', () => {
  for (const entry of manifest.filter((item) => item.expect !== 'refuse')) {
    it(`reads ${entry.width}x${entry.height} from ${entry.file}`, () => {
      const bytes = readFixture(entry.file);
      const type = sniffImageType(bytes);
      assert.ok(type && isAcceptedImageType(type));
      assert.deepEqual(readImageDimensions(bytes, type), { width: entry.width, height: entry.height });
    });
  }

  it('gives no dimensions for a PNG whose header is cut off', () => {
    assert.equal(readImageDimensions(readFixture('truncated-header.png'), 'image/png'), undefined);
  });

  it('reads the real header sizes of BMP and TIFF only to refuse them', () => {
    assert.equal(sniffImageType(readFixture('video-001.bmp')), 'image/bmp');
    assert.equal(sniffImageType(readFixture('video-001.tiff')), 'image/tiff');
  });
});

describe('hostile input', () => {
  it('never throws on any prefix of a real image', () => {
    for (const entry of manifest) {
      const bytes = readFixture(entry.file);
      for (let length = 0; length <= Math.min(bytes.length, 600); length++) readBoth(bytes.subarray(0, length));
      for (let cut = 1; cut < 8; cut++) readBoth(bytes.subarray(0, Math.floor((bytes.length * cut) / 8)));
    }
  });

  it('never throws on random bytes, bare or behind a real signature', () => {
    const signatures = [
      [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], [0xff, 0xd8, 0xff], [...Buffer.from('GIF89a')],
      [...Buffer.from('RIFF\0\0\0\0WEBPVP8L')], [...Buffer.from('RIFF\0\0\0\0WEBPVP8X')], [0, 0, 0, 24, ...Buffer.from('ftypavif')],
    ];
    for (let seed = 0; seed < 3000; seed++) {
      const noise = randomBytes(seed, 1 + (seed % 300));
      readBoth(noise);
      readBoth(Buffer.concat([Buffer.from(signatures[seed % signatures.length]!), noise]));
    }
  });

  it('does not hang on ISO-BMFF boxes of size 0, size 1 with a huge 64-bit size, or too small', () => {
    const ftyp = Buffer.from([0, 0, 0, 16, ...Buffer.from('ftypavif'), 0, 0, 0, 0]);
    const zeroSize = Buffer.concat([ftyp, Buffer.from([0, 0, 0, 0, ...Buffer.from('meta')]), Buffer.alloc(32)]);
    const hugeSize = Buffer.concat([ftyp, Buffer.from([0, 0, 0, 1, ...Buffer.from('meta'), 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])]);
    const tiny = Buffer.concat([ftyp, Buffer.from([0, 0, 0, 3, ...Buffer.from('meta')]), Buffer.alloc(16)]);
    for (const bytes of [zeroSize, hugeSize, tiny]) {
      assert.equal(sniffImageType(bytes), 'image/avif');
      assert.equal(readImageDimensions(bytes, 'image/avif'), undefined);
    }
  });

  it('does not hang on JPEG segments whose length is 0 or 1', () => {
    for (const length of [0, 1]) {
      const bytes = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, length, 0xff, 0xe0, 0, length]);
      assert.equal(readImageDimensions(bytes, 'image/jpeg'), undefined);
    }
  });
});
