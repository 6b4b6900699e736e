import assert from 'node:assert/strict';
import { once } from 'node:events';
import net from 'node:net';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePort } from '../support/ports.js';
import { projectRoot, readFixture } from '../support/fixtures.js';
import { spawnRelay, type RelayProcess } from '../support/relay-process.js';
import { RedisServer, redisSkipReason } from '../support/redis-server.js';
import { SseReader } from '../support/sse-reader.js';
import { waitFor } from '../support/wait-for.js';
import { nginxSkipReason } from '../support/externals.js';
import { startNginx, type RunningNginx } from '../support/nginx.js';

function nginxAndRedisSkipReason(): string | undefined {
  return redisSkipReason() ?? nginxSkipReason();
}

/** The nginx block of docs/deploy.md, pointed at these relays and this port: the test runs what users copy. */
function documentedConfig(upstreamPorts: readonly number[], port: number): string {
  const doc = readFileSync(path.join(projectRoot, 'docs/deploy.md'), 'utf8');
  const block = /```nginx\n([\s\S]*?)```/.exec(doc)?.[1];
  assert.ok(block, 'docs/deploy.md holds an nginx block');
  const serverLines = block.match(/^ *server 127\.0\.0\.1:\d+.*$/gm) ?? [];
  assert.ok(serverLines.length >= 2, 'the upstream lists several instances');
  const template = serverLines[0]!;
  const servers = upstreamPorts.map((each) => template.replace(/:\d+/, `:${each}`)).join('\n');
  return block
    .replace(serverLines.join('\n'), servers)
    .replace(/listen 80;/, `listen 127.0.0.1:${port};`);
}

/** Rejects if `promise` has not settled in time: a buffering proxy would hold events back forever. */
function within<T>(promise: Promise<T>, what: string, ms = 10_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms)));
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/**
 * The documented block in front of `upstreams`, with compression on for the whole site, as many sites have it:
 * the documented block must keep it off event streams.
 */
function startDocumentedNginx(upstreams: readonly { url: string }[]): Promise<RunningNginx> {
  const ports = upstreams.map((upstream) => Number(new URL(upstream.url).port));
  return startNginx((port) => documentedConfig(ports, port), {
    httpDirectives: '  gzip on;\n  gzip_types text/event-stream application/json;\n  gzip_min_length 1;',
  });
}

async function stopRelays(relays: readonly RelayProcess[]): Promise<void> {
  for (const relay of relays) relay.child.kill('SIGTERM');
  await Promise.all(relays.map((relay) => relay.exited));
}

describe('nginx, configured as docs/deploy.md says, in front of two instances', { skip: nginxAndRedisSkipReason() }, () => {
  let redis: RedisServer;
  let relays: RelayProcess[] = [];
  let proxy: RunningNginx | undefined;
  let base: string;

  before(async () => {
    redis = await RedisServer.start();
    relays = await Promise.all([0, 1].map(() => spawnRelay(['--redis-url', redis.url])));
    proxy = await startDocumentedNginx(relays);
    base = proxy.base;
    await waitFor(async () => (await fetch(`${base}/readyz`).catch(() => undefined))?.status === 200, 'the relays to be ready');
  });

  after(async () => {
    await proxy?.stop();
    await stopRelays(relays);
    await redis?.stop();
  });

  it('passes every event on as it comes, to viewers on both instances', async () => {
    // Round robin puts consecutive connections on different instances.
    // Browsers accept gzip: the documented block must still not compress (and so buffer) the stream.
    const open = (): Promise<SseReader> => SseReader.open(`${base}/channels/proxied/events`, { headers: { 'accept-encoding': 'gzip' } });
    const viewers = [await open(), await open()];
    try {
      for (const viewer of viewers) {
        assert.equal(viewer.status, 200);
        assert.equal(viewer.response.headers['content-type'], 'text/event-stream');
        assert.equal(viewer.response.headers['content-encoding'], undefined, 'the stream is not compressed');
        // The few bytes of `retry:` arrive before any image: nothing is held back to fill a buffer.
        await within(viewer.waitUntil(() => viewer.retry !== undefined, 'the retry hint'), 'retry hint');
      }
      const png = readFixture('basn6a08.png');
      for (let index = 1; index <= 3; index++) {
        // One small event at a time, each awaited before the next: a buffering proxy would sit on the first.
        const answer = await fetch(`${base}/channels/proxied/images`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: png });
        assert.equal(answer.status, 201);
        const { id } = (await answer.json()) as { id: string };
        for (const viewer of viewers) {
          await within(viewer.waitForEvents(index), `event ${index} through nginx`);
          assert.equal(viewer.events[index - 1]!.id, id);
        }
      }
    } finally {
      for (const viewer of viewers) viewer.close();
    }
  });

  it('keeps /metrics to the monitoring network', async () => {
    assert.equal((await fetch(`${base}/metrics`)).status, 403, 'loopback is not in the documented allow list');
  });
});

