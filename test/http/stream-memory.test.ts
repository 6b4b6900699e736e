import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, it } from 'node:test';
import pino, { type Logger } from 'pino';
import { createRelay } from '../../src/relay.js';
import { collectGarbage } from '../support/gc.js';
import { solidPng } from '../support/png.js';
import { testConfig, toDataUrl, publishDataUrl } from '../support/relay-harness.js';
import { MjpegReader } from '../support/mjpeg-reader.js';
import { SseReader } from '../support/sse-reader.js';
import { waitFor } from '../support/wait-for.js';

const STREAMS = 12;

/**
 * A logger whose per-request children (Fastify makes one for every request, kept by its Request and Reply) are
 * watched through WeakRefs: a child that is still alive means its request's Fastify objects are too.
 */
function watchedLogger(): { logger: Logger; liveChildren: () => number; connected: () => number } {
  let connected = 0;
  const lines = new Writable({
    write(chunk: Buffer, _encoding, done) {
      connected += chunk.toString('utf8').split('"viewer connected"').length - 1;
      done();
    },
  });
  const logger = pino({ level: 'info' }, lines);
  const children: WeakRef<object>[] = [];
  const child = logger.child.bind(logger);
  logger.child = ((...args: Parameters<Logger['child']>) => {
    const made = child(...args);
    children.push(new WeakRef(made));
    return made;
  }) as Logger['child'];
  return { logger, liveChildren: () => children.filter((ref) => ref.deref() !== undefined).length, connected: () => connected };
}

/** After a full collection, and a turn for WeakRefs to be cleared. */
async function liveAfterCollection(count: () => number): Promise<number> {
  collectGarbage();
  await nextTurn();
  collectGarbage();
  await nextTurn();
  return count();
}

describe('what an open stream keeps', () => {
  it("lets Fastify's request, reply and child logger go while event and MJPEG streams stay open and deliver", async () => {
    const { logger, liveChildren, connected } = watchedLogger();
    const relay = await createRelay(testConfig(), { logger });
    const url = await relay.listen();
    const readers: SseReader[] = [];
    const mjpegReaders: MjpegReader[] = [];
    try {
      for (let i = 0; i < STREAMS; i++) {
        readers.push(await SseReader.open(`${url}/sse-image?channel=kept`));
        readers.push(await SseReader.open(`${url}/channels/kept/events`, { headers: { 'user-agent': 'x'.repeat(200) } }));
        mjpegReaders.push(await MjpegReader.open(`${url}/channels/kept/mjpeg`));
      }
      await waitFor(() => connected() === 3 * STREAMS && relay.hub.streamCount === 2 * STREAMS, 'every stream to be subscribed');
      // Fastify's own objects of the requests above, and of any request since, are garbage by now; a few may be
      // the last requests' still on their way out.
      const live = await liveAfterCollection(liveChildren);
      assert.ok(live <= 2, `${live} child loggers of ${3 * STREAMS} streams' requests are still alive`);

      const image = solidPng(3, 3, [1, 2, 3]);
      assert.equal((await publishDataUrl(url, toDataUrl(image), 'kept')).status, 200);
      for (const reader of readers) await reader.waitForEvents(1);
      assert.match(readers[0]!.events[0]!.data, /^data:image\/png;base64,/);
    } finally {
      for (const reader of readers) reader.close();
      for (const reader of mjpegReaders) reader.close();
      await relay.close();
    }
  });
});
