import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { freePort } from '../../bench/servers/ports.js';
import { scrape } from '../support/metrics.js';
import { startRelay, type RunningRelay } from '../support/relay-harness.js';
import { RedisServer, redisSkipReason } from '../support/redis-server.js';
import { MjpegReader } from '../support/mjpeg-reader.js';
import { SseReader } from '../support/sse-reader.js';
import { waitFor } from '../support/wait-for.js';

const skip = redisSkipReason();
const ERRORS = 'image_relay_backend_errors_total';
const REFUSED = 'image_relay_refusals_total{error="backend_unavailable"}';

/** The relay's counters as a scrape shows them; the scrape itself must work while Redis is down. */
async function counters(server: RunningRelay): Promise<{ errors: number; refused: number; ready: number }> {
  const metrics = await scrape(server.url);
  assert.equal(metrics.status, 200, 'GET /metrics answers while the backend cannot be read');
  return { errors: metrics.value(ERRORS), refused: metrics.value(REFUSED), ready: metrics.value('image_relay_ready') };
}

describe('image_relay_backend_errors_total with Redis', { skip }, () => {
  let redis: RedisServer;
  before(async () => (redis = await RedisServer.start()));
  after(async () => redis.stop());

  it('counts a read-loop failure when Redis is killed under a viewer, though no request failed', async () => {
    const server = await startRelay({ redis: { url: redis.url, keyPrefix: 'errors:' } });
    const viewer = await SseReader.open(`${server.url}/sse-image?channel=cam`);
    try {
      await waitFor(() => server.relay.hub.viewerCount('cam') === 1, 'the viewer');
      assert.deepEqual(await counters(server), { errors: 0, refused: 0, ready: 1 });
      await redis.kill();
      // The read loop's XREAD in flight fails with the connection: only the backend saw it.
      await waitFor(async () => (await counters(server)).errors >= 1, 'the read-loop failure to be counted');
      const { refused, ready } = await counters(server);
      assert.equal(refused, 0, 'no request was refused: the count is the read loop\'s');
      assert.equal(ready, 0);
    } finally {
      viewer.close();
      await server.close();
      if (!redis.running) await redis.restart();
    }
  });

  it('counts reads no request reports: a viewer\'s backlog and an MJPEG stream\'s first image; the viewer stays connected', async () => {
    // Redis down from the start: the read loop waits for a connection and never fails, so the count is the backlog's.
    const nobody = `redis://127.0.0.1:${await freePort()}`;
    const server = await startRelay({ redis: { url: nobody, keyPrefix: 'errors:' } });
    const viewer = await SseReader.open(`${server.url}/sse-image?channel=cam`);
    try {
      await waitFor(async () => (await counters(server)).errors === 1, 'the failed backlog read to be counted');
      assert.equal(server.relay.hub.viewerCount('cam'), 1);
      assert.equal((await counters(server)).refused, 0);

      // An MJPEG stream starts from the channel's latest image: its failed read is counted too.
      const mjpeg = await MjpegReader.open(`${server.url}/channels/cam/mjpeg`);
      try {
        await waitFor(async () => (await counters(server)).errors === 2, 'the failed read for the MJPEG stream to be counted');
      } finally {
        mjpeg.close();
      }
    } finally {
      viewer.close();
      await server.close();
    }
  });
});
