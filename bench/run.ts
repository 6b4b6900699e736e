import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeMachine, rssBytes } from './machine.js';
import { renderMarkdown, renderText, type BenchReport, type FanoutRow } from './report.js';
import {
  nchanAvailable,
  startImageRelay,
  startLoopbackWriter,
  startNaiveRelay,
  startNchan,
  stopAll,
  type BenchServer,
} from './servers.js';
import { round } from './stats.js';
import { runWorker } from './worker-process.js';

const KB = 1000;
const MB = 1000 * 1000;

/** Sizes of a run: `--tiny` keeps CI to seconds, the default is the full comparison of issue 3. */
const PLANS = {
  tiny: { viewers: [1, 10], sizes: [10 * KB, 200 * KB], durationMs: 1000, idleStreams: 200, slow: { stalled: 2, healthy: 5, rate: 5, durationMs: 2000 }, ingestMs: 1000 },
  full: { viewers: [1, 10, 100, 1000], sizes: [10 * KB, 200 * KB, 1 * MB], durationMs: 3000, idleStreams: 10_000, slow: { stalled: 10, healthy: 100, rate: 5, durationMs: 5000 }, ingestMs: 3000 },
} as const;

const args = new Set(process.argv.slice(2));
const planName = args.has('--tiny') ? 'tiny' : 'full';
const plan = PLANS[planName];
const requireAll = process.env.IMAGE_RELAY_REQUIRE_EXTERNALS === '1';

function bodyKindOf(server: BenchServer): 'json' | 'text' {
  return server.publishContentType === 'application/json' ? 'json' : 'text';
}

