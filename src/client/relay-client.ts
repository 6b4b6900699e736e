import { RelayConnectionError, RelayRequestError, refusalOf } from './errors.js';
import { toBlob, type ImageInput } from './image-input.js';
import { DEFAULT_RETRY, sleep, withRetry, type RetryPolicy } from './retry.js';
import { readEventStream } from './sse-lines.js';

// The server's own definition: the client and the relay cannot drift apart (a type-only import, erased at build).
import type { ImageDescription } from '../api-types.js';

export type { ImageDescription };

export interface RelayClientOptions {
  /** The relay's base URL, e.g. "http://localhost:8081". */
  readonly url: string;
  /**
   * Sent as `Authorization: Bearer <token>` when access control is on. A function is asked before each request
   * and each (re)connection of a subscription, so short-lived JWTs can be renewed: a stream whose token expires is
   * ended by the relay, and the subscription reconnects with the function's new token where it left off.
   */
  readonly token?: string | (() => string | Promise<string>) | undefined;
  readonly retry?: RetryPolicy;
  /** Told of each transient failure before the client tries again. */
  readonly onRetry?: (error: unknown, delayMs: number) => void;
}

export interface PublishOptions {
  /** Default "default", as in the original API. */
  readonly channel?: string;
  readonly meta?: Readonly<Record<string, unknown>>;
  readonly caption?: string;
  readonly signal?: AbortSignal;
}

export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'closed';

export interface SubscribeOptions {
  /** Resume after this id (history the relay still holds is replayed). */
  readonly lastEventId?: string;
  readonly signal?: AbortSignal;
  readonly onState?: (state: ConnectionState, error?: unknown) => void;
  /** Delay between reconnection attempts when the relay gives no `retry:` hint (milliseconds). */
  readonly reconnectDelayMs?: number;
}

export interface Subscription {
  /** The id of the last image delivered: what a later subscription resumes after. */
  readonly lastEventId: string | undefined;
  close(): void;
  /** Settles when the subscription is closed (by `close()` or its signal). */
  readonly closed: Promise<void>;
}

/** A typed client of one relay, for Node and browsers: publish images, follow channels, fetch bytes. */
export class RelayClient {
  private readonly baseUrl: string;
  private readonly retry: RetryPolicy;

  constructor(private readonly options: RelayClientOptions) {
    this.baseUrl = options.url.replace(/\/+$/, '');
    this.retry = options.retry ?? DEFAULT_RETRY;
  }

  /**
   * Publishes one image. Transient failures (network, 5xx, 429) are retried with backoff; a refusal (4xx)
   * throws a RelayRequestError at once, with the relay's code and message.
   */
  async publish(image: ImageInput, options: PublishOptions = {}): Promise<ImageDescription> {
    const body = await toBlob(image);
    const channel = encodeURIComponent(options.channel ?? 'default');
    const params = new URLSearchParams();
    if (options.caption !== undefined) params.set('caption', options.caption);
    const headers: Record<string, string> = { 'content-type': 'application/octet-stream', ...(await this.authorization()) };
    if (options.meta) headers['x-image-meta'] = JSON.stringify(options.meta);
    const url = `${this.baseUrl}/channels/${channel}/images${params.size ? `?${params}` : ''}`;
    return withRetry(
      this.retry,
      async () => {
        const response = await this.request(url, { method: 'POST', headers, body, signal: options.signal });
        if (!response.ok) throw await refusalOf(response);
        return (await response.json()) as ImageDescription;
      },
      this.options.onRetry,
      options.signal,
    );
  }

  /** The bytes of an image an event described. */
  async fetchImage(image: Pick<ImageDescription, 'url'>, signal?: AbortSignal): Promise<Uint8Array> {
    const url = /^https?:/.test(image.url) ? image.url : this.baseUrl + image.url;
    return withRetry(this.retry, async () => {
      const response = await this.request(url, { headers: await this.authorization(), signal });
      if (!response.ok) throw await refusalOf(response);
      return new Uint8Array(await response.arrayBuffer());
    }, this.options.onRetry, signal);
  }

  /**
   * Follows channels on one stream and calls `onImage` for each image, in order, once. When the connection
   * drops or the relay restarts, it reconnects with Last-Event-ID and resumes where it left off.
   */
  subscribe(
    channels: string | readonly string[],
    onImage: (image: ImageDescription) => void | Promise<void>,
    options: SubscribeOptions = {},
  ): Subscription {
    const names = typeof channels === 'string' ? [channels] : channels;
    const aborter = new AbortController();
    options.signal?.addEventListener('abort', () => aborter.abort(), { once: true });
    let lastEventId = options.lastEventId;
    let retryMs = options.reconnectDelayMs ?? 2000;
    const query = new URLSearchParams(names.map((name): [string, string] => ['channel', name]));

    const run = async (): Promise<void> => {
      let connectedBefore = false;
      while (!aborter.signal.aborted) {
        options.onState?.(connectedBefore ? 'reconnecting' : 'connecting');
        try {
          const headers: Record<string, string> = { accept: 'text/event-stream', ...(await this.authorization()) };
          if (lastEventId) headers['last-event-id'] = lastEventId;
          const response = await this.request(`${this.baseUrl}/events?${query}`, { headers, signal: aborter.signal });
          // A refusal that is not retryable (a bad channel, a missing token) ends the subscription below.
          if (!response.ok || !response.body) throw await refusalOf(response);
          connectedBefore = true;
          options.onState?.('live');
          for await (const event of readEventStream(response.body, (hint) => (retryMs = hint))) {
            if (event.event !== 'image') continue;
            const image = JSON.parse(event.data) as ImageDescription;
            lastEventId = event.id ?? image.id;
            await onImage(image);
          }
        } catch (error) {
          if (aborter.signal.aborted) break;
          if (error instanceof RelayRequestError && !error.retryable) {
            options.onState?.('closed', error);
            throw error;
          }
          options.onState?.('reconnecting', error);
        }
        await sleep(retryMs, aborter.signal).catch(() => undefined);
      }
      options.onState?.('closed');
    };

    const closed = run();
    return {
      get lastEventId() {
        return lastEventId;
      },
      close: () => aborter.abort(),
      closed: closed.catch((error: unknown) => {
        if (!aborter.signal.aborted) throw error;
      }),
    };
  }

  private async authorization(): Promise<Record<string, string>> {
    const token = typeof this.options.token === 'function' ? await this.options.token() : this.options.token;
    return token ? { authorization: `Bearer ${token}` } : {};
  }

  private async request(
    url: string,
    init: { method?: string; headers: Record<string, string>; body?: Blob; signal: AbortSignal | undefined },
  ): Promise<Response> {
    try {
      return await fetch(url, { ...init, signal: init.signal ?? null });
    } catch (error) {
      if (init.signal?.aborted) throw error;
      throw new RelayConnectionError(`Cannot reach the relay at ${this.baseUrl}: ${(error as Error).message}`, { cause: error });
    }
  }
}
