import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IngestResult, PublishRoute } from '../load/jobs.js';
import { runLoadJob } from '../load/load-process.js';
import type { ServerName } from '../servers/bench-server.js';
import type { GcTotals } from '../servers/gc-trace.js';
import { isImageRelayLauncher, type ImageRelayLauncher } from '../servers/image-relay.js';
import { attempt, ServerInstance, type CellContext, type Outcome } from './cell-context.js';
import { CpuWindow, describeCpu, type CpuUsage } from './cpu-window.js';

export interface IngestMeasurement {
  readonly result: IngestResult;
  readonly cpu: CpuUsage | undefined;
  /** The server's garbage collections meanwhile, when traced (--trace-gc-dir). */
  readonly gc?: GcTotals | undefined;
}

export interface IngestRow {
  readonly server: ServerName;
  readonly imageBytes: number;
  readonly method: PublishRoute['method'];
  /** How the image travels: `json-data-url`, `png-body`, `multipart-file`... */
  readonly route: PublishRoute['format'];
  /** With `{channel}` in place of the channel. */
  readonly path: string;
  /** image-relay keeping history in a data directory (every publish a file fsynced before the answer). */
  readonly dataDir?: boolean;
  readonly outcome: Outcome<IngestMeasurement>;
}

/**
 * Ingest: images published as fast as a server answers, with nobody watching, on every route a server has
 * (image-relay: the data: URL in JSON on /receive-image, and raw bytes, JSON and multipart on
 * /channels/{channel}/images), then large images on its data: URL route and its raw-body one. Each job has a
 * channel of its own, so no job publishes into another's history.
 */
export async function runIngestCells(context: CellContext): Promise<IngestRow[]> {
  const { imageBytes, largeImageBytes } = context.plan.ingest;
  const rows: IngestRow[] = [];
  for (const launcher of context.launchers) {
    const instance = new ServerInstance(launcher);
    try {
      const started = await attempt(() => instance.get());
      if (!started.ok) {
        rows.push({ server: launcher.name, imageBytes, method: 'POST', route: 'json-data-url', path: '(did not start)', outcome: started });
        continue;
      }
      const server = started.value;
      const routes = (label: string): readonly PublishRoute[] => server.ingestRoutes(context.nextChannel(label));
      for (const route of routes('ingest')) rows.push(await measureRoute(context, instance, route, imageBytes));
      const [dataUrl, ...others] = routes('ingest-large');
      const raw = others.find((route) => route.format === 'png-body' && route.method === 'POST');
      for (const route of [dataUrl, raw]) if (route) rows.push(await measureRoute(context, instance, route, largeImageBytes));
    } finally {
      await instance.stop();
    }
    if (isImageRelayLauncher(launcher)) {
      const row = await measureWithDataDir(context, launcher);
      if (row) rows.push(row);
    }
  }
  return rows;
}

/**
 * What durability costs a publish: the same JSON route on a relay with --data-dir, in a fresh directory under
 * the system's temporary directory (the report names its filesystem: on tmpfs an fsync costs nothing).
 */
async function measureWithDataDir(context: CellContext, relay: ImageRelayLauncher): Promise<IngestRow | undefined> {
  const dir = await mkdtemp(join(tmpdir(), 'image-relay-bench-data-'));
  const launcher = relay.withFlags(['--data-dir', dir]);
  if (!launcher) {
    await rm(dir, { recursive: true, force: true });
    return undefined;
  }
  const instance = new ServerInstance(launcher);
  try {
    const started = await attempt(() => instance.get());
    const { imageBytes } = context.plan.ingest;
    if (!started.ok) {
      return { server: launcher.name, imageBytes, method: 'POST', route: 'json-data-url', path: '(did not start)', dataDir: true, outcome: started };
    }
    const row = await measureRoute(context, instance, started.value.publishRoute(context.nextChannel('ingest-data-dir')), imageBytes);
    return { ...row, dataDir: true };
  } finally {
    await instance.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

async function measureRoute(
  context: CellContext,
  instance: ServerInstance,
  route: PublishRoute,
  imageBytes: number,
): Promise<IngestRow> {
  const { warmupMs, durationMs, inFlight } = context.plan.ingest;
  const outcome = await attempt(async () => {
    const server = await instance.get();
    const label = `ingest ${route.method} ${route.path.replace(route.channel, '{channel}')} ${route.format}, ${imageBytes / 1000} kB`;
    const cpuWindow = new CpuWindow(() => server.pids(), { gcTrace: server.gcTrace, label });
    const result = await runLoadJob(
      context.children,
      { kind: 'ingest', publish: route, imageBytes, warmupMs, durationMs, inFlight },
      { timeoutMs: context.plan.jobTimeoutMs, onMark: cpuWindow.onMark },
    );
    return { result, cpu: cpuWindow.usage, gc: cpuWindow.gc };
  });
  const row: IngestRow = {
    server: instance.name,
    imageBytes,
    method: route.method,
    route: route.format,
    path: route.path.replace(route.channel, '{channel}'),
    outcome: outcome.ok ? outcome : { ok: false, error: instance.explain(outcome.error) },
  };
  context.progress(`ingest ${row.server} ${row.method} ${row.path} ${row.route} ${imageBytes / 1000} kB: ${describe(row.outcome)}`);
  return row;
}

function describe(outcome: Outcome<IngestMeasurement>): string {
  if (!outcome.ok) return `FAILED: ${outcome.error.split('\n')[0]}`;
  const { result, cpu } = outcome.value;
  if (result.unavailable) return 'n/a (not available)';
  const perPublish = cpu && result.published > 0 ? `, ${((cpu.serverSeconds * 1e6) / result.published).toFixed(0)} µs server CPU per publish` : '';
  return `${((result.published / result.elapsedMs) * 1000).toFixed(0)} publishes/s${perPublish}${describeCpu(cpu)}`;
}
