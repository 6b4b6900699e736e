import type { FastifyInstance } from 'fastify';
import type { ChannelListing } from '../../api-types.js';
import { imagePath, THUMBNAIL_QUERY } from '../image-description.js';
import type { RelayContext } from '../relay-context.js';

/** `GET /channels`: every channel holding images, with what it holds and who watches it. */
export const channelListRoutes = (context: RelayContext) =>
  async function channelList(app: FastifyInstance): Promise<void> {
    app.get('/channels', async (request, reply) => {
      const summaries = await context.hub.channels();
      const channels = summaries
        // A token sees only the channels it may watch.
        .filter((summary) => request.grant.canSubscribe(summary.channel))
        .map((summary): ChannelListing => {
          const latestUrl = context.config.publicUrl + imagePath(summary.channel, summary.latestId);
          return {
            channel: summary.channel,
            latestId: summary.latestId,
            latestUrl,
            latestThumbnailUrl: `${latestUrl}?${THUMBNAIL_QUERY}`,
            images: summary.imageCount,
            bytes: summary.heldBytes,
            // Event streams and MJPEG streams alike: each is someone watching the channel.
            viewers: context.hub.viewerCount(summary.channel) + context.hub.convertedViewerCount(summary.channel),
            lastPublishedAt: new Date(summary.lastPublishedAt).toISOString(),
          };
        })
        .sort((a, b) => a.channel.localeCompare(b.channel));
      return reply.header('cache-control', 'no-cache').send({ channels });
    });
  };
