import { measureContention } from './contention.js';
import { percent, size } from './format.js';
import type { BenchResults } from './results.js';
import type { Table } from './tables.js';

/** Where, with what and how big: the lines that head both the console report and the Markdown file. */
export function runFacts(results: BenchResults): [string, string][] {
  const { machine, plan } = results;
  const facts: [string, string][] = [
    ['date', results.startedAt.toISOString().replace(/\.\d+Z$/, 'Z')],
    ['plan', `${plan.name} (${(results.durationMs / 1000).toFixed(0)} s)`],
    ['image-relay source', results.source ?? 'unknown (not a git checkout)'],
    ...(results.baselineSource === undefined ? [] : [['baseline source', results.baselineSource] as [string, string]]),
    ['CPU', `${machine.cpuModel}, ${machine.cores} cores`],
    ['memory', size(machine.memoryBytes)],
    ['OS', machine.kernel],
    ['Node.js', machine.node],
    ['nginx', machine.nginx ? `${machine.nginx}, nchan ${machine.nchan ?? '?'}` : 'not installed'],
    ['open files limit', machine.openFiles === undefined ? '?' : String(machine.openFiles)],
    ['load average at start', `${machine.loadAverageAtStart.toFixed(2)} (1 min)`],
  ];
  const contention = measureContention(results);
  if (contention) {
    facts.push([
      'other processes',
      `${percent(contention.meanCores)} of a core on average while measuring (busiest window ${percent(contention.maxCores)})`,
    ]);
  }
  for (const server of results.servers) facts.push([server.name, server.description]);
  for (const server of results.skipped) facts.push([server.name, `NOT MEASURED: ${server.reason}`]);
  return facts;
}

export function renderTextTable(table: Table): string {
  const widths = table.columns.map((column, index) =>
    Math.max(column.length, ...table.rows.map((row) => (row[index] ?? '').length)),
  );
  const line = (cells: readonly string[]): string =>
    cells.map((cell, index) => (index < 2 ? cell.padEnd(widths[index]!) : cell.padStart(widths[index]!))).join('  ');
  return [
    table.title,
    line(table.columns),
    widths.map((width) => '-'.repeat(width)).join('  '),
    ...table.rows.map(line),
    ...table.notes.map((note) => `  ${note}`),
  ].join('\n');
}

export function renderMarkdownTable(table: Table): string {
  const escape = (cell: string): string => cell.replace(/\|/g, '\\|');
  const alignments = table.columns.map((_, index) => (index < 2 ? '---' : '---:'));
  return [
    `### ${table.title}`,
    '',
    `| ${table.columns.map(escape).join(' | ')} |`,
    `| ${alignments.join(' | ')} |`,
    ...table.rows.map((row) => `| ${row.map(escape).join(' | ')} |`),
    ...(table.notes.length > 0 ? ['', ...table.notes.map((note) => `${note}`)] : []),
  ].join('\n');
}
