import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Worker } from 'node:worker_threads';
import { readImageDimensions, type ImageDimensions } from '../../../src/core/image/dimensions.js';
import { ACCEPTED_IMAGE_TYPES, isAcceptedImageType, type ImageType } from '../../../src/core/image/image-type.js';
import { loadManifest, readFixture } from '../../support/fixtures.js';

const accepted = loadManifest().filter((entry) => entry.expect !== 'refuse');

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

function bytes(...parts: Array<string | number[] | Buffer>): Buffer {
  return Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'latin1') : Buffer.from(part))));
}
const u16be = (value: number): number[] => [(value >>> 8) & 0xff, value & 0xff];
const u16le = (value: number): number[] => [value & 0xff, (value >>> 8) & 0xff];
const u24le = (value: number): number[] => [value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff];
const u32be = (value: number): number[] => [...u16be(value >>> 16), ...u16be(value & 0xffff)];

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
function png(width: number, height: number, chunk = 'IHDR', length = 13): Buffer {
  return bytes(PNG_SIGNATURE, u32be(length), chunk, u32be(width), u32be(height), [8, 0, 0, 0, 0], u32be(0));
}

/** A JPEG marker segment: FF, the marker, a length that counts itself, the payload. */
const segment = (marker: number, payload: number[]): number[] => [0xff, marker, ...u16be(payload.length + 2), ...payload];
const sof = (marker: number, width: number, height: number): number[] => segment(marker, [8, ...u16be(height), ...u16be(width), 1, 1, 0x11, 0]);
const jpeg = (...parts: number[][]): Buffer => bytes([0xff, 0xd8], ...parts);

const webp = (chunk: string, data: number[]): Buffer => bytes('RIFF', [0, 0, 0, 0], 'WEBP', chunk, [data.length, 0, 0, 0], data);

/** An ISO-BMFF box; a full box puts version and flags before its payload. */
const box = (type: string, ...payload: Buffer[]): Buffer => bytes(u32be(8 + Buffer.concat(payload).length), type, ...payload);
const fullBox = (type: string, ...payload: Buffer[]): Buffer => box(type, bytes([0, 0, 0, 0]), ...payload);
const FTYP = box('ftyp', bytes('avif', [0, 0, 0, 0], 'avif', 'mif1'));
const ispe = (width: number, height: number): Buffer => fullBox('ispe', bytes(u32be(width), u32be(height)));
const avif = (width: number, height: number): Buffer =>
  bytes(FTYP, fullBox('meta', box('hdlr', bytes(Buffer.alloc(20))), box('iprp', box('ipco', box('pixi', bytes([0, 0, 0, 0, 0])), ispe(width, height)))));

