import type { Redis } from 'ioredis';
import { compareEventIds, parseEventId } from '../../core/event-id.js';
import { RelayError } from '../../core/errors.js';
import type { ImageRecord, NewImage } from '../../core/image-record.js';
import { retainedSize } from '../../core/retained-size.js';
import type { ChannelBackend, ChannelSummary, FailureReports, ReadinessCheck } from '../../core/storage/channel-backend.js';
import type { HistoryLimits } from '../../core/storage/history-limits.js';
import { APPEND_SCRIPT } from './append-script.js';
import { FEED_BLOCK_MS, FeedReader } from './feed-reader.js';
import { ImageFetcher, orUnavailable } from './image-fetcher.js';
import { RecentImages } from './recent-images.js';
import { REDIS_COMMAND_TIMEOUT_MS, REDIS_CONNECT_TIMEOUT_MS, connectRedis, type RedisSettings } from './redis-connection.js';
import { evictionMember, RedisKeys } from './redis-keys.js';
import { entryArguments } from './stream-entry.js';

/**
 * Feed entries kept (each ~100 bytes: a channel name at an id). How far behind an instance's read loop may fall
 * and still deliver everything, e.g. while it is stalled; 10,000 entries are about a megabyte of Redis memory.
 */
export const FEED_MAX_ENTRIES = 10_000;
/**
 * Recent images an instance keeps to serve late joiners, replays, image URLs and history listings without reading
 * them from Redis again. The cache is bounded by bytes too (one channel's byte limit, --history-bytes), which is
 * what bounds it for camera-sized images; this count bounds it for small ones (thumbnails, icons), where the bytes
 * would let tens of thousands in. 256 holds one channel's default history (50) five times over, or the latest
 * image of 256 channels, so the common reads hit it; a miss only costs a read from Redis.
 */
const RECENT_IMAGES = 256;

/** Where the backend reports connection trouble; pino's Logger fits. */
export interface BackendLog {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
}

interface AppendCommand {
  appendImage(...keysAndArguments: (string | Buffer)[]): Promise<[string, string]>;
}

/**
 * Channels in Redis, shared by every relay instance that names the same Redis and prefix (see redis-keys.ts for
 * the layout). Appends go through one atomic script (append-script.ts) that issues deployment-wide ids; every
 * instance follows the feed with one read loop (feed-reader.ts) and fans out to its own viewers in-process.
 *
 * While Redis is unreachable, appends and reads fail at once with `backend_unavailable` (nothing is queued),
 * `isReady()` is false, and both connections keep reconnecting; the read loop then resumes where it stopped.
 */
