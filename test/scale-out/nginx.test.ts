import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePort } from '../../bench/servers/ports.js';
import { projectRoot, readFixture } from '../support/fixtures.js';
import { spawnRelay, type RelayProcess } from '../support/relay-process.js';
import { RedisServer, redisSkipReason } from '../support/redis-server.js';
import { SseReader } from '../support/sse-reader.js';
import { waitFor } from '../support/wait-for.js';

const NGINX = '/usr/sbin/nginx';

function nginxSkipReason(): string | undefined {
  const redis = redisSkipReason();
  if (redis || existsSync(NGINX)) return redis;
  const message = `SKIPPED: no nginx at ${NGINX} (apt-get install nginx)`;
  if (process.env.IMAGE_RELAY_REQUIRE_EXTERNALS === '1') throw new Error(message.replace('SKIPPED', 'FAILED'));
  process.stderr.write(`\n*** ${message} ***\n\n`);
  return message;
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

/** nginx in the foreground with everything it writes in `directory`, around the documented http block. */
function nginxConfig(directory: string, httpBlock: string): string {
  return `daemon off;
worker_processes 1;
pid ${directory}/nginx.pid;
error_log ${directory}/error.log warn;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path ${directory}/client_body;
  proxy_temp_path ${directory}/proxy;
  fastcgi_temp_path ${directory}/fastcgi;
  uwsgi_temp_path ${directory}/uwsgi;
  scgi_temp_path ${directory}/scgi;
${httpBlock}
}
`;
}

/** Rejects if `promise` has not settled in time: a buffering proxy would hold events back forever. */
function within<T>(promise: Promise<T>, what: string, ms = 10_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms)));
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

describe('nginx, configured as docs/deploy.md says, in front of two instances', { skip: nginxSkipReason() }, () => {
  let redis: RedisServer;
  let relays: RelayProcess[];
  let nginx: ChildProcess;
  let directory: string;
  let base: string;

  before(async () => {
    redis = await RedisServer.start();
    relays = await Promise.all([0, 1].map(() => spawnRelay(['--redis-url', redis.url])));
    directory = mkdtempSync(path.join(tmpdir(), 'image-relay-nginx-'));
    chmodSync(directory, 0o755); // nginx's worker runs as nobody when the test runs as root
    const port = await freePort();
    const ports = relays.map((relay) => Number(new URL(relay.url).port));
    writeFileSync(path.join(directory, 'nginx.conf'), nginxConfig(directory, documentedConfig(ports, port)));
    nginx = spawn(NGINX, ['-p', directory, '-c', path.join(directory, 'nginx.conf'), '-e', path.join(directory, 'error.log')], {
      stdio: 'ignore',
    });
    base = `http://127.0.0.1:${port}`;
    await waitFor(async () => (await fetch(`${base}/readyz`).catch(() => undefined))?.status === 200, 'nginx to answer');
  });

  after(async () => {
    if (nginx && nginx.exitCode === null) {
      nginx.kill('SIGTERM');
      await once(nginx, 'exit');
    }
    for (const relay of relays ?? []) relay.child.kill('SIGTERM');
    await Promise.all((relays ?? []).map((relay) => relay.exited));
    await redis?.stop();
    if (directory) rmSync(directory, { recursive: true, force: true });
  });

  it('passes every event on as it comes, to viewers on both instances', async () => {
    // Round robin puts consecutive connections on different instances.
    const viewers = [await SseReader.open(`${base}/channels/proxied/events`), await SseReader.open(`${base}/channels/proxied/events`)];
    try {
      for (const viewer of viewers) {
        assert.equal(viewer.status, 200);
        assert.equal(viewer.response.headers['content-type'], 'text/event-stream');
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
});
