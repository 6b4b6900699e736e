import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Http2ServerResponse } from 'node:http2';
import type { Socket } from 'node:net';
import { frameLength } from '../core/delivery/frame-sink.js';
import type { FastifyReply } from 'fastify';
import type { DisconnectListener, DisconnectSignal, Frame, FrameSink } from '../core/delivery/frame-sink.js';
import { releaseHijackedReply } from './release-reply.js';

export interface OpenStream {
  readonly sink: FrameSink;
  /** Aborted when the client goes away (or the stream is ended by us). */
  readonly signal: DisconnectSignal;
}

type StreamResponse = ServerResponse | Http2ServerResponse;

/** Ends an HTTP/1.1 chunk. */
const CRLF = Buffer.from('\r\n');

/**
 * A response taken over as a long-lived stream: the viewer's FrameSink and its DisconnectSignal in one object,
 * with methods rather than closures, holding the response and nothing of Fastify's. An idle viewer keeps it
 * for hours: an AbortController (about 0.65 kB with its EventTarget), a sink of three closures and a `once`
 * wrapper would each be heap that every one of thousands of idle viewers pays for (heap snapshots of 5,000
 * idle streams; see docs/BENCHMARKS.md).
 */
class ResponseStream implements FrameSink, DisconnectSignal, OpenStream {
  aborted = false;
  /** The one listener a viewer adds (the hub's); more go to `moreListeners`. */
  private listener: DisconnectListener | undefined;
  private moreListeners: DisconnectListener[] | undefined;

  constructor(
    private readonly response: StreamResponse,
    /** Written when the stream is ended gracefully (a multipart stream's closing delimiter). */
    private readonly last: Uint8Array | undefined,
  ) {
    // `close` is emitted once; `on` rather than `once`, which would wrap the listener in three more objects.
    response.on('close', () => this.responseClosed());
  }

  get sink(): FrameSink {
    return this;
  }

  get signal(): DisconnectSignal {
    return this;
  }

  write(frame: Frame): boolean {
    const response = this.response as ServerResponse;
    if (!Array.isArray(frame)) return response.write(frame as Uint8Array);
    const parts = frame as readonly Uint8Array[];
    const socket = this.chunkedSocket();
    if (socket === undefined) {
      // HTTP/2 or HTTP/1.0: Node frames nothing per write, so the corked parts leave as one writev.
      response.cork();
      let accepted = true;
      for (const part of parts) accepted = response.write(part);
      response.uncork();
      return accepted;
    }
    // One HTTP/1.1 chunk for the whole frame, written to the socket as a writev of its parts: no copy of the
    // shared image bytes. Through the response, each part would be a chunk of its own and four socket writes
    // (size, CRLF, part, CRLF), a third of what one more viewer costs at 10 kB (docs/BENCHMARKS.md).
    socket.cork();
    socket.write(`${frameLength(frame).toString(16)}\r\n`, 'latin1');
    for (const part of parts) socket.write(part);
    const accepted = socket.write(CRLF);
    socket.uncork();
    return accepted;
  }

  waitForDrain(onDrain: () => void): void {
    // Frames written to the socket fill its buffer, not the response's: the response's 'drain' would not come.
    (this.chunkedSocket() ?? this.response).once('drain', onDrain);
  }

  close(mode: 'end' | 'abort'): void {
    if (mode === 'abort') this.response.destroy();
    // A client that went away is past hearing the last bytes.
    else if (this.last && !this.aborted) (this.response as ServerResponse).end(this.last);
    else this.response.end();
  }

  /** Listeners are called once, in the order they were added. */
  addEventListener(_type: 'abort', listener: DisconnectListener): void {
    if (this.aborted) return;
    if (this.listener === undefined) this.listener = listener;
    else (this.moreListeners ??= []).push(listener);
  }

  removeEventListener(_type: 'abort', listener: DisconnectListener): void {
    if (this.listener === listener) {
      this.listener = this.moreListeners?.shift();
      return;
    }
    const index = this.moreListeners?.indexOf(listener) ?? -1;
    if (index !== -1) this.moreListeners!.splice(index, 1);
  }

  /**
   * The socket of an HTTP/1.1 response sent in chunks, while the response holds it (its headers are out, so
   * what is written to it follows them); undefined for HTTP/2, for an HTTP/1.0 response (which has no chunks: its
   * body ends with the connection) and once the response has let the socket go.
   */
  private chunkedSocket(): Socket | undefined {
    const response = this.response as ServerResponse;
    if (response.req.httpVersionMajor !== 1 || !response.chunkedEncoding || response.writableEnded) return undefined;
    return response.socket ?? undefined;
  }

  private responseClosed(): void {
    this.aborted = true;
    const listeners = this.listener === undefined ? [] : [this.listener, ...(this.moreListeners ?? [])];
    this.listener = undefined;
    this.moreListeners = undefined;
    for (const listener of listeners) {
      if (typeof listener === 'function') listener();
      else listener.handleEvent();
    }
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
  const stream = new ResponseStream(response, last);

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
  return stream;
}
