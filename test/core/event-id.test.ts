import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareEventIds, EventIdClock, parseEventId } from '../../src/core/event-id.js';

describe('event ids', () => {
  it('increase strictly when the clock stands still or steps back', () => {
    const times = [1000, 1000, 999, 1001, 1001];
    const clock = new EventIdClock(() => times.shift()!);
    const ids = [clock.next(), clock.next(), clock.next(), clock.next(), clock.next()];
    assert.deepEqual(ids, ['1000-0', '1000-1', '1000-2', '1001-0', '1001-1']);
    for (let i = 1; i < ids.length; i++) assert.ok(compareEventIds(ids[i - 1]!, ids[i]!) < 0);
  });

  it('compare numerically, not as text', () => {
    assert.ok(compareEventIds('999-0', '1000-0') < 0);
    assert.ok(compareEventIds('1000-10', '1000-9') > 0);
    assert.equal(compareEventIds('5-5', '5-5'), 0);
  });

  it('parse only what the relay issues', () => {
    assert.deepEqual(parseEventId('1700000000000-3'), { ms: 1700000000000, seq: 3 });
    for (const bad of ['', '12', '1-2-3', 'a-1', '1-', ' 1-2', '1-2\n', '9999999999999999-0']) {
      assert.equal(parseEventId(bad), undefined, bad);
    }
  });

  it('move past an id restored from elsewhere', () => {
    const clock = new EventIdClock(() => 10);
    clock.advancePast('20-4');
    assert.equal(clock.next(), '20-5');
  });
});
