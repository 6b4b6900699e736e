import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { projectRoot } from '../support/fixtures.js';
import { solidPng } from '../support/png.js';
import { nginxSkipReason } from '../support/externals.js';
import { startNginx, type RunningNginx } from '../support/nginx.js';
import { publishDataUrl, startRelay, toDataUrl } from '../support/relay-harness.js';
import { SseReader } from '../support/sse-reader.js';
import { waitFor } from '../support/wait-for.js';

const doc = readFileSync(path.join(projectRoot, 'docs/operations.md'), 'utf8');

/**
 * The nginx site of docs/operations.md as written, but on loopback without TLS: the upstream points at a test
 * relay, `listen 443 ssl` becomes the test's port, the certificate lines go.
 */
function documentedSite(relayPort: number, listenPort: number): string {
  const block = /```nginx\n([\s\S]*?)```/.exec(doc.slice(doc.indexOf('## Behind nginx')))?.[1];
  assert.ok(block, 'docs/operations.md has an nginx block under "Behind nginx"');
  const site = block
    .replace('server 127.0.0.1:8081;', `server 127.0.0.1:${relayPort};`)
    .replace(/listen 443 ssl http2;.*\n/, `listen 127.0.0.1:${listenPort};\n`)
    .replace(/^\s*ssl_certificate.*\n/gm, '');
  assert.ok(site.includes(`listen 127.0.0.1:${listenPort}`), 'the listen line was found');
  return site;
}

describe('docs/operations.md', () => {
  it('nginx as documented carries large publishes and live event streams, and keeps /metrics inside', { skip: nginxSkipReason() }, async () => {
    const relay = await startRelay({ trustProxy: true });
    let nginx: RunningNginx | undefined;
    let viewer: SseReader | undefined;
    try {
      nginx = await startNginx((port) => documentedSite(Number(new URL(relay.url).port), port));
      const proxied = nginx.base;
      viewer = await SseReader.open(`${proxied}/sse-image?channel=cam`);
      assert.equal(viewer.response.headers['content-type'], 'text/event-stream');
      await waitFor(() => relay.relay.hub.viewerCount('cam') === 1, 'the viewer to reach the relay through nginx');

      // 3 MB of image is 4 MB of JSON: past nginx's default 1 MB body limit, within the documented one.
      const large = toDataUrl(solidPng(8, 8, [200, 100, 50], { padToBytes: 3_000_000 }));
      const published = await publishDataUrl(proxied, large, 'cam');
      assert.equal(published.status, 200);
      const [event] = await viewer.waitForEvents(1);
      assert.equal(event!.id, published.body.id);
      assert.equal(event!.data, large, 'the event came through whole');
      assert.ok(relay.logLines.some((line) => line.msg === 'viewer connected' && line.remote === '127.0.0.1'));

      const metrics = await fetch(`${proxied}/metrics`);
      assert.equal(metrics.status, 403, 'the documented allow list keeps /metrics to the inside network');
    } finally {
      viewer?.close();
      await nginx?.stop();
      await relay.close();
    }
  });

  it('names the figures it sizes with, as docs/BENCHMARKS.md reports them', () => {
    const benchmarks = readFileSync(path.join(projectRoot, 'docs/BENCHMARKS.md'), 'utf8');
    const idle = /\| image-relay \| [\d,]+ \| ([\d.]+) MB \| [\d.]+ MB \| [\d.]+ kB \| [\d.]+ MB \| ([\d.]+) kB \| ([\d.]+) kB \|/.exec(benchmarks);
    assert.ok(idle, 'BENCHMARKS.md has an idle-streams row for image-relay');
    assert.ok(doc.includes(`${idle[2]} kB of RSS`), `operations.md sizes a viewer at ${idle[2]} kB, as measured`);
    assert.ok(doc.includes(`up to ${idle[3]} kB`), `operations.md gives the highest figure of the hold too (${idle[3]} kB)`);
    assert.ok(doc.includes(`(${idle[1]} MB)`), `operations.md gives the relay's own RSS as measured (${idle[1]} MB)`);
  });
});
