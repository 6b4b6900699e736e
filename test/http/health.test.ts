import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startRelay } from '../support/relay-harness.js';

describe('health probes', () => {
  it('answers /healthz and /readyz with JSON, without a token even when tokens are required', async () => {
    const running = await startRelay({ access: { tokens: 'a-secret-of-16-chars=publish+subscribe@*', jwt: undefined } });
    try {
      const health = await fetch(`${running.url}/healthz`);
      assert.equal(health.status, 200);
      assert.match(health.headers.get('content-type') ?? '', /application\/json/);
      assert.deepEqual(await health.json(), { status: 'ok' });
      const ready = await fetch(`${running.url}/readyz`);
      assert.equal(ready.status, 200);
      assert.deepEqual(await ready.json(), { status: 'ready' });
      assert.equal((await fetch(`${running.url}/channels`)).status, 401, 'the rest still needs a token');
    } finally {
      await running.close();
    }
  });
});
