import assert from 'node:assert/strict';
import net from 'node:net';
import { describe, it } from 'node:test';
import { solidPng } from '../support/png.js';
import { publishDataUrl, startRelay, toDataUrl } from '../support/relay-harness.js';
import { waitFor } from '../support/wait-for.js';

/** A viewer on a bare socket, keeping every byte of the response as it came. */
async function rawViewer(port: number, path: string, httpVersion: '1.0' | '1.1'): Promise<{ socket: net.Socket; received: () => Buffer }> {
  const socket = net.connect(port, '127.0.0.1');
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  socket.write(`GET ${path} HTTP/${httpVersion}\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n`);
  return { socket, received: () => Buffer.concat(chunks) };
}

/** The body of a chunked response as its chunks, as far as they have arrived whole. */
function chunksOf(response: Buffer): Buffer[] {
  let at = response.indexOf('\r\n\r\n') + 4;
  const chunks: Buffer[] = [];
  for (;;) {
    const lineEnd = response.indexOf('\r\n', at);
    if (lineEnd === -1) return chunks;
    const size = Number.parseInt(response.subarray(at, lineEnd).toString('latin1'), 16);
    const start = lineEnd + 2;
    if (response.length < start + size + 2) return chunks;
    assert.equal(response.subarray(start + size, start + size + 2).toString('latin1'), '\r\n', 'a chunk ends with CRLF');
    chunks.push(response.subarray(start, start + size));
    at = start + size + 2;
  }
}

describe('event stream framing on the wire', () => {
  it('sends each event as one HTTP/1.1 chunk, however many pieces its data: URL arrived in', async () => {
    const relay = await startRelay();
    const port = Number(new URL(relay.url).port);
    const viewer = await rawViewer(port, '/sse-image?channel=wire', '1.1');
    try {
      await waitFor(() => relay.relay.hub.viewerCount('wire') === 1, 'the viewer');
      // 600 kB of JSON reaches the relay in many socket reads, each kept as a piece of the event's data.
      const image = toDataUrl(solidPng(8, 8, [9, 8, 7], { padToBytes: 450_000 }));
      const { status, body } = await publishDataUrl(relay.url, image, 'wire');
      assert.equal(status, 200);
      const event = `id: ${body.id as string}\ndata: ${image}\n\n`;
      await waitFor(() => chunksOf(viewer.received()).some((chunk) => chunk.length === event.length), 'the event');
      const head = viewer.received().subarray(0, viewer.received().indexOf('\r\n\r\n')).toString('latin1');
      assert.match(head, /^transfer-encoding: chunked$/im);
      const chunks = chunksOf(viewer.received()).map((chunk) => chunk.toString('latin1'));
      assert.deepEqual(chunks, ['retry: 2000\n\n', event], 'the retry hint, then the event in one chunk');
    } finally {
      viewer.socket.destroy();
      await relay.close();
    }
  });

  it('sends an HTTP/1.0 viewer the events unframed, its body ending with the connection', async () => {
    const relay = await startRelay();
    const port = Number(new URL(relay.url).port);
    const viewer = await rawViewer(port, '/sse-image?channel=old', '1.0');
    try {
      await waitFor(() => relay.relay.hub.viewerCount('old') === 1, 'the viewer');
      const image = toDataUrl(solidPng(8, 8, [1, 2, 3], { padToBytes: 200_000 }));
      const { body } = await publishDataUrl(relay.url, image, 'old');
      const event = `id: ${body.id as string}\ndata: ${image}\n\n`;
      const bodyOf = (): string => {
        const response = viewer.received();
        return response.subarray(response.indexOf('\r\n\r\n') + 4).toString('latin1');
      };
      await waitFor(() => bodyOf().length >= 'retry: 2000\n\n'.length + event.length, 'the event');
      assert.doesNotMatch(viewer.received().toString('latin1'), /transfer-encoding/i);
      assert.equal(bodyOf(), `retry: 2000\n\n${event}`);
    } finally {
      viewer.socket.destroy();
      await relay.close();
    }
  });
});
