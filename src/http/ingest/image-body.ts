import type { FastifyRequest } from 'fastify';
import { RelayError } from '../../core/errors.js';
import { captionMeta, parseImageMeta, withCaption, type ImageMeta } from '../../core/image-meta.js';
import { imageFromBytes, imageFromDataUrl } from '../../core/image/ingest.js';
import type { NewImage } from '../../core/image-record.js';
import { liftedDataUrl } from './json-body.js';

export interface IngestQuery {
  caption?: string;
  meta?: string;
}

/** Metadata given beside a raw body: `X-Image-Meta` (JSON), `?meta=` (JSON) and `?caption=`. */
function metaFromRequest(request: FastifyRequest<{ Querystring: IngestQuery }>): ImageMeta | undefined {
  const header = request.headers['x-image-meta'];
  const meta = parseImageMeta(typeof header === 'string' ? header : request.query.meta, 'X-Image-Meta');
  return withCaption(meta, request.query.caption);
}

/**
 * The image of a request whose body Fastify has parsed: raw bytes (image/*, application/octet-stream) or
 * JSON `{"imageSrc": "data:...", "meta": {...}, "caption": "..."}`.
 */
export function imageFromParsedBody(
  request: FastifyRequest<{ Querystring: IngestQuery }>,
  channel: string,
  maxImageBytes: number,
): NewImage {
  const body = request.body;
  if (Buffer.isBuffer(body)) return imageFromBytes(channel, body, maxImageBytes, metaFromRequest(request));
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new RelayError('missing_image_src');
  // The data: URL the body parser lifted out as it streamed in (see json-body.ts).
  const lifted = liftedDataUrl(body);
  const imageSrc = lifted ?? (body as { imageSrc?: unknown }).imageSrc;
  const { meta, caption } = body as { meta?: unknown; caption?: unknown };
  if (lifted === undefined && typeof imageSrc !== 'string') throw new RelayError('missing_image_src');
  if (caption !== undefined && typeof caption !== 'string') throw new RelayError('invalid_meta', 'caption must be a string.');
  const parsedMeta = withCaption(parseImageMeta(meta, 'meta'), caption) ?? captionMeta(request.query.caption);
  if (lifted instanceof RelayError) throw lifted;
  return imageFromDataUrl(channel, lifted ?? (imageSrc as string), maxImageBytes, parsedMeta);
}
