import type { ByteParts } from './image/byte-parts.js';
import type { ImageBytes } from './image/image-bytes.js';
import type { ImageType } from './image/image-type.js';
import type { ImageMeta } from './image-meta.js';

/** An image as a publisher hands it to the relay, checked but not yet stored. */
export interface NewImage {
  readonly channel: string;
  /** Its bytes: held, or for a data: URL publish kept as the URL's text and decoded when first read. */
  readonly bytes: ImageBytes;
  readonly type: ImageType;
  readonly width: number;
  readonly height: number;
  /** The data: URL header to show original-stream viewers, e.g. "data:image/png;base64" (as a JSON client sent it). */
  readonly dataUrlHeader: string;
  /**
   * The whole data: URL as it arrived, as ASCII bytes in the pieces it arrived in, when the image came as one (the
   * original API): sent to original-stream viewers as is, so nothing is re-encoded or copied. Absent for binary
   * uploads (built when first needed).
   */
  readonly dataUrlText?: ByteParts | undefined;
  /** Publisher-supplied metadata, if any (see image-meta.ts). */
  readonly meta?: ImageMeta | undefined;
}

/** An image once a backend has stored it: it now has its place in the channel's order. */
export interface ImageRecord extends NewImage {
  /** Event id, see event-id.ts. */
  readonly id: string;
  /** Milliseconds since the epoch, when the backend stored it. */
  readonly publishedAt: number;
}

/** The data: URL header for bytes that arrived without one (binary uploads). */
export function dataUrlHeaderFor(type: ImageType): string {
  return `data:${type};base64`;
}
