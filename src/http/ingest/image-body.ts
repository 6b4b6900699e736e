import type { IncomingHttpHeaders } from 'node:http';
import { requirePublish } from '../../core/access/access-policy.js';
import type { Grant } from '../../core/access/grant.js';
import { resolveChannelName } from '../../core/channel-name.js';
import { RelayError } from '../../core/errors.js';
import { captionMeta, parseImageMeta, withCaption, type ImageMeta } from '../../core/image-meta.js';
import { imageFromBytes, imageFromDataUrl } from '../../core/image/ingest.js';
import type { NewImage } from '../../core/image-record.js';
import { liftedDataUrl } from './request-body.js';

/** The original design's reply to a publish, kept word for word so existing clients see what they always saw. */
export const RECEIVED_MESSAGE = 'Images received and accept successfully';

export interface IngestQuery {
  caption?: string;
  meta?: string;
}

/** Metadata given beside a raw body: `X-Image-Meta` (JSON), `?meta=` (JSON) and `?caption=`. */
function metaBesideBody(headers: IncomingHttpHeaders, query: IngestQuery): ImageMeta | undefined {
  const header = headers['x-image-meta'];
  const meta = parseImageMeta(typeof header === 'string' ? header : query.meta, 'X-Image-Meta');
  return withCaption(meta, query.caption);
}

/** The data: URL of a parsed JSON body: lifted by the body parser as it streamed in (see json-body.ts), or a string. */
function dataUrlOf(body: object): ReturnType<typeof liftedDataUrl> | string {
  const lifted = liftedDataUrl(body);
  const imageSrc = lifted ?? (body as { imageSrc?: unknown }).imageSrc;
  if (lifted === undefined && typeof imageSrc !== 'string') throw new RelayError('missing_image_src');
  return imageSrc as NonNullable<ReturnType<typeof liftedDataUrl>> | string;
}

/**
 * The original API's publish, `{"imageSrc": "data:...", "channel": "..."}` (the channel also as `?channel=`),
 * checked in the order its clients have always seen: the body's shape, the channel, the token, the data: URL.
 */
export function imageFromOriginalBody(body: unknown, queryChannel: unknown, grant: Grant, maxImageBytes: number): NewImage {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new RelayError('missing_image_src');
  const dataUrl = dataUrlOf(body);
  const channel = resolveChannelName((body as { channel?: unknown }).channel ?? queryChannel);
  requirePublish(grant, channel);
  if (dataUrl instanceof RelayError) throw dataUrl;
  return imageFromDataUrl(channel, dataUrl!, maxImageBytes);
}

/**
 * The image of a parsed body to `/channels/{channel}/images`: raw bytes (image/*, application/octet-stream) or
 * JSON `{"imageSrc": "data:...", "meta": {...}, "caption": "..."}`.
 */
export function imageFromParsedBody(
  body: unknown,
  headers: IncomingHttpHeaders,
  query: IngestQuery,
  channel: string,
  maxImageBytes: number,
): NewImage {
  if (Buffer.isBuffer(body)) return imageFromBytes(channel, body, maxImageBytes, metaBesideBody(headers, query));
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new RelayError('missing_image_src');
  const dataUrl = dataUrlOf(body);
  const { meta, caption } = body as { meta?: unknown; caption?: unknown };
  if (caption !== undefined && typeof caption !== 'string') throw new RelayError('invalid_meta', 'caption must be a string.');
  const parsedMeta = withCaption(parseImageMeta(meta, 'meta'), caption) ?? captionMeta(query.caption);
  if (dataUrl instanceof RelayError) throw dataUrl;
  return imageFromDataUrl(channel, dataUrl!, maxImageBytes, parsedMeta);
}
