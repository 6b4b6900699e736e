import type { ImageDescription } from '../api-types.js';
import type { ImageRecord } from '../core/image-record.js';

export type { ImageDescription };

type Mutable<T> = { -readonly [Key in keyof T]?: T[Key] };

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
  // Assigned in order rather than spread: the answer to every publish, built thousands of times a second.
  const description: Mutable<ImageDescription> = {
    id: image.id,
    channel: image.channel,
    url: variantQuery ? `${url}?${variantQuery}` : url,
    thumbnailUrl: `${url}?${THUMBNAIL_QUERY}`,
  };
  if (variantQuery) description.originalUrl = url;
  description.type = image.type;
  description.bytes = image.bytes.length;
  description.width = image.width;
  description.height = image.height;
  description.publishedAt = new Date(image.publishedAt).toISOString();
  if (image.meta) description.meta = image.meta;
  return description as ImageDescription;
}
