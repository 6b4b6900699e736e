import { MemoryBackend } from '../../src/backend/memory/memory-backend.js';
import { runChannelBackendContract } from './channel-backend-contract.js';

runChannelBackendContract('MemoryBackend', async (limits) => ({ backend: new MemoryBackend(limits), cleanup: async () => {} }));
