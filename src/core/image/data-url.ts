import { RelayError } from '../errors.js';

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
 *
 * @param maxBytes images larger than this are refused before any decoding (image_too_large).
 */
export function parseDataUrl(source: string, maxBytes: number): ParsedDataUrl {
  const comma = source.indexOf(',');
  const header = comma === -1 ? source.slice(0, MAX_HEADER_LENGTH + 1) : source.slice(0, comma);
  if (comma === -1 || header.length > MAX_HEADER_LENGTH || !/^data:/i.test(header)) {
    throw new RelayError('not_a_data_url');
  }
  const match = DATA_URL_HEADER_PATTERN.exec('data:' + header.slice(5));
  if (!match) throw new RelayError('not_a_data_url', 'The data: URL header has characters a media type cannot.');
  if (!header.toLowerCase().endsWith(BASE64_SUFFIX)) throw new RelayError('not_base64');

  const payloadLength = source.length - comma - 1;
  if (payloadLength === 0) throw new RelayError('empty_image');
  if (maxDecodedLength(payloadLength) > maxBytes + 2) {
    throw new RelayError('image_too_large', `The image is larger than this relay accepts (${maxBytes} bytes).`);
  }
  const payload = source.slice(comma + 1);
  // Node's decoder skips characters outside the alphabet and accepts base64url's "-" and "_", which browsers'
  // data: URL decoder does not: check the alphabet, the padding and the length, which also catches whitespace.
  const padding = payload.indexOf('=');
  if (payload.length % 4 !== 0 || NOT_BASE64.test(payload) || (padding !== -1 && padding < payload.length - 2)) {
    throw new RelayError('invalid_base64');
  }
  const bytes = Buffer.from(payload, 'base64');
  const paddingLength = padding === -1 ? 0 : payload.length - padding;
  if (bytes.length === 0 || bytes.length !== (payload.length / 4) * 3 - paddingLength) throw new RelayError('invalid_base64');
  if (bytes.length > maxBytes) {
    throw new RelayError('image_too_large', `The image is larger than this relay accepts (${maxBytes} bytes).`);
  }
  return { header, declaredType: (match[1] ?? '').toLowerCase(), bytes };
}
