import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EventSource } from 'eventsource';
import { compareEventIds } from '../../../src/core/event-id.js';
import { tempDataDir } from '../../support/data-dir.js';
import { solidPng } from '../../support/png.js';
import { freePort } from '../../support/ports.js';
import { spawnRelay, type RelayProcess } from '../../support/relay-process.js';
import { toDataUrl } from '../../support/relay-harness.js';
import { SseReader } from '../../support/sse-reader.js';
import { waitFor } from '../../support/wait-for.js';

async function publish(url: string, imageSrc: string): Promise<string | undefined> {
  try {
    const response = await fetch(`${url}/receive-image`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ imageSrc, channel: 'cam' }),
    });
    return response.status === 200 ? ((await response.json()) as { id: string }).id : undefined;
  } catch {
    return undefined; // the relay was killed with this publish in flight: not acknowledged
  }
}

describe('a relay killed with SIGKILL while a publisher sends, restarted on the same data dir', () => {
  it('serves every acknowledged image again, byte for byte, and the viewer resumes with Last-Event-ID', async () => {
    const data = await tempDataDir();
    const port = await freePort();
    const args = ['--data-dir', data.dir, '--port', String(port), '--retry-ms', '50', '--history-images', '1000'];
    let relay: RelayProcess | undefined = await spawnRelay(args);
    const url = relay.url;
    const received: { id: string; data: string }[] = [];
    const viewer = new EventSource(`${url}/sse-image?channel=cam`);
    viewer.onmessage = (event) => received.push({ id: event.lastEventId, data: event.data as string });
    let opened = 0;
    try {
      await new Promise<void>((resolve) => (viewer.onopen = () => (opened += 1, resolve())));
      const acknowledged = new Map<string, string>();
      let sequence = 0;
      let killed = false;
      // Three publishers at once, so that the kill lands with publishes in flight (written or not).
      const lane = async (): Promise<void> => {
        while (!killed) {
          const imageSrc = toDataUrl(solidPng(16, 16, [sequence % 256, 40, 80], { padToBytes: 20_000, tag: `image-${sequence++}` }));
          const id = await publish(url, imageSrc);
          if (id) acknowledged.set(id, imageSrc);
          if (acknowledged.size >= 60 && !killed) {
            killed = true;
            relay!.child.kill('SIGKILL');
          }
        }
      };
      await Promise.all([lane(), lane(), lane()]);
      assert.equal(await relay.exited, null, 'killed by the signal, not exited');
      await waitFor(() => received.length >= 5, 'the viewer to have seen images before the kill');
      const lastSeenBeforeKill = received.at(-1)!.id;

      relay = await spawnRelay(args);
      const restarted = relay;
      assert.ok(restarted.logLines.some((line) => line.msg === 'history restored from the data directory'));

      // Every acknowledged image is served again under its id, byte for byte.
      for (const [id, imageSrc] of acknowledged) {
        const response = await fetch(`${url}/channels/cam/images/${id}`);
        assert.equal(response.status, 200, `image ${id} was acknowledged but is gone`);
        const bytes = Buffer.from(await response.arrayBuffer());
        assert.ok(bytes.equals(Buffer.from(imageSrc.slice(imageSrc.indexOf(',') + 1), 'base64')), `image ${id} changed`);
      }

      // The EventSource reconnected by itself, sending the last id it saw, and carries on with nothing twice.
      await waitFor(() => opened >= 2, 'the EventSource to reconnect');
      await waitFor(
        () => restarted.logLines.some((line) => line.msg === 'viewer connected' && line.lastEventId === lastSeenBeforeKill),
        'the viewer to reconnect with Last-Event-ID',
      );
      const afterRestart = toDataUrl(solidPng(16, 16, [1, 2, 3], { tag: 'after the restart' }));
      const newId = await publish(url, afterRestart);
      assert.ok(newId && compareEventIds(newId, [...acknowledged.keys()].sort(compareEventIds).at(-1)!) > 0, 'ids keep increasing');
      await waitFor(() => received.some((event) => event.id === newId), 'the viewer to get an image published after the restart');
      const ids = [...acknowledged.keys()].sort(compareEventIds);
      const receivedIds = received.map((event) => event.id);
      assert.equal(new Set(receivedIds).size, receivedIds.length, 'nothing twice');
      assert.deepEqual([...receivedIds].sort(compareEventIds), receivedIds, 'in id order');
      for (const id of ids) assert.ok(receivedIds.includes(id), `the viewer never got acknowledged image ${id}`);
      for (const event of received) {
        const imageSrc = acknowledged.get(event.id);
        if (imageSrc) assert.equal(event.data, imageSrc, `event ${event.id} is not the data: URL published`);
      }

      // A fresh viewer that names an id gets everything after it from the restored history, in order.
      const replay = await SseReader.open(`${url}/sse-image?channel=cam`, { headers: { 'last-event-id': ids[9]! } });
      await replay.waitUntil(() => replay.events.some((event) => event.id === newId), 'the replay to reach the newest image');
      replay.close();
      const replayedIds = replay.events.map((event) => event.id!);
      assert.deepEqual(replayedIds.filter((id) => acknowledged.has(id)), ids.slice(10));
      for (const event of replay.events) {
        const imageSrc = acknowledged.get(event.id!);
        if (imageSrc) assert.equal(event.data, imageSrc);
      }
    } finally {
      viewer.close();
      relay?.child.kill('SIGTERM');
      await relay?.exited;
      await data.remove();
    }
  });
});
