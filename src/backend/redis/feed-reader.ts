import { once } from 'node:events';
import type { Redis } from 'ioredis';
import type { ImageRecord } from '../../core/image-record.js';
import type { RedisKeys } from './redis-keys.js';
import { decodeEntry, type RawStreamEntry } from './stream-entry.js';

/**
 * How long one XREAD waits for new entries before it is issued again. Short enough that a stop or a dead
 * connection is noticed soon, long enough that an idle instance costs Redis next to nothing.
 */
export const FEED_BLOCK_MS = 5_000;
/** Entries taken per XREAD: a burst is fetched in a few round trips without one reply growing unbounded. */
const FEED_BATCH = 64;
/**
 * Images fetched per round trip: with 16 MiB images a whole batch in one reply would be a gigabyte in memory at
 * once; eight keep a burst's round trips few and one reply bounded.
 */
const FETCH_GROUP = 8;
/** After an error on a live connection (not an outage), wait this long before reading again: no busy loop. */
const ERROR_PAUSE_MS = 500;

/**
 * The instance's one read loop: follows the deployment's feed on its own (blocking) connection and hands every
 * image, of every channel, to `onImage` in id order, exactly once. Local viewers are fanned out in-process from
 * there (the Hub), so Redis serves one reader per instance whatever the number of viewers.
 *
 * It remembers the last id it delivered; after Redis was unreachable it reads on from there, so a restart of
 * Redis (or of the network) causes neither a gap nor a duplicate, as long as the feed still holds that id.
 */
export class FeedReader {
  private lastDeliveredId: string | undefined;
  private stopped = false;
  /** Aborted by stop(): ends a wait for a connection that ioredis, once disconnected, would never announce. */
  private readonly stopping = new AbortController();
  private running: Promise<void> | undefined;
  /** Resolves once the reader knows where to start (or has given up waiting for Redis). */
  readonly positioned: Promise<void>;
  private markPositioned!: () => void;

  constructor(
    private readonly connection: Redis,
    private readonly keys: RedisKeys,
    private readonly fetchImages: (connection: Redis, wanted: readonly { channel: string; id: string }[]) => Promise<(ImageRecord | undefined)[]>,
    private readonly onImage: (image: ImageRecord) => void,
    private readonly onError: (error: unknown) => void,
  ) {
    this.positioned = new Promise((resolve) => (this.markPositioned = resolve));
  }

  start(): void {
    this.running ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.stopping.abort();
    this.markPositioned();
    // Fails the XREAD in flight, which ends the loop.
    this.connection.disconnect();
    await this.running;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.untilConnected();
        if (this.stopped) return;
        // Live delivery starts with what is published after the instance started: what came before is history,
        // which viewers get from the backlog (latest image, Last-Event-ID replay).
        this.lastDeliveredId ??= (await this.connection.get(this.keys.lastId)) ?? '0-0';
        this.markPositioned();
        const reply = (await this.connection.xreadBuffer(
          'COUNT', FEED_BATCH, 'BLOCK', FEED_BLOCK_MS, 'STREAMS', this.keys.feed, this.lastDeliveredId,
        )) as [Buffer, RawStreamEntry[]][] | null;
        const entries = reply?.[0]?.[1] ?? [];
        if (entries.length > 0) await this.deliver(entries);
      } catch (error) {
        if (this.stopped) return;
        this.onError(error);
        if (this.connection.status === 'ready') await new Promise((resolve) => setTimeout(resolve, ERROR_PAUSE_MS));
      }
    }
  }

  private async deliver(entries: RawStreamEntry[]): Promise<void> {
    for (let start = 0; start < entries.length && !this.stopped; start += FETCH_GROUP) {
      const group = entries.slice(start, start + FETCH_GROUP).map(([id, fields]) => ({ id: id.toString('latin1'), channel: fieldValue(fields, 'channel') }));
      const named = group.filter((entry): entry is { id: string; channel: string } => entry.channel !== undefined);
      const images = await this.fetchImages(this.connection, named);
      let next = 0;
      for (const entry of group) {
        // An image already trimmed (a newer one of its channel came in between) is skipped: a viewer would skip it too.
        const image = entry.channel === undefined ? undefined : images[next++];
        if (image && !this.stopped) this.onImage(image);
        this.lastDeliveredId = entry.id;
      }
    }
  }

  /** Waits for the connection to be (back) up; ioredis reconnects by itself. */
  private async untilConnected(): Promise<void> {
    while (this.connection.status !== 'ready' && !this.stopped) {
      const waiting = new AbortController();
      const signal = AbortSignal.any([waiting.signal, this.stopping.signal]);
      const settled = (event: string): Promise<unknown> => once(this.connection, event, { signal }).catch(() => undefined);
      await Promise.race([settled('ready'), settled('end')]);
      waiting.abort(); // removes the listener that did not fire
    }
  }
}

function fieldValue(fields: Buffer[], name: string): string | undefined {
  for (let index = 0; index + 1 < fields.length; index += 2) {
    if (fields[index]!.toString('latin1') === name) return fields[index + 1]!.toString('latin1');
  }
  return undefined;
}
