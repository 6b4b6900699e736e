import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyBaseLogger, FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { RelayError, type ErrorCode } from '../core/errors.js';

/** Fastify's own request errors, in the words of our catalogue. */
const FASTIFY_ERROR_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'image_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_REQ_FILE_TOO_LARGE: 'image_too_large',
  FST_FILES_LIMIT: 'too_many_files',
  FST_PARTS_LIMIT: 'too_many_files',
  FST_FIELDS_LIMIT: 'too_many_fields',
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
  const code = 'code' in error && typeof error.code === 'string' ? FASTIFY_ERROR_CODES[error.code] : undefined;
  if (code) return new RelayError(code);
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
 * Requests Node refuses before any route sees them (a malformed request line, headers over 16 KiB, a request
 * too slow to arrive) still get the catalogue's JSON, written straight to the socket, which is then closed.
 */
export const clientErrorResponse = (onRefused: RefusalListener) => (error: NodeJS.ErrnoException, socket: Duplex): void => {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const relayError = new RelayError(
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 'request_timeout' : error.code === 'HPE_HEADER_OVERFLOW' ? 'headers_too_large' : 'bad_request',
  );
  onRefused(relayError.code);
  const body = JSON.stringify({ error: relayError.code, message: relayError.message });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${relayError.status} ${STATUS_CODES[relayError.status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
};
