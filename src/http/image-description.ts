import type { ImageRecord } from '../core/image-record.js';

/** What clients are told about an image: in the 201 answer to a publish and in `image` events. */
export interface ImageDescription {
  readonly id: string;
  readonly channel: string;
  /** Where the bytes are served; path-absolute unless the relay is configured with a public URL. */
  readonly url: string;
  readonly type: string;
  readonly bytes: number;
  readonly width: number;
  readonly height: number;
  /** ISO 8601, UTC. */
  readonly publishedAt: string;
  readonly meta?: Readonly<Record<string, unknown>>;
}

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
