import type { Logger } from 'pino';
import { compareEventIds } from '../../core/event-id.js';
import type { ImageRecord } from '../../core/image-record.js';
import { PARTIAL_SUFFIX, type DataDir } from './data-dir.js';
import { LOCK_FILE_NAME } from './dir-lock.js';
import { decodeImageFile, ImageFileError, MAX_HEADER_BYTES, PREFIX_BYTES } from './image-file.js';

const IMAGE_FILE = /^(\d{1,15}-\d{1,15})\.img$/;
const PARTIAL_FILE = /^(\d{1,15}-\d{1,15})\.img\.tmp$/;
/** Written and deleted while checking that a failing directory works again (see DiskBackend). */
export const PROBE_FILE_NAME = '.probe';

/** What start-up found in the data directory. */
export interface RestoreSummary {
  restored: number;
  partialRemoved: number;
  skipped: number;
}

export interface RestoreTarget {
  /** Later ids must sort after this one (seen in a file name, restored or not). */
  advanceIdsPast(id: string): void;
  /** Takes a record back, with the size of its file; throws if it cannot be kept (say, too many channels). */
  restore(record: ImageRecord, fileBytes: number): void;
}

/**
 * Reads the data directory back, oldest image first, so that the history limits evict as they did while
 * running and memory never holds more than they allow plus one file. Partial files (a write a crash cut
 * short) are deleted; damaged files and files that are not ours are skipped with a warning and left in place
 * for the operator to look at. Nothing in the directory can stop the relay from starting.
 */
export async function restoreDataDir(
  dataDir: DataDir,
  target: RestoreTarget,
  maxImageBytes: number,
  logger: Logger,
): Promise<RestoreSummary> {
  const summary: RestoreSummary = { restored: 0, partialRemoved: 0, skipped: 0 };
  const imageIds: string[] = [];
  for (const entry of await dataDir.list()) {
    const image = IMAGE_FILE.exec(entry.name);
    const partial = PARTIAL_FILE.exec(entry.name);
    if (entry.isFile && image) {
      imageIds.push(image[1]!);
    } else if (entry.isFile && partial) {
      target.advanceIdsPast(partial[1]!);
      await dataDir.remove(entry.name);
      summary.partialRemoved += 1;
    } else if (entry.isFile && (entry.name === PROBE_FILE_NAME || entry.name === PROBE_FILE_NAME + PARTIAL_SUFFIX)) {
      await dataDir.remove(entry.name);
    } else if (entry.name !== LOCK_FILE_NAME) {
      logger.warn({ dataDir: dataDir.dir, file: entry.name }, 'not an image-relay file: left alone in the data directory');
    }
  }
  imageIds.sort(compareEventIds);

  // A file larger than any image the relay accepts (plus its header and prefix) would only be read to be refused.
  const maxFileBytes = maxImageBytes + MAX_HEADER_BYTES + PREFIX_BYTES;
  for (const id of imageIds) {
    const name = `${id}.img`;
    target.advanceIdsPast(id);
    try {
      const fileBytes = await dataDir.size(name);
      if (fileBytes > maxFileBytes) throw new ImageFileError('larger than --max-image-bytes allows');
      target.restore(decodeImageFile(await dataDir.read(name), id), fileBytes);
      summary.restored += 1;
    } catch (error) {
      summary.skipped += 1;
      const reason = error instanceof Error ? error.message : String(error);
      logger.warn({ dataDir: dataDir.dir, file: name, reason }, 'image file skipped: left alone in the data directory');
    }
  }
  return summary;
}