describe('nginx as docs/deploy.md says, when one instance answers 503', { skip: nginxAndRedisSkipReason() }, () => {
  it('keeps that instance in rotation: a 503 is passed on, not taken for an instance that is gone', async () => {
    const redis = await RedisServer.start();
    // One instance whose Redis is unreachable answers /readyz with 503, the other with 200.
    const relays = await Promise.all([
      spawnRelay(['--redis-url', redis.url]),
      spawnRelay(['--redis-url', `redis://127.0.0.1:${await freePort()}`]),
    ]);
    const proxy = await startDocumentedNginx(relays).catch(async (error: unknown) => {
      await stopRelays(relays);
      await redis.stop();
      throw error;
    });
    try {
      const statuses: number[] = [];
      for (let index = 0; index < 6; index++) statuses.push((await fetch(`${proxy.base}/readyz`)).status);
      // With a 503 counted as a failure, the first one would take the instance out (max_fails=1) and the rest
      // would all be 200; round robin instead alternates between the two.
      assert.ok(statuses.filter((status) => status === 503).length >= 2, `both instances kept answering: ${statuses.join(' ')}`);
      assert.ok(statuses.includes(200));
    } finally {
      await proxy.stop();
      await stopRelays(relays);
      await redis.stop();
    }
  });
});

describe('nginx as docs/deploy.md says, when an instance fails after taking a publish', { skip: nginxAndRedisSkipReason() }, () => {
  it('sends neither a POST nor a PUT on to another instance: the image is never stored twice', async () => {
    const redis = await RedisServer.start();
    const relay = await spawnRelay(['--redis-url', redis.url]);
    // An instance that takes a request and drops the connection before answering, as one that crashes after
    // storing the image: the publisher cannot know, and the proxy must not publish it again elsewhere.
    const taken: string[] = [];
    const failing = net.createServer((socket) => {
      socket.once('data', (chunk: Buffer) => {
        taken.push(chunk.toString('latin1').split(' ')[0]!);
        socket.destroy();
      });
    });
    failing.listen(0, '127.0.0.1');
    await once(failing, 'listening');
    const failingUrl = `http://127.0.0.1:${(failing.address() as net.AddressInfo).port}`;
    const png = readFixture('basn6a08.png');
    try {
      for (const method of ['PUT', 'POST']) {
        // A fresh nginx for each: the failure of one marks the failing instance down for a while.
        const proxy = await startDocumentedNginx([{ url: failingUrl }, relay]);
        try {
          let answer: Response | undefined;
          // Round robin: one of two consecutive publishes goes to the failing instance.
          for (let attempt = 0; attempt < 2 && !taken.includes(method); attempt++) {
            answer = await fetch(`${proxy.base}/channels/twice-${method}/images`, { method, headers: { 'content-type': 'image/png' }, body: png });
          }
          assert.ok(taken.includes(method), `the failing instance took a ${method}`);
          assert.equal(answer!.status, 502, `the ${method} the failing instance took was not sent to the other one`);
          const listing = await fetch(`${relay.url}/channels/twice-${method}/images`);
          const stored = listing.status === 200 ? ((await listing.json()) as { images: unknown[] }).images.length : 0;
          assert.ok(stored <= 1, 'only a publish that reached the relay first is stored');
        } finally {
          await proxy.stop();
        }
      }
    } finally {
      failing.close();
      await stopRelays([relay]);
      await redis.stop();
    }
  });
});
