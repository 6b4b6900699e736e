import type { DefaultBackendRow } from '../backend-row.js';

/** The default: history in this process's memory, bounded by the history limits; a restart starts empty. */
export const MEMORY_BACKEND: DefaultBackendRow = {
  async open(context) {
    const { MemoryBackend } = await import('./memory-backend.js');
    return new MemoryBackend(context.history);
  },
  describe: () => ({
    msg: 'history is kept in memory only: a restart starts with empty channels (use --data-dir to keep it on disk)',
  }),
};
