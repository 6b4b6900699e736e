import { imagesPerSecondPerViewer } from '../cells/fan-out.js';
import { decimal, megabytesPerSecond, ratio, size } from './format.js';
import type { BenchResults } from './results.js';
import { cpuText, FAILED, type Table } from './table-kit.js';

/** One instance against three on one Redis, same viewers × size, side by side with ratios to one in memory. */
export function crossInstanceTable(results: BenchResults): Table | undefined {
  const cells = results.crossInstance;
  if (!cells) return undefined;
  const rate = (row: (typeof cells.rows)[number]): number | undefined =>
    row.outcome.ok ? megabytesPerSecond(row.outcome.value.result.payloadBytes, row.outcome.value.result.elapsedMs) : undefined;
  const rows = cells.rows.map((row) => {
    const label = `${row.viewers} × ${size(row.imageBytes)}`;
    if (!row.outcome.ok) return [label, row.server, row.deployment, FAILED, '–', '–', '–'];
    const { result, cpu } = row.outcome.value;
    const inMemory = cells.rows.find(
      (other) =>
        other.server === row.server &&
        other.viewers === row.viewers &&
        other.imageBytes === row.imageBytes &&
        other.deployment === '1 instance, in memory',
    );
    return [
      label,
      row.server,
      row.deployment,
      decimal(rate(row)!),
      decimal(imagesPerSecondPerViewer(result, row.viewers)),
      ratio(rate(row), inMemory ? rate(inMemory) : undefined),
      cpu ? cpuText(cpu) : '–',
    ];
  });
  return {
    title: 'Scale-out: publish on one instance, viewers spread over three on one Redis, beside one instance',
    columns: ['viewers × image', 'server', 'deployment', 'MB/s delivered', 'images/s per viewer', 'this / 1 in memory', 'CPU relays+Redis / load / softirq / other'],
    rows,
    notes: [
      cells.unavailable ? `Not measured: ${cells.unavailable}.` : 'Saturating publishes, as in fan-out; every relay process and Redis run on the same cores as the load.',
      'On one machine three instances share its cores: the figure shows what Redis and the spread cost, not what three machines gain.',
    ],
  };
}
