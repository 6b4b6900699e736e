import { mkdir, open, readdir, readFile, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';

/** Owner read/write only: the files hold users' pictures, which no other account on the host should read. */
const PRIVATE_FILE_MODE = 0o600;
/** Suffix of a file being written: renamed into place once complete, deleted at start-up if a crash left it. */
export const PARTIAL_SUFFIX = '.tmp';

/**
 * The data directory's file operations, each as durable as the disk makes it. A file is written under a temporary
 * name, fsynced, renamed over its final name and the directory fsynced, so after a crash a final name holds a
 * whole file or nothing (rename is atomic in POSIX; the directory fsync makes the rename itself survive).
 */
export class DataDir {
  /** Reopened after a failed write: the directory may have been removed and made again under the same name. */
  private handleIsStale = false;
  /** The directory fsync in progress, and the one queued behind it (see syncDirectory). */
  private dirSyncInFlight: Promise<void> | undefined;
  private dirSyncQueued: Promise<void> | undefined;

  private constructor(
    readonly dir: string,
    /** Kept open for the directory fsync after every rename, saving an open and a close per publish. */
    private dirHandle: FileHandle,
  ) {}

  /** Creates the directory if needed; fails if it cannot be created or read. */
  static async open(dir: string): Promise<DataDir> {
    const resolved = path.resolve(dir);
    await mkdir(resolved, { recursive: true });
    return new DataDir(resolved, await open(resolved, 'r'));
  }

  /** Writes `parts` as the file `name`, durably; resolves with its size once it is on disk. */
  async writeDurably(name: string, parts: readonly Buffer[]): Promise<number> {
    const finalPath = path.join(this.dir, name);
    const partialPath = finalPath + PARTIAL_SUFFIX;
    const size = parts.reduce((sum, part) => sum + part.length, 0);
    try {
      if (this.handleIsStale) await this.reopen();
      const file = await open(partialPath, 'w', PRIVATE_FILE_MODE);
      try {
        let written = 0;
        while (written < size) {
          const { bytesWritten } = await file.writev(unwritten(parts, written));
          if (bytesWritten === 0) throw new Error('the disk took no bytes');
          written += bytesWritten;
        }
        // fdatasync: the data and what reading it back needs (the size), not the timestamps.
        await file.datasync();
      } finally {
        await file.close();
      }
      await rename(partialPath, finalPath);
    } catch (error) {
      await unlink(partialPath).catch(() => undefined);
      this.handleIsStale = true;
      throw error;
    }
    try {
      await this.syncDirectory();
    } catch (error) {
      this.handleIsStale = true;
      throw error;
    }
    return size;
  }

  /**
   * Group commit for the directory: one fsync makes every rename before it durable, so concurrent publishes
   * share them. A caller whose rename may have come after the fsync in flight started waits for the next one,
   * which is shared by everyone who arrives meanwhile.
   */
  private syncDirectory(): Promise<void> {
    if (!this.dirSyncInFlight) {
      this.dirSyncInFlight = this.dirHandle.sync().finally(() => (this.dirSyncInFlight = undefined));
      return this.dirSyncInFlight;
    }
    this.dirSyncQueued ??= this.dirSyncInFlight
      .catch(() => undefined)
      .then(() => {
        this.dirSyncQueued = undefined;
        return this.syncDirectory();
      });
    return this.dirSyncQueued;
  }

  private async reopen(): Promise<void> {
    const fresh = await open(this.dir, 'r');
    await this.dirHandle.close().catch(() => undefined);
    this.dirHandle = fresh;
    this.handleIsStale = false;
  }

  read(name: string): Promise<Buffer> {
    return readFile(path.join(this.dir, name));
  }

  async size(name: string): Promise<number> {
    return (await stat(path.join(this.dir, name))).size;
  }

  /** Every entry: files as names, anything else (a subdirectory, a socket) flagged so it is left alone. */
  async list(): Promise<{ name: string; isFile: boolean }[]> {
    const entries = await readdir(this.dir, { withFileTypes: true });
    return entries.map((entry) => ({ name: entry.name, isFile: entry.isFile() }));
  }

  /** Deletes a file; one already gone is not an error. */
  async remove(name: string): Promise<void> {
    try {
      await unlink(path.join(this.dir, name));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }

  close(): Promise<void> {
    return this.dirHandle.close();
  }
}

/** What is left of `parts` after the first `offset` bytes (a short write is rare on files, but allowed). */
function unwritten(parts: readonly Buffer[], offset: number): Buffer[] {
  if (offset === 0) return [...parts];
  const rest: Buffer[] = [];
  let skip = offset;
  for (const part of parts) {
    if (skip >= part.length) {
      skip -= part.length;
      continue;
    }
    rest.push(skip > 0 ? part.subarray(skip) : part);
    skip = 0;
  }
  return rest;
}
