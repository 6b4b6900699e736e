import type { OutgoingHttpHeaders } from 'node:http';
import type { FastifyReply } from 'fastify';
import type { DisconnectSignal, FrameSink } from '../core/delivery/frame-sink.js';
import { releaseHijackedReply } from './release-reply.js';

export interface OpenStream {
  readonly sink: FrameSink;
  /** Aborted when the client goes away (or the stream is ended by us). */
  readonly signal: DisconnectSignal;
}

/**
 * Aborted when the response closes. Not an AbortController: a stream lives for hours, and every idle viewer would
 * pay for its EventTarget (see DisconnectSignal). Listeners are called once, in the order they were added.
 */
class ResponseClosedSignal implements DisconnectSignal {
  aborted = false;
  private listeners: (() => void)[] | undefined;

  constructor(response: { once(event: 'close', listener: () => void): unknown }) {
    response.once('close', () => {
      this.aborted = true;
      const listeners = this.listeners;
      this.listeners = undefined;
      for (const listener of listeners ?? []) listener();
    });
  }

  addEventListener(_type: 'abort', listener: () => void): void {
    if (this.aborted) return;
    (this.listeners ??= []).push(listener);
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    const index = this.listeners?.indexOf(listener) ?? -1;
    if (index !== -1) this.listeners!.splice(index, 1);
  }
}

/**
 * Takes over a reply as a long-lived stream (event stream, MJPEG): headers go out at once with `first` after
 * them, then frames through a FrameSink that honours backpressure, and `last` (if any) when the stream is ended
 * gracefully (a multipart stream's closing delimiter). `X-Accel-Buffering: no` tells nginx not to buffer it;
 * `no-cache` keeps caches out of it. Once the headers are out, Fastify's request and reply are let go.
 */
export function openStream(reply: FastifyReply, contentType: string, first: Uint8Array, last?: Uint8Array): OpenStream {
  reply.hijack();
  const response = reply.raw;
  const signal = new ResponseClosedSignal(response);

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
  releaseHijackedReply(reply);
  response.writeHead(200, headers);
  // Sent on their own, the headers leave as a string that the socket write flattens; sent together with a
  // Buffer, Node keeps them as a rope of some thirty pieces for the life of the stream (about 0.7 kB of heap
  // per idle viewer, measured with a heap snapshot of 5,000 streams).
  response.flushHeaders();
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
      // A client that went away is past hearing the last bytes.
      else if (last && !signal.aborted) response.end(last);
      else response.end();
    },
  };
  return { sink, signal };
}
