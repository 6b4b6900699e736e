import pino from 'pino';
import { DiskBackend } from '../../src/backend/disk/disk-backend.js';
import { tempDataDir } from '../support/data-dir.js';
import { runChannelBackendContract } from './channel-backend-contract.js';

/** Far above anything the contract publishes: its limits are the history limits, as for the other backends. */
const CONTRACT_DISK_BYTES = 1024 * 1024 * 1024;

// Each test gets a data directory of its own, removed after it.
runChannelBackendContract('DiskBackend', async (limits) => {
  const { dir, remove } = await tempDataDir();
  const backend = await DiskBackend.open({
    dir,
    maxBytes: CONTRACT_DISK_BYTES,
    limits,
    maxImageBytes: 16 * 1024 * 1024,
    logger: pino({ level: 'silent' }),
  });
  return { backend, cleanup: remove };
});
