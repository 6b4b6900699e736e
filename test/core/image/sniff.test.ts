import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isAcceptedImageType } from '../../../src/core/image/image-type.js';
import { sniffImageType } from '../../../src/core/image/sniff.js';
import { loadManifest, readFixture } from '../../support/fixtures.js';

const manifest = loadManifest();
const accepted = manifest.filter((entry) => entry.expect !== 'refuse');

/** Every answer the sniffer may give; anything else is a bug. */
const KNOWN_ANSWERS = new Set([
  'image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/avif',
  'image/svg+xml', 'image/bmp', 'image/tiff', 'image/x-icon', 'image/heic', undefined,
]);

/** Deterministic pseudo-random numbers (mulberry32), so any failure replays from its seed. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

function randomBytes(next: () => number, length: number): Buffer {
  return Buffer.from(Array.from({ length }, () => Math.floor(next() * 256)));
}

function bytes(...parts: Array<string | number[] | Buffer>): Buffer {
  return Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'latin1') : Buffer.from(part))));
}

function u32(value: number): number[] {
  return [(value >>> 24) & 0xff, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff];
}

/** A leading ISO-BMFF `ftyp` box: size, "ftyp", major brand, minor version 0, compatible brands. */
function ftyp(major: string, ...compatible: string[]): Buffer {
  return bytes(u32(16 + 4 * compatible.length), 'ftyp', major, u32(0), ...compatible);
}

describe('sniffImageType on the fixtures', () => {
  for (const entry of manifest) {
    // The manifest names the true type of the non-images too; the sniffer has no name for them.
    const expected = entry.type === 'text/plain' || entry.type === 'text/html' ? undefined : entry.type;
    it(`identifies ${entry.file} as ${expected ?? 'not an image'}`, () => {
      assert.equal(sniffImageType(readFixture(entry.file)), expected);
    });
  }

  it('names every accepted fixture with an accepted type', () => {
    for (const entry of accepted) assert.ok(isAcceptedImageType(entry.type), entry.file);
  });
});

describe('sniffImageType by signature', () => {
  const cases: Array<[string, Buffer, string | undefined]> = [
    ['PNG signature', bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), 'image/png'],
    ['PNG signature with a damaged byte', bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x00]), undefined],
    ['JPEG SOI and a marker', bytes([0xff, 0xd8, 0xff, 0xe0]), 'image/jpeg'],
    ['JPEG SOI alone', bytes([0xff, 0xd8]), undefined],
    ['GIF87a', bytes('GIF87a', [1, 0, 1, 0]), 'image/gif'],
    ['GIF89a', bytes('GIF89a', [1, 0, 1, 0]), 'image/gif'],
    ['GIF88a', bytes('GIF88a', [1, 0, 1, 0]), undefined],
    ['RIFF WEBP', bytes('RIFF', [4, 0, 0, 0], 'WEBP'), 'image/webp'],
    ['RIFF WAVE', bytes('RIFF', [4, 0, 0, 0], 'WAVE'), undefined],
    ['ftyp with major brand avif', ftyp('avif', 'mif1', 'miaf'), 'image/avif'],
    ['ftyp with compatible brand avis', ftyp('msf1', 'iso8', 'avis'), 'image/avif'],
    ['ftyp with mif1 and avif', ftyp('mif1', 'avif'), 'image/avif'],
    ['ftyp with major brand heic', ftyp('heic', 'mif1', 'heic'), 'image/heic'],
    ['ftyp with major brand heix', ftyp('heix'), 'image/heic'],
    ['ftyp with mif1 only', ftyp('mif1', 'miaf'), 'image/heic'],
    ['ftyp of an MP4 video', ftyp('isom', 'iso2', 'mp41'), undefined],
    ['ftyp cut short after the major brand', ftyp('avif', 'mif1', 'miaf').subarray(0, 12), 'image/avif'],
    ['BMP', bytes('BM', [0x36, 0, 0, 0]), 'image/bmp'],
    ['little-endian TIFF', bytes('II*\0', [8, 0, 0, 0]), 'image/tiff'],
    ['big-endian TIFF', bytes('MM\0*', [0, 0, 0, 8]), 'image/tiff'],
    ['ICO', bytes([0, 0, 1, 0, 1, 0]), 'image/x-icon'],
    ['empty', bytes(), undefined],
    ['one byte', bytes([0x89]), undefined],
    ['plain text', bytes('hello, world\n'), undefined],
    ['JSON', bytes('{"image": "<svg>"}'), undefined],
  ];
  for (const [name, input, expected] of cases) {
    it(`${name} → ${expected ?? 'undefined'}`, () => assert.equal(sniffImageType(input), expected));
  }

  it('does not trust an ftyp box whose size is 0, 1, too small or absurdly large', () => {
    for (const size of [0, 1, 8, 12, 15, 0x7fffffff, 0xffffffff]) {
      const input = bytes(u32(size), 'ftyp', 'avif', u32(0), 'avif', 'mif1');
      assert.notEqual(sniffImageType(input), 'image/avif', `size ${size}`);
    }
  });

  it('reads no compatible brand past the end of the ftyp box', () => {
    // An ftyp of 16 bytes has no compatible brands; the "avif" after it belongs to the next box.
    assert.equal(sniffImageType(bytes(ftyp('isom'), 'avif', u32(0))), undefined);
  });
});

