import type { ImageDescription } from '../api-types.js';
import type { ImageRecord } from '../core/image-record.js';

export type { ImageDescription };

export function imagePath(channel: string, id: string): string {
  return `/channels/${encodeURIComponent(channel)}/images/${encodeURIComponent(id)}`;
}

/** @param publicUrl prefix for URLs, e.g. "https://relay.example.com"; "" for path-absolute URLs. */
export function describeImage(image: ImageRecord, publicUrl: string): ImageDescription {
  return {
    id: image.id,
    channel: image.channel,
    url: publicUrl + imagePath(image.channel, image.id),
    type: image.type,
    bytes: image.bytes.length,
    width: image.width,
    height: image.height,
    publishedAt: new Date(image.publishedAt).toISOString(),
    ...(image.meta ? { meta: image.meta } : {}),
  };
}
