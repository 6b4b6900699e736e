import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requirePublish, requireSubscribe } from '../../core/access/access-policy.js';
import { resolveChannelName } from '../../core/channel-name.js';
import { RelayError } from '../../core/errors.js';
import type { NewImage } from '../../core/image-record.js';
import { describeImage, type ImageDescription } from '../image-description.js';
import { immutableCacheControl, latestCacheControl, sendImageOrVariant } from '../image-response.js';
import { imageFromParsedBody, type IngestQuery } from '../ingest/image-body.js';
import { IMAGE_MEDIA_TYPE, FORM_BODY, formBodyParser, publishBodyLimit, rawBodyParser } from '../ingest/request-body.js';
import { publishMultipartImages } from '../ingest/multipart-images.js';
import { sendJsonReply } from '../json-reply.js';
import type { RelayContext } from '../relay-context.js';

/** Images listed by `GET /channels/{channel}/images` unless `?limit=` says otherwise, and at most. */
const HISTORY_PAGE_DEFAULT = 50;
const HISTORY_PAGE_MAX = 1000;

interface ChannelParams {
  channel: string;
}

/** Binary and JSON ingest at `/channels/{channel}/images`, and the images' own URLs. */
export const channelImageRoutes = (context: RelayContext) =>
  async function channelImages(app: FastifyInstance): Promise<void> {
    const { config, hub } = context;
    const publicUrl = config.publicUrl;

    // Parsers for this context only: /receive-image stays JSON-only, as the original was.
    app.addContentTypeParser('application/octet-stream', rawBodyParser);
    app.addContentTypeParser(IMAGE_MEDIA_TYPE, rawBodyParser);
    // A form is read by its route as it streams in (multipart-images.ts), not by a body parser.
    app.addContentTypeParser('multipart/form-data', formBodyParser);

    const publishOne = async (request: FastifyRequest, image: NewImage): Promise<ImageDescription> => {
      const { record, viewers } = await hub.publish(image);
      request.log.info(
        { channel: record.channel, id: record.id, bytes: record.bytes.length, type: record.type, viewers },
        'image published',
      );
      return describeImage(record, publicUrl);
    };

    const ingest = async (
      request: FastifyRequest<{ Params: ChannelParams; Querystring: IngestQuery }>,
      reply: FastifyReply,
    ): Promise<void> => {
      const channel = resolveChannelName(request.params.channel);
      requirePublish(request.grant, channel);
      if (request.body === FORM_BODY) {
        const images = await publishMultipartImages(request.raw, channel, config.maxImageBytes, (image) =>
          publishOne(request, image),
        );
        return sendJsonReply(reply, 201, { images }, { location: images[0]!.url });
      }
      const image = imageFromParsedBody(request.body, request.headers, request.query, channel, config.maxImageBytes);
      const description = await publishOne(request, image);
      sendJsonReply(reply, 201, description, { location: description.url });
    };
    const bodyLimit = publishBodyLimit(config.maxImageBytes);
    const publishRoute = { bodyLimit, config: { publishLimit: true } };
    app.post('/channels/:channel/images', publishRoute, ingest);
    app.put('/channels/:channel/images', publishRoute, ingest);

    app.get<{ Params: ChannelParams; Querystring: { limit?: string } }>('/channels/:channel/images', async (request, reply) => {
      const channel = resolveChannelName(request.params.channel);
      requireSubscribe(request.grant, channel);
      const limit = Math.min(Math.max(Number.parseInt(request.query.limit ?? '', 10) || HISTORY_PAGE_DEFAULT, 1), HISTORY_PAGE_MAX);
      const images = (await hub.recent(channel, limit)).map((image) => describeImage(image, publicUrl));
      return reply.header('cache-control', 'no-cache').send({ channel, images });
    });

    app.get<{ Params: ChannelParams & { id: string } }>('/channels/:channel/images/:id', async (request, reply) => {
      const channel = resolveChannelName(request.params.channel);
      requireSubscribe(request.grant, channel);
      const image = await hub.image(channel, request.params.id);
      if (!image) throw new RelayError('image_not_found');
      return sendImageOrVariant(request, reply, image, context.variants, immutableCacheControl(context.access.enabled));
    });

    app.get<{ Params: ChannelParams }>('/channels/:channel/latest', async (request, reply) => {
      const channel = resolveChannelName(request.params.channel);
      requireSubscribe(request.grant, channel);
      const image = await hub.latest(channel);
      if (!image) throw new RelayError('image_not_found', `Channel "${channel}" holds no image yet.`);
      return sendImageOrVariant(request, reply, image, context.variants, latestCacheControl(context.access.enabled));
    });
  };
