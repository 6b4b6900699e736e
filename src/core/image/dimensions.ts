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
  const dimensions = READERS[type](bytes);
  return dimensions && dimensions.width > 0 && dimensions.height > 0 ? dimensions : undefined;
}

const READERS: Record<ImageType, (bytes: Uint8Array) => ImageDimensions | undefined> = {
  'image/png': readPng,
  'image/jpeg': readJpeg,
  'image/gif': readGif,
  'image/webp': readWebp,
  'image/avif': readAvif,
};

/** PNG §11.2.2: IHDR must be the first chunk, 13 bytes long, width and height first. */
function readPng(bytes: Uint8Array): ImageDimensions | undefined {
  if (u32be(bytes, 8) !== 13 || ascii(bytes, 12, 4) !== 'IHDR') return undefined;
  const width = u32be(bytes, 16);
  const height = u32be(bytes, 20);
  return width === undefined || height === undefined ? undefined : { width, height };
}

/**
 * JPEG (ITU T.81 §B.1.1): a chain of marker segments after SOI; the frame header (an SOFn marker, C0–CF but not
 * C4 DHT, C8 JPG or CC DAC) holds the height then the width. Fill bytes (FF) and standalone markers (RSTn, TEM)
 * carry no length.
 */
function readJpeg(bytes: Uint8Array): ImageDimensions | undefined {
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
    if (marker === 0xd9 || marker === 0xda) return undefined; // end of image or scan data before any frame
    const length = u16be(bytes, offset + 2);
    if (length === undefined || length < 2) return undefined;
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      const height = u16be(bytes, offset + 5);
      const width = u16be(bytes, offset + 7);
      return height === undefined || width === undefined ? undefined : { width, height };
    }
    offset += 2 + length;
  }
  return undefined;
}

/** GIF89a §18: the logical screen descriptor follows the 6-byte signature, little-endian. */
function readGif(bytes: Uint8Array): ImageDimensions | undefined {
  const width = u16le(bytes, 6);
  const height = u16le(bytes, 8);
  return width === undefined || height === undefined ? undefined : { width, height };
}

/** WebP container (RFC 9649): the first chunk after "WEBP" is VP8 (lossy), VP8L (lossless) or VP8X (extended). */
function readWebp(bytes: Uint8Array): ImageDimensions | undefined {
  const chunk = ascii(bytes, 12, 4);
  const data = 20;
  if (chunk === 'VP8 ') {
    // A key frame: 3-byte frame tag, start code 9D 01 2A, then 14-bit width and height (2 bits of scale above).
    if (!startsWith(bytes, [0x9d, 0x01, 0x2a], data + 3)) return undefined;
    const width = u16le(bytes, data + 6);
    const height = u16le(bytes, data + 8);
    return width === undefined || height === undefined ? undefined : { width: width & 0x3fff, height: height & 0x3fff };
  }
  if (chunk === 'VP8L') {
    // Signature 0x2F, then 14 bits of width-1 and 14 bits of height-1, least significant bit first.
    if (u8(bytes, data) !== 0x2f) return undefined;
    const b1 = u8(bytes, data + 1);
    const b2 = u8(bytes, data + 2);
    const b3 = u8(bytes, data + 3);
    const b4 = u8(bytes, data + 4);
    if (b1 === undefined || b2 === undefined || b3 === undefined || b4 === undefined) return undefined;
    const width = 1 + (b1 | ((b2 & 0x3f) << 8));
    const height = 1 + ((b2 >> 6) | (b3 << 2) | ((b4 & 0x0f) << 10));
    return { width, height };
  }
  if (chunk === 'VP8X') {
    // Flags (1 byte) and 3 reserved bytes, then 24-bit canvas width-1 and height-1.
    const width = u24le(bytes, data + 4);
    const height = u24le(bytes, data + 7);
    return width === undefined || height === undefined ? undefined : { width: width + 1, height: height + 1 };
  }
  return undefined;
}

/**
 * AVIF (HEIF, ISO/IEC 23008-12): meta → iprp → ipco holds item properties; `ispe` is the image spatial extent.
 * The first ispe is the primary image's in files made by common encoders.
 */
function readAvif(bytes: Uint8Array): ImageDimensions | undefined {
  const meta = findBox(bytes, 0, bytes.length, 'meta');
  if (!meta) return undefined;
  const iprp = findBox(bytes, meta.payloadStart + 4, meta.end, 'iprp'); // meta is a full box: skip version/flags
  if (!iprp) return undefined;
  const ipco = findBox(bytes, iprp.payloadStart, iprp.end, 'ipco');
  if (!ipco) return undefined;
  for (const box of boxes(bytes, ipco.payloadStart, ipco.end)) {
    if (box.type !== 'ispe') continue;
    const width = u32be(bytes, box.payloadStart + 4);
    const height = u32be(bytes, box.payloadStart + 8);
    return width === undefined || height === undefined || box.payloadStart + 12 > box.end ? undefined : { width, height };
  }
  return undefined;
}
