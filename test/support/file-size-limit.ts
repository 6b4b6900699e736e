import { execFileSync, spawnSync } from 'node:child_process';
import { skipForMissing } from './externals.js';

/**
 * Whether this process can limit the size of the files it writes (util-linux's `prlimit` on PATH). The limit is
 * how a test makes small writes succeed while image-sized ones fail (EFBIG), as on a nearly full disk. Without
 * it the test is skipped with a loud message, except where IMAGE_RELAY_REQUIRE_EXTERNALS=1 (CI): a failure.
 */
export function fileSizeLimitSkipReason(): string | undefined {
  if (spawnSync('prlimit', ['--version']).status === 0) return undefined;
  return skipForMissing('no prlimit on PATH (apt-get install util-linux)');
}

/**
 * Sets this test process's soft RLIMIT_FSIZE: a write past `bytes` fails with EFBIG (Node ignores SIGXFSZ). Only
 * the soft limit moves (any process may lower it and raise it back up to the hard limit); node --test runs each
 * test file in a process of its own, so nothing else is touched.
 */
export function limitFileSize(bytes: number | 'unlimited'): void {
  execFileSync('prlimit', ['--pid', String(process.pid), `--fsize=${bytes}:`]);
}
