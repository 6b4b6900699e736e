import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OPTION_GROUPS } from '../../src/config/option-groups.js';
import { OPTION_SPECS } from '../../src/config/options.js';

describe('OPTION_GROUPS', () => {
  it('puts every option in exactly one group, so --help shows each under its purpose', () => {
    const grouped = OPTION_GROUPS.flatMap((group) => group.options);
    assert.deepEqual([...grouped].sort(), Object.keys(OPTION_SPECS).sort(), 'each option once, and no name that is not an option');
    assert.equal(new Set(grouped).size, grouped.length);
  });
});
