import { after, before } from 'node:test';
import { RedisBackend } from '../../src/backend/redis/redis-backend.js';
import { RedisServer, redisSkipReason } from '../support/redis-server.js';
import { runChannelBackendContract } from './channel-backend-contract.js';
import { QUIET_LOG } from './backend-logs.js';

const skip = redisSkipReason();
let server: RedisServer | undefined;
let backends = 0;
before(async () => {
  if (!skip) server = await RedisServer.start();
});
after(async () => server?.stop());

// One redis-server for the file; each test's backend has a prefix of its own, so each starts empty.
runChannelBackendContract(
  'RedisBackend',
  async (limits) => ({
    backend: await RedisBackend.open({ url: server!.url, keyPrefix: `contract-${++backends}:` }, limits, QUIET_LOG),
    cleanup: async () => {},
  }),
  skip,
);
