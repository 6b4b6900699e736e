import type { Frame, FrameSink } from '../../src/core/delivery/frame-sink.js';

/**
 * A transport for core tests: records frames and lets the test decide when it is "full" and when it drains,
 * the way a socket's buffer would.
 */
export class RecordingSink implements FrameSink {
  readonly frames: Uint8Array[] = [];
  closedWith: 'end' | 'abort' | undefined;
  /** While true, every write reports a full buffer. */
  full = false;
  private drainWaiters: (() => void)[] = [];

  write(frame: Frame): boolean {
    this.frames.push(Array.isArray(frame) ? Buffer.concat(frame as readonly Uint8Array[]) : (frame as Uint8Array));
    return !this.full;
  }

  waitForDrain(onDrain: () => void): void {
    this.drainWaiters.push(onDrain);
  }

  close(mode: 'end' | 'abort'): void {
    this.closedWith = mode;
  }

  drain(): void {
    this.full = false;
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const wake of waiters) wake();
  }

  get texts(): string[] {
    return this.frames.map((frame) => Buffer.from(frame).toString('utf8'));
  }
}
