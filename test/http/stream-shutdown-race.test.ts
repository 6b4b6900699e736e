import assert from 'node:assert/strict';
import http from 'node:http';
import { describe, it } from 'node:test';
import { startRelay } from '../support/relay-harness.js';

/** One GET on its own connection; resolves with the status and the body once the response ends. */
function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    request.on('error', reject);
    // A hang guard only: a stream left open by a refused subscription would never end.
    request.setTimeout(10_000, () => request.destroy(new Error(`${url} did not end`)));
  });
}

describe('a stream asked for as the relay starts to stop', () => {
  for (const path of ['/channels/race/events', '/channels/race/mjpeg', '/sse-image?channel=race']) {
    it(`${path}: answers 503 shutting_down before taking a slot or the reply, and the relay closes`, async () => {
      const server = await startRelay();
      // Node emits "request" to Fastify first, then to this listener, in the same tick: the relay starts to close
      // while the request is still in its (asynchronous) onRequest hooks, past Fastify's own closing check, as
      // when SIGTERM arrives at that moment.
      let closed: Promise<void> | undefined;
      server.relay.http.server.once('request', () => {
        closed = server.relay.close();
      });
      const answer = await get(server.url + path);
      assert.equal(answer.status, 503);
      assert.equal((JSON.parse(answer.body) as { error: string }).error, 'shutting_down');
      await closed;
    });
  }
});
