import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IngestResult, PublishRoute } from '../load/jobs.js';
import { runLoadJob } from '../load/load-process.js';
import type { ServerLauncher, ServerName } from '../servers/bench-server.js';
import { isImageRelayLauncher } from '../servers/image-relay.js';
import { attempt, ServerInstance, type CellContext, type Outcome } from './cell-context.js';
import { CpuWindow, describeCpu, type CpuUsage } from './cpu-window.js';

export interface IngestMeasurement {
  readonly result: IngestResult;
  readonly cpu: CpuUsage | undefined;
}

export interface IngestRow {
  readonly server: ServerName;
  /** How the image travels: `json-data-url`, `data-url-body` or `png-body`. */
  readonly route: PublishRoute['format'];
  /** With `{channel}` in place of the channel. */
  readonly path: string;
  /** image-relay keeping history in a data directory (every publish a file fsynced before the answer). */
  readonly dataDir?: boolean;
  readonly outcome: Outcome<IngestMeasurement>;
}

/**
 * Ingest: images published as fast as a server answers, with nobody watching. Every server takes the data: URL
 * its own way; image-relay also takes the raw bytes on /channels/{channel}/images.
 */
export async function runIngestCells(context: CellContext): Promise<IngestRow[]> {
  const rows: IngestRow[] = [];
  for (const launcher of context.launchers) {
    const instance = new ServerInstance(launcher);
    try {
      const started = await attempt(() => instance.get());
      if (!started.ok) {
        rows.push({ server: launcher.name, route: 'json-data-url', path: '(did not start)', outcome: started });
        continue;
      }
      const channel = context.nextChannel('ingest');
      const routes = [started.value.publishRoute(channel), started.value.rawPublishRoute(channel)];
      for (const route of routes) if (route) rows.push(await measureRoute(context, instance, route));
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
async function measureWithDataDir(context: CellContext, relay: ServerLauncher & { withDataDir(dir: string): ServerLauncher | undefined }): Promise<IngestRow | undefined> {
  const dir = await mkdtemp(join(tmpdir(), 'image-relay-bench-data-'));
  const launcher = relay.withDataDir(dir);
  if (!launcher) {
    await rm(dir, { recursive: true, force: true });
    return undefined;
  }
  const instance = new ServerInstance(launcher);
  try {
    const started = await attempt(() => instance.get());
    if (!started.ok) return { server: launcher.name, route: 'json-data-url', path: '(did not start)', dataDir: true, outcome: started };
    const row = await measureRoute(context, instance, started.value.publishRoute(context.nextChannel('ingest-data-dir')));
    return { ...row, dataDir: true };
  } finally {
    await instance.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

async function measureRoute(context: CellContext, instance: ServerInstance, route: PublishRoute): Promise<IngestRow> {
  const outcome = await attempt(async () => {
    const server = await instance.get();
    const cpuWindow = new CpuWindow(() => server.pids());
    const result = await runLoadJob(
      context.children,
      { kind: 'ingest', publish: route, ...context.plan.ingest },
      { timeoutMs: context.plan.jobTimeoutMs, onMark: cpuWindow.onMark },
    );
    return { result, cpu: cpuWindow.usage };
  });
  const row: IngestRow = {
    server: instance.name,
    route: route.format,
    path: route.path.replace(route.channel, '{channel}'),
    outcome: outcome.ok ? outcome : { ok: false, error: instance.explain(outcome.error) },
  };
  context.progress(`ingest ${row.server} ${row.path}: ${describe(row.outcome)}`);
  return row;
}

function describe(outcome: Outcome<IngestMeasurement>): string {
  if (!outcome.ok) return `FAILED: ${outcome.error.split('\n')[0]}`;
  const { result, cpu } = outcome.value;
  if (result.unavailable) return 'n/a (not available)';
  return `${((result.published / result.elapsedMs) * 1000).toFixed(0)} publishes/s${describeCpu(cpu)}`;
}
