import type { Outcome } from '../cells/cell-context.js';
import { isImageRelay, type ServerName } from '../servers/bench-server.js';
import type { BenchResults } from './results.js';

/**
 * What makes the run exit non-zero: any server failing a cell, and a build of image-relay delivering nothing
 * where it was asked to (a fan-out or slow-viewer run in which its viewers received no image). A route a server
 * does not have (404) is a finding, not a failure.
 */
export function findFailures(results: BenchResults): string[] {
  const failures: string[] = [];
  const check = (what: string, outcome: Outcome<unknown> | undefined): void => {
    if (outcome && !outcome.ok) failures.push(`${what}: ${outcome.error}`);
  };
  const entries = <Value>(perServer: Partial<Record<ServerName, Value>>): [ServerName, Value][] =>
    Object.entries(perServer) as [ServerName, Value][];
  for (const cell of results.loopback ?? []) check(`loopback ${cell.receivers} sockets`, cell.outcome);
  for (const cell of results.fanOut ?? []) {
    const label = `fan-out ${cell.viewers} viewers × ${cell.imageBytes / 1000} kB`;
    const jobs = [
      ...entries(cell.saturation).map(([server, outcome]) => ['saturation', server, outcome] as const),
      ...entries(cell.latency).map(([server, outcome]) => ['latency', server, outcome] as const),
      ...entries(cell.cameraLatency).map(([server, outcome]) => [`at ${cell.cameraRate}/s`, server, outcome] as const),
    ];
    for (const [job, server, outcome] of jobs) {
      check(`${label} ${job}, ${server}`, outcome);
      if (!outcome.ok) continue;
      if (isImageRelay(server) && outcome.value.result.events === 0) failures.push(`${label} ${job}: ${server} delivered no image`);
      if (outcome.value.result.viewersLost > 0) {
        failures.push(`${label} ${job}, ${server}: ${outcome.value.result.viewersLost} viewers' streams were ended by the server`);
      }
    }
  }
  for (const row of results.ingest ?? []) check(`ingest ${row.server} ${row.method} ${row.path} (${row.imageBytes / 1000} kB)`, row.outcome);
  for (const [server, outcome] of entries(results.idle ?? {})) check(`idle, ${server}`, outcome);
  for (const [server, outcome] of entries(results.slowViewers ?? {})) {
    check(`slow viewers, ${server}`, outcome);
    if (!outcome.ok) continue;
    if (outcome.value.load.viewersLost > 0) {
      failures.push(`slow viewers, ${server}: ${outcome.value.load.viewersLost} healthy viewers' streams were ended by the server`);
    }
    if (isImageRelay(server) && outcome.value.load.events === 0) failures.push(`slow viewers: ${server} delivered no image`);
  }
  for (const [server, outcome] of entries(results.variants ?? {})) {
    check(`variants, ${server}`, outcome);
    if (outcome.ok && outcome.value.encoding.encodes === 0) failures.push(`variants, ${server}: no variant was encoded`);
  }
  for (const row of results.crossInstance?.rows ?? []) {
    const label = `cross-instance ${row.server}, ${row.viewers} viewers × ${row.imageBytes / 1000} kB, ${row.deployment}`;
    check(label, row.outcome);
    if (row.outcome.ok && row.outcome.value.result.events === 0) failures.push(`${label}: delivered no image`);
  }
  return failures;
}
