import { Readable } from 'node:stream';
import Fastify, { type FastifyRequest } from 'fastify';
import { resolveChannelName } from '../../src/core/channel-name.js';
import { RelayError } from '../../src/core/errors.js';
import { bytePartsLength } from '../../src/core/image/byte-parts.js';
import type { ParsedDataUrl } from '../../src/core/image/data-url.js';
import { imageFromDataUrl } from '../../src/core/image/ingest.js';
import { liftedDataUrl, streamingJsonBodyParser } from '../../src/http/ingest/request-body.js';

/**
 * What a JSON publish comes to: the refusal's code, or the channel, the image's bytes and the data: URL text
 * original-stream viewers would be sent. The same shape from the streaming parser and from the reference below.
 */
export type IngestVerdict = { readonly error: string } | { readonly channel: string; readonly bytes: string; readonly text: string };

const parseString = Fastify().getDefaultJsonParser('error', 'error');

/**
 * The checks the relay made before bodies were streamed, kept as the reference the streaming parser is held to:
 * the data: URL held as one string, each rule a regular expression or a whole decode. One rule is new in both:
 * once "=" padding begins, only "=" may follow (before, "QQ=A" passed).
 */
const HEADER_PATTERN = /^data:([A-Za-z0-9!#$%&'*+.^_`|~-]+\/[A-Za-z0-9!#$%&'*+.^_`|~-]+)?((?:;[A-Za-z0-9!#$%&'*+.^_`|~=-]+)*)$/;

export function referenceParseDataUrl(source: string, maxBytes: number): ParsedDataUrl {
  const comma = source.indexOf(',');
  const header = source.slice(0, comma === -1 ? Math.min(source.length, 257) : comma);
  if (comma === -1 || header.length > 256 || !/^data:/i.test(header)) throw new RelayError('not_a_data_url');
  const match = HEADER_PATTERN.exec('data:' + header.slice(5));
  if (!match) throw new RelayError('not_a_data_url');
  if (!header.toLowerCase().endsWith(';base64')) throw new RelayError('not_base64');
  const payload = source.slice(comma + 1);
  if (payload.length === 0) throw new RelayError('empty_image');
  if (Math.floor(payload.length / 4) * 3 > maxBytes + 2) throw new RelayError('image_too_large');
  const padding = payload.indexOf('=');
  if (payload.length % 4 !== 0 || (padding !== -1 && padding < payload.length - 2)) throw new RelayError('invalid_base64');
  if (padding !== -1 && !/^=+$/.test(payload.slice(padding))) throw new RelayError('invalid_base64');
  if (/[^A-Za-z0-9+/=]/.test(payload)) throw new RelayError('invalid_base64');
  const bytes = Buffer.from(payload, 'base64');
  const paddingLength = padding === -1 ? 0 : payload.length - padding;
  if (bytes.length === 0 || bytes.length !== (payload.length / 4) * 3 - paddingLength) throw new RelayError('invalid_base64');
  if (bytes.length > maxBytes) throw new RelayError('image_too_large');
  return { header, declaredType: (match[1] ?? '').toLowerCase(), bytes, byteLength: bytes.length, text: [Buffer.from(source, 'latin1')] };
}

/** The route's rules after the body is parsed (routes/original-api.ts), given how the data: URL is checked. */
function routeVerdict(value: unknown, checkDataUrl: (imageSrc: string) => ParsedDataUrl, lifted: ParsedDataUrl | RelayError | undefined, maxBytes: number): IngestVerdict {
  try {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new RelayError('missing_image_src');
    const imageSrc = lifted ?? (value as { imageSrc?: unknown }).imageSrc;
    if (lifted === undefined && typeof imageSrc !== 'string') throw new RelayError('missing_image_src');
    const channel = resolveChannelName((value as { channel?: unknown }).channel);
    if (lifted instanceof RelayError) throw lifted;
    const image = imageFromDataUrl(channel, lifted ?? checkDataUrl(imageSrc as string), maxBytes);
    const text = Buffer.concat(image.dataUrlText!).toString('latin1');
    if (text.length !== bytePartsLength(image.dataUrlText!)) throw new Error('text length mismatch');
    return { channel, bytes: image.bytes.read().toString('hex'), text };
  } catch (error) {
    if (error instanceof RelayError) return { error: error.code };
    throw error;
  }
}

/** The reference: Fastify's JSON parser on the whole body as text, then the string checks above. */
export function referenceVerdict(body: Buffer, maxBytes: number): IngestVerdict {
  let parsed: { error: Error | null; value?: unknown } = { error: null };
  parseString({} as FastifyRequest, body.toString('utf8'), (error, value) => (parsed = { error, value }));
  if (parsed.error) return { error: 'invalid_json' };
  return routeVerdict(parsed.value, (imageSrc) => referenceParseDataUrl(imageSrc, maxBytes), undefined, maxBytes);
}

/** The relay's streaming parser (the real one, fed the chunks from a real stream), then the route's rules. */
export function streamedVerdict(chunks: readonly Buffer[], maxBytes: number, bodyLimit = Infinity): Promise<IngestVerdict> {
  const parser = streamingJsonBodyParser(parseString, maxBytes);
  const request = { headers: {}, routeOptions: { bodyLimit } } as unknown as FastifyRequest;
  return new Promise((resolve, reject) => {
    parser(request, Readable.from(chunks, { objectMode: false }) as never, (error, value) => {
      if (error) {
        if (error instanceof RelayError) return resolve({ error: error.code });
        if ((error as { code?: string }).code?.startsWith('FST_ERR_CTP_')) return resolve({ error: 'invalid_json' });
        return reject(error);
      }
      try {
        resolve(routeVerdict(value, () => { throw new Error('the streaming parser left a string imageSrc'); }, liftedDataUrl(value), maxBytes));
      } catch (routeError) {
        reject(routeError as Error);
      }
    });
  });
}

/** Splits `body` at the given positions (sorted, deduplicated, within the body). */
export function splitAt(body: Buffer, positions: readonly number[]): Buffer[] {
  const cuts = [...new Set(positions.map((position) => Math.max(0, Math.min(body.length, position))))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let start = 0;
  for (const cut of [...cuts, body.length]) {
    if (cut > start) chunks.push(body.subarray(start, cut));
    start = Math.max(start, cut);
  }
  return chunks;
}
