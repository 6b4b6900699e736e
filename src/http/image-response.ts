import type { FastifyReply, FastifyRequest } from 'fastify';
import { extensionFor } from '../core/image/image-type.js';
import type { ImageRecord } from '../core/image-record.js';
import { clientKey } from './access/access-hooks.js';
import type { VariantService } from '../imaging/variant-service.js';
import { asksForVariant, parseVariantQuery, resolveVariant, variantExtension, variantIsOriginal } from '../imaging/variant-spec.js';

/**
 * An image's own URL never changes content (ids are never reused), so caches may keep it for good. The CSP and
 * nosniff make sure a browser opening the URL directly only ever renders it as the sniffed image type.
 */
const IMMUTABLE = 'max-age=31536000, immutable';

/**
 * How an image's own URL may be cached. `public` lets a shared cache (a CDN, a corporate proxy) keep it and hand
 * it to anyone who asks for the URL; once tokens guard the channels that would give a token-less stranger what
 * only a token holder may see (a cookie or `?access_token=` is no `Authorization` header, which alone keeps a
 * response out of shared caches, RFC 9111 section 3.5), so under access control only the viewer's own browser
 * may keep it (`private`).
 */
export function immutableCacheControl(accessControlled: boolean): string {
  return `${accessControlled ? 'private' : 'public'}, ${IMMUTABLE}`;
}

/**
 * The latest image changes, so it is revalidated every time (its ETag tells the browser whether it did); under
 * access control it is kept out of shared caches as the immutable URLs are.
 */
export function latestCacheControl(accessControlled: boolean): string {
  return accessControlled ? 'private, no-cache' : 'no-cache';
}
const INERT_IMAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox";

/**
 * Answers with the image, or with the variant its query asks for (`?w=320&format=webp`, see
 * imaging/variant-spec.ts). A variant has the same caching and inert-content headers as its original; its ETag
 * names the variant, so a cache never confuses the two, and a revalidation (304) costs no encode. A variant that
 * would be the original (see variantIsOriginal) is the original: its bytes and its ETag.
 */
export async function sendImageOrVariant(
  request: FastifyRequest,
  reply: FastifyReply,
  image: ImageRecord,
  variants: VariantService,
  cacheControl: string,
): Promise<FastifyReply> {
  const query = request.query as Readonly<Record<string, unknown>> | undefined;
  const original = { etag: `"${image.id}"`, type: image.type, extension: extensionFor(image.type) };
  if (!asksForVariant(query)) return sendImage(request, reply, image, original, cacheControl, async () => image.bytes.read());
  const spec = resolveVariant(parseVariantQuery(query!), image.type);
  // The same bytes as the original, so the same ETag: a cache holding either may answer for both.
  if (variantIsOriginal(spec, image)) return sendImage(request, reply, image, original, cacheControl, async () => image.bytes.read());
  const served = { etag: `"${image.id}.${spec.key}"`, type: spec.type, extension: variantExtension(spec.format) };
  const client = clientKey(request);
  return sendImage(request, reply, image, served, cacheControl, async () => (await variants.variantOf(image, spec, client)).bytes);
}

async function sendImage(
  request: FastifyRequest,
  reply: FastifyReply,
  image: ImageRecord,
  served: { readonly etag: string; readonly type: string; readonly extension: string },
  cacheControl: string,
  bytes: () => Promise<Buffer>,
): Promise<FastifyReply> {
  const ifNoneMatch = request.headers['if-none-match'];
  const notModified = ifNoneMatch?.split(',').some((tag) => tag.trim().replace(/^W\//, '') === served.etag) ?? false;
  // Encoded before any header is set: a refused variant (422, 503) must not carry the image's caching headers.
  const body = notModified ? undefined : await bytes();
  reply
    .header('etag', served.etag)
    .header('cache-control', cacheControl)
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', INERT_IMAGE_CSP)
    .header('last-modified', new Date(image.publishedAt).toUTCString())
    .header('content-disposition', `inline; filename="${image.channel}-${image.id}.${served.extension}"`);
  if (body === undefined) return reply.code(304).send();
  return reply.type(served.type).send(body);
}
