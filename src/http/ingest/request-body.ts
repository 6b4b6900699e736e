import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import { RelayError } from '../../core/errors.js';
import { base64Length } from '../../core/image/data-url.js';
import type { ParsedDataUrl } from '../../core/image/data-url.js';
import { JsonImageBodyScanner } from '../../core/image/json-image-body.js';

/** Marks the data: URL lifted out of a body, for the route to take as it is. */
const LIFTED_DATA_URL = Symbol('liftedDataUrl');

/** Bytes of a JSON body beside its image: the data: URL header, the channel, metadata (4 KiB), punctuation. */
export const JSON_BODY_SLACK_BYTES = 64 * 1024;

/** Raw bodies are taken as any image/* type (the bytes decide which) or application/octet-stream. */
export const IMAGE_MEDIA_TYPE = /^image\/[\w.+-]+$/i;

/** The publish routes' body limit: the largest image as base64, and room for the rest of a JSON body. */
export function publishBodyLimit(maxImageBytes: number): number {
  return base64Length(maxImageBytes) + JSON_BODY_SLACK_BYTES;
}

/** Parses the small rest of a JSON body (Fastify's safe parser: prototype poisoning refused). */
export type RestParser = (text: string, done: (error: Error | null, value?: unknown) => void) => void;
type StringParser = (request: FastifyRequest, body: string, done: (error: Error | null, value?: unknown) => void) => void;
type Done = (error: Error | null, body?: unknown) => void;

/** The data: URL the parser lifted from this body's top-level "imageSrc", or why it is not a valid one. */
export function liftedDataUrl(body: unknown): ParsedDataUrl | RelayError | undefined {
  return typeof body === 'object' && body !== null ? (body as { [LIFTED_DATA_URL]?: ParsedDataUrl | RelayError })[LIFTED_DATA_URL] : undefined;
}

/** Node's own content-length mismatch, in the words Fastify uses for it. */
function contentLengthMismatch(): Error {
  return Object.assign(new Error('Request body size did not match Content-Length'), { statusCode: 400 });
}

/**
 * Reads a body as it streams in, handing each chunk to `take`, counting bytes against `limit` (checked against
 * Content-Length first, so a too-large upload is refused with 413 at once, or as soon as it passes the limit).
 * `take` may throw a refusal; `finish` makes the body once all of it has arrived.
 */
export function readBody(
  payload: Readable,
  headers: IncomingHttpHeaders,
  limit: number,
  take: (chunk: Buffer) => void,
  finish: (done: Done) => void,
  done: Done,
): void {
  const contentLength = Number(headers['content-length']);
  if (contentLength > limit) return done(new RelayError('image_too_large'));
  let received = 0;
  const stop = (): void => {
    payload.removeListener('data', onData);
    payload.removeListener('end', onEnd);
    payload.removeListener('error', onEnd);
  };
  const onData = (chunk: Buffer): void => {
    received += chunk.length;
    try {
      if (received > limit) throw new RelayError('image_too_large');
      take(chunk);
    } catch (error) {
      stop();
      done(error as Error);
    }
  };
  const onEnd = (error?: Error & { statusCode?: number }): void => {
    stop();
    if (error) {
      if (!(typeof error.statusCode === 'number' && error.statusCode >= 400)) error.statusCode = 400;
      return done(error);
    }
    if (Number.isFinite(contentLength) && received !== contentLength) return done(contentLengthMismatch());
    finish(done);
  };
  payload.on('data', onData);
  payload.on('end', onEnd);
  payload.on('error', onEnd);
  payload.resume();
}

/**
 * The rest of a JSON body with JSON.parse when it cannot hold what `parseRest` (Fastify's parser, with
 * secure-json-parse) exists to refuse: a "__proto__" or "constructor" key, written plainly or with escapes.
 * Without a backslash or either word the two parse alike, and the rest of a camera's publish (`{"channel":"…"}`)
 * skips the poisoning scan; anything else, and any text JSON.parse refuses, goes to `parseRest` for its verdict
 * and its error.
 */
function parsePlainRest(text: string, parseRest: RestParser, done: (error: Error | null, value?: unknown) => void): void {
  if (!text.includes('\\') && !text.includes('proto') && !text.includes('constructor')) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return parseRest(text, done);
    }
    return done(null, value);
  }
  parseRest(text, done);
}

