import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';

/**
 * The images the benchmark publishes: a PNG signature and a real IHDR chunk (so image-relay's sniffing and
 * dimension reading accept them), then one private ancillary chunk `beNc` whose first bytes carry a run tag and a
 * sequence number, filled up to the requested size with random bytes (incompressible, like real photos). Pixels
 * are never decoded by any server under test, so there is no IDAT; the private chunk's CRC is left at zero.
 *
 * The sequence lets a viewer tell which publish an event is, so publish-to-receive latency needs nothing but the
 * publisher's send-time table, and the tag tells this job's images from any other's.
 */

/**
 * Bytes that vary per publish. A multiple of 3, so its base64 is exactly the first 64 characters of the payload
 * and the (large) rest of the base64 is the same text for every publish: it is encoded once per job.
 */
export const VARYING_PREFIX_BYTES = 48;
/** Base64 characters of the varying prefix. */
export const VARYING_PREFIX_BASE64_CHARS = (VARYING_PREFIX_BYTES / 3) * 4;
/** The data: URL header every server relays (and viewers skip) before the payload. */
export const DATA_URL_HEADER = 'data:image/png;base64,';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const IHDR_END = 8 + 25;
const TAG_OFFSET = 42;
const SEQUENCE_OFFSET = 44;
const IMAGE_SIDE = 640;

/** One job's images: the same bytes and size, differing only in the sequence number. */
export class BenchImage {
  /** Bytes after the varying prefix, shared by every publish. */
  readonly tailBytes: Buffer;
  /** Base64 of `tailBytes`, shared by every publish. */
  readonly tailBase64: string;
  private readonly prefixTemplate: Buffer;

  /**
   * @param totalBytes image size in bytes (at least the header's 48)
   * @param tag 16-bit run tag, written into every image of this job
   */
  constructor(
    readonly totalBytes: number,
    readonly tag: number,
  ) {
    if (totalBytes < VARYING_PREFIX_BYTES + 4) throw new RangeError(`image of ${totalBytes} bytes is too small`);
    const image = randomBytes(totalBytes);
    PNG_SIGNATURE.copy(image, 0);
    writeIhdr(image);
    // The private chunk spans the rest of the image: length, type, data, CRC.
    image.writeUInt32BE(totalBytes - IHDR_END - 12, IHDR_END);
    image.write('beNc', IHDR_END + 4, 'latin1');
    image.writeUInt32BE(0, totalBytes - 4);
    image.writeUInt16BE(tag & 0xffff, TAG_OFFSET);
    this.prefixTemplate = Buffer.from(image.subarray(0, VARYING_PREFIX_BYTES));
    this.tailBytes = Buffer.from(image.subarray(VARYING_PREFIX_BYTES));
    this.tailBase64 = this.tailBytes.toString('base64');
  }

  /** The first bytes of publish number `sequence`. */
  prefixBytes(sequence: number): Buffer {
    const prefix = Buffer.from(this.prefixTemplate);
    prefix.writeUInt32BE(sequence >>> 0, SEQUENCE_OFFSET);
    return prefix;
  }

  /** Base64 of `prefixBytes(sequence)`: the first 64 characters of the data: URL's payload. */
  prefixBase64(sequence: number): string {
    return this.prefixBytes(sequence).toString('base64');
  }

  /** Length in bytes of the data: URL text that every server streams as an event's data. */
  get dataUrlLength(): number {
    return DATA_URL_HEADER.length + VARYING_PREFIX_BASE64_CHARS + this.tailBase64.length;
  }
}

/** What a viewer reads back from the start of an event's data. */
export interface ImageMark {
  readonly tag: number;
  readonly sequence: number;
}

/**
 * Reads the tag and sequence from the start of a data: URL (at least the header and 64 payload characters).
 * Returns undefined for data that is not one of our images.
 */
export function readImageMark(dataStart: Buffer): ImageMark | undefined {
  const comma = dataStart.indexOf(0x2c);
  if (comma === -1 || dataStart.length < comma + 1 + VARYING_PREFIX_BASE64_CHARS) return undefined;
  const prefix = Buffer.from(
    dataStart.toString('latin1', comma + 1, comma + 1 + VARYING_PREFIX_BASE64_CHARS),
    'base64',
  );
  if (prefix.length < VARYING_PREFIX_BYTES || !prefix.subarray(0, 8).equals(PNG_SIGNATURE)) return undefined;
  return { tag: prefix.readUInt16BE(TAG_OFFSET), sequence: prefix.readUInt32BE(SEQUENCE_OFFSET) };
}

/** PNG §11.2.2: 13 bytes of width, height, 8-bit RGBA, no interlace, and a real CRC over type and data. */
function writeIhdr(image: Buffer): void {
  image.writeUInt32BE(13, 8);
  image.write('IHDR', 12, 'latin1');
  image.writeUInt32BE(IMAGE_SIDE, 16);
  image.writeUInt32BE(IMAGE_SIDE, 20);
  image.set([8, 6, 0, 0, 0], 24);
  image.writeUInt32BE(crc32(image.subarray(12, 29)), 29);
}
