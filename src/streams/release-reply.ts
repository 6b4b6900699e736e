import { IncomingMessage } from 'node:http';
import type { FastifyReply } from 'fastify';

/** The name of the listener Fastify puts on every response's `finish` and `error` (lib/reply.js). */
const FASTIFY_RESPONSE_LISTENER = 'onResFinished';

/**
 * Lets go of what a hijacked reply's request holds, once the stream's headers are decided: the response lives on
 * as the stream for hours, and what it still references every idle viewer pays for (heap snapshots of 5,000 idle
 * streams; see docs/BENCHMARKS.md).
 *
 * - Fastify listens for the response's `finish` and `error` with a closure over its Reply, which holds the
 *   Request, the request's child logger, its params, query and headers objects: about 0.8 kB per viewer. On a
 *   finished response that closure only runs onResponse hooks and logs "request completed"; the stream routes
 *   have no onResponse hook and request logging is off (app.ts), so removing it changes nothing anyone sees. A
 *   Fastify that renames the listener leaves it in place: the stream still works, only heavier
 *   (test/http/stream-memory.test.ts says so).
 * - Node keeps the IncomingMessage for as long as its response (`response.req`), with its headers twice (the raw
 *   list and the parsed object): 0.14 kB for curl's few, 1.2 kB for a browser's (a Chrome-like set of 13, with
 *   its user agent, cookie, languages and fetch metadata). Nothing reads them once the headers are out. (HTTP/2
 *   requests keep theirs: their headers belong to the HTTP/2 stream and cannot be replaced.)
 */
export function releaseHijackedReply(reply: FastifyReply): void {
  const response = reply.raw;
  for (const event of ['finish', 'error'] as const) {
    for (const listener of response.listeners(event)) {
      if (listener.name === FASTIFY_RESPONSE_LISTENER) response.removeListener(event, listener as (...args: unknown[]) => void);
    }
  }
  const request = response.req;
  if (request instanceof IncomingMessage) {
    request.headers = {};
    request.rawHeaders.length = 0;
  }
}
