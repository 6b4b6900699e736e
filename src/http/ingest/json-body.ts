import type { FastifyBodyParser, FastifyRequest } from 'fastify';
import { everyTextPiece } from '../../core/image/text-pieces.js';

/** Marks the data: URL bytes lifted out of a body, for the route to pass on without copying them again. */
const LIFTED_DATA_URL = Symbol('liftedDataUrl');

const IMAGE_SRC_KEY = Buffer.from('"imageSrc"');
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
/** Anything a data: URL cannot hold unescaped in JSON: control characters and non-ASCII. */
const NOT_PLAIN_ASCII = /[^\x20-\x7e]/;

type StringParser = (request: FastifyRequest, body: string, done: (error: Error | null, value?: unknown) => void) => void;

/** The bytes of the data: URL the parser lifted from this body, if it did. */
export function liftedDataUrlText(body: unknown): Buffer | undefined {
  return typeof body === 'object' && body !== null ? (body as { [LIFTED_DATA_URL]?: Buffer })[LIFTED_DATA_URL] : undefined;
}

/** Depth of the JSON structure at `end` (1: inside the top-level object), or -1 when `end` is inside a string. */
function depthAt(body: Buffer, end: number): number {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < end; index++) {
    const byte = body[index]!;
    if (inString) {
      if (byte === BACKSLASH) index += 1;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) inString = true;
    else if (byte === 0x7b || byte === 0x5b) depth += 1;
    else if (byte === 0x7d || byte === 0x5d) depth -= 1;
  }
  return inString ? -1 : depth;
}

/**
 * JSON bodies, parsed by Fastify's own safe parser, with one shortcut for the original API's shape: the
 * megabytes of a top-level `"imageSrc"` string are lifted out as bytes (checked to be plain ASCII with no escapes,
 * which any valid data: URL is) and the rest, now tiny, is parsed. This skips decoding the whole body as UTF-8 and
 * scanning it as JSON, most of a large publish's cost. Anything unusual takes the ordinary path.
 */
export function jsonBodyParser(parseString: StringParser): FastifyBodyParser<Buffer> {
  return (request, body, done) => {
    const fallback = (): void => parseString(request, body.toString('utf8'), done);
    const key = body.indexOf(IMAGE_SRC_KEY);
    if (key === -1 || depthAt(body, key) !== 1) return fallback();
    let cursor = key + IMAGE_SRC_KEY.length;
    while (body[cursor] === 0x20 || body[cursor] === 0x0a || body[cursor] === 0x0d || body[cursor] === 0x09) cursor += 1;
    if (body[cursor] !== 0x3a) return fallback();
    cursor += 1;
    while (body[cursor] === 0x20 || body[cursor] === 0x0a || body[cursor] === 0x0d || body[cursor] === 0x09) cursor += 1;
    if (body[cursor] !== QUOTE) return fallback();
    const start = cursor + 1;
    const end = body.indexOf(QUOTE, start);
    if (end === -1) return fallback();
    const backslash = body.indexOf(BACKSLASH, start);
    if (backslash !== -1 && backslash < end) return fallback();
    if (!everyTextPiece(body, start, end, (piece) => !NOT_PLAIN_ASCII.test(piece))) return fallback();
    const rest = Buffer.concat([body.subarray(0, start), body.subarray(end)]);
    if (rest.indexOf(IMAGE_SRC_KEY, start) !== -1) return fallback(); // a duplicate key: JSON.parse's rules decide
    parseString(request, rest.toString('utf8'), (error, value) => {
      if (error || typeof value !== 'object' || value === null || (value as { imageSrc?: unknown }).imageSrc !== '') {
        return error ? done(error) : fallback();
      }
      // The string is made only if something asks for it; the routes take the bytes (liftedDataUrlText).
      Object.defineProperty(value, 'imageSrc', { get: () => body.toString('latin1', start, end), enumerable: true, configurable: true });
      Object.defineProperty(value, LIFTED_DATA_URL, { value: body.subarray(start, end), enumerable: false });
      done(null, value);
    });
  };
}
