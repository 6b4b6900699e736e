import { ascii, startsWith, u16be, u16le, u24le, u32be, u8 } from './byte-reader.js';
import type { ImageType } from './image-type.js';
import { boxes, findBox } from './iso-bmff.js';

export interface ImageDimensions {
  readonly width: number;
  readonly height: number;
}

/**
 * Reads width and height from an image's header, without decoding pixels. Returns undefined when the header is
 * truncated, damaged or claims a zero size. Never throws; every loop advances, so no input can hang it.
 */
export function readImageDimensions(bytes: Uint8Array, type: ImageType): ImageDimensions | undefined {
  // The type is trusted by the compiler, not at run time: a JavaScript caller may pass any string.
  const reader = Object.hasOwn(READERS, type) ? READERS[type] : undefined;
  const dimensions = reader?.(bytes);
  return dimensions && dimensions.width > 0 && dimensions.height > 0 ? dimensions : undefined;
}

const READERS: Record<ImageType, (bytes: Uint8Array) => ImageDimensions | undefined> = {
  'image/png': readPng,
  'image/jpeg': readJpeg,
  'image/gif': readGif,
  'image/webp': readWebp,
  'image/avif': readAvif,
};

function pair(width: number | undefined, height: number | undefined): ImageDimensions | undefined {
  return width === undefined || height === undefined ? undefined : { width, height };
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** PNG (ISO/IEC 15948) §11.2.2: IHDR must be the first chunk, 13 bytes long, width and height first. */
function readPng(bytes: Uint8Array): ImageDimensions | undefined {
  if (!startsWith(bytes, PNG_SIGNATURE)) return undefined;
  if (u32be(bytes, 8) !== 13 || ascii(bytes, 12, 4) !== 'IHDR') return undefined;
  return pair(u32be(bytes, 16), u32be(bytes, 20));
}

/**
 * JPEG (ITU T.81 §B.1.1): after SOI comes a chain of marker segments, each FF, a marker byte and a 16-bit length
 * that counts itself. The frame header (an SOFn marker: C0–CF except C4 DHT, C8 JPG and CC DAC) holds the sample
 * precision, then the height, then the width. Any number of FF fill bytes may precede a marker (§B.1.1.2), and
 * the standalone markers TEM and RSTn carry no length (§B.1.1.3).
 */
function readJpeg(bytes: Uint8Array): ImageDimensions | undefined {
  if (u8(bytes, 0) !== 0xff || u8(bytes, 1) !== 0xd8) return undefined;
  let offset = 2;
  while (offset < bytes.length) {
    if (bytes[offset] !== 0xff) return undefined;
    const marker = u8(bytes, offset + 1);
    if (marker === undefined) return undefined;
    if (marker === 0xff) {
      offset += 1;
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      offset += 2;
      continue;
    }
    // A second SOI, the end of the image or the start of scan data before any frame header: no size to find.
    if (marker === 0xd8 || marker === 0xd9 || marker === 0xda) return undefined;
    const length = u16be(bytes, offset + 2);
    // The length includes its own two bytes, so anything under 2 is damage (and would stall the walk).
    if (length === undefined || length < 2) return undefined;
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      // Lf, P, Y, X: a frame header shorter than 7 bytes cannot hold the size it claims to.
      if (length < 7) return undefined;
      return pair(u16be(bytes, offset + 7), u16be(bytes, offset + 5));
    }
    offset += 2 + length;
  }
  return undefined;
}

/** GIF89a §17–18: a 6-byte signature, then the logical screen descriptor's width and height, little-endian. */
function readGif(bytes: Uint8Array): ImageDimensions | undefined {
  if (ascii(bytes, 0, 4) !== 'GIF8') return undefined;
  return pair(u16le(bytes, 6), u16le(bytes, 8));
}

/**
 * WebP (RFC 9649): "RIFF", size, "WEBP", then a first chunk that is VP8 (lossy, §2.6), VP8L (lossless, §2.7) or
 * VP8X (extended, §2.7.1). Each chunk has an 8-byte header (FourCC and size), so its data starts at offset 20.
 */
function readWebp(bytes: Uint8Array): ImageDimensions | undefined {
  if (ascii(bytes, 0, 4) !== 'RIFF' || ascii(bytes, 8, 4) !== 'WEBP') return undefined;
  const chunk = ascii(bytes, 12, 4);
  const data = 20;
  if (chunk === 'VP8 ') {
    // RFC 6386 §9.1: a 3-byte frame tag whose low bit is 0 for a key frame, the start code 9D 01 2A, then 16-bit
    // little-endian width and height whose top 2 bits are a scaling hint, not part of the size.
    const tag = u8(bytes, data);
    if (tag === undefined || (tag & 1) !== 0 || !startsWith(bytes, [0x9d, 0x01, 0x2a], data + 3)) return undefined;
    const width = u16le(bytes, data + 6);
    const height = u16le(bytes, data + 8);
    return width === undefined || height === undefined ? undefined : { width: width & 0x3fff, height: height & 0x3fff };
  }
  if (chunk === 'VP8L') {
    // Signature 0x2F, then 14 bits of width-1 and 14 bits of height-1, least significant bit first.
    if (u8(bytes, data) !== 0x2f) return undefined;
    const bits = u32le(bytes, data + 1);
    if (bits === undefined) return undefined;
    return { width: 1 + (bits & 0x3fff), height: 1 + ((bits >>> 14) & 0x3fff) };
  }
  if (chunk === 'VP8X') {
    // One byte of flags and 3 reserved bytes, then 24-bit canvas width-1 and height-1.
    const width = u24le(bytes, data + 4);
    const height = u24le(bytes, data + 7);
    return width === undefined || height === undefined ? undefined : { width: width + 1, height: height + 1 };
  }
  return undefined;
}

function u32le(bytes: Uint8Array, offset: number): number | undefined {
  const low = u16le(bytes, offset);
  const high = u16le(bytes, offset + 2);
  return low === undefined || high === undefined ? undefined : low + high * 0x10000;
}

/**
 * AVIF is HEIF (ISO/IEC 23008-12 §9.3): the top-level `meta` box holds `iprp` → `ipco`, the item properties;
 * `ispe` (§6.5.3) is the image spatial extent. The first ispe belongs to the primary image in files written by
 * the common encoders. `meta`, like `ispe`, is a full box (ISO/IEC 14496-12 §4.2): 4 bytes of version and flags
 * come before its contents. The box walk itself (iso-bmff.ts) handles 64-bit and to-end sizes and stops on
 * sizes that are too small or overrun their parent.
 */
function readAvif(bytes: Uint8Array): ImageDimensions | undefined {
  const meta = findBox(bytes, 0, bytes.length, 'meta');
  if (!meta) return undefined;
  const iprp = findBox(bytes, meta.payloadStart + 4, meta.end, 'iprp');
  if (!iprp) return undefined;
  const ipco = findBox(bytes, iprp.payloadStart, iprp.end, 'ipco');
  if (!ipco) return undefined;
  const ispe = findBox(bytes, ipco.payloadStart, ipco.end, 'ispe');
  // version/flags (4), image_width (4), image_height (4): all must lie inside the box.
  if (!ispe || ispe.payloadStart + 12 > ispe.end) return undefined;
  return pair(u32be(bytes, ispe.payloadStart + 4), u32be(bytes, ispe.payloadStart + 8));
}
