import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FrameEncoder } from '../core/delivery/frame-sink.js';
import type { ImageRecord } from '../core/image-record.js';
import { RelayError } from '../core/errors.js';
import { clientKey } from './access/access-hooks.js';
import { openEventStream } from './event-stream-response.js';
import type { RelayContext } from './relay-context.js';
import type { OpenStream } from './stream-response.js';

/**
 * The id a reconnecting viewer last saw: the `Last-Event-ID` header that EventSource sends on reconnection, or a
 * `lastEventId` query parameter for clients that cannot set headers (a fresh EventSource, curl in a script).
 */
export function lastEventIdOf(request: FastifyRequest<{ Querystring: { lastEventId?: string } }>): string | undefined {
  const header = request.headers['last-event-id'];
  if (typeof header === 'string' && header !== '') return header;
  const query = request.query.lastEventId;
  return typeof query === 'string' && query !== '' ? query : undefined;
}

/**
 * Counts an open stream (event stream or MJPEG) against the client's streams-per-client limit; refuses with
 * 429 past it. Returns the release to call when the stream ends.
 */
export function claimStreamSlot(context: RelayContext, request: FastifyRequest): () => void {
  const client = clientKey(request);
  const open = context.openStreams.get(client) ?? 0;
  if (open >= context.config.limits.streamsPerClient) {
    throw new RelayError('too_many_streams', `This client has ${open} streams open, as many as it may; close one first.`);
  }
  context.openStreams.set(client, open + 1);
  return () => {
    const remaining = (context.openStreams.get(client) ?? 1) - 1;
    if (remaining > 0) context.openStreams.set(client, remaining);
    else context.openStreams.delete(client);
  };
}

/**
 * Refuses a stream while the relay stops, with a 503 the client can read: checked before the reply is hijacked
 * and the slot claimed, since once the headers are out a refusal can only be a stream that ends at once. The
 * hub and MJPEG feeds refuse subscriptions themselves from the moment the relay starts to close, and a request
 * can reach its handler after that (while an async hook such as a JWT check ran); everything from this check
 * to the subscription is synchronous, so the relay cannot start closing in between.
 */
export function refuseWhileStopping(context: RelayContext): void {
  const readiness = context.readiness();
  if (!readiness.ready && readiness.reason === 'shutting_down') throw new RelayError('shutting_down');
}

/**
 * Subscribes a stream whose reply is already taken over. Should subscribing throw all the same, the slot is
 * released and the response ended: a hijacked reply gets no error response, so it would otherwise stay open and
 * count against the client's streams for good.
 */
export function subscribeOrEnd<Subscription>(
  request: FastifyRequest,
  stream: OpenStream,
  releaseSlot: () => void,
  subscribe: () => Subscription,
): Subscription | undefined {
  try {
    return subscribe();
  } catch (error) {
    releaseSlot();
    stream.sink.close('end');
    // The lines the error handler would write, had the reply not been taken over (docs/operations.md, Logs).
    if (error instanceof RelayError) request.log.warn({ error: error.code, url: request.routeOptions.url }, 'request refused');
    else request.log.error({ err: error }, 'request failed');
    return undefined;
  }
}

/** Opens an event stream for one or more channels and keeps it until the viewer leaves or the relay stops. */
export function serveEventStream(
  context: RelayContext,
  request: FastifyRequest<{ Querystring: { lastEventId?: string } }>,
  reply: FastifyReply,
  channels: readonly string[],
  encode: FrameEncoder<ImageRecord>,
): void {
  const lastEventId = lastEventIdOf(request);
  refuseWhileStopping(context);
  const releaseSlot = claimStreamSlot(context, request);
  const stream = openEventStream(reply, context.config.retryMs);
  // Plain fields rather than a child logger: a stream lives for hours, and a child logger per viewer is memory
  // every idle viewer pays for (see docs/BENCHMARKS.md, idle streams).
  const log = request.server.log;
  const where = channels.length === 1 ? { channel: channels[0] } : { channels };
  log.info({ ...where, lastEventId, remote: request.ip }, 'viewer connected');
  // A `*` stream shows a token only the channels it may watch.
  const grant = request.grant;
  const filter = grant.subscribesToAll ? undefined : grant.canSubscribe;
  const subscription = subscribeOrEnd(request, stream, releaseSlot, () =>
    context.hub.subscribe({ channels, lastEventId, sink: stream.sink, encode, signal: stream.signal, filter }),
  );
  void subscription?.ended.then(({ reason, stats }) => {
    releaseSlot();
    log.info({ ...where, reason, delivered: stats.delivered, skipped: stats.skipped }, 'viewer disconnected');
  });
}
