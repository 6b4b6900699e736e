import type { FastifyInstance } from 'fastify';
import { requireSubscribe } from '../../core/access/access-policy.js';
import { resolveChannelName } from '../../core/channel-name.js';
import { RelayError } from '../../core/errors.js';
import { parseVariantQuery } from '../../imaging/variant-spec.js';
import type { RelayContext } from '../../http/relay-context.js';
import { openStream } from '../response-stream.js';
import { serveStream } from '../serve-stream.js';
import { MJPEG_CONTENT_TYPE, MJPEG_EPILOGUE, MJPEG_PREAMBLE } from './multipart-frame.js';

/**
 * `GET /channels/{channel}/mjpeg`: the channel as MJPEG, for an `<img>` without script, VLC, ffmpeg, OBS or a
 * Home Assistant MJPEG camera. `?w=` (and h, fit, q) picks a frame size; the format is always JPEG. It counts as
 * a stream for the per-client limit and needs a subscribe token like an event stream (`?access_token=` works in
 * an `<img>`, which can send no header).
 */
export const channelMjpegRoutes = (context: RelayContext) =>
  async function channelMjpeg(app: FastifyInstance): Promise<void> {
    app.get<{ Params: { channel: string } }>('/channels/:channel/mjpeg', async (request, reply) => {
      const channel = resolveChannelName(request.params.channel);
      requireSubscribe(request.grant, channel);
      const variant = parseVariantQuery(request.query as Readonly<Record<string, unknown>>);
      if (variant.format !== undefined && variant.format !== 'jpeg') {
        throw new RelayError('invalid_variant', 'MJPEG frames are JPEG: leave "format" out, or give format=jpeg.');
      }
      const converter = context.mjpeg(variant);
      serveStream(
        context,
        request,
        { channel, mjpeg: true },
        () => openStream(reply, MJPEG_CONTENT_TYPE, MJPEG_PREAMBLE, MJPEG_EPILOGUE),
        (stream, onEnded) => context.hub.subscribeConverted({ channel, converter, sink: stream.sink, signal: stream.signal, onEnded }),
      );
    });
  };
