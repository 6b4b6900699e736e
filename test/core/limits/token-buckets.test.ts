import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PublishLimit } from '../../../src/core/limits/publish-limit.js';
import { TokenBuckets } from '../../../src/core/limits/token-buckets.js';

/** A clock the test moves by hand: no sleeping. */
function manualClock(): { now: () => number; advance: (ms: number) => void } {
  let time = 1_000;
  return { now: () => time, advance: (ms) => (time += ms) };
}

/** Takes `count` tokens at once; how many were granted. */
function takeMany(buckets: TokenBuckets, key: string, count: number): number {
  let granted = 0;
  for (let i = 0; i < count; i++) if (buckets.take(key) === 0) granted++;
  return granted;
}

describe('TokenBuckets', () => {
  it('peeks at the wait for a token without taking one, or tracking a key it has not seen', () => {
    const clock = manualClock();
    const buckets = new TokenBuckets({ perSecond: 10, burst: 1 }, { now: clock.now });
    assert.equal(buckets.peek('a'), 0);
    assert.equal(buckets.size, 0, 'looking costs no memory');
    buckets.take('a');
    assert.equal(buckets.peek('a'), 100);
    clock.advance(30);
    assert.equal(buckets.peek('a'), 70);
    assert.equal(buckets.peek('a'), 70, 'nothing taken');
    clock.advance(70);
    assert.equal(buckets.peek('a'), 0);
    assert.equal(buckets.take('a'), 0);
  });

  it('grants a full burst at once, then refuses with the wait until the next token', () => {
    const clock = manualClock();
    const buckets = new TokenBuckets({ perSecond: 10, burst: 5 }, { now: clock.now });
    assert.equal(takeMany(buckets, 'a', 5), 5);
    assert.equal(buckets.take('a'), 100, 'one token every 100 ms at 10 a second');
    clock.advance(40);
    assert.equal(buckets.take('a'), 60);
    clock.advance(60);
    assert.equal(buckets.take('a'), 0);
    assert.equal(buckets.take('a'), 100);
  });

  it('sustains its rate for ever, and no more', () => {
    const clock = manualClock();
    const buckets = new TokenBuckets({ perSecond: 120, burst: 240 }, { now: clock.now });
    // 60 a second for ten minutes: never refused.
    for (let frame = 0; frame < 60 * 600; frame++) {
      assert.equal(buckets.take('camera'), 0, `frame ${frame}`);
      clock.advance(1000 / 60);
    }
    // 200 a second: the burst and the rate carry it for a while, then a part is refused.
    const clock2 = manualClock();
    const fast = new TokenBuckets({ perSecond: 120, burst: 240 }, { now: clock2.now });
    let granted = 0;
    for (let i = 0; i < 200 * 10; i++) {
      if (fast.take('loop') === 0) granted++;
      clock2.advance(5);
    }
    // Ten seconds: at most the burst plus ten seconds of the rate.
    assert.ok(granted <= 240 + 120 * 10 + 1, `granted ${granted}`);
    assert.ok(granted >= 240 + 120 * 10 - 2, `granted ${granted}`);
  });

  it('refills no more than the burst, however long a key was idle', () => {
    const clock = manualClock();
    const buckets = new TokenBuckets({ perSecond: 100, burst: 3 }, { now: clock.now });
    buckets.take('a');
    clock.advance(3_600_000);
    assert.equal(takeMany(buckets, 'a', 10), 3);
  });

  it('keeps a bucket per key', () => {
    const clock = manualClock();
    const buckets = new TokenBuckets({ perSecond: 1, burst: 2 }, { now: clock.now });
    assert.equal(takeMany(buckets, 'a', 3), 2);
    assert.equal(takeMany(buckets, 'b', 3), 2);
    assert.ok(buckets.take('a') > 0);
  });

  it('takes fractional rates (N a minute)', () => {
    const clock = manualClock();
    const buckets = new TokenBuckets({ perSecond: 30 / 60, burst: 1 }, { now: clock.now });
    assert.equal(buckets.take('a'), 0);
    assert.equal(buckets.take('a'), 2000);
    clock.advance(2000);
    assert.equal(buckets.take('a'), 0);
  });

  it('tracks at most maxKeys however many keys come', () => {
    const clock = manualClock();
    const buckets = new TokenBuckets({ perSecond: 1, burst: 1 }, { now: clock.now, maxKeys: 3 });
    for (let i = 0; i < 10_000; i++) {
      buckets.take(`flood-${i}`);
      clock.advance(1);
    }
    assert.equal(buckets.size, 3);
    // Every bucket still refilling: one is forgotten all the same, the work bounded.
    assert.equal(buckets.take('one-more'), 0);
    assert.equal(buckets.size, 3);
  });

  it('forgets a key whose bucket has refilled before one that is still held back', () => {
    const clock = manualClock();
    const buckets = new TokenBuckets({ perSecond: 1, burst: 1 }, { now: clock.now, maxKeys: 3 });
    buckets.take('abuser');
    buckets.take('idle');
    clock.advance(500);
    assert.ok(buckets.take('abuser') > 0, 'held back, and its debt remembered');
    clock.advance(600); // 'idle' has refilled by now
    assert.equal(buckets.take('abuser'), 0, 'its token came back, and is spent again');
    buckets.take('third');
    // Full: the next new key pushes out the oldest full bucket ('idle'), not the oldest key ('abuser').
    buckets.take('newcomer');
    assert.ok(buckets.take('abuser') > 0, 'the abuser was not forgotten');
    assert.ok(buckets.take('third') > 0);
    assert.ok(buckets.take('newcomer') > 0);
    assert.equal(buckets.size, 3);
  });

  it('refills nothing when the clock goes backwards', () => {
    const clock = manualClock();
    const buckets = new TokenBuckets({ perSecond: 10, burst: 1 }, { now: clock.now });
    buckets.take('a');
    clock.advance(-50_000);
    assert.ok(buckets.take('a') > 0);
  });

  it('refuses a rate that could never grant', () => {
    assert.throws(() => new TokenBuckets({ perSecond: 0, burst: 5 }), RangeError);
    assert.throws(() => new TokenBuckets({ perSecond: 5, burst: 0.5 }), RangeError);
  });
});

describe('PublishLimit', () => {
  it('refuses with rate_limited, the limit in words and Retry-After rounded up', () => {
    const clock = manualClock();
    const limit = new PublishLimit({ perSecond: 120, burst: 2 }, 'client', { now: clock.now });
    assert.equal(limit.take('ip:1'), undefined);
    assert.equal(limit.take('ip:1'), undefined);
    const refusal = limit.take('ip:1');
    assert.equal(refusal?.code, 'rate_limited');
    assert.equal(refusal?.status, 429);
    assert.equal(refusal?.retryAfterSeconds, 1, '8 ms is rounded up to a whole second');
    assert.match(refusal!.message, /from this client: at most 120 a second, in bursts of up to 2\. Try again in 1 s\./);
  });

  it('says how long a slow rate makes the caller wait, per minute and per channel', () => {
    const clock = manualClock();
    const limit = new PublishLimit({ perSecond: 6 / 60, burst: 1 }, 'channel', { now: clock.now });
    assert.equal(limit.take('cam-1'), undefined);
    const refusal = limit.take('cam-1');
    assert.equal(refusal?.retryAfterSeconds, 10);
    assert.match(refusal!.message, /to channel "cam-1" .*at most 6 a minute, in bursts of up to 1\. Try again in 10 s\./);
  });
});
