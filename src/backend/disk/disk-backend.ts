import type { Logger } from 'pino';
import { RelayError } from '../../core/errors.js';
import type { ImageRecord, NewImage } from '../../core/image-record.js';
import type { ChannelBackend, ChannelSummary, DiskUsage, ReadinessCheck } from '../../core/storage/channel-backend.js';
import type { HistoryLimits } from '../../core/storage/history-limits.js';
import { MemoryBackend } from '../memory/memory-backend.js';
import { DataDirError } from './data-dir-limits.js';
import { DataDir } from './data-dir.js';
import { lockDirectory } from './dir-lock.js';
import { encodeImageFile, imageFileName } from './image-file.js';
import { PROBE_FILE_NAME, restoreDataDir, type RestoreSummary } from './restore.js';
import { WriteHealth } from './write-health.js';

export { DataDirError, DEFAULT_DATA_DIR_MAX_BYTES } from './data-dir-limits.js';

export interface DiskBackendOptions {
  readonly dir: string;
  /** Bytes of image files kept over all channels; channels' newest images are kept even past it. */
  readonly maxBytes: number;
  readonly limits: HistoryLimits;
  /** Files larger than this (plus a header) are skipped at start-up. */
  readonly maxImageBytes: number;
  readonly logger: Logger;
  readonly now?: () => number;
}

type WriteOutcome = { readonly size: number } | { readonly error: RelayError };

/**
 * History that survives a restart or a crash: every image is a file in the data directory (the truth), and
 * the in-memory history is its index, so reads cost what they cost without a disk. An image is acknowledged
 * only once its file is on disk; evicting it from history deletes its file.
 *
 * Appends write concurrently (the fsyncs overlap) but take effect in id order: a later image never reaches
 * history or a viewer before an earlier one, which viewers' id-order rule depends on.
 */
export class DiskBackend implements ChannelBackend, ReadinessCheck, DiskUsage {
  private readonly memory: MemoryBackend;
  private readonly fileBytes = new Map<string, number>();
  private storedBytes = 0;
  private lastCommit: Promise<unknown> = Promise.resolve();
  private readonly pendingRemovals = new Set<Promise<void>>();
  private readonly health: WriteHealth;

  private constructor(
    private readonly dataDir: DataDir,
    private readonly options: DiskBackendOptions,
    private readonly unlock: (() => Promise<void>) | undefined,
  ) {
    this.memory = new MemoryBackend(options.limits, options.now, (evicted) => this.removeFile(evicted.id));
    this.health = new WriteHealth(
      async (bytes) => {
        await dataDir.writeDurably(PROBE_FILE_NAME, [Buffer.alloc(bytes)]);
        await dataDir.remove(PROBE_FILE_NAME);
      },
      options.logger,
      dataDir.dir,
    );
  }

  /** Opens (creating if needed) the data directory and restores what it holds. */
  static async open(options: DiskBackendOptions): Promise<DiskBackend> {
    let dataDir: DataDir;
    let unlock: (() => Promise<void>) | undefined;
    try {
      dataDir = await DataDir.open(options.dir);
    } catch (error) {
      throw new DataDirError(`--data-dir ${options.dir} cannot be used: ${(error as Error).message}`);
    }
    try {
      unlock = await lockDirectory(dataDir.dir);
    } catch (error) {
      await dataDir.close();
      throw new DataDirError(`--data-dir ${options.dir} cannot be used: ${(error as Error).message}`);
    }
    if (!unlock) options.logger.warn({ dataDir: dataDir.dir }, 'the data directory path is too long to lock: make sure no other relay uses it');
    const backend = new DiskBackend(dataDir, options, unlock);
    const summary = await backend.restore();
    options.logger.info(
      { dataDir: backend.dataDir.dir, ...summary, channels: (await backend.memory.channels()).length, storedBytes: backend.storedBytes },
      'history restored from the data directory',
    );
    return backend;
  }

