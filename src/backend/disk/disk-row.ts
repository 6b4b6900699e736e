import type { ChannelBackend } from '../../core/storage/channel-backend.js';
import { backendRow } from '../backend-row.js';
import { DEFAULT_DATA_DIR_MAX_BYTES } from './data-dir-limits.js';

/** Where the data directory is and how much it may hold (see the `--data-dir*` options). */
export interface DataDirSettings {
  readonly dir: string;
  /** Bytes of image files kept over all channels; channels' newest images are kept even past it. */
  readonly maxBytes: number;
}

/** History on disk: a restart or a crash shows viewers the same pictures. */
export const DISK_BACKEND = backendRow({
  configKey: 'dataDir',
  chosenBy: 'dataDir',
  options: {
    dataDir: {
      flag: 'data-dir', env: ['IMAGE_RELAY_DATA_DIR'], kind: 'string', defaultValue: '',
      description: 'Directory that keeps history on disk, so a restart or crash loses no acknowledged image (default: memory only)',
    },
    dataDirMaxBytes: {
      flag: 'data-dir-max-bytes', env: ['IMAGE_RELAY_DATA_DIR_MAX_BYTES'], kind: 'bytes', defaultValue: DEFAULT_DATA_DIR_MAX_BYTES,
      min: 1, description: 'Bytes of image files kept in --data-dir over all channels; the oldest images anywhere go first',
    },
  },
  settingsFrom: (values): DataDirSettings | undefined =>
    values.dataDir ? { dir: values.dataDir as string, maxBytes: values.dataDirMaxBytes as number } : undefined,
  async open(settings, context): Promise<ChannelBackend> {
    const { DiskBackend } = await import('./disk-backend.js');
    return DiskBackend.open({
      dir: settings.dir,
      maxBytes: settings.maxBytes,
      limits: context.history,
      maxImageBytes: context.maxImageBytes,
      logger: context.logger,
    });
  },
  describe: (settings) => ({
    msg: `history is kept on disk in ${settings.dir}: a restart shows the same images`,
    fields: { dataDir: settings.dir },
  }),
});