/** Runs the parser in a worker and gives up after `ms`: a loop that never advances fails the test, not the run. */
function readInWorker(inputs: Array<{ bytes: Uint8Array; type: ImageType }>, ms = 5000): Promise<Array<ImageDimensions | undefined>> {
  const moduleUrl = new URL('../../../src/core/image/dimensions.js', import.meta.url).href;
  const source = `const { parentPort, workerData } = require('node:worker_threads');
    import(workerData.moduleUrl).then(({ readImageDimensions }) =>
      parentPort.postMessage(workerData.inputs.map(({ bytes, type }) => readImageDimensions(bytes, type))));`;
  return new Promise((resolve, reject) => {
    const worker = new Worker(source, { eval: true, workerData: { moduleUrl, inputs } });
    const timer = setTimeout(() => {
      void worker.terminate();
      reject(new Error(`readImageDimensions gave no answer within ${ms} ms`));
    }, ms);
    worker.once('message', (results: Array<ImageDimensions | undefined>) => {
      clearTimeout(timer);
      void worker.terminate();
      resolve(results);
    });
    worker.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

function assertSane(dimensions: ImageDimensions | undefined, context: string): void {
  if (dimensions === undefined) return;
  const { width, height } = dimensions;
  assert.ok(Number.isInteger(width) && width > 0 && Number.isInteger(height) && height > 0, `${context}: ${width}x${height}`);
}

describe('readImageDimensions on the fixtures', () => {
  for (const entry of accepted) {
    it(`reads ${entry.width}x${entry.height} from ${entry.file}`, () => {
      assert.ok(isAcceptedImageType(entry.type), `${entry.file} is listed as ${entry.type}`);
      assert.deepEqual(readImageDimensions(readFixture(entry.file), entry.type), { width: entry.width, height: entry.height });
    });
  }

  it('gives no dimensions for a PNG whose IHDR is cut off', () => {
    assert.equal(readImageDimensions(readFixture('truncated-header.png'), 'image/png'), undefined);
  });
});

describe('readImageDimensions on crafted headers', () => {
  const cases: Array<[string, ImageType, Buffer, ImageDimensions | undefined]> = [
    ['a PNG', 'image/png', png(640, 480), { width: 640, height: 480 }],
    ['a PNG of zero width', 'image/png', png(0, 480), undefined],
    ['a PNG whose first chunk is not IHDR', 'image/png', png(640, 480, 'gAMA'), undefined],
    ['a PNG whose IHDR is not 13 bytes', 'image/png', png(640, 480, 'IHDR', 12), undefined],
    ['a PNG without its signature', 'image/png', png(640, 480).subarray(8), undefined],
    ['a baseline JPEG after APP0', 'image/jpeg', jpeg(segment(0xe0, [...Buffer.from('JFIF\0'), 1, 1, 0, 0, 1, 0, 1, 0, 0]), sof(0xc0, 300, 200)), { width: 300, height: 200 }],
    ['a progressive JPEG', 'image/jpeg', jpeg(sof(0xc2, 301, 201)), { width: 301, height: 201 }],
    ['a JPEG with fill bytes, RST and TEM markers', 'image/jpeg', jpeg([0xff, 0xff, 0xff, 0xd0, 0xff, 0x01], sof(0xc1, 17, 9)), { width: 17, height: 9 }],
    ['a JPEG whose DHT, JPG and DAC segments are not frames', 'image/jpeg', jpeg(sof(0xc4, 1, 1), sof(0xc8, 2, 2), sof(0xcc, 3, 3), sof(0xcf, 4, 5)), { width: 4, height: 5 }],
    ['a JPEG whose scan starts before any frame', 'image/jpeg', jpeg(segment(0xda, [0, 0, 0]), sof(0xc0, 3, 3)), undefined],
    ['a JPEG that ends before any frame', 'image/jpeg', jpeg([0xff, 0xd9], sof(0xc0, 3, 3)), undefined],
    ['a JPEG cut inside its frame header', 'image/jpeg', jpeg(sof(0xc0, 300, 200)).subarray(0, 9), undefined],
    ['a JPEG whose frame header is too short', 'image/jpeg', jpeg([0xff, 0xc0, 0, 6, 8, 0, 200, 1, 44]), undefined],
    ['a JPEG with junk where a marker should be', 'image/jpeg', jpeg([0x00], sof(0xc0, 3, 3)), undefined],
    ['a JPEG without SOI', 'image/jpeg', bytes(sof(0xc0, 3, 3)), undefined],
    ['a GIF', 'image/gif', bytes('GIF89a', u16le(320), u16le(240), [0, 0, 0]), { width: 320, height: 240 }],
    ['a GIF of zero height', 'image/gif', bytes('GIF89a', u16le(320), u16le(0), [0, 0, 0]), undefined],
    ['a GIF cut inside its screen descriptor', 'image/gif', bytes('GIF87a', u16le(320), [0]), undefined],
    ['a lossy WebP', 'image/webp', webp('VP8 ', [0x50, 0x02, 0x00, 0x9d, 0x01, 0x2a, ...u16le(0xc000 | 150), ...u16le(0x4000 | 103)]), { width: 150, height: 103 }],
    ['a lossy WebP whose first frame is not a key frame', 'image/webp', webp('VP8 ', [0x51, 0x02, 0x00, 0x9d, 0x01, 0x2a, ...u16le(150), ...u16le(103)]), undefined],
    ['a lossy WebP without its start code', 'image/webp', webp('VP8 ', [0x50, 0x02, 0x00, 0x9d, 0x01, 0x2b, ...u16le(150), ...u16le(103)]), undefined],
    // 14 bits of width-1 (16383), then 14 bits of height-1 (0) across the next bytes.
    ['a lossless WebP at the widest', 'image/webp', webp('VP8L', [0x2f, 0xff, 0x3f, 0x00, 0x00]), { width: 16384, height: 1 }],
    ['a lossless WebP at the tallest', 'image/webp', webp('VP8L', [0x2f, 0x00, 0xc0, 0xff, 0x0f]), { width: 1, height: 16384 }],
    ['a lossless WebP with a wrong signature', 'image/webp', webp('VP8L', [0x2e, 0x00, 0x00, 0x00, 0x00]), undefined],
    ['an extended WebP', 'image/webp', webp('VP8X', [0x10, 0, 0, 0, ...u24le(0xffffff), ...u24le(299)]), { width: 0x1000000, height: 300 }],
    ['a WebP with an unknown first chunk', 'image/webp', webp('ALPH', [0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), undefined],
    ['an AVIF', 'image/avif', avif(1920, 1080), { width: 1920, height: 1080 }],
    ['an AVIF of zero width', 'image/avif', avif(0, 1080), undefined],
    ['an AVIF without meta', 'image/avif', FTYP, undefined],
    ['an AVIF whose ispe is too short', 'image/avif', bytes(FTYP, fullBox('meta', box('iprp', box('ipco', fullBox('ispe', bytes(u32be(5))))))), undefined],
    ['an AVIF whose meta box runs past the end', 'image/avif', avif(1920, 1080).subarray(0, -1), undefined],
  ];
  for (const [name, type, input, expected] of cases) {
    it(`${name} → ${expected ? `${expected.width}x${expected.height}` : 'undefined'}`, () => {
      assert.deepEqual(readImageDimensions(input, type), expected);
    });
  }

  it('reads a meta box of size 0 (to the end of the file) and an ipco box with a 64-bit size', () => {
    const toEnd = avif(64, 48);
    toEnd.writeUInt32BE(0, FTYP.length);
    assert.deepEqual(readImageDimensions(toEnd, 'image/avif'), { width: 64, height: 48 });

    const ipcoPayload = bytes(ispe(65, 49));
    const ipco64 = bytes(u32be(1), 'ipco', u32be(0), u32be(16 + ipcoPayload.length), ipcoPayload);
    const file = bytes(FTYP, fullBox('meta', box('iprp', ipco64)));
    assert.deepEqual(readImageDimensions(file, 'image/avif'), { width: 65, height: 49 });
  });

  it('answers undefined, not a throw, for a type it does not know', () => {
    assert.equal(readImageDimensions(png(1, 1), 'image/bmp' as ImageType), undefined);
    assert.equal(readImageDimensions(png(1, 1), 'toString' as ImageType), undefined);
  });
});

describe('readImageDimensions on hostile input', () => {
  it('does not hang on ISO-BMFF sizes of 0, 1 with a huge 64-bit size, or too small to advance', async () => {
    const inputs = [
      bytes(FTYP, u32be(0), 'meta', Buffer.alloc(64)),
      bytes(FTYP, u32be(0), 'free', u32be(0), 'meta'),
      bytes(FTYP, u32be(1), 'meta', [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], Buffer.alloc(64)),
      bytes(FTYP, u32be(1), 'meta', u32be(0), u32be(0), Buffer.alloc(64)),
      bytes(FTYP, u32be(1), 'meta', u32be(0), u32be(8), Buffer.alloc(64)),
      bytes(FTYP, u32be(1), 'free', u32be(0), u32be(0), box('meta')),
      bytes(FTYP, u32be(3), 'free', box('meta')),
      bytes(FTYP, fullBox('meta', bytes(u32be(1), 'iprp', [0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]))),
      bytes(FTYP, u32be(3), 'meta', Buffer.alloc(64)),
      bytes(FTYP, fullBox('meta', box('iprp', bytes(u32be(0), 'ipco', u32be(4), 'ispe')))),
    ];
    const results = await readInWorker(inputs.map((input) => ({ bytes: input, type: 'image/avif' })));
    assert.deepEqual(results, inputs.map(() => undefined));
  });

  it('does not hang on JPEG segments of length 0 or 1, or on endless fill bytes and RST markers', async () => {
    const inputs = [
      jpeg([0xff, 0xe0, 0, 0], sof(0xc0, 3, 3)),
      jpeg([0xff, 0xe0, 0, 1], sof(0xc0, 3, 3)),
      jpeg(Array.from({ length: 100_000 }, () => 0xff)),
      jpeg(Array.from({ length: 50_000 }, (_, i) => (i % 2 === 0 ? 0xff : 0xd0 + ((i >> 1) % 8)))),
    ];
    const results = await readInWorker(inputs.map((input) => ({ bytes: input, type: 'image/jpeg' })));
    assert.deepEqual(results, inputs.map(() => undefined));
  });

  it('never throws on any prefix of an accepted fixture, read as every accepted type', () => {
    const next = prng(3);
    for (const entry of accepted) {
      const full = readFixture(entry.file);
      const cuts = Array.from({ length: 601 }, (_, length) => length).filter((length) => length <= full.length);
      for (let i = 0; i < 8; i++) cuts.push(Math.floor(next() * full.length));
      for (const length of cuts) {
        for (const type of ACCEPTED_IMAGE_TYPES) {
          assertSane(readImageDimensions(full.subarray(0, length), type), `${entry.file}[0, ${length}) as ${type}`);
        }
      }
    }
  });

  it('never throws on seeded random bytes, bare or behind a real header', () => {
    const prefixes = [
      bytes(PNG_SIGNATURE, u32be(13), 'IHDR'), bytes([0xff, 0xd8]), bytes([0xff, 0xd8, 0xff, 0xc0]), bytes('GIF89a'),
      bytes('RIFF', [0, 0, 0, 0], 'WEBPVP8 '), bytes('RIFF', [0, 0, 0, 0], 'WEBPVP8L'), bytes('RIFF', [0, 0, 0, 0], 'WEBPVP8X'),
      FTYP, bytes(FTYP, u32be(0), 'meta'), bytes(FTYP, u32be(1), 'meta'),
    ];
    const next = prng(4);
    for (let round = 0; round < 4000; round++) {
      const noise = Buffer.from(Array.from({ length: Math.floor(next() * 300) }, () => Math.floor(next() * 256)));
      const prefix = prefixes[round % prefixes.length]!;
      for (const input of [noise, Buffer.concat([prefix, noise])]) {
        for (const type of ACCEPTED_IMAGE_TYPES) assertSane(readImageDimensions(input, type), `round ${round} as ${type}`);
      }
    }
  });
});
