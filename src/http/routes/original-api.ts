import type { FastifyInstance } from 'fastify';
import { requireSubscribe } from '../../core/access/access-policy.js';
import { resolveChannelName } from '../../core/channel-name.js';
import { imageFromOriginalBody, RECEIVED_MESSAGE } from '../ingest/image-body.js';
import { publishBodyLimit } from '../ingest/request-body.js';
import { sendJsonReply } from '../json-reply.js';
import type { RelayContext } from '../relay-context.js';
import { serveEventStream } from '../../streams/sse/event-stream.js';

interface ReceiveImageRoute {
  Body: unknown;
  Querystring: { channel?: string };
}

interface SseImageRoute {
  Querystring: { channel?: string; lastEventId?: string };
}

/**
 * The original API, unchanged for its clients: `POST /receive-image` takes `{"imageSrc": "data:..."}`,
 * `GET /sse-image` streams unnamed events whose data is that data: URL. Both take an optional channel.
 */
export const originalApiRoutes = (context: RelayContext) =>
  async function originalApi(app: FastifyInstance): Promise<void> {
    const bodyLimit = publishBodyLimit(context.config.maxImageBytes);

    app.post<ReceiveImageRoute>('/receive-image', { bodyLimit, config: { publishLimit: true } }, async (request, reply) => {
      const image = imageFromOriginalBody(request.body, request.query.channel, request.grant, context.config.maxImageBytes);
      const { record, viewers } = await context.hub.publish(image);
      request.log.info(
        { channel: record.channel, id: record.id, bytes: record.bytes.length, type: record.type, viewers },
        'image published',
      );
      sendJsonReply(reply, 200, { message: RECEIVED_MESSAGE, id: record.id, channel: record.channel });
    });

    app.get<SseImageRoute>('/sse-image', async (request, reply) => {
      const channel = resolveChannelName(request.query.channel);
      requireSubscribe(request.grant, channel);
      serveEventStream(context, request, reply, [channel], context.frames.dataUrl);
    });
  };
