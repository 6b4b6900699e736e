import { RelayError } from '../errors.js';

/**
 * RFC 2397 headers are a media type with parameters then ";base64". We allow only RFC 7230 token characters
 * plus "/", ";" and "=": the header is written verbatim into SSE `data:` fields, and a CR or LF there would let
 * a publisher forge event fields for every viewer. 256 characters is far more than any real header needs.
 */
const DATA_URL_HEADER_PATTERN = /^data:([A-Za-z0-9!#$%&'*+.^_`|~-]+\/[A-Za-z0-9!#$%&'*+.^_`|~-]+)?((?:;[A-Za-z0-9!#$%&'*+.^_`|~=-]+)*)$/;
export const MAX_DATA_URL_HEADER_LENGTH = 256;
const BASE64_SUFFIX = ';base64';

/**
 * Checks a data: URL's header (everything before its first comma, as received) and returns the media type it
 * declares, lower-cased ("" when it names none).
 */
export function checkDataUrlHeader(header: string): string {
  if (header.length > MAX_DATA_URL_HEADER_LENGTH || !/^data:/i.test(header)) throw new RelayError('not_a_data_url');
  const match = DATA_URL_HEADER_PATTERN.exec('data:' + header.slice(5));
  if (!match) throw new RelayError('not_a_data_url', 'The data: URL header has characters a media type cannot.');
  if (!header.toLowerCase().endsWith(BASE64_SUFFIX)) throw new RelayError('not_base64');
  return (match[1] ?? '').toLowerCase();
}