/**
 * A JSON body, read as it streams in (see JsonImageBodyScanner): the top-level "imageSrc" string goes straight
 * from the socket's chunks to the data: URL checks and decoder, so a publish of megabytes is never one contiguous
 * body nor one large string; the rest, a few hundred bytes, is parsed by `parseRest`. The lifted data: URL is
 * attached to the parsed object (see liftedDataUrl).
 */
export function readJsonBody(
  payload: Readable,
  headers: IncomingHttpHeaders,
  limit: number,
  maxImageBytes: number,
  parseRest: RestParser,
  done: Done,
): void {
  const contentLength = Number(headers['content-length']);
  const scanner = new JsonImageBodyScanner({
    maxImageBytes,
    maxRestBytes: JSON_BODY_SLACK_BYTES,
    expectedBytes: Number.isFinite(contentLength) ? contentLength : undefined,
  });
  const finish = (finished: Done): void => {
    let scanned;
    try {
      scanned = scanner.end();
    } catch (scanError) {
      return finished(scanError as Error);
    }
    parsePlainRest(scanned.rest, parseRest, (parseError, value) => {
      if (parseError) return finished(parseError);
      const lifted = scanned.imageSrc;
      if (lifted !== undefined && typeof value === 'object' && value !== null && (value as { imageSrc?: unknown }).imageSrc === '') {
        Object.defineProperty(value, LIFTED_DATA_URL, { value: lifted, enumerable: false });
      }
      finished(null, value);
    });
  };
  readBody(payload, headers, limit, (chunk) => scanner.push(chunk), finish, done);
}

/**
 * A raw image body. One that arrives as one chunk (a small image: one socket read) is taken as it is, with no
 * copy; a larger one is copied once into one buffer as it arrives, sized from Content-Length when the client sent
 * one (grown by doubling otherwise), rather than kept as chunks and concatenated at the end.
 */
export function readRawBody(payload: Readable, headers: IncomingHttpHeaders, limit: number, done: Done): void {
  const contentLength = Number(headers['content-length']);
  let first: Buffer | undefined;
  let bytes: Buffer | undefined;
  let length = 0;
  const take = (chunk: Buffer): void => {
    if (!first && !bytes) {
      first = chunk;
      length = chunk.length;
      return;
    }
    if (!bytes) {
      const expected = Number.isFinite(contentLength) && contentLength <= limit ? contentLength : 2 * length;
      bytes = Buffer.allocUnsafe(Math.max(expected, length + chunk.length));
      first!.copy(bytes);
      first = undefined;
    } else if (length + chunk.length > bytes.length) {
      const grown = Buffer.allocUnsafe(Math.min(limit, Math.max(bytes.length * 2, length + chunk.length)));
      bytes.copy(grown, 0, 0, length);
      bytes = grown;
    }
    length += chunk.copy(bytes, length);
  };
  const finish = (finished: Done): void => finished(null, bytes ? bytes.subarray(0, length) : (first ?? Buffer.alloc(0)));
  readBody(payload, headers, limit, take, finish, done);
}

/** readJsonBody as a Fastify content-type parser, with the route's body limit and Fastify's own JSON parser. */
export function streamingJsonBodyParser(parseString: StringParser, maxImageBytes: number) {
  return (request: FastifyRequest, payload: Readable, done: Done): void => {
    const parseRest: RestParser = (text, parsed) => parseString(request, text, parsed);
    readJsonBody(payload, request.headers, request.routeOptions.bodyLimit ?? Infinity, maxImageBytes, parseRest, done);
  };
}

/** readRawBody as a Fastify content-type parser, with the route's body limit. */
export function rawBodyParser(request: FastifyRequest, payload: Readable, done: Done): void {
  readRawBody(payload, request.headers, request.routeOptions.bodyLimit ?? Infinity, done);
}

/** The body a form request has in its handler: none yet, since the route reads the form as it streams in. */
export const FORM_BODY: unique symbol = Symbol('multipart/form-data, read by the route');

/** A content-type parser for `multipart/form-data` that reads nothing: the route does (multipart-form.ts). */
export function formBodyParser(_request: FastifyRequest, _payload: Readable, done: Done): void {
  done(null, FORM_BODY);
}
