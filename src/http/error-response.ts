import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyBaseLogger, FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { RelayError, type ErrorCode } from '../core/errors.js';
import { writeJsonResponse } from './json-reply.js';

/**
 * Fastify's own request errors (and its form parser's), in the words of our catalogue: a code, and where the
 * catalogue's message would not say what was wrong, a message that does.
 */
const FASTIFY_ERROR_CODES: Record<string, ErrorCode | readonly [ErrorCode, string]> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'image_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_EMPTY_JSON_BODY: ['invalid_json', 'The request body is empty; send a JSON object such as {"imageSrc": "data:image/png;base64,..."}.'],
  // Fastify's parser refuses prototype-poisoning keys as it refuses bad JSON, with one error for both.
  FST_ERR_CTP_INVALID_JSON_BODY: ['invalid_json', 'The request body is not valid JSON, or holds a "__proto__" or "constructor" key, which the relay refuses.'],
  FST_REQ_FILE_TOO_LARGE: 'image_too_large',
  FST_FILES_LIMIT: 'too_many_files',
  FST_PARTS_LIMIT: 'too_many_files',
  FST_FIELDS_LIMIT: 'too_many_fields',
  FST_PROTO_VIOLATION: ['invalid_multipart', 'A form field is named "__proto__" or "constructor", which the relay refuses.'],
  FST_MP_PREMATURE_CLOSE: ['invalid_multipart', 'The form ended before its closing boundary: the upload was cut off.'],
  FST_ERR_MAX_PARAM_LENGTH: 'uri_too_long',
  FST_INVALID_MULTIPART_CONTENT_TYPE: 'unsupported_media_type',
};

/** The one place a refusal becomes a response: `{"error": code, "message": text}` with the catalogue's status. */
export function sendRelayError(reply: FastifyReply, error: RelayError, published?: unknown): FastifyReply {
  const retryAfter = error.retryAfterSeconds;
  if (retryAfter !== undefined) reply.header('retry-after', String(retryAfter));
  return reply
    .code(error.status)
    .type('application/json; charset=utf-8')
    .send({ error: error.code, message: error.message, ...(published ? { published } : {}) });
}

/** Any error a request met, in the catalogue's terms (Fastify's own by their codes; anything unknown a 500). */
export function toRelayError(error: FastifyError | RelayError | Error): RelayError {
  if (error instanceof RelayError) return error;
  const known = 'code' in error && typeof error.code === 'string' ? FASTIFY_ERROR_CODES[error.code] : undefined;
  if (typeof known === 'string') return new RelayError(known);
  if (known) return new RelayError(known[0], known[1]);
  const status = 'statusCode' in error ? Number(error.statusCode) : 500;
  // Fastify's other 4xx messages (bad headers, bad content length) are safe and precise; anything else is ours.
  if (status >= 400 && status < 500) return new RelayError('bad_request', error.message);
  return new RelayError('internal_error');
}

/**
 * Logs a refusal as docs/operations.md (Logs) says, and returns it in the catalogue's terms. Only an error outside
 * the catalogue is a bug worth a stack; a 503 of the catalogue (stopping, storage unreachable, encoder busy) is
 * the relay saying "not now", logged as the warning it is.
 */
export function logRefusal(request: FastifyRequest, error: FastifyError | RelayError | Error): RelayError {
  return logRefusalTo(request.log, error, request.routeOptions.url);
}

/** logRefusal for requests served without a Fastify request (the lean publish path), with `fields` (its reqId). */
export function logRefusalTo(
  log: Pick<FastifyBaseLogger, 'info' | 'warn' | 'error'>,
  error: FastifyError | RelayError | Error,
  url: string | undefined,
  fields: Readonly<Record<string, unknown>> = {},
): RelayError {
  const relayError = toRelayError(error);
  if (relayError.code === 'internal_error') log.error({ ...fields, err: error }, 'request failed');
  else if (relayError.status >= 500) log.warn({ ...fields, error: relayError.code, url }, 'request refused');
  else log.info({ ...fields, error: relayError.code, url }, 'request refused');
  return relayError;
}

/**
 * Errors Fastify meets before a request has a route (a path segment over its length limit, a malformed
 * percent-encoding), which it would otherwise answer in its own shape: in the catalogue's, with CORS's header
 * when CORS is open, since no hook has run for them.
 */
export function frameworkErrorResponse(onRefused: RefusalListener, corsOpen: boolean) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply): void => {
    const relayError = logRefusal(request, error);
    onRefused(relayError.code);
    if (corsOpen) reply.header('access-control-allow-origin', '*');
    void sendRelayError(reply, relayError);
  };
}

/** Told of every refusal as it becomes a response (the metrics count them by code). */
export type RefusalListener = (code: ErrorCode) => void;

export function installErrorResponses(app: FastifyInstance, onRefused: RefusalListener): void {
  app.setErrorHandler((error: FastifyError | RelayError, request, reply) => {
    const relayError = logRefusal(request, error);
    onRefused(relayError.code);
    // A form whose later file was refused: the images before it were published, and the caller is told so.
    const published = 'published' in error ? error.published : undefined;
    return sendRelayError(reply, relayError, published);
  });
  app.setNotFoundHandler((request, reply) => {
    onRefused('not_found');
    return sendRelayError(reply, new RelayError('not_found'));
  });
}

/**
 * Node's parser errors carry a `reason` in llhttp's words ("Invalid method encountered", "Transfer-Encoding can't
 * be present with Content-Length"): a fixed text, never the client's bytes, and more use to a client than "could
 * not be understood".
 */
function clientErrorOf(error: NodeJS.ErrnoException & { reason?: unknown }): RelayError {
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') return new RelayError('request_timeout');
  if (error.code === 'HPE_HEADER_OVERFLOW') return new RelayError('headers_too_large');
  const reason = typeof error.reason === 'string' && /^[\w .,'()-]{1,120}$/.test(error.reason) ? error.reason : undefined;
  return new RelayError('bad_request', reason ? `The request is not valid HTTP/1.1: ${reason}.` : undefined);
}

/** Writes a refusal straight to a socket no request or response object was made for, and closes it. */
function writeRefusalToSocket(socket: Duplex, relayError: RelayError): void {
  const body = JSON.stringify({ error: relayError.code, message: relayError.message });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${relayError.status} ${STATUS_CODES[relayError.status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

/**
 * Requests Node refuses before any route sees them (a malformed request line, headers over 16 KiB, a request
 * too slow to arrive) still get the catalogue's JSON, written straight to the socket, which is then closed.
 */
export const clientErrorResponse = (onRefused: RefusalListener) => (error: NodeJS.ErrnoException, socket: Duplex): void => {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const relayError = clientErrorOf(error);
  onRefused(relayError.code);
  writeRefusalToSocket(socket, relayError);
};

/**
 * An HTTP/1.1 request without a Host header, which a server must refuse with 400 (RFC 9112, section 3.2). Node
 * would answer it itself with an empty 400, outside the catalogue; the plain server is made with
 * requireHostHeader off and calls this first instead. True when it answered.
 */
export function refuseMissingHost(request: IncomingMessage, response: ServerResponse, onRefused: RefusalListener, corsOpen: boolean): boolean {
  if (request.headers.host !== undefined || request.httpVersion !== '1.1') return false;
  onRefused('bad_request');
  const headers = corsOpen ? ['access-control-allow-origin', '*', 'connection', 'close'] : ['connection', 'close'];
  writeJsonResponse(response, 400, { error: 'bad_request', message: 'An HTTP/1.1 request needs a Host header.' }, headers);
  return true;
}
