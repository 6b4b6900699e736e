import type { FastifyReply } from 'fastify';
import { encodeSseRetry } from '../sse/sse-frame.js';
import { openStream, type OpenStream } from './stream-response.js';

export type OpenEventStream = OpenStream;

/**
 * Takes over a reply as a Server-Sent Events stream. Headers go out at once, with a `retry:` hint, so that
 * EventSource fires `onopen` before the first image and proxies see bytes immediately.
 */
export function openEventStream(reply: FastifyReply, retryMs: number): OpenEventStream {
  return openStream(reply, 'text/event-stream', encodeSseRetry(retryMs));
}
