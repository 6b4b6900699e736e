import type { CommandIo } from './command.js';

/**
 * Reports progress as a person or a pipe wants it: an updating bar on a terminal (stderr, so stdout stays
 * clean), one line per item when stdout is piped.
 */
export class Progress {
  private done = 0;
  private readonly interactive: boolean;

  constructor(
    private readonly io: CommandIo,
    private readonly total: number,
  ) {
    this.interactive = Boolean(io.stderr.isTTY) && Boolean(io.stdout.isTTY);
  }

  /** One item finished: `line` is what a pipe gets for it. */
  step(line: string): void {
    this.done += 1;
    if (!this.interactive) {
      this.io.stdout.write(`${line}\n`);
      return;
    }
    const width = Math.max(10, Math.min(40, (this.io.stderr.columns ?? 80) - 30));
    const filled = this.total > 0 ? Math.round((this.done / this.total) * width) : width;
    const bar = '#'.repeat(filled) + '-'.repeat(width - filled);
    this.io.stderr.write(`\r[${bar}] ${this.done}/${this.total || '?'} `);
  }

  finish(summary: string): void {
    if (this.interactive) this.io.stderr.write('\n');
    this.io.stderr.write(`${summary}\n`);
  }
}
