import { readFileSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { ErrorCode } from '../core/errors.js';
import { PublishLimit } from '../core/limits/publish-limit.js';
import { installAccessControl } from './access/access-hooks.js';
import { installPublishLimit } from './access/publish-limit-hook.js';
import { clientErrorResponse, frameworkErrorResponse, installErrorResponses, refuseMissingHost } from './error-response.js';
import { publishBodyLimit, streamingJsonBodyParser } from './ingest/request-body.js';
import { leanPublishPath, type LeanPath } from './lean-publish.js';
import { lazySchemaCompilers } from './lazy-schema-compilers.js';
import type { RelayContext, RouteModule } from './relay-context.js';
import { channelImageRoutes } from './routes/channel-images.js';
import { channelListRoutes } from './routes/channel-list.js';
import { healthRoutes } from './routes/health.js';
import { homeRoutes } from './routes/home.js';
import { metricsRoutes } from './routes/metrics.js';
import { originalApiRoutes } from './routes/original-api.js';
import { channelMjpegRoutes } from '../streams/mjpeg/mjpeg-routes.js';
import { channelEventRoutes } from '../streams/sse/event-routes.js';

/**
 * Fastify and @fastify/cors (and pino, in relay.ts and cli/logger.ts) are loaded with `require`, not `import`. To
 * import a CommonJS module, Node's ES module loader runs cjs-module-lexer over its source to find its named
 * exports; over fastify.js (35 kB) the lexer gets hot enough for V8 to optimize it on a worker thread, and that
 * compilation's memory stays in the thread's malloc arena: 2–3 MB of the relay's start-up RSS, more than any
 * package it loads (docs/BENCHMARKS.md, notes of 2026-12-08). `require` needs no lexer; `typeof import()` is a
 * type and loads nothing.
 */
const requireCommonJs = createRequire(import.meta.url);
const cors = requireCommonJs('@fastify/cors') as typeof import('@fastify/cors');
const { fastify: Fastify, LogController } = requireCommonJs('fastify') as typeof import('fastify');

/** Every feature's routes; adding a feature (or a stream protocol, from its folder under streams/) is adding a line here. */
const ROUTE_MODULES: readonly RouteModule[] = [
  homeRoutes,
  originalApiRoutes,
  channelImageRoutes,
  channelListRoutes,
  channelEventRoutes,
  metricsRoutes,
  channelMjpegRoutes,
  healthRoutes,
];

/**
 * The plain-HTTP server, made here to set what Fastify has no option for: a request must send its headers within
 * headersTimeoutMs, checked every second rather than Node's default 30 s, so a slowloris client is cut off soon.
 */
function plainServerFactory(context: RelayContext, lean: { path: LeanPath | undefined }, onRefused: (code: ErrorCode) => void) {
  const corsOpen = context.config.corsOrigins === '*';
  return (handler: http.RequestListener): http.Server =>
    http.createServer(
      {
        headersTimeout: context.config.limits.headersTimeoutMs,
        requestTimeout: context.config.limits.requestTimeoutMs,
        connectionsCheckingInterval: 1000,
        // Refused all the same, in the catalogue's shape (refuseMissingHost) rather than Node's empty 400.
        requireHostHeader: false,
      },
      // The publish routes' lean path first (lean-publish.ts); everything else, and what it declines, is Fastify's.
      (request, response) => {
        if (refuseMissingHost(request, response, onRefused, corsOpen)) return;
        if (!lean.path?.(request, response)) handler(request, response);
      },
    );
}

/** The HTTP edge: Fastify with our error responses, CORS and the route table, around a core it only calls. */
export async function buildHttpApp(context: RelayContext, logger: Logger, options: { leanPublishPath?: boolean } = {}): Promise<FastifyInstance> {
  const tls = context.config.tls;
  const onRefused = (code: ErrorCode): void => context.metrics.onRefused(code);
  const lean: { path: LeanPath | undefined } = { path: undefined };
  const fastifyOptions = {
    loggerInstance: logger as FastifyBaseLogger,
    // One log line per publish and per viewer is written by the routes; per-request lines would double them.
    logController: new LogController({ disableRequestLogging: true }),
    // Idle keep-alive sockets would otherwise hold close() open after the streams have ended.
    forceCloseConnections: true,
    trustProxy: context.config.trustProxy,
    // Slow-request defences (slowloris): the whole body within requestTimeout. Event streams are not affected:
    // their request is complete the moment its headers are.
    requestTimeout: context.config.limits.requestTimeoutMs,
    clientErrorHandler: clientErrorResponse(onRefused),
    // Typed per server kind by Fastify; the handler only uses what both kinds' requests and replies have.
    frameworkErrors: frameworkErrorResponse(onRefused, context.config.corsOrigins === '*') as never,
    // Ajv and fast-json-stringify only once a route has a schema (none has): lazy-schema-compilers.ts.
    schemaController: { compilersFactory: lazySchemaCompilers() as never },
  };
  // With TLS: HTTP/2, so a browser multiplexes every stream and image fetch on one connection; HTTP/1.1 through
  // ALPN for clients that do not speak it. The routes see the same request and reply either way.
  const app = (
    tls
      ? Fastify({
          ...fastifyOptions,
          http2: true,
          https: { allowHTTP1: true, cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile) },
        })
      : Fastify({ ...fastifyOptions, serverFactory: plainServerFactory(context, lean, onRefused) })
  ) as unknown as FastifyInstance;
  installErrorResponses(app, onRefused);

  // Only JSON bodies until a route says otherwise: a text/plain body to /receive-image is refused with 415.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    'application/json',
    streamingJsonBodyParser(app.getDefaultJsonParser('error', 'error'), context.config.maxImageBytes),
  );

  // The original design answered every origin, and so does the relay while access control is off. With tokens,
  // only configured origins; credentials (the token cookie) are allowed only with a list, never with "*".
  const origins = context.config.corsOrigins;
  await app.register(cors, {
    origin: origins === '*' ? '*' : [...origins],
    credentials: origins !== '*',
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'OPTIONS'],
    maxAge: 86_400,
  });
  installAccessControl(app, context.access, origins, context.authFailures);
  const clientLimit = new PublishLimit(context.config.limits.publishPerClient, 'client');
  installPublishLimit(app, { client: clientLimit, address: new PublishLimit(context.config.limits.publishPerAddress, 'address') });
  for (const routes of ROUTE_MODULES) await app.register(routes(context));
  if (options.leanPublishPath !== false) {
    const parseString = app.getDefaultJsonParser('error', 'error');
    lean.path = leanPublishPath({
      context,
      logger,
      clientLimit,
      parseRest: (text, done) => parseString({} as FastifyRequest, text, done),
      onRefused,
      bodyLimit: publishBodyLimit(context.config.maxImageBytes),
    });
  }
  return app;
}
