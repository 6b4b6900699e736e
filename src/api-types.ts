/**
 * The shapes the HTTP API sends, shared by the relay, the client library and the viewer page so that they
 * cannot drift apart. No imports: the browser bundle and the client take these types without any server code.
 */

/** An image's description: the 201 answer to a publish, and the data of `image` events. */
export interface ImageDescription {
  readonly id: string;
  readonly channel: string;
  /** Where the bytes are served; path-absolute unless the relay is configured with a public URL. */
  readonly url: string;
  /**
   * A small variant for lists and strips (320 pixels wide at most, in the original's format; GIFs as PNG).
   * In a stream asked for a variant (`?w=`), `url` is that variant's and the original's is in `originalUrl`.
   */
  readonly thumbnailUrl: string;
  readonly originalUrl?: string;
  /** Type, bytes, width and height are the original's, whatever variant `url` names. */
  readonly type: string;
  readonly bytes: number;
  readonly width: number;
  readonly height: number;
  /** ISO 8601, UTC. */
  readonly publishedAt: string;
  readonly meta?: Readonly<Record<string, unknown>>;
}

/** One entry of `GET /channels`. */
export interface ChannelListing {
  readonly channel: string;
  readonly latestId: string;
  readonly latestUrl: string;
  /** The latest image's thumbnail (see ImageDescription.thumbnailUrl). */
  readonly latestThumbnailUrl: string;
  readonly images: number;
  readonly bytes: number;
  readonly viewers: number;
  readonly lastPublishedAt: string;
}
