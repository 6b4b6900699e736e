import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  heapGrowingPercentFor,
  MAX_HEAP_GROWING_PERCENT,
  MIN_HEAP_GROWING_PERCENT,
  OLD_GENERATION_ROOM_BYTES,
  tuneHeapForRelaying,
} from '../../src/cli/heap-tuning.js';
import { waitFor } from '../support/wait-for.js';

const MB = 1024 * 1024;

/** A full collection, on demand, in a process started without --expose-gc. */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

describe('the heap growth of a serving relay', () => {
  it('leaves the old generation its room over the live heap, within bounds', () => {
    assert.equal(heapGrowingPercentFor(3 * MB), MAX_HEAP_GROWING_PERCENT, 'a small live heap: as far as it may grow');
    // 32 MiB of room over 11 MiB is 291%, rounded up to the step.
    assert.equal(heapGrowingPercentFor(11 * MB), 300);
    assert.ok(11 * MB * (300 / 100) >= OLD_GENERATION_ROOM_BYTES);
    // 10,000 idle streams: a live heap of some 61 MB gets the same 32 MiB of room (53%, rounded up), not 120 MB.
    assert.equal(heapGrowingPercentFor(61 * MB), 60);
    assert.ok(61 * MB * (60 / 100) < 40 * MB);
    assert.equal(heapGrowingPercentFor(400 * MB), MIN_HEAP_GROWING_PERCENT, 'a very large live heap: a fifth of it');
    assert.equal(heapGrowingPercentFor(0), MAX_HEAP_GROWING_PERCENT);
  });

  it('follows the live heap after each full collection', async () => {
    const tuned: number[] = [];
    const stop = tuneHeapForRelaying([], (percent) => tuned.push(percent));
    let held: number[][] | undefined;
    try {
      assert.equal(tuned.length, 1, 'set at once');
      // 80 MB that survive a collection: 32 MiB of room is well under half of it.
      held = Array.from({ length: 80 }, () => new Array<number>(MB / 8).fill(1.5));
      collectGarbage();
      await waitFor(() => tuned.at(-1)! <= 50, 'the percent for a large live heap');
      held = undefined;
      collectGarbage();
      await waitFor(() => tuned.at(-1)! > 100, 'the percent once the heap is small again');
    } finally {
      stop();
      assert.equal(held, undefined);
    }
  });

  it('leaves alone a process started with its own --heap-growing-percent', () => {
    const tuned: number[] = [];
    tuneHeapForRelaying(['--heap-growing-percent=50'], (percent) => tuned.push(percent))();
    tuneHeapForRelaying(['--heap_growing_percent=50'], (percent) => tuned.push(percent))();
    assert.deepEqual(tuned, []);
  });
});