async function main(): Promise<void> {
  const machine = describeMachine();
  const servers: BenchServer[] = [await startImageRelay(), await startNaiveRelay()];
  if (nchanAvailable()) servers.push(await startNchan());
  else if (requireAll) throw new Error('nginx with nchan is missing (apt-get install nginx libnginx-mod-nchan)');
  else process.stderr.write('\n*** nginx-nchan not installed: its column stays empty (apt-get install nginx libnginx-mod-nchan) ***\n\n');
  const relay = servers[0]!;
  process.stderr.write(`bench: ${planName} plan, servers: ${servers.map((server) => server.name).join(', ')}\n`);

  const writer = await startLoopbackWriter();
  const loopback = await runWorker<{ mbPerSec: number }>({ kind: 'loopback', port: writer.port, connections: 100, durationMs: plan.durationMs });
  await writer.stop();

  const idle: BenchReport['idle'] = [];
  for (const server of servers) {
    const before = rssBytes(server.pids);
    let after = before;
    await runWorker({ kind: 'idle', subscribeUrl: server.subscribeUrl, streams: plan.idleStreams }, async () => {
      await new Promise((resolve) => setTimeout(resolve, 500));
      after = rssBytes(server.pids);
    });
    idle.push({ server: server.name, streams: plan.idleStreams, rssBeforeMB: round(before / MB), rssAfterMB: round(after / MB), perStreamKB: round((after - before) / plan.idleStreams / 1000, 2) });
    await new Promise((resolve) => setTimeout(resolve, 500)); // let the closed streams go
  }

  const fanout: FanoutRow[] = [];
  for (const viewers of plan.viewers) {
    for (const imageBytes of plan.sizes) {
      const saturation: Record<string, { mbPerSec: number; eventsPerSec: number }> = {};
      for (const server of servers) {
        const result = await runWorker<{ mbPerSec: number; eventsPerSec: number; published: number }>({
          kind: 'fanout', subscribeUrl: server.subscribeUrl, publishUrl: server.publishUrl, contentType: server.publishContentType,
          body: bodyKindOf(server), viewers, imageBytes, durationMs: plan.durationMs, inflight: 2,
        });
        saturation[server.name] = result;
      }
      // A fixed rate below every server's saturation: a quarter of the slowest one's image rate.
      const slowestImagesPerSec = Math.min(...Object.values(saturation).map((result) => result.eventsPerSec / viewers));
      const rate = Math.max(0.5, Math.min(50, round(slowestImagesPerSec / 4, 1)));
      for (const server of servers) {
        const latency = await runWorker<{ p50Ms: number; p99Ms: number; receivedShare: number }>({
          kind: 'fanout', subscribeUrl: server.subscribeUrl, publishUrl: server.publishUrl, contentType: server.publishContentType,
          body: bodyKindOf(server), viewers, imageBytes, durationMs: plan.durationMs, rate,
        });
        const { mbPerSec, eventsPerSec } = saturation[server.name]!;
        fanout.push({ server: server.name, viewers, imageBytes, mbPerSec, eventsPerSec, rate, p50Ms: latency.p50Ms, p99Ms: latency.p99Ms, receivedShare: latency.receivedShare });
        process.stderr.write(`  ${server.name.padEnd(16)} ${String(viewers).padStart(5)} viewers x ${String(imageBytes / KB).padStart(5)} KB: ${saturation[server.name]!.mbPerSec} MB/s, p99 ${latency.p99Ms} ms at ${rate}/s\n`);
      }
    }
  }

  const ingest: BenchReport['ingest'] = [];
  for (const server of servers) {
    const json = await runWorker<{ perSec: number }>({ kind: 'ingest', publishUrl: server.publishUrl, contentType: server.publishContentType, body: bodyKindOf(server), imageBytes: 10 * KB, durationMs: plan.ingestMs, concurrency: 8 });
    ingest.push({ server: server.name, form: server === relay ? 'JSON data URL' : server.publishContentType === 'text/plain' ? 'data URL text' : 'JSON data URL', perSec: json.perSec });
  }
  const raw = await runWorker<{ perSec: number }>({ kind: 'ingest', publishUrl: relay.rawPublishUrl!, contentType: 'image/png', body: 'raw', imageBytes: 10 * KB, durationMs: plan.ingestMs, concurrency: 8 });
  ingest.push({ server: relay.name, form: 'raw body', perSec: raw.perSec });

  const slow: BenchReport['slow'] = [];
  for (const server of servers) {
    let peak = rssBytes(server.pids);
    const sampler = setInterval(() => (peak = Math.max(peak, rssBytes(server.pids))), 50);
    const result = await runWorker<{ p50Ms: number; p99Ms: number; receivedShare: number }>({
      kind: 'fanout', subscribeUrl: server.subscribeUrl, publishUrl: server.publishUrl, contentType: server.publishContentType,
      body: bodyKindOf(server), viewers: plan.slow.healthy, stalled: plan.slow.stalled, imageBytes: 1 * MB, durationMs: plan.slow.durationMs, rate: plan.slow.rate,
    });
    clearInterval(sampler);
    slow.push({ server: server.name, stalled: plan.slow.stalled, healthy: plan.slow.healthy, published: Math.round((plan.slow.rate * plan.slow.durationMs) / 1000), p50Ms: result.p50Ms, p99Ms: result.p99Ms, receivedShare: result.receivedShare, peakRssMB: round(peak / MB) });
  }

  const report: BenchReport = { plan: planName, date: new Date().toISOString(), machine, durationMs: plan.durationMs, loopbackMBps: loopback.mbPerSec, idle, fanout, ingest, slow };
  process.stdout.write(renderText(report));
  if (planName === 'full' || args.has('--write')) {
    const file = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../docs/BENCHMARKS.md');
    writeFileSync(file, renderMarkdown(report));
    process.stderr.write(`bench: wrote ${file}\n`);
  }
  const relayDelivered = fanout.filter((row) => row.server === relay.name).every((row) => row.mbPerSec > 0 && row.receivedShare > 0.9);
  if (!relayDelivered) throw new Error('image-relay failed to deliver in some cell (see receivedShare)');
}

const stopEverything = (): void => void stopAll().then(() => process.exit(130));
process.once('SIGINT', stopEverything);
process.once('SIGTERM', stopEverything);
try {
  await main();
  await stopAll();
} catch (error) {
  process.stderr.write(`bench: ${(error as Error).stack ?? String(error)}\n`);
  await stopAll();
  process.exit(1);
}
