import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RelayError } from '../../src/core/errors.js';
import { EncodeLimiter } from '../../src/imaging/encode-limiter.js';

describe('the encode limiter', () => {
  it('runs at most `concurrency` jobs, queues up to `maxWaiting`, and refuses the rest with variants_busy', async () => {
    const limiter = new EncodeLimiter(1, 2);
    let running = 0;
    let mostAtOnce = 0;
    const releases: (() => void)[] = [];
    const job = () => async (): Promise<string> => {
      running += 1;
      mostAtOnce = Math.max(mostAtOnce, running);
      await new Promise<void>((resolve) => releases.push(resolve));
      running -= 1;
      return 'done';
    };
    const accepted = [limiter.run(job()), limiter.run(job()), limiter.run(job())];
    await assert.rejects(limiter.run(job()), (error: unknown) => error instanceof RelayError && error.code === 'variants_busy');
    // Release the jobs one by one as each starts: the next starts only after the one before it has ended.
    for (let released = 0; released < 3; released += 1) {
      while (releases.length === 0) await new Promise((resolve) => setImmediate(resolve));
      releases.shift()!();
    }
    assert.deepEqual(await Promise.all(accepted), ['done', 'done', 'done']);
    assert.equal(mostAtOnce, 1);
  });

  it('tells a listener refused with a full queue, once, when a job ends and frees its place', async () => {
    const limiter = new EncodeLimiter(1, 1);
    const releases: (() => void)[] = [];
    const job = async (): Promise<void> => new Promise<void>((resolve) => releases.push(resolve));
    const taken = [limiter.run(job), limiter.run(job)];
    await assert.rejects(limiter.run(job), (error: unknown) => error instanceof RelayError && error.code === 'variants_busy');
    let told = 0;
    limiter.whenRoom(() => {
      told += 1;
      taken.push(limiter.run(job)); // the place that freed, taken before anything else can ask
    });
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(told, 0, 'no room yet');
    while (releases.length === 0) await new Promise((resolve) => setImmediate(resolve));
    releases.shift()!(); // the running job ends; the waiting one starts
    while (told === 0) await new Promise((resolve) => setImmediate(resolve));
    await assert.rejects(limiter.run(job), (error: unknown) => error instanceof RelayError && error.code === 'variants_busy', 'the listener took the place');
    for (let released = 0; released < 2; released += 1) {
      while (releases.length === 0) await new Promise((resolve) => setImmediate(resolve));
      releases.shift()!();
    }
    await Promise.all(taken);
    assert.equal(told, 1);
  });
});
