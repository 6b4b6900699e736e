import type { ByteParts } from './byte-parts.js';
import { DataUrlAssembler, maxDecodedLength, type ParsedDataUrl } from './data-url-assembler.js';

export { maxDecodedLength, type ParsedDataUrl };

/** Characters needed to base64-encode `byteLength` bytes, with padding. */
export function base64Length(byteLength: number): number {
  return Math.ceil(byteLength / 3) * 4;
}

/** Characters past U+00FF: none belongs in a data: URL, and a one-byte copy of the text must not make one valid. */
const BEYOND_LATIN1 = /[^\x00-\xff]/g;

/**
 * Parses a base64 data: URL held whole, refusing anything whose payload is not padded base64 in the standard
 * alphabet (what browsers decode); see DataUrlAssembler, which does the work for request bodies as they stream in.
 * Takes the URL as text or as its bytes (kept, not copied, as the URL's text).
 *
 * @param maxBytes images larger than this are refused before any decoding (image_too_large).
 */
export function parseDataUrl(source: string | Buffer, maxBytes: number): ParsedDataUrl {
  const text = typeof source === 'string' ? Buffer.from(source.replace(BEYOND_LATIN1, '\xff'), 'latin1') : source;
  const assembler = new DataUrlAssembler(maxBytes, text.length);
  assembler.push(text);
  return assembler.finish();
}

/**
 * The bytes of a data: URL's text that was checked when it arrived (by DataUrlAssembler) and found to decode to
 * `length` bytes: the decoding an image kept as text does when its bytes are first read (see image-bytes.ts).
 */
export function decodeDataUrlText(text: ByteParts, length: number): Buffer {
  const assembler = new DataUrlAssembler(length);
  for (const part of text) assembler.push(part);
  const { bytes } = assembler.finish();
  if (bytes.length !== length) throw new Error(`a checked data: URL decoded to ${bytes.length} bytes, not ${length}`);
  return bytes;
}
