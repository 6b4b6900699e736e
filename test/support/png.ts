import { crc32, deflateSync } from 'node:zlib';

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

export interface PngOptions {
  /** Pads the file to at least this many bytes with a private ancillary chunk that decoders skip. */
  padToBytes?: number;
  /** Written into the padding, so that images of the same colour and size still differ. */
  tag?: string;
}

/**
 * A real, decodable PNG of one solid colour (RGB, 8 bits). Tests use it to publish images of known pixels and
 * sizes; padding makes large images without large pixel work.
 */
export function solidPng(width: number, height: number, rgb: [number, number, number], options: PngOptions = {}): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type: RGB
  const row = Buffer.alloc(1 + width * 3);
  for (let x = 0; x < width; x++) row.set(rgb, 1 + x * 3);
  const pixels = deflateSync(Buffer.concat(Array.from({ length: height }, () => row)));
  const parts = [
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', pixels),
  ];
  const plainSize = parts.reduce((sum, part) => sum + part.length, 0) + 12;
  const tag = Buffer.from(options.tag ?? '', 'utf8');
  const padding = Math.max(tag.length, (options.padToBytes ?? 0) - plainSize - 12);
  if (padding > 0) {
    const filler = Buffer.alloc(padding, 0x20);
    tag.copy(filler);
    parts.push(chunk('prVt', filler)); // lower-case first letter: ancillary, safe to ignore
  }
  parts.push(chunk('IEND', Buffer.alloc(0)));
  return Buffer.concat(parts);
}
