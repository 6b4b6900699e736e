import { RelayError } from '../errors.js';
import { everyTextPiece } from './text-pieces.js';

/** What a data: URL carries, split so the bytes can be checked and the URL rebuilt exactly as it arrived. */
export interface ParsedDataUrl {
  /** Everything before the comma, as received, e.g. "data:image/png;base64". */
  readonly header: string;
  /** The media type the client declared (lower-cased), e.g. "image/png"; may differ from the sniffed type. */
  readonly declaredType: string;
  readonly bytes: Buffer;
}

/**
 * RFC 2397 headers are a media type with parameters then ";base64". We allow only RFC 7230 token characters
 * plus "/", ";" and "=": the header is written verbatim into SSE `data:` fields, and a CR or LF there would let
 * a publisher forge event fields for every viewer. 256 characters is far more than any real header needs.
 */
const DATA_URL_HEADER_PATTERN = /^data:([A-Za-z0-9!#$%&'*+.^_`|~-]+\/[A-Za-z0-9!#$%&'*+.^_`|~-]+)?((?:;[A-Za-z0-9!#$%&'*+.^_`|~=-]+)*)$/;
const MAX_HEADER_LENGTH = 256;
const BASE64_SUFFIX = ';base64';
const NOT_BASE64 = /[^A-Za-z0-9+/=]/;

const HYPHEN = 0x2d;
const UNDERSCORE = 0x5f;

/**
 * The rest of the alphabet check for base64 given as bytes, once Node has decoded them. Node's decoder skips any
 * byte outside its alphabet, so a payload of whole groups with padding only at its end decodes to exactly
 * (length / 4) * 3 - padding bytes only if it skipped none (each skipped character costs 6 bits of output, and
 * parseDataUrl checks that length): what is left is base64url's "-" and "_", which Node accepts and browsers do
 * not, and whatever follows the first "=", where Node stops decoding. Two memchr scans instead of a regular
 * expression over megabyte strings (the profile: 1.4 ms of a 1 MB publish). Only for bytes: for a string with
 * characters above U+00FF, Node decodes their low byte, so strings keep the regular expression.
 */
function isStandardAlphabet(bytes: Buffer, start: number, paddingStart: number, end: number): boolean {
  const hyphen = bytes.indexOf(HYPHEN, start);
  const underscore = bytes.indexOf(UNDERSCORE, start);
  if ((hyphen !== -1 && hyphen < end) || (underscore !== -1 && underscore < end)) return false;
  return !NOT_BASE64.test(bytes.toString('latin1', paddingStart, end));
}

/** Bytes that `length` characters of padded base64 decode to, at most; lets size be checked before decoding. */
export function maxDecodedLength(base64Length: number): number {
  return Math.floor(base64Length / 4) * 3;
}

/** Characters needed to base64-encode `byteLength` bytes, with padding. */
export function base64Length(byteLength: number): number {
  return Math.ceil(byteLength / 3) * 4;
}

/**
 * Parses a base64 data: URL, refusing anything whose payload is not padded base64 in the standard alphabet (what
 * browsers decode). Viewers of the original stream are sent the URL's text as it arrived, not a re-encoding.
 * Takes the URL as text or, for large bodies, as its ASCII bytes (see text-pieces.ts).
 *
 * @param maxBytes images larger than this are refused before any decoding (image_too_large).
 */
export function parseDataUrl(source: string | Buffer, maxBytes: number): ParsedDataUrl {
  const bytesOf = typeof source === 'string' ? undefined : source;
  const length = source.length;
  const comma = bytesOf ? bytesOf.indexOf(0x2c) : (source as string).indexOf(',');
  const headerEnd = comma === -1 ? Math.min(length, MAX_HEADER_LENGTH + 1) : comma;
  const header = bytesOf ? bytesOf.toString('latin1', 0, headerEnd) : (source as string).slice(0, headerEnd);
  if (comma === -1 || header.length > MAX_HEADER_LENGTH || !/^data:/i.test(header)) {
    throw new RelayError('not_a_data_url');
  }
  const match = DATA_URL_HEADER_PATTERN.exec('data:' + header.slice(5));
  if (!match) throw new RelayError('not_a_data_url', 'The data: URL header has characters a media type cannot.');
  if (!header.toLowerCase().endsWith(BASE64_SUFFIX)) throw new RelayError('not_base64');

  const payloadLength = length - comma - 1;
  if (payloadLength === 0) throw new RelayError('empty_image');
  if (maxDecodedLength(payloadLength) > maxBytes + 2) {
    throw new RelayError('image_too_large', `The image is larger than this relay accepts (${maxBytes} bytes).`);
  }
  // Node's decoder skips characters outside the alphabet and accepts base64url's "-" and "_", which browsers'
  // data: URL decoder does not: check the alphabet, the padding and the length, which also catches whitespace.
  const padding = bytesOf ? bytesOf.indexOf(0x3d, comma + 1) : (source as string).indexOf('=', comma + 1);
  if (payloadLength % 4 !== 0 || (padding !== -1 && padding < length - 2)) throw new RelayError('invalid_base64');
  const decoded = Buffer.allocUnsafe(maxDecodedLength(payloadLength));
  let written = 0;
  let valid: boolean;
  if (bytesOf) {
    everyTextPiece(bytesOf, comma + 1, length, (piece) => {
      written += decoded.write(piece, written, 'base64');
      return true;
    });
    valid = isStandardAlphabet(bytesOf, comma + 1, padding === -1 ? length : padding, length);
  } else {
    const payload = (source as string).slice(comma + 1);
    valid = !NOT_BASE64.test(payload);
    if (valid) written = decoded.write(payload, 0, 'base64');
  }
  const paddingLength = padding === -1 ? 0 : length - padding;
  // For bytes, this length check is what refuses characters outside the alphabet (see isStandardAlphabet).
  if (!valid || written === 0 || written !== (payloadLength / 4) * 3 - paddingLength) throw new RelayError('invalid_base64');
  if (written > maxBytes) {
    throw new RelayError('image_too_large', `The image is larger than this relay accepts (${maxBytes} bytes).`);
  }
  return { header, declaredType: (match[1] ?? '').toLowerCase(), bytes: decoded.subarray(0, written) };
}
