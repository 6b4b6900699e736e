import type { FastifyReply, FastifyRequest } from 'fastify';
import type { StreamForm } from '../../core/delivery/frame-sink.js';
import type { RelayContext } from '../../http/relay-context.js';
import { openStream, type OpenStream } from '../response-stream.js';
import { serveStream } from '../serve-stream.js';
import { encodeSseRetry } from './sse-frame.js';

/**
 * Takes over a reply as a Server-Sent Events stream. Headers go out at once, with a `retry:` hint, so that
 * EventSource fires `onopen` before the first image and proxies see bytes immediately.
 */
function openEventStream(reply: FastifyReply, retryMs: number): OpenStream {
  return openStream(reply, 'text/event-stream', encodeSseRetry(retryMs));
}

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

/** Opens an event stream for one or more channels and keeps it until the viewer leaves or the relay stops. */
export function serveEventStream(
  context: RelayContext,
  request: FastifyRequest<{ Querystring: { lastEventId?: string } }>,
  reply: FastifyReply,
  channels: readonly string[],
  form: StreamForm,
): void {
  const lastEventId = lastEventIdOf(request);
  // A `*` stream shows a token only the channels it may watch.
  const grant = request.grant;
  const filter = grant.subscribesToAll ? undefined : grant.canSubscribe;
  serveStream(
    context,
    request,
    channels.length === 1 ? { channel: channels[0] } : { channels },
    () => openEventStream(reply, context.config.retryMs),
    (stream, onEnded) => context.hub.subscribe({ channels, lastEventId, sink: stream.sink, form, signal: stream.signal, filter, onEnded }),
    { lastEventId },
  );
}