  /** Reads the directory back into history; only a directory that cannot be listed stops the start. */
  private async restore(): Promise<RestoreSummary> {
    const target = {
      advanceIdsPast: (id: string) => this.memory.advanceIdsPast(id),
      restore: (record: ImageRecord, size: number) => {
        this.trackFile(record.id, size);
        try {
          this.memory.restore(record);
        } catch (error) {
          this.untrackFile(record.id);
          throw error;
        }
      },
    };
    let summary: RestoreSummary;
    try {
      summary = await restoreDataDir(this.dataDir, target, this.options.maxImageBytes, this.options.logger);
    } catch (error) {
      await this.dataDir.close();
      await this.unlock?.();
      throw new DataDirError(`--data-dir ${this.options.dir} cannot be read: ${(error as Error).message}`);
    }
    // Limits lowered since the last run apply now, and what they evict is gone before the first publish.
    this.enforceStoredBytes();
    await Promise.all(this.pendingRemovals);
    return summary;
  }

  async append(image: NewImage): Promise<ImageRecord> {
    const record = this.memory.stamp(image);
    const written = this.write(record);
    const commit = this.lastCommit.then(async () => {
      const outcome = await written;
      if ('error' in outcome) throw outcome.error;
      this.trackFile(record.id, outcome.size);
      try {
        this.memory.insert(record);
      } catch (error) {
        this.removeFile(record.id); // refused after all (another new channel took the last place meanwhile)
        throw error;
      }
      this.enforceStoredBytes();
      // The answer waits for evicted files to go (an unlink, no fsync), so disk use is within its bound whenever
      // a publish is acknowledged; viewers already have the image.
      await Promise.all(this.pendingRemovals);
      return record;
    });
    this.lastCommit = commit.catch(() => undefined);
    return commit;
  }

  latest(channel: string): Promise<ImageRecord | undefined> {
    return this.memory.latest(channel);
  }

  readAfter(channel: string, afterId: string): Promise<ImageRecord[]> {
    return this.memory.readAfter(channel, afterId);
  }

  recent(channel: string, limit: number): Promise<ImageRecord[]> {
    return this.memory.recent(channel, limit);
  }

  get(channel: string, id: string): Promise<ImageRecord | undefined> {
    return this.memory.get(channel, id);
  }

  channels(): Promise<ChannelSummary[]> {
    return this.memory.channels();
  }

  listen(listener: (image: ImageRecord) => void): () => void {
    return this.memory.listen(listener);
  }

  isReady(): boolean {
    return this.health.ready;
  }

  /** Bytes held in memory over all channels (as MemoryBackend's). */
  get heldBytes(): number {
    return this.memory.heldBytes;
  }

  /** Bytes of image files in the data directory. */
  get diskBytes(): number {
    return this.storedBytes;
  }

  async close(): Promise<void> {
    this.health.close();
    await this.lastCommit;
    await Promise.all(this.pendingRemovals);
    await this.memory.close();
    await this.dataDir.close();
    await this.unlock?.();
  }

  /** Never rejects: a failure becomes backend_unavailable, logged once here with its cause. */
  private async write(record: ImageRecord): Promise<WriteOutcome> {
    const parts = encodeImageFile(record);
    const fileBytes = parts.reduce((sum, part) => sum + part.length, 0);
    try {
      const size = await this.dataDir.writeDurably(imageFileName(record.id), parts);
      this.health.succeeded(size);
      return { size };
    } catch (error) {
      this.options.logger.error({ err: error, dataDir: this.dataDir.dir, channel: record.channel, id: record.id }, 'image could not be written to the data directory');
      this.health.failed(fileBytes);
      // The rename may have happened before the directory fsync failed: an image not acknowledged must not return.
      await this.dataDir.remove(imageFileName(record.id)).catch(() => undefined);
      return { error: new RelayError('backend_unavailable') };
    }
  }

  private trackFile(id: string, size: number): void {
    this.fileBytes.set(id, size);
    this.storedBytes += size;
  }

  private untrackFile(id: string): void {
    this.storedBytes -= this.fileBytes.get(id) ?? 0;
    this.fileBytes.delete(id);
  }

  /** Deletes an evicted image's file. A crash before it is done leaves a file that start-up evicts again. */
  private removeFile(id: string): void {
    this.untrackFile(id);
    const removal = this.dataDir.remove(imageFileName(id)).catch((error: unknown) => {
      this.options.logger.warn({ err: error, dataDir: this.dataDir.dir, id }, 'evicted image file could not be deleted');
    });
    this.pendingRemovals.add(removal);
    void removal.finally(() => this.pendingRemovals.delete(removal));
  }

  /** The oldest images anywhere go first until the files fit, except channels' newest (bounded by maxChannels). */
  private enforceStoredBytes(): void {
    while (this.storedBytes > this.options.maxBytes && this.memory.evictOldest());
  }
}
