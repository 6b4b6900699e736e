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
  readonly images: number;
  readonly bytes: number;
  readonly viewers: number;
  readonly lastPublishedAt: string;
}
