import type { IncomingMessage } from 'node:http';
import type { FastifyRequest } from 'fastify';
import { RelayError } from '../../core/errors.js';
import type { ParsedDataUrl } from '../../core/image/data-url.js';
import { JsonImageBodyScanner } from '../../core/image/json-image-body.js';

/** Marks the data: URL lifted out of a body, for the route to take as it is. */
const LIFTED_DATA_URL = Symbol('liftedDataUrl');

/** Bytes of a JSON body beside its image: the data: URL header, the channel, metadata (4 KiB), punctuation. */
export const JSON_BODY_SLACK_BYTES = 64 * 1024;

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
 * JSON bodies, read as they stream in (see JsonImageBodyScanner): the top-level "imageSrc" string goes straight
 * from the socket's chunks to the data: URL checks and decoder, so a publish of megabytes is never one contiguous
 * body nor one large string; the rest, a few hundred bytes, is parsed by Fastify's own safe parser (prototype
 * poisoning refused). The body limit is the route's, counted as bytes arrive and checked against Content-Length
 * first, so a too-large upload is refused with 413 while it streams in.
 */
export function streamingJsonBodyParser(parseString: StringParser, maxImageBytes: number) {
  return (request: FastifyRequest, payload: IncomingMessage, done: Done): void => {
    const limit = request.routeOptions.bodyLimit ?? Infinity;
    const contentLength = Number(request.headers['content-length']);
    if (contentLength > limit) return done(new RelayError('image_too_large'));
    const scanner = new JsonImageBodyScanner({
      maxImageBytes,
      maxRestBytes: JSON_BODY_SLACK_BYTES,
      expectedBytes: Number.isFinite(contentLength) ? contentLength : undefined,
    });
    let received = 0;
    const stop = (error: Error | null): void => {
      payload.removeListener('data', onData);
      payload.removeListener('end', onEnd);
      payload.removeListener('error', onEnd);
      if (error) done(error);
    };
    const onData = (chunk: Buffer): void => {
      received += chunk.length;
      try {
        if (received > limit) throw new RelayError('image_too_large');
        scanner.push(chunk);
      } catch (error) {
        stop(error as Error);
      }
    };
    const onEnd = (error?: Error & { statusCode?: number }): void => {
      stop(null);
      if (error) {
        if (!(typeof error.statusCode === 'number' && error.statusCode >= 400)) error.statusCode = 400;
        return done(error);
      }
      if (Number.isFinite(contentLength) && received !== contentLength) return done(contentLengthMismatch());
      let scanned;
      try {
        scanned = scanner.end();
      } catch (scanError) {
        return done(scanError as Error);
      }
      parseString(request, scanned.rest, (parseError, value) => {
        if (parseError) return done(parseError);
        const lifted = scanned.imageSrc;
        if (lifted !== undefined && typeof value === 'object' && value !== null && (value as { imageSrc?: unknown }).imageSrc === '') {
          Object.defineProperty(value, LIFTED_DATA_URL, { value: lifted, enumerable: false });
        }
        done(null, value);
      });
    };
    payload.on('data', onData);
    payload.on('end', onEnd);
    payload.on('error', onEnd);
    payload.resume();
  };
}
