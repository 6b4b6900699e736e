import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RelayError } from '../../../src/core/errors.js';
import { StreamSlots } from '../../../src/core/limits/stream-slots.js';

const refusal = (claim: () => void): string => {
  try {
    claim();
  } catch (error) {
    assert.ok(error instanceof RelayError);
    assert.equal(error.code, 'too_many_streams');
    return error.message;
  }
  assert.fail('the claim was taken');
};

describe('StreamSlots', () => {
  it('holds each client and each address to its limit, saying which it met', () => {
    const slots = new StreamSlots({ perClient: 2, perAddress: 3 });
    slots.claim('token:a@ip:1', 'ip:1');
    slots.claim('token:a@ip:1', 'ip:1');
    assert.match(refusal(() => slots.claim('token:a@ip:1', 'ip:1')), /This client has 2 streams open/);
    slots.claim('token:b@ip:1', 'ip:1');
    assert.match(refusal(() => slots.claim('token:c@ip:1', 'ip:1')), /This address has 3 streams open over all its tokens/);
    slots.claim('token:a@ip:2', 'ip:2');
  });

  it('gives a slot back when its stream ends, and a refused claim takes none', () => {
    const slots = new StreamSlots({ perClient: 1, perAddress: 1 });
    slots.claim('a', 'ip:1');
    refusal(() => slots.claim('b', 'ip:1'));
    slots.release('a', 'ip:1');
    slots.claim('b', 'ip:1');
  });

  it('counts a client without an address (no access control: the client is the address) once', () => {
    const slots = new StreamSlots({ perClient: 2, perAddress: 1 });
    slots.claim('ip:1', undefined);
    slots.claim('ip:1', undefined);
    refusal(() => slots.claim('ip:1', undefined));
  });
});
