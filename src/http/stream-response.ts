import type { OutgoingHttpHeaders } from 'node:http';
import type { FastifyReply } from 'fastify';
import type { FrameSink } from '../core/delivery/frame-sink.js';

export interface OpenStream {
  readonly sink: FrameSink;
  /** Aborted when the client goes away (or the stream is ended by us). */
  readonly signal: AbortSignal;
}

/**
 * Takes over a reply as a long-lived stream (event stream, MJPEG): headers go out at once with `first` after
 * them, then frames through a FrameSink that honours backpressure. `X-Accel-Buffering: no` tells nginx not to
 * buffer it; `no-cache` keeps caches out of it.
 */
export function openStream(reply: FastifyReply, contentType: string, first: Uint8Array): OpenStream {
  reply.hijack();
  const response = reply.raw;
  const aborter = new AbortController();
  response.on('close', () => aborter.abort());

  const headers: OutgoingHttpHeaders = {
    'content-type': contentType,
    'cache-control': 'no-cache',
    'x-accel-buffering': 'no',
  };
  // Connection is a hop-by-hop header that HTTP/2 forbids.
  if (response.req.httpVersionMajor < 2) headers.connection = 'keep-alive';
  // Headers that hooks (CORS) set before the reply was hijacked.
  for (const [name, value] of Object.entries(reply.getHeaders())) {
    if (value !== undefined && !(name in headers)) headers[name] = value;
  }
  response.writeHead(200, headers);
  response.write(first);

  const sink: FrameSink = {
    write: (frame) => {
      if (!Array.isArray(frame)) return response.write(frame as Uint8Array);
      // Corked parts leave as one writev (and one HTTP/1.1 chunk): no copy of the shared image bytes.
      response.cork();
      let accepted = true;
      for (const part of frame as readonly Uint8Array[]) accepted = response.write(part);
      response.uncork();
      return accepted;
    },
    waitForDrain: (onDrain) => {
      response.once('drain', onDrain);
    },
    close: (mode) => {
      if (mode === 'abort') response.destroy();
      else response.end();
    },
  };
  return { sink, signal: aborter.signal };
}
