import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Readable } from 'node:stream';

/** Garbage collections a process reported so far (node --trace-gc), summed. */
export interface GcTotals {
  /** Young-generation collections (Scavenge; Minor Mark-Compact/Mark-Sweep where V8 uses those). */
  readonly scavenges: number;
  /** Full collections (Mark-Compact, Mark-Sweep), each a pause of the whole heap. */
  readonly markCompacts: number;
  /** Main-thread time V8 reports for each collection, summed: the pauses the event loop waited out. */
  readonly pauseMs: number;
  /** Main-thread steps of incremental marking before full collections ("+ 12.8 ms in 69 steps"): work between pauses. */
  readonly incrementalMs: number;
}

export const NO_GC: GcTotals = { scavenges: 0, markCompacts: 0, pauseMs: 0, incrementalMs: 0 };

export function gcDifference(after: GcTotals, before: GcTotals): GcTotals {
  return {
    scavenges: after.scavenges - before.scavenges,
    markCompacts: after.markCompacts - before.markCompacts,
    pauseMs: after.pauseMs - before.pauseMs,
    incrementalMs: after.incrementalMs - before.incrementalMs,
  };
}

export interface GcEvent {
  readonly young: boolean;
  readonly pauseMs: number;
  readonly incrementalMs: number;
}

/**
 * One line of V8's --trace-gc (Node 20, V8 11), e.g.
 * `[4242:0x5e1f0]  1482 ms: Mark-Compact 132.8 (166.5) -> 19.2 (55.2) MB, 5.92 / 0.02 ms  (+ 12.8 ms in 69 steps since start of marking, ...) ...`:
 * the kind, heap before and after, then the pause and the part of it spent in embedder callbacks.
 */
const GC_LINE = /ms: ([A-Z][A-Za-z -]*?)(?: \([a-z ]+\))? [\d.]+ \([\d.]+\) -> [\d.]+ \([\d.]+\) MB, ([\d.]+) \/ [\d.]+ ms/;
const INCREMENTAL = /\(\+ ([\d.]+) ms in \d+ steps/;

/** The collection a --trace-gc line reports, or undefined for any other line. */
export function parseGcLine(line: string): GcEvent | undefined {
  const match = GC_LINE.exec(line);
  if (!match) return undefined;
  const kind = match[1]!;
  return {
    young: kind.startsWith('Scavenge') || kind.startsWith('Minor'),
    pauseMs: Number(match[2]),
    incrementalMs: Number(INCREMENTAL.exec(line)?.[1] ?? 0),
  };
}

/**
 * A relay process's --trace-gc output: saved whole to a file (with a `#` line where each measurement starts and
 * ends) and summed as it arrives, so that a measurement can take the difference across its window. V8 prints
 * each line as the collection ends and Node does not buffer it, so the sums are current to within a pipe's delay.
 */
export class GcTrace {
  private totals: GcTotals = NO_GC;
  /** Written synchronously: the benchmark may exit right after the last relay stops, with no time to flush. */
  private file: number | undefined;
  private partial = '';

  constructor(
    readonly path: string,
    output: Readable,
  ) {
    mkdirSync(dirname(path), { recursive: true });
    this.file = openSync(path, 'w');
    // The trace is ASCII: a chunk never splits a character.
    output.on('data', (chunk: Buffer) => this.take(chunk.toString('latin1')));
    output.on('end', () => {
      if (this.partial !== '') this.take('\n');
      if (this.file !== undefined) closeSync(this.file);
      this.file = undefined;
    });
  }

  get current(): GcTotals {
    return this.totals;
  }

  /** Writes a `# text` line between the trace's lines: where a measurement started or ended. */
  note(text: string): void {
    this.write(`# ${text}\n`);
  }

  private write(text: string): void {
    if (this.file !== undefined) writeSync(this.file, text);
  }

  private take(text: string): void {
    this.write(text);
    const lines = (this.partial + text).split('\n');
    this.partial = lines.pop()!;
    for (const line of lines) {
      const event = parseGcLine(line);
      if (!event) continue;
      this.totals = {
        scavenges: this.totals.scavenges + (event.young ? 1 : 0),
        markCompacts: this.totals.markCompacts + (event.young ? 0 : 1),
        pauseMs: this.totals.pauseMs + event.pauseMs,
        incrementalMs: this.totals.incrementalMs + event.incrementalMs,
      };
    }
  }
}
