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
    for (const bad of ['', '12', '1-2-3', 'a-1', '1-', '-1', ' 1-2', '1-2\n', '9999999999999999-0', '1-9999999999999999', '1--2', '1-+2']) {
      assert.equal(parseEventId(bad), undefined, bad);
      assert.throws(() => compareEventIds(bad, '1-0'), TypeError, bad);
      assert.throws(() => compareEventIds('1-0', bad), TypeError, bad);
    }
    assert.deepEqual(parseEventId('999999999999999-999999999999999'), { ms: 999999999999999, seq: 999999999999999 });
  });

  it('parse as a regular expression of their shape would, whatever the text', () => {
    const shape = /^(\d{1,15})-(\d{1,15})$/;
    const characters = ['0', '1', '9', '-', 'a', ' ', '/', ':'];
    let checked = 0;
    for (let seed = 1; checked < 20_000; checked++) {
      let text = '';
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      const length = seed % 20;
      for (let index = 0; index < length; index++) {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        text += characters[seed % characters.length];
      }
      const match = shape.exec(text);
      assert.deepEqual(parseEventId(text), match ? { ms: Number(match[1]), seq: Number(match[2]) } : undefined, text);
    }
  });

  it('move past an id restored from elsewhere', () => {
    const clock = new EventIdClock(() => 10);
    clock.advancePast('20-4');
    assert.equal(clock.next(), '20-5');
  });
});
