import type { ImageDescription } from '../api-types.js';
import type { ImageRecord } from '../core/image-record.js';

export type { ImageDescription };

/**
 * The thumbnail every description names: 320 pixels wide fills a card of the channel list and a strip entry on a
 * high-density screen; no other parameter, so the original's format is kept (a flat PNG stays exact).
 */
export const THUMBNAIL_QUERY = 'w=320';

export function imagePath(channel: string, id: string): string {
  return `/channels/${encodeURIComponent(channel)}/images/${encodeURIComponent(id)}`;
}

/**
 * @param publicUrl prefix for URLs, e.g. "https://relay.example.com"; "" for path-absolute URLs.
 * @param variantQuery a variant's canonical query (see imaging/variant-spec.ts): `url` then points to it.
 */
export function describeImage(image: ImageRecord, publicUrl: string, variantQuery?: string): ImageDescription {
  const url = publicUrl + imagePath(image.channel, image.id);
  return {
    id: image.id,
    channel: image.channel,
    url: variantQuery ? `${url}?${variantQuery}` : url,
    thumbnailUrl: `${url}?${THUMBNAIL_QUERY}`,
    ...(variantQuery ? { originalUrl: url } : {}),
    type: image.type,
    bytes: image.bytes.length,
    width: image.width,
    height: image.height,
    publishedAt: new Date(image.publishedAt).toISOString(),
    ...(image.meta ? { meta: image.meta } : {}),
  };
}
