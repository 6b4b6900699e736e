import { isImageRelay } from '../servers/bench-server.js';
import { decimal, milliseconds, percent, ratio, size } from './format.js';
import type { BenchResults } from './results.js';
import { FAILED, serverNames, type Table } from './table-kit.js';

/** Latency of image-relay's viewers with and without large variants encoding beside them, per build. */
export function variantContentionTable(results: BenchResults): Table | undefined {
  const perServer = results.variants;
  if (!perServer) return undefined;
  const plan = results.plan.variants;
  const title = `Event delivery while variants encode: ${plan.viewers} viewers of image-relay, ${plan.publishes} images of ${size(plan.imageBytes)} at ${plan.perSecond}/s`;
  const columns = ['server', 'phase', 'variants encoded', 'p50', 'p99', 'max', 'received', 'p99 / quiet p99'];
  const rows: string[][] = [];
  let encodesPerSecond: number | undefined;
  for (const name of serverNames(results).filter(isImageRelay)) {
    const outcome = perServer[name];
    if (!outcome) continue;
    if (!outcome.ok) {
      rows.push([name, 'both', FAILED, '–', '–', '–', '–', '–']);
      continue;
    }
    const { quiet, encoding } = outcome.value;
    const quietP99 = quiet.load.latency?.p99Ms;
    const row = (phase: string, measured: typeof quiet): string[] => {
      const latency = measured.load.latency;
      const share = measured.load.events / Math.max(1, measured.load.published * plan.viewers);
      return [
        name,
        phase,
        measured.encodes === 0 && measured.refused === 0 ? '–' : `${measured.encodes}${measured.refused ? ` (${measured.refused} refused)` : ''}`,
        latency ? milliseconds(latency.p50Ms) : '–',
        latency ? milliseconds(latency.p99Ms) : '–',
        latency ? milliseconds(latency.maxMs) : '–',
        percent(share),
        ratio(latency?.p99Ms, quietP99),
      ];
    };
    rows.push(row('quiet', quiet), row('while encoding', encoding));
    if (name === 'image-relay') encodesPerSecond = encoding.encodes / Math.max(encoding.load.elapsedMs / 1000, 0.001);
  }
  return {
    title,
    columns,
    rows,
    notes: [
      `While encoding, other clients keep ${plan.encodesInFlight} requests open for 1280- and 1920-pixel WebP and JPEG variants of a 12-megapixel JPEG, each a variant not asked for before (a cache miss)${encodesPerSecond === undefined ? '' : `: ${decimal(encodesPerSecond)} encodes/s`}. The relay encodes at most --variant-concurrency (2) at once on libvips threads; the event loop only starts and collects them, but the cores are shared with the viewers and the load process.`,
    ],
  };
}
