import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readFixture } from '../support/fixtures.js';
import { spawnRelay, type RelayProcess } from '../support/relay-process.js';
import { RedisServer, redisSkipReason } from '../support/redis-server.js';
import { SseReader } from '../support/sse-reader.js';
import { waitFor } from '../support/wait-for.js';

const skip = redisSkipReason();
const PNG = readFixture('basn6a08.png');
const PASSWORD = 'scale-out-test-password';

/** Three real relay processes on one Redis, as behind a load balancer; heartbeats fast so outages show them. */
async function startRelays(redis: RedisServer, count = 3): Promise<RelayProcess[]> {
  return Promise.all(
    Array.from({ length: count }, () => spawnRelay(['--redis-url', redis.url, '--heartbeat-ms', '200'])),
  );
}

async function stopRelays(relays: readonly RelayProcess[]): Promise<void> {
  for (const relay of relays) relay.child.kill('SIGTERM');
  await Promise.all(relays.map((relay) => relay.exited));
}

async function publish(relay: RelayProcess, channel: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${relay.url}/channels/${channel}/images`, {
    method: 'POST',
    headers: { 'content-type': 'image/png' },
    body: PNG,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const eventIds = (reader: SseReader): (string | undefined)[] => reader.events.map((event) => event.id);

describe('three relays on one Redis act as one', { skip }, () => {
  let redis: RedisServer;
  let relays: RelayProcess[];
  before(async () => {
    redis = await RedisServer.start({ password: PASSWORD });
    relays = await startRelays(redis);
  });
  after(async () => {
    await stopRelays(relays ?? []);
    await redis?.stop();
  });

  it('delivers what is published on A to viewers on B and C, every image, in the same order', async () => {
    const [a, b, c] = relays as [RelayProcess, RelayProcess, RelayProcess];
    const onB = await SseReader.open(`${b.url}/channels/order/events`);
    const onC = await SseReader.open(`${c.url}/sse-image?channel=order`);
    try {
      const published: string[] = [];
      // Publishes on two instances, interleaved: every viewer still sees one order, that of the ids.
      for (let index = 0; index < 10; index++) {
        const answer = await publish(index % 3 === 2 ? c : a, 'order');
        assert.equal(answer.status, 201);
        published.push(answer.body.id as string);
      }
      await onB.waitForEvents(published.length);
      await onC.waitForEvents(published.length);
      assert.deepEqual(eventIds(onB), published);
      assert.deepEqual(eventIds(onC), published);
      assert.equal(onC.events[0]!.data, `data:image/png;base64,${PNG.toString('base64')}`, 'the image itself crossed instances');
    } finally {
      onB.close();
      onC.close();
    }
  });

  it('lets a viewer move from B to C with Last-Event-ID and miss nothing still in history', async () => {
    const [a, b, c] = relays as [RelayProcess, RelayProcess, RelayProcess];
    const onB = await SseReader.open(`${b.url}/channels/move/events`);
    const first = [(await publish(a, 'move')).body.id, (await publish(a, 'move')).body.id];
    await onB.waitForEvents(2);
    onB.close();
    const missed = [(await publish(a, 'move')).body.id, (await publish(b, 'move')).body.id];
    const onC = await SseReader.open(`${c.url}/channels/move/events`, { headers: { 'last-event-id': String(first[1]) } });
    try {
      const live = (await publish(a, 'move')).body.id;
      await onC.waitForEvents(3);
      assert.deepEqual(eventIds(onC), [...missed, live]);
    } finally {
      onC.close();
    }
  });

  it('says at start-up that channels are in Redis, and never logs the password', () => {
    for (const relay of relays) {
      const text = JSON.stringify(relay.logLines);
      assert.match(text, /channels are kept in Redis/);
      assert.ok(!text.includes(PASSWORD), 'the Redis password stays out of the log');
    }
  });

  it('gives a late joiner on C the latest image published on A', async () => {
    const [a, , c] = relays as [RelayProcess, RelayProcess, RelayProcess];
    await publish(a, 'late');
    const latest = (await publish(a, 'late')).body.id;
    const onC = await SseReader.open(`${c.url}/channels/late/events`);
    try {
      await onC.waitForEvents(1);
      assert.equal(onC.events[0]!.id, latest);
      const image = await fetch(`${c.url}/channels/late/images/${String(latest)}`);
      assert.equal(image.status, 200);
      assert.deepEqual(Buffer.from(await image.arrayBuffer()), PNG);
    } finally {
      onC.close();
    }
  });
});

describe('three relays when Redis dies mid-stream and comes back', { skip }, () => {
  it('answers 503 while Redis is down, keeps viewers connected, reports not ready, and resumes delivery after', async () => {
    const redis = await RedisServer.start();
    const relays = await startRelays(redis);
    const [a, b, c] = relays as [RelayProcess, RelayProcess, RelayProcess];
    const viewers = [await SseReader.open(`${b.url}/channels/outage/events`), await SseReader.open(`${c.url}/channels/outage/events`)];
    try {
      for (const relay of relays) assert.deepEqual(await (await fetch(`${relay.url}/readyz`)).json(), { status: 'ready' });
      const before = (await publish(a, 'outage')).body.id;
      for (const viewer of viewers) await viewer.waitForEvents(1);

      await redis.kill();
      for (const relay of relays) {
        await waitFor(async () => (await fetch(`${relay.url}/readyz`)).status === 503, 'readyz to say not ready');
        assert.deepEqual(await (await fetch(`${relay.url}/readyz`)).json(), { status: 'not_ready', reason: 'backend_unavailable' });
        assert.deepEqual(await (await fetch(`${relay.url}/healthz`)).json(), { status: 'ok' }, 'alive all the same');
      }
      const refused = await publish(a, 'outage');
      assert.equal(refused.status, 503);
      assert.equal(refused.body.error, 'backend_unavailable');
      assert.match(String(refused.body.message), /not stored/);
      // Viewers stay connected: heartbeats keep arriving while Redis is down.
      for (const viewer of viewers) {
        const heartbeats = viewer.comments.length;
        await viewer.waitUntil(() => viewer.comments.length > heartbeats + 1, 'heartbeats during the outage');
      }

      await redis.restart();
      for (const relay of relays) {
        await waitFor(async () => (await fetch(`${relay.url}/readyz`)).status === 200, 'readyz to say ready again');
      }
      const afterOutage = [(await publish(a, 'outage')).body.id, (await publish(b, 'outage')).body.id];
      for (const viewer of viewers) {
        await viewer.waitForEvents(3);
        assert.deepEqual(eventIds(viewer), [before, ...afterOutage], 'nothing lost, nothing twice');
      }
      for (const relay of relays) assert.equal(relay.child.exitCode, null, 'no relay crashed');
    } finally {
      for (const viewer of viewers) viewer.close();
      await stopRelays(relays);
      await redis.stop();
    }
  });
});
