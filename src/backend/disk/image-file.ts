import { crc32 } from 'node:zlib';
import { isValidChannelName } from '../../core/channel-name.js';
import { bytePartsTail, encodeDataUrlText, type ByteParts } from '../../core/image/byte-parts.js';
import { base64Length } from '../../core/image/data-url.js';
import { isAcceptedImageType } from '../../core/image/image-type.js';
import type { ImageRecord } from '../../core/image-record.js';
import { heldBytes } from '../../core/image/image-bytes.js';

/**
 * One stored image is one file: everything needed to serve it again after a restart, in a form that a crash
 * cannot leave half-read as valid.
 *
 *   magic (8 bytes) | header length (u32 BE) | CRC-32 of header and image (u32 BE) | header (JSON) | image bytes
 *
 * The length and checksum catch a truncated or damaged file; the magic tells our files from anything else that
 * ends up in the directory. The image bytes go last and uncopied, so a write is the header plus the buffer the
 * publisher sent.
 */
const MAGIC = Buffer.from('IRIMG01\n', 'latin1');
/** The magic, then the header length and the checksum (4 bytes each). */
export const PREFIX_BYTES = MAGIC.length + 8;
/** A header is a few hundred bytes plus metadata (at most 4 KiB of JSON); anything larger is not ours. */
export const MAX_HEADER_BYTES = 64 * 1024;

/** Same alphabet as the data: URL parser allows (RFC 7230 token characters, "/", ";", "="): no CR/LF to forge SSE fields. */
const DATA_URL_HEADER = /^data:[A-Za-z0-9!#$%&'*+.^_`|~/;=-]{0,250};base64$/i;
const BASE64_QUANTUM = /^[A-Za-z0-9+/=]{4}$/;

interface StoredHeader {
  readonly channel: string;
  readonly id: string;
  readonly type: string;
  readonly width: number;
  readonly height: number;
  readonly publishedAt: number;
  readonly dataUrlHeader: string;
  readonly bytes: number;
  readonly meta?: Record<string, unknown>;
  /**
   * The data: URL's last four characters, only when they are not what re-encoding the bytes gives: base64's
   * last quantum may carry non-zero spare bits ("AB=C", "AAB=") that decoders ignore. Every other quantum is
   * canonical once the alphabet and padding are checked, so these four characters are all that is needed to
   * give original-stream viewers the URL byte for byte.
   */
  readonly dataUrlTail?: string;
}

/** Why a file in the data directory was not restored. */
export class ImageFileError extends Error {
  override readonly name = 'ImageFileError';
}

export function imageFileName(id: string): string {
  return `${id}.img`;
}

/** The data: URL's last quantum when re-encoding would not reproduce it (see StoredHeader.dataUrlTail). */
function nonCanonicalTail(record: ImageRecord): string | undefined {
  const text = record.dataUrlText;
  if (!text) return undefined;
  const bytes = record.bytes.read();
  const lastGroup = bytes.length % 3 || 3;
  const canonical = bytes.subarray(bytes.length - lastGroup).toString('base64');
  const tail = bytePartsTail(text, 4);
  return tail === canonical ? undefined : tail;
}

/** The parts of a record's file, to be written back to back (the image bytes are not copied). */
export function encodeImageFile(record: ImageRecord): Buffer[] {
  const tail = nonCanonicalTail(record);
  const header: StoredHeader = {
    channel: record.channel,
    id: record.id,
    type: record.type,
    width: record.width,
    height: record.height,
    publishedAt: record.publishedAt,
    dataUrlHeader: record.dataUrlHeader,
    bytes: record.bytes.length,
    ...(record.meta ? { meta: record.meta } : {}),
    ...(tail ? { dataUrlTail: tail } : {}),
  };
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const prefix = Buffer.allocUnsafe(PREFIX_BYTES);
  MAGIC.copy(prefix);
  prefix.writeUInt32BE(headerBytes.length, MAGIC.length);
  const bytes = record.bytes.read();
  prefix.writeUInt32BE(crc32(bytes, crc32(headerBytes)), MAGIC.length + 4);
  return [prefix, headerBytes, bytes];
}

/** Reads a file written by encodeImageFile; throws ImageFileError for anything else, truncated or damaged. */
export function decodeImageFile(file: Buffer, expectedId: string): ImageRecord {
  if (file.length < PREFIX_BYTES || !file.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new ImageFileError('not an image-relay image file');
  }
  const headerLength = file.readUInt32BE(MAGIC.length);
  const checksum = file.readUInt32BE(MAGIC.length + 4);
  if (headerLength > MAX_HEADER_BYTES || PREFIX_BYTES + headerLength > file.length) throw new ImageFileError('truncated');
  const headerBytes = file.subarray(PREFIX_BYTES, PREFIX_BYTES + headerLength);
  const bytes = file.subarray(PREFIX_BYTES + headerLength);
  let header: StoredHeader;
  try {
    header = JSON.parse(headerBytes.toString('utf8')) as StoredHeader;
  } catch {
    throw new ImageFileError('damaged header');
  }
  if (typeof header !== 'object' || header === null || header.bytes !== bytes.length) throw new ImageFileError('truncated');
  if (crc32(bytes, crc32(headerBytes)) !== checksum) throw new ImageFileError('checksum mismatch');
  checkHeader(header, expectedId);
  return {
    channel: header.channel,
    id: header.id,
    type: header.type as ImageRecord['type'],
    width: header.width,
    height: header.height,
    publishedAt: header.publishedAt,
    bytes: heldBytes(bytes),
    dataUrlHeader: header.dataUrlHeader,
    dataUrlText: header.dataUrlTail ? restoredDataUrl(header.dataUrlHeader, bytes, header.dataUrlTail) : undefined,
    meta: header.meta,
  };
}

function restoredDataUrl(dataUrlHeader: string, bytes: Buffer, tail: string): ByteParts {
  const [text] = encodeDataUrlText(dataUrlHeader, bytes);
  text!.write(tail, text!.length - 4, 'latin1');
  return [text!];
}

/** The file passed its checksum, so this guards against files written by something else with our magic. */
function checkHeader(header: StoredHeader, expectedId: string): void {
  const isDimension = (value: unknown): boolean => Number.isSafeInteger(value) && (value as number) > 0;
  const problem =
    header.id !== expectedId ? 'id does not match the file name'
    : typeof header.channel !== 'string' || !isValidChannelName(header.channel) ? 'bad channel name'
    : typeof header.type !== 'string' || !isAcceptedImageType(header.type) ? 'bad image type'
    : !isDimension(header.width) || !isDimension(header.height) ? 'bad dimensions'
    : !Number.isSafeInteger(header.publishedAt) || header.publishedAt < 0 ? 'bad time'
    : typeof header.dataUrlHeader !== 'string' || !DATA_URL_HEADER.test(header.dataUrlHeader) ? 'bad data: URL header'
    : header.meta !== undefined && (typeof header.meta !== 'object' || header.meta === null || Array.isArray(header.meta)) ? 'bad metadata'
    : header.dataUrlTail !== undefined && (typeof header.dataUrlTail !== 'string' || !BASE64_QUANTUM.test(header.dataUrlTail) || base64Length(header.bytes) < 4)
      ? 'bad data: URL tail'
    : undefined;
  if (problem) throw new ImageFileError(problem);
}
