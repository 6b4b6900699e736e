import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AuthFailureThrottle, failureKeyOf } from '../../../src/core/limits/auth-failures.js';

function manualClock(): { now: () => number; advance: (ms: number) => void } {
  let time = 1_000;
  return { now: () => time, advance: (ms) => (time += ms) };
}

describe('AuthFailureThrottle', () => {
  it('lets an address fail a burst, then refuses it until its bucket refills, without counting the refusals', () => {
    const clock = manualClock();
    const throttle = new AuthFailureThrottle({ perSecond: 2, burst: 3 }, { now: clock.now });
    for (let i = 0; i < 3; i++) {
      assert.equal(throttle.refusal('192.0.2.1'), undefined);
      throttle.recordFailure('192.0.2.1');
    }
    const refused = throttle.refusal('192.0.2.1');
    assert.equal(refused?.code, 'rate_limited');
    assert.equal(refused?.status, 429);
    assert.equal(refused?.retryAfterSeconds, 1);
    assert.match(refused!.message, /missing or invalid token from this address: at most 2 a second, in bursts of up to 3/);
    assert.equal(throttle.refusal('192.0.2.2'), undefined, 'another address');
    // Asking again and again is not failing again: half a second later one try is back.
    for (let i = 0; i < 100; i++) throttle.refusal('192.0.2.1');
    clock.advance(500);
    assert.equal(throttle.refusal('192.0.2.1'), undefined);
  });

  it('counts an IPv6 address by its /64, and an IPv4-mapped one as the IPv4 address', () => {
    assert.equal(failureKeyOf('2001:db8:1:2:3:4:5:6'), '2001:db8:1:2::/64');
    assert.equal(failureKeyOf('2001:db8:1:2::ffff'), '2001:db8:1:2::/64');
    assert.equal(failureKeyOf('2001:DB8:0001::1'), '2001:db8:1:0::/64');
    assert.equal(failureKeyOf('::1'), '0:0:0:0::/64');
    assert.equal(failureKeyOf('fe80::1%eth0'), 'fe80:0:0:0::/64');
    assert.equal(failureKeyOf('::ffff:192.0.2.7'), '192.0.2.7');
    assert.equal(failureKeyOf('192.0.2.7'), '192.0.2.7');
    const throttle = new AuthFailureThrottle({ perSecond: 1, burst: 1 }, { now: () => 0 });
    throttle.recordFailure('2001:db8:1:2::1');
    assert.ok(throttle.refusal('2001:db8:1:2::2'), 'the next address of the same /64 starts with the debt');
    assert.equal(throttle.refusal('2001:db8:1:3::1'), undefined);
  });

  it('holds memory to its bound under a flood of addresses, keeping the one being held back', () => {
    const clock = manualClock();
    const throttle = new AuthFailureThrottle({ perSecond: 2, burst: 2 }, { now: clock.now, maxKeys: 100 });
    throttle.recordFailure('192.0.2.1');
    throttle.recordFailure('192.0.2.1');
    for (let i = 0; i < 10_000; i++) {
      throttle.recordFailure(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
      clock.advance(0.01);
    }
    assert.ok(throttle.trackedAddresses <= 100, String(throttle.trackedAddresses));
    assert.ok(throttle.refusal('192.0.2.1'), 'the guesser is still held back');
  });
});
