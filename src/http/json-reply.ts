import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { FastifyReply } from 'fastify';

/**
 * Writes a small JSON answer straight on the response: headers as a flat list, which Node takes without walking
 * an object's keys, then the body, in one write.
 */
export function writeJsonResponse(response: ServerResponse, status: number, body: object, headers: string[] = []): void {
  const payload = JSON.stringify(body);
  headers.push('content-type', 'application/json; charset=utf-8', 'content-length', String(Buffer.byteLength(payload)));
  response.writeHead(status, headers);
  response.end(payload);
}

/**
 * Answers a route with writeJsonResponse, past Fastify's reply pipeline (serializer, hooks, header checks): for
 * the answer to a publish, the one reply sent thousands of times a second, where that pipeline cost more than the
 * relay's own work on a 10 kB image (docs/BENCHMARKS.md, the publish path). Headers set before (CORS's) are kept;
 * errors still go through Fastify's error handler, since this is only for success.
 */
export function sendJsonReply(reply: FastifyReply, status: number, body: object, headers: OutgoingHttpHeaders = {}): void {
  reply.hijack();
  const list: string[] = [];
  for (const [name, value] of Object.entries({ ...(reply.getHeaders() as OutgoingHttpHeaders), ...headers })) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) list.push(name, String(item));
  }
  writeJsonResponse(reply.raw as ServerResponse, status, body, list);
}
