import { readResults } from './reading.js';
import { renderTextTable, runFacts } from './render.js';
import type { BenchResults } from './results.js';
import { allTables } from './tables.js';

/** The report printed to stdout: the machine, the tables, the reading. */
export function renderConsoleReport(results: BenchResults): string {
  const facts = runFacts(results);
  const keyWidth = Math.max(...facts.map(([key]) => key.length));
  return [
    '',
    `image-relay benchmark (${results.plan.name})`,
    ...facts.map(([key, value]) => `  ${key.padEnd(keyWidth)}  ${value}`),
    `  this machine has ${results.machine.cores} cores shared by the relay and the load generator`,
    ...results.notes.map((note) => `  note: ${note}`),
    '',
    ...allTables(results).flatMap((table) => [renderTextTable(table), '']),
    'Reading',
    ...readResults(results).map((line) => `  - ${line}`),
    '',
  ].join('\n');
}
