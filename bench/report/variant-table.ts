import { decimal, milliseconds, percent, ratio, size } from './format.js';
import type { BenchResults } from './results.js';
import { FAILED, type Table } from './table-kit.js';

/** Latency of image-relay's viewers with and without large variants encoding beside them. */
export function variantContentionTable(results: BenchResults): Table | undefined {
  const outcome = results.variants;
  if (!outcome) return undefined;
  const plan = results.plan.variants;
  const title = `Event delivery while variants encode: ${plan.viewers} viewers of image-relay, ${plan.publishes} images of ${size(plan.imageBytes)} at ${plan.perSecond}/s`;
  const columns = ['phase', 'variants encoded', 'p50', 'p99', 'max', 'received', 'p99 / quiet p99'];
  if (!outcome.ok) return { title, columns, rows: [['both', FAILED, '–', '–', '–', '–', '–']], notes: [] };
  const { quiet, encoding } = outcome.value;
  const quietP99 = quiet.load.latency?.p99Ms;
  const row = (phase: string, measured: typeof quiet): string[] => {
    const latency = measured.load.latency;
    const share = measured.load.events / Math.max(1, measured.load.published * plan.viewers);
    return [
      phase,
      measured.encodes === 0 && measured.refused === 0 ? '–' : `${measured.encodes}${measured.refused ? ` (${measured.refused} refused)` : ''}`,
      latency ? milliseconds(latency.p50Ms) : '–',
      latency ? milliseconds(latency.p99Ms) : '–',
      latency ? milliseconds(latency.maxMs) : '–',
      percent(share),
      ratio(latency?.p99Ms, quietP99),
    ];
  };
  const seconds = encoding.load.elapsedMs / 1000;
  return {
    title,
    columns,
    rows: [row('quiet', quiet), row('while encoding', encoding)],
    notes: [
      `While encoding, other clients keep ${plan.encodesInFlight} requests open for 1280- and 1920-pixel WebP and JPEG variants of a 12-megapixel JPEG, each a variant not asked for before (a cache miss): ${decimal(encoding.encodes / Math.max(seconds, 0.001))} encodes/s. The relay encodes at most --variant-concurrency (2) at once on libvips threads; the event loop only starts and collects them, but the cores are shared with the viewers and the load process.`,
    ],
  };
}
