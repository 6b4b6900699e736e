import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import type { Logger } from 'pino';
import { OPEN_GRANT } from '../core/access/grant.js';
import { resolveChannelName } from '../core/channel-name.js';
import type { RelayError } from '../core/errors.js';
import type { PublishLimit } from '../core/limits/publish-limit.js';
import { logRefusalTo } from './error-response.js';
import { describeImage } from './image-description.js';
import { imageFromOriginalBody, imageFromParsedBody, RECEIVED_MESSAGE, type IngestQuery } from './ingest/image-body.js';
import { IMAGE_MEDIA_TYPE, readJsonBody, readRawBody, type RestParser } from './ingest/request-body.js';
import { writeJsonResponse } from './json-reply.js';
import type { RelayContext } from './relay-context.js';

/** Serves a request if it is one of the lean path's; false hands it to Fastify. */
export type LeanPath = (request: IncomingMessage, response: ServerResponse) => boolean;

export interface LeanPublishOptions {
  readonly context: RelayContext;
  readonly logger: Logger;
  /** The per-client publish limit Fastify's publish routes count against (the same buckets). */
  readonly clientLimit: PublishLimit;
  readonly parseRest: RestParser;
  /** Told of every refusal (the metrics). */
  readonly onRefused: (code: RelayError['code']) => void;
  /** The publish routes' body limit. */
  readonly bodyLimit: number;
}

const CHANNELS_PREFIX = '/channels/';
const IMAGES_SUFFIX = '/images';
/** What @fastify/cors answers every origin with while CORS is open (`*`, no credentials). */
const OPEN_CORS_HEADER = ['access-control-allow-origin', '*'] as const;

/** The request's media type, lower-cased, without parameters; undefined without a Content-Type. */
function mediaTypeOf(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const semicolon = header.indexOf(';');
  return (semicolon === -1 ? header : header.slice(0, semicolon)).trim().toLowerCase();
}

/** The id a lean request's log lines carry (Fastify's are "req-<n>"), made only when a line is written. */
function leanRequestId(requestNumber: number): string {
  return `req-lean-${requestNumber.toString(36)}`;
}

/** Writes a JSON answer with the CORS header every answer carries while CORS is open. */
function writeJson(response: ServerResponse, status: number, body: object, header?: readonly [string, string]): void {
  writeJsonResponse(response, status, body, header ? [...OPEN_CORS_HEADER, ...header] : [...OPEN_CORS_HEADER]);
}

/**
 * The publish routes, served straight from Node's request handler in the relay's most common set-up: open
 * access, open CORS, no TLS, no proxy to trust. Routing, hooks, request and reply objects, a child logger and the
 * reply pipeline cost more than everything the relay itself does for a 10 kB image (docs/BENCHMARKS.md, the
 * publish path), and these are the requests a camera makes thousands of times. What a publish means is the same
 * code as Fastify's routes (image-body.ts, request-body.ts, the hub); only the HTTP plumbing is thinner. Anything
 * the lean path does not handle exactly as the routes would (a multipart form, a missing or unusual Content-Type,
 * an encoded path) goes to Fastify, as does every request in other set-ups (undefined is returned for those).
 */
export function leanPublishPath(options: LeanPublishOptions): LeanPath | undefined {
  const { context, logger, clientLimit, parseRest, onRefused, bodyLimit } = options;
  const { config, hub } = context;
  if (config.tls || config.corsOrigins !== '*' || context.access.enabled || config.trustProxy) return undefined;
  const maxImageBytes = config.maxImageBytes;
  let requests = 0;

  const refuse = (response: ServerResponse, error: unknown, route: string, requestNumber: number): void => {
    const refusal = logRefusalTo(logger, error as Error, route, { reqId: leanRequestId(requestNumber) });
    onRefused(refusal.code);
    if (response.headersSent || response.destroyed) return;
    const retryAfter = refusal.retryAfterSeconds;
    writeJson(response, refusal.status, { error: refusal.code, message: refusal.message }, retryAfter === undefined ? undefined : ['retry-after', String(retryAfter)]);
  };

  const publish = async (request: IncomingMessage, response: ServerResponse, body: unknown, query: Record<string, unknown>, channelParam: string | undefined, requestNumber: number): Promise<void> => {
    const image =
      channelParam === undefined
        ? imageFromOriginalBody(body, query.channel, OPEN_GRANT, maxImageBytes)
        : imageFromParsedBody(body, request.headers, query as IngestQuery, resolveChannelName(channelParam), maxImageBytes);
    const { record, viewers } = await hub.publish(image);
    if (logger.isLevelEnabled('info')) {
      logger.info({ reqId: leanRequestId(requestNumber), channel: record.channel, id: record.id, bytes: record.bytes.length, type: record.type, viewers }, 'image published');
    }
    if (channelParam === undefined) {
      writeJson(response, 200, { message: RECEIVED_MESSAGE, id: record.id, channel: record.channel });
    } else {
      const description = describeImage(record, config.publicUrl);
      writeJson(response, 201, description, ['location', description.url]);
    }
  };

  return (request, response) => {
    const method = request.method;
    if (method !== 'POST' && method !== 'PUT') return false;
    const url = request.url ?? '';
    const queryStart = url.indexOf('?');
    const path = queryStart === -1 ? url : url.slice(0, queryStart);
    let channelParam: string | undefined;
    if (path === '/receive-image' && method === 'POST') {
      if (mediaTypeOf(request.headers['content-type']) !== 'application/json') return false;
    } else if (path.startsWith(CHANNELS_PREFIX) && path.endsWith(IMAGES_SUFFIX)) {
      channelParam = path.slice(CHANNELS_PREFIX.length, -IMAGES_SUFFIX.length);
      // Fastify decodes and routes anything else ("%2D", a slash) exactly as it always has.
      if (channelParam === '' || channelParam.includes('/') || channelParam.includes('%')) return false;
      const mediaType = mediaTypeOf(request.headers['content-type']);
      if (mediaType !== 'application/json' && mediaType !== 'application/octet-stream' && !IMAGE_MEDIA_TYPE.test(mediaType ?? '')) return false;
    } else {
      return false;
    }
    const requestNumber = requests++;
    const route = channelParam === undefined ? '/receive-image' : '/channels/:channel/images';
    const fail = (error: unknown): void => refuse(response, error, route, requestNumber);
    // Counted before the body is read, as the routes' preParsing hook does: a flood costs no parsing.
    const limited = clientLimit.take(`ip:${request.socket.remoteAddress}`);
    if (limited) {
      fail(limited);
      request.resume();
      return true;
    }
    const query = queryStart === -1 ? {} : parseQuery(url.slice(queryStart + 1));
    const onBody = (error: Error | null, body?: unknown): void => {
      if (error) return fail(error);
      publish(request, response, body, query, channelParam, requestNumber).catch(fail);
    };
    if (mediaTypeOf(request.headers['content-type']) === 'application/json') {
      readJsonBody(request, request.headers, bodyLimit, maxImageBytes, parseRest, onBody);
    } else {
      readRawBody(request, request.headers, bodyLimit, onBody);
    }
    return true;
  };
}
