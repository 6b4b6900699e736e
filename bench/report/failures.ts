import type { Outcome } from '../cells/cell-context.js';
import type { BenchResults } from './results.js';

/**
 * What makes the run exit non-zero: any server failing a cell, and image-relay delivering nothing where it was
 * asked to (a fan-out or slow-viewer run in which its viewers received no image). A route a server does not
 * have (404) is a finding, not a failure.
 */
export function findFailures(results: BenchResults): string[] {
  const failures: string[] = [];
  const check = (what: string, outcome: Outcome<unknown> | undefined): void => {
    if (outcome && !outcome.ok) failures.push(`${what}: ${outcome.error}`);
  };
  for (const cell of results.loopback ?? []) check(`loopback ${cell.receivers} sockets`, cell.outcome);
  for (const cell of results.fanOut ?? []) {
    const label = `fan-out ${cell.viewers} viewers × ${cell.imageBytes / 1000} kB`;
    for (const [server, outcome] of Object.entries(cell.saturation)) check(`${label} saturation, ${server}`, outcome);
    for (const [server, outcome] of Object.entries(cell.latency)) check(`${label} latency, ${server}`, outcome);
    for (const [server, outcome] of Object.entries(cell.cameraLatency)) check(`${label} at ${cell.cameraRate}/s, ${server}`, outcome);
    for (const outcome of [cell.saturation['image-relay'], cell.latency['image-relay'], cell.cameraLatency['image-relay']]) {
      if (outcome?.ok && outcome.value.result.events === 0) failures.push(`${label}: image-relay delivered no image`);
    }
    const jobs = [...Object.entries(cell.saturation), ...Object.entries(cell.latency), ...Object.entries(cell.cameraLatency)];
    for (const [server, outcome] of jobs) {
      if (outcome.ok && outcome.value.result.viewersLost > 0) {
        failures.push(`${label}, ${server}: ${outcome.value.result.viewersLost} viewers' streams were ended by the server`);
      }
    }
  }
  for (const row of results.ingest ?? []) check(`ingest ${row.server} ${row.path}`, row.outcome);
  for (const [server, outcome] of Object.entries(results.idle ?? {})) check(`idle, ${server}`, outcome);
  for (const [server, outcome] of Object.entries(results.slowViewers ?? {})) check(`slow viewers, ${server}`, outcome);
  for (const [server, outcome] of Object.entries(results.slowViewers ?? {})) {
    if (outcome.ok && outcome.value.load.viewersLost > 0) {
      failures.push(`slow viewers, ${server}: ${outcome.value.load.viewersLost} healthy viewers' streams were ended by the server`);
    }
  }
  check('variants, image-relay', results.variants);
  if (results.variants?.ok && results.variants.value.encoding.encodes === 0) failures.push('variants: no variant was encoded');
  for (const row of results.crossInstance?.rows ?? []) {
    const label = `cross-instance ${row.viewers} viewers × ${row.imageBytes / 1000} kB, ${row.deployment}`;
    check(label, row.outcome);
    if (row.outcome.ok && row.outcome.value.result.events === 0) failures.push(`${label}: image-relay delivered no image`);
  }
  const relaySlow = results.slowViewers?.['image-relay'];
  if (relaySlow?.ok && relaySlow.value.load.events === 0) failures.push('slow viewers: image-relay delivered no image');
  return failures;
}
