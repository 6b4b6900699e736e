import type { BackendLog } from '../../src/backend/redis/redis-backend.js';

/** A BackendLog that keeps what it is told, for tests that check a warning was given. */
export function recordingLog(): BackendLog & { lines: { level: string; message: string }[] } {
  const lines: { level: string; message: string }[] = [];
  return {
    lines,
    info: (_details, message) => lines.push({ level: 'info', message }),
    warn: (_details, message) => lines.push({ level: 'warn', message }),
  };
}

export const QUIET_LOG: BackendLog = { info: () => undefined, warn: () => undefined };