export class RedisBackend implements ChannelBackend, ReadinessCheck, FailureReports {
  private readonly keys: RedisKeys;
  private readonly commands: Redis;
  private readonly blocking: Redis;
  private readonly reader: FeedReader;
  private readonly images: ImageFetcher;
  private readonly listeners = new Set<(image: ImageRecord) => void>();
  private readonly failureListeners = new Set<(error: unknown) => void>();
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly settings: RedisSettings,
    private readonly limits: HistoryLimits,
    private readonly log: BackendLog,
  ) {
    this.keys = new RedisKeys(settings.keyPrefix);
    this.images = new ImageFetcher(this.keys, new RecentImages(RECENT_IMAGES, limits.maxBytesPerChannel));
    this.commands = this.connect('image-relay');
    this.commands.defineCommand('appendImage', { numberOfKeys: 8, lua: APPEND_SCRIPT });
    // Blocking reads get their own connection: an XREAD waiting for seconds would hold up every other command.
    // Its timeout covers one XREAD's wait plus a normal command's.
    this.blocking = this.connect('image-relay-feed', REDIS_COMMAND_TIMEOUT_MS + FEED_BLOCK_MS);
    this.reader = new FeedReader(
      this.blocking,
      this.keys,
      (connection, wanted) => this.images.fetch(connection, wanted),
      (image) => this.announce(image),
      (error) => this.readLoopFailed(error),
    );
  }

  /**
   * Connects and positions the read loop. Waits for Redis at most REDIS_CONNECT_TIMEOUT_MS: a relay whose Redis is
   * down still starts (reporting not ready, refusing publishes) and catches up once Redis is reachable.
   */
  static async open(settings: RedisSettings, limits: HistoryLimits, log: BackendLog): Promise<RedisBackend> {
    const backend = new RedisBackend(settings, limits, log);
    backend.reader.start();
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), REDIS_CONNECT_TIMEOUT_MS)));
    const connected = Promise.all([backend.reader.positioned, untilReady(backend.commands)]).then(() => false);
    if (await Promise.race([connected, gaveUp])) {
      log.warn({}, 'redis: not reachable yet; the relay starts not ready and keeps trying');
    }
    clearTimeout(timer);
    return backend;
  }

  isReady(): boolean {
    return this.commands.status === 'ready' && this.blocking.status === 'ready';
  }

  async append(image: NewImage): Promise<ImageRecord> {
    const { keys, limits } = this;
    const size = retainedSize({ ...image, id: '0-0', publishedAt: 0 });
    let reply: [string, string];
    try {
      reply = await (this.commands as unknown as AppendCommand).appendImage(
        keys.lastId, keys.channels, keys.totalBytes, keys.feed, keys.evictable,
        keys.stream(image.channel), keys.index(image.channel), keys.meta(image.channel),
        keys.prefix, image.channel, String(size), String(limits.maxImagesPerChannel), String(limits.maxBytesPerChannel),
        String(limits.maxTotalBytes), String(limits.maxChannels), String(FEED_MAX_ENTRIES),
        ...entryArguments(image),
      );
    } catch (error) {
      if (/\btoo_many_channels\b/.test((error as Error).message)) throw new RelayError('too_many_channels');
      this.log.warn({ err: describe(error), channel: image.channel }, 'redis: an image could not be stored');
      throw new RelayError('backend_unavailable');
    }
    const [id, publishedAt] = reply;
    // Kept, so that this instance's read loop delivers this very object instead of reading the bytes back.
    return this.images.remember({ ...image, id, publishedAt: Number(publishedAt) });
  }

  async latest(channel: string): Promise<ImageRecord | undefined> {
    const id = await orUnavailable(this.commands.hget(this.keys.meta(channel), 'latest'));
    if (!id) return undefined;
    return (await this.images.fetch(this.commands, [{ channel, id }]))[0];
  }

  async readAfter(channel: string, afterId: string): Promise<ImageRecord[]> {
    // The index lists ids without bytes, so images this instance already holds are not read again.
    const index = await orUnavailable(this.commands.lrange(this.keys.index(channel), 0, -1));
    return this.fetchIndexed(channel, index.map(indexedId).filter((id) => compareEventIds(id, afterId) > 0));
  }

  async recent(channel: string, limit: number): Promise<ImageRecord[]> {
    if (!(limit >= 1)) return [];
    // The index's tail is the newest ids: only those are fetched (and only those this instance does not hold).
    // A listing needs no bytes, but its fields (type, size, dimensions, metadata) live only in the stream entry
    // beside them, and XRANGE returns whole entries: leaving the bytes out would take a second copy of those
    // fields per image, kept by the append script and trimmed with it, which instances of an older version in a
    // rolling upgrade would not trim. Bounded by `limit` and served mostly from recent images, this is enough.
    const index = await orUnavailable(this.commands.lrange(this.keys.index(channel), -Math.floor(limit), -1));
    return this.fetchIndexed(channel, index.map(indexedId));
  }

  async get(channel: string, id: string): Promise<ImageRecord | undefined> {
    if (!parseEventId(id)) return undefined;
    // Every retained image is its channel's latest or in the evictable set: two small reads say whether history
    // still holds it, so an image this instance remembers is not served after the deployment evicted it.
    const [[, latestId], [, evictable]] = (await orUnavailable(
      this.commands.pipeline().hget(this.keys.meta(channel), 'latest').zscore(this.keys.evictable, evictionMember(id, channel)).exec(),
    )) as [[unknown, string | null], [unknown, string | null]];
    if (latestId !== id && evictable === null) return undefined;
    return (await this.images.fetch(this.commands, [{ channel, id }]))[0];
  }

  async channels(): Promise<ChannelSummary[]> {
    const names = await orUnavailable(this.commands.smembers(this.keys.channels));
    if (names.length === 0) return []; // (an empty pipeline's exec() does not settle)
    const pipeline = this.commands.pipeline();
    for (const channel of names) {
      pipeline.hmget(this.keys.meta(channel), 'latest', 'publishedAt', 'bytes');
      pipeline.llen(this.keys.index(channel));
    }
    const replies = await orUnavailable(pipeline.exec());
    const summaries: ChannelSummary[] = [];
    names.forEach((channel, index) => {
      const [metaError, meta] = replies?.[2 * index] ?? [];
      const [countError, count] = replies?.[2 * index + 1] ?? [];
      if (metaError || countError) throw new RelayError('backend_unavailable');
      const [latestId, publishedAt, bytes] = meta as (string | null)[];
      if (!latestId) return;
      summaries.push({
        channel,
        latestId,
        imageCount: count as number,
        heldBytes: Number(bytes),
        lastPublishedAt: Number(publishedAt),
      });
    });
    return summaries;
  }

  listen(listener: (image: ImageRecord) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The read loop's failures (a lost connection mid-read, an error reply): each one is reported once. */
  onFailure(listener: (error: unknown) => void): () => void {
    this.failureListeners.add(listener);
    return () => this.failureListeners.delete(listener);
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      this.listeners.clear();
      this.failureListeners.clear();
      await this.reader.stop();
      // QUIT lets replies in flight arrive; a connection that is down is simply dropped.
      if (this.commands.status === 'ready') await this.commands.quit().catch(() => undefined);
      this.commands.disconnect();
    })();
    return this.closing;
  }

  private connect(name: string, commandTimeoutMs?: number): Redis {
    const connection = connectRedis(this.settings, name, commandTimeoutMs);
    // One line per change of state, not one per reconnection attempt: an outage of minutes must not flood logs.
    let reachable = true;
    connection.on('ready', () => {
      if (!reachable) this.log.info({ connection: name }, 'redis: connected again');
      reachable = true;
    });
    connection.on('error', (error: Error) => {
      if (reachable) this.log.warn({ connection: name, err: describe(error) }, 'redis: connection failed; reconnecting');
      reachable = false;
    });
    connection.on('close', () => {
      if (reachable && !this.closing) this.log.warn({ connection: name }, 'redis: connection lost; reconnecting');
      reachable = false;
    });
    return connection;
  }

  /** A channel's images by the ids its index listed, skipping any trimmed since (a publish in between). */
  private async fetchIndexed(channel: string, ids: readonly string[]): Promise<ImageRecord[]> {
    const images = await this.images.fetch(this.commands, ids.map((id) => ({ channel, id })));
    return images.filter((image): image is ImageRecord => image !== undefined);
  }

  private readLoopFailed(error: unknown): void {
    this.log.warn({ err: describe(error) }, 'redis: the read loop failed; retrying');
    for (const listener of this.failureListeners) listener(error);
  }

  private announce(image: ImageRecord): void {
    for (const listener of this.listeners) listener(image);
  }
}

/** The id of an index entry ("<id> <retained size>", see redis-keys.ts). */
function indexedId(entry: string): string {
  return entry.slice(0, entry.indexOf(' '));
}

/** Resolves once the connection is ready (at once if it is); never rejects: the caller bounds the wait. */
function untilReady(connection: Redis): Promise<void> {
  return connection.status === 'ready' ? Promise.resolve() : new Promise((resolve) => connection.once('ready', () => resolve()));
}

/** An error as a log field: ioredis errors carry no secrets, but a whole error object is noisy. */
function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
