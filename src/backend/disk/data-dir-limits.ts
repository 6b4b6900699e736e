import { BackendOpenError } from '../../core/storage/backend-open-error.js';

/**
 * What the configuration and the CLI need to know of the data directory without loading its backend (and
 * node:zlib with it), which a relay without --data-dir never uses.
 */

/**
 * Above what the default memory budget lets history hold on disk (a file is an image's bytes, 3/7 of what it
 * counts in memory: about 220 MiB of files for 512 MiB), so by default the history limits decide; set it lower
 * for a small disk.
 */
export const DEFAULT_DATA_DIR_MAX_BYTES = 1024 * 1024 * 1024;

/** The data directory cannot be created, opened or read, or another relay holds it: the relay does not start. */
export class DataDirError extends BackendOpenError {
  override readonly name = 'DataDirError';
}
