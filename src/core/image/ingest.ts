import { RelayError } from '../errors.js';
import type { ImageMeta } from '../image-meta.js';
import { dataUrlHeaderFor, type NewImage } from '../image-record.js';
import { decodeDataUrlText, parseDataUrl, type ParsedDataUrl } from './data-url.js';
import { bytesDecodedOnRead, heldBytes, type ImageBytes } from './image-bytes.js';
import { validateImage, type ImageFacts } from './validate-image.js';

/**
 * What a data: URL's bytes are, told from those the assembler kept (all of them, or the first IMAGE_HEAD_BYTES of
 * a larger image, which are then left as text until read). A type and size read from the first bytes are the
 * whole image's: the readers only walk forward, and answer nothing when the bytes end first. When they do, as
 * for a JPEG whose frame header follows large EXIF or ICC segments, the whole image is decoded and decides.
 */
function checkedBytes(parsed: ParsedDataUrl): { facts: ImageFacts; bytes: ImageBytes } {
  if (parsed.bytes.length === parsed.byteLength) return { facts: validateImage(parsed.bytes), bytes: heldBytes(parsed.bytes) };
  try {
    return { facts: validateImage(parsed.bytes), bytes: bytesDecodedOnRead(parsed.text, parsed.byteLength) };
  } catch (error) {
    if (!(error instanceof RelayError) || error.code !== 'unreadable_image') throw error;
    const whole = decodeDataUrlText(parsed.text, parsed.byteLength);
    return { facts: validateImage(whole), bytes: heldBytes(whole) };
  }
}

/**
 * The original API's ingest: a data: URL from a JSON body, checked down to its bytes. The URL's text is kept as
 * it arrived so that original-stream viewers receive the data: URL exactly as it was published.
 *
 * @param dataUrl the URL already assembled from a request body (see json-image-body.ts), or as text or bytes.
 */
export function imageFromDataUrl(
  channel: string,
  dataUrl: ParsedDataUrl | string | Buffer,
  maxImageBytes: number,
  meta?: ImageMeta,
): NewImage {
  const parsed = typeof dataUrl === 'string' || Buffer.isBuffer(dataUrl) ? parseDataUrl(dataUrl, maxImageBytes) : dataUrl;
  // The bytes decide the type, but a header declaring something else (text/html, SVG) is refused rather than
  // relayed: the original stream hands this URL to browsers as it is.
  if (parsed.declaredType !== '' && !parsed.declaredType.startsWith('image/')) {
    throw new RelayError('not_an_image', `The data: URL declares ${parsed.declaredType}, not an image type.`);
  }
  if (parsed.declaredType === 'image/svg+xml') {
    throw new RelayError('unsupported_image_type', 'SVG can carry scripts, so it is never relayed.');
  }
  const { facts, bytes } = checkedBytes(parsed);
  return { channel, bytes, ...facts, dataUrlHeader: parsed.header, dataUrlText: parsed.text, meta };
}

/**
 * The binary ingest: raw bytes from a request body or a form file. Whatever type the client declared, the
 * bytes decide; original-stream viewers see a data: URL built from the sniffed type.
 */
export function imageFromBytes(channel: string, bytes: Buffer, maxImageBytes: number, meta?: ImageMeta): NewImage {
  if (bytes.length > maxImageBytes) {
    throw new RelayError('image_too_large', `The image is larger than this relay accepts (${maxImageBytes} bytes).`);
  }
  const facts = validateImage(bytes);
  return { channel, bytes: heldBytes(bytes), ...facts, dataUrlHeader: dataUrlHeaderFor(facts.type), meta };
}
