import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { solidPng } from '../support/png.js';
import { publishDataUrl, toDataUrl } from '../support/relay-harness.js';
import { spawnRelay } from '../support/relay-process.js';
import { SseReader } from '../support/sse-reader.js';

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  describe(`on ${signal}`, () => {
    it('ends open streams cleanly, stops accepting and exits 0', async () => {
      const relay = await spawnRelay();
      const viewer = await SseReader.open(`${relay.url}/sse-image`);
      await publishDataUrl(relay.url, toDataUrl(solidPng(1, 1, [0, 0, 0])));
      await viewer.waitForEvents(1);

      relay.child.kill(signal);
      await viewer.waitForEnd();
      assert.equal(await relay.exited, 0);
      assert.ok(relay.logLines.some((line) => line.msg === 'stopped'));
      await assert.rejects(fetch(`${relay.url}/`), 'the relay no longer accepts connections');
    });
  });
}
