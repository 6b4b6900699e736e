import type { FastifyReply, FastifyRequest } from 'fastify';
import { extensionFor } from '../core/image/image-type.js';
import type { ImageRecord } from '../core/image-record.js';
import type { EncodedImage } from '../imaging/image-transformer.js';
import type { VariantService } from '../imaging/variant-service.js';
import { asksForVariant, parseVariantQuery, resolveVariant } from '../imaging/variant-spec.js';

/**
 * An image's own URL never changes content (ids are never reused), so caches may keep it for good. The CSP and
 * nosniff make sure a browser opening the URL directly only ever renders it as the sniffed image type.
 */
export const IMMUTABLE = 'public, max-age=31536000, immutable';
const INERT_IMAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox";

const VARIANT_EXTENSIONS: Record<string, string> = { 'image/webp': 'webp', 'image/avif': 'avif', 'image/png': 'png' };

/**
 * Answers with the image, or with the variant its query asks for (`?w=320&format=webp`, see
 * imaging/variant-spec.ts). A variant has the same caching and inert-content headers as its original; its ETag
 * names the variant, so a cache never confuses the two.
 */
export async function sendImageOrVariant(
  request: FastifyRequest,
  reply: FastifyReply,
  image: ImageRecord,
  variants: VariantService,
  cacheControl: string,
): Promise<FastifyReply> {
  const query = request.query as Readonly<Record<string, unknown>> | undefined;
  if (!asksForVariant(query)) return sendImage(request, reply, image, image, `"${image.id}"`, cacheControl);
  const spec = resolveVariant(parseVariantQuery(query!), image.type);
  const variant = await variants.variantOf(image, spec);
  return sendImage(request, reply, image, variant, `"${image.id}.${spec.key}"`, cacheControl);
}

function sendImage(
  request: FastifyRequest,
  reply: FastifyReply,
  image: ImageRecord,
  content: EncodedImage,
  etag: string,
  cacheControl: string,
): FastifyReply {
  const extension = content === image ? extensionFor(image.type) : (VARIANT_EXTENSIONS[content.type] ?? 'jpg');
  reply
    .header('etag', etag)
    .header('cache-control', cacheControl)
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', INERT_IMAGE_CSP)
    .header('last-modified', new Date(image.publishedAt).toUTCString())
    .header('content-disposition', `inline; filename="${image.channel}-${image.id}.${extension}"`);
  const ifNoneMatch = request.headers['if-none-match'];
  if (ifNoneMatch && ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag)) {
    return reply.code(304).send();
  }
  return reply.type(content.type).send(content.bytes);
}