describe('sniffImageType on text', () => {
  const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>';
  const cases: Array<[string, Buffer, string | undefined]> = [
    ['a bare SVG root', bytes(svg), 'image/svg+xml'],
    ['an XML declaration then SVG', bytes('<?xml version="1.0" encoding="UTF-8"?>\n', svg), 'image/svg+xml'],
    ['a BOM and whitespace then SVG', bytes([0xef, 0xbb, 0xbf], ' \r\n\t', svg), 'image/svg+xml'],
    ['an SVG doctype', bytes('<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "x">\n', svg), 'image/svg+xml'],
    ['upper-case SVG markup', bytes('<SVG WIDTH="1"></SVG>'), 'image/svg+xml'],
    ['XML that is not SVG', bytes('<?xml version="1.0"?><note>svg</note>'), undefined],
    ['HTML with an inline SVG', bytes('<!doctype html><html><body>', svg, '</body></html>'), undefined],
    ['an element that only starts with svg', bytes('<svgfoo/>'), undefined],
    ['SVG after 4 KiB of XML prolog', bytes('<?xml version="1.0"?>', `<!--${' '.repeat(4096)}-->`, svg), undefined],
    ['whitespace only', bytes('  \n\t '), undefined],
    ['a BOM only', bytes([0xef, 0xbb, 0xbf]), undefined],
  ];
  for (const [name, input, expected] of cases) {
    it(`${name} → ${expected ?? 'undefined'}`, () => assert.equal(sniffImageType(input), expected));
  }

  it('finds an SVG inside a larger buffer view, not from the start of its ArrayBuffer', () => {
    const backing = bytes('not svg at all ', svg);
    assert.equal(sniffImageType(backing.subarray(15)), 'image/svg+xml');
    assert.equal(sniffImageType(new Uint8Array(backing.buffer, backing.byteOffset, 15)), undefined);
  });
});

describe('sniffImageType on hostile input', () => {
  it('never throws on any prefix of an accepted fixture, and names it once 12 bytes are there', () => {
    const next = prng(1);
    for (const entry of accepted) {
      const full = readFixture(entry.file);
      const cuts = Array.from({ length: 601 }, (_, length) => length).filter((length) => length <= full.length);
      for (let i = 0; i < 8; i++) cuts.push(Math.floor(next() * full.length));
      for (const length of cuts) {
        const answer = sniffImageType(full.subarray(0, length));
        assert.ok(KNOWN_ANSWERS.has(answer), `${entry.file}[0, ${length}) gave ${answer}`);
        // Every signature the relay accepts fits in 12 bytes, so a truncated upload is still named.
        if (length >= 12) assert.equal(answer, entry.type, `${entry.file} cut to ${length} bytes`);
      }
    }
  });

  it('never throws on seeded random bytes, bare or behind a real signature', () => {
    const prefixes = [
      bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), bytes([0xff, 0xd8, 0xff]), bytes('GIF89a'),
      bytes('RIFF', [0, 0, 0, 0], 'WEBP'), bytes(u32(24), 'ftyp'), bytes(u32(1), 'ftyp'), bytes(u32(0), 'ftyp'),
      bytes([0xef, 0xbb, 0xbf], '<?xml'), bytes('<svg'),
    ];
    const next = prng(2);
    for (let round = 0; round < 4000; round++) {
      const noise = randomBytes(next, Math.floor(next() * 300));
      const prefix = prefixes[round % prefixes.length]!;
      for (const input of [noise, Buffer.concat([prefix, noise])]) {
        const answer = sniffImageType(input);
        assert.ok(KNOWN_ANSWERS.has(answer), `round ${round} gave ${answer}`);
      }
    }
  });

  it('stays quick on a large buffer of text', () => {
    const started = performance.now();
    assert.equal(sniffImageType(Buffer.alloc(16 * 1024 * 1024, 0x20)), undefined);
    assert.ok(performance.now() - started < 1000, 'the SVG check must look at no more than the first 4 KiB');
  });
});
