import { existsSync } from 'node:fs';
import { skipForMissing } from './externals.js';

/** Debian's ffprobe (package ffmpeg), or FFPROBE_PATH. */
export function findFfprobe(): string | undefined {
  const candidates = [process.env.FFPROBE_PATH, '/usr/bin/ffprobe', '/usr/local/bin/ffprobe'];
  return candidates.find((candidate): candidate is string => Boolean(candidate) && existsSync(candidate!));
}

/**
 * Whether ffprobe tests can run: skipped with a loud message without it, a failure where
 * IMAGE_RELAY_REQUIRE_EXTERNALS=1 (CI), as for the browser (see browser.ts).
 */
export function ffprobeSkipReason(): string | undefined {
  if (findFfprobe()) return undefined;
  return skipForMissing('no ffprobe at FFPROBE_PATH or /usr/bin/ffprobe (apt-get install ffmpeg)');
}
