import type { OutgoingHttpHeaders } from 'node:http';
import type { FastifyReply } from 'fastify';

/**
 * Answers with a small JSON body straight on the response, past Fastify's reply pipeline (serializer, hooks,
 * header checks): for the answer to a publish, the one reply sent thousands of times a second, where that
 * pipeline cost more than the relay's own work on a 10 kB image (docs/BENCHMARKS.md, the publish path). Headers
 * set before (CORS's) are kept; errors still go through Fastify's error handler, since this is only for success.
 */
export function sendJsonReply(reply: FastifyReply, status: number, body: object, headers: OutgoingHttpHeaders = {}): void {
  const payload = JSON.stringify(body);
  reply.hijack();
  const response = reply.raw;
  const allHeaders: OutgoingHttpHeaders = {
    ...(reply.getHeaders() as OutgoingHttpHeaders),
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
  };
  response.writeHead(status, allHeaders);
  response.end(payload);
}
