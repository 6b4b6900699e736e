import type { FastifyInstance } from 'fastify';
import { ALL_CHANNELS, resolveChannelName } from '../../core/channel-name.js';
import { requireSubscribe } from '../../core/access/access-policy.js';
import { RelayError } from '../../core/errors.js';
import type { StreamForm } from '../../core/delivery/frame-sink.js';
import { asksForVariant, parseVariantQuery, variantQueryString } from '../../imaging/variant-spec.js';
import type { RelayContext } from '../../http/relay-context.js';
import { serveEventStream } from './event-stream.js';

/** Channels one stream may follow: a wall of cameras, bounded so one request cannot subscribe to everything. */
export const MAX_CHANNELS_PER_STREAM = 64;

interface EventsQuery {
  channel?: string | string[];
  inline?: string;
  lastEventId?: string;
}

function wantsInline(query: EventsQuery): boolean {
  return query.inline === '1' || query.inline === 'true';
}

/**
 * The stream's form: plain metadata, metadata with a data: URL (`?inline=1`), or metadata whose `url` names a
 * variant (`?w=640&format=webp`, checked as for an image URL: the stream is refused with 400 if out of range).
 */
function formFor(context: RelayContext, query: EventsQuery): StreamForm {
  const variantParameters = query as Readonly<Record<string, unknown>>;
  if (asksForVariant(variantParameters)) {
    if (wantsInline(query)) throw new RelayError('invalid_variant', 'A stream carries inline data or variant URLs, not both.');
    return context.frames.metadataForVariant(variantQueryString(parseVariantQuery(variantParameters)));
  }
  return wantsInline(query) ? context.frames.inlineMetadata : context.frames.metadata;
}

/**
 * Metadata streams (`channel=*` follows every channel, for channel lists): named `image` events whose data describes the image and gives its URL, so browsers fetch
 * the bytes through their HTTP cache (and only when they show them). One connection can follow many channels,
 * which keeps a page inside the browsers' six-connections-per-origin limit on HTTP/1.1.
 */
export const channelEventRoutes = (context: RelayContext) =>
  async function channelEvents(app: FastifyInstance): Promise<void> {
    app.get<{ Params: { channel: string }; Querystring: EventsQuery }>('/channels/:channel/events', async (request, reply) => {
      const channel = resolveChannelName(request.params.channel);
      requireSubscribe(request.grant, channel);
      serveEventStream(context, request, reply, [channel], formFor(context, request.query));
    });

    app.get<{ Querystring: EventsQuery }>('/events', async (request, reply) => {
      const requested = request.query.channel;
      const names = requested === undefined ? [] : Array.isArray(requested) ? requested : [requested];
      const channels = [
        ...new Set(
          names
            .flatMap((name) => name.split(','))
            .filter((name) => name !== '')
            .map((name) => (name === ALL_CHANNELS ? name : resolveChannelName(name))),
        ),
      ];
      if (channels.length === 0) throw new RelayError('invalid_channel', 'Name at least one channel: /events?channel=a&channel=b.');
      if (channels.length > MAX_CHANNELS_PER_STREAM) {
        throw new RelayError('invalid_channel', `One stream follows at most ${MAX_CHANNELS_PER_STREAM} channels.`);
      }
      for (const channel of channels) if (channel !== ALL_CHANNELS) requireSubscribe(request.grant, channel);
      // Refused before it takes a stream slot: a `*` stream of a token that may watch nothing would only hold one.
      if (request.grant.subscribesToNone) throw new RelayError('forbidden', 'This token may not watch any channel.');
      serveEventStream(context, request, reply, channels, formFor(context, request.query));
    });
  };
