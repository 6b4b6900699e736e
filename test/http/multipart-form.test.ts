import assert from 'node:assert/strict';
import http from 'node:http';
import { createRequire } from 'node:module';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { solidPng } from '../support/png.js';
import { startRelay, type RunningRelay } from '../support/relay-harness.js';
import { SseReader } from '../support/sse-reader.js';

/** Whether a package's file has been loaded into this process (node --test runs each file in a process of its own). */
function loaded(packageFile: string): boolean {
  return Object.keys(createRequire(import.meta.url).cache).some((file) => file.includes(`/node_modules/${packageFile}`));
}

const BOUNDARY = 'form-boundary-7MA4YWxkTrZu0gW';
const CONTENT_TYPE = `multipart/form-data; boundary=${BOUNDARY}`;

/** A part's head: its delimiter and headers. */
function partHead(name: string, options: { filename?: string; type?: string } = {}): Buffer {
  const disposition = `form-data; name="${name}"${options.filename === undefined ? '' : `; filename="${options.filename}"`}`;
  const type = options.type === undefined ? '' : `Content-Type: ${options.type}\r\n`;
  return Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: ${disposition}\r\n${type}\r\n`);
}

/** A whole form of `parts`, each a field value (string) or a file (Buffer). */
function form(parts: ReadonlyArray<readonly [string, string | Buffer, string?]>): Buffer {
  const pieces: Buffer[] = [];
  for (const [name, value, type] of parts) {
    const file = Buffer.isBuffer(value);
    pieces.push(partHead(name, { ...(file ? { filename: `${name}.bin` } : {}), ...(type === undefined ? {} : { type }) }));
    pieces.push(Buffer.isBuffer(value) ? value : Buffer.from(value), Buffer.from('\r\n'));
  }
  pieces.push(Buffer.from(`--${BOUNDARY}--\r\n`));
  return Buffer.concat(pieces);
}

interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/** Sends `body` in pieces of `pieceBytes`, each written on its own, and reads the JSON answer. */
function postInPieces(url: string, body: Buffer, pieceBytes: number): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: 'POST', headers: { 'content-type': CONTENT_TYPE, 'transfer-encoding': 'chunked' } });
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown> }));
    });
    request.on('error', reject);
    let offset = 0;
    const next = (): void => {
      if (offset >= body.length) return void request.end();
      const piece = body.subarray(offset, offset + pieceBytes);
      offset += pieceBytes;
      request.write(piece, () => setImmediate(next));
    };
    next();
  });
}

describe('multipart forms, read as they stream in', () => {
  let relay: RunningRelay;
  const maxImageBytes = 64 * 1024;
  before(async () => {
    relay = await startRelay({ maxImageBytes });
  });
  after(async () => {
    await relay.close();
  });

  it('do not load the form parser until a form arrives', async () => {
    const json = await fetch(`${relay.url}/channels/lazy-form/images`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"imageSrc": "data:image/gif;base64,R0lGODlhAQABAAAAACw="}',
    });
    assert.equal(json.status, 201);
    const raw = await fetch(`${relay.url}/channels/lazy-form/images`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: solidPng(2, 2, [1, 2, 3]) });
    assert.equal(raw.status, 201);
    assert.equal(loaded('@fastify/busboy/'), false, 'busboy loaded before any form');
    const answer = await postInPieces(`${relay.url}/channels/lazy-form/images`, form([['image', solidPng(2, 2, [4, 5, 6])]]), 1 << 16);
    assert.equal(answer.status, 201);
    assert.equal(loaded('@fastify/busboy/'), true);
  });

  it('take a form sent a few bytes at a time, splitting every boundary and header, with the same bytes', async () => {
    const viewer = await SseReader.open(`${relay.url}/channels/pieces/events`);
    try {
      const first = solidPng(5, 3, [9, 8, 7]);
      const second = solidPng(3, 5, [1, 1, 1]);
      const body = form([['caption', 'dripped'], ['image', first], ['image', second]]);
      const answer = await postInPieces(`${relay.url}/channels/pieces/images`, body, 7);
      assert.equal(answer.status, 201, JSON.stringify(answer.body));
      const images = answer.body.images as Array<{ url: string; width: number; height: number; meta?: { caption?: string } }>;
      assert.deepEqual(images.map((image) => [image.width, image.height, image.meta?.caption]), [[5, 3, 'dripped'], [3, 5, 'dripped']]);
      assert.deepEqual(Buffer.from(await (await fetch(relay.url + images[0]!.url)).arrayBuffer()), first);
      assert.deepEqual(Buffer.from(await (await fetch(relay.url + images[1]!.url)).arrayBuffer()), second);
      await viewer.waitForEvents(2);
    } finally {
      viewer.close();
    }
  });

  it('take a meta field sent as application/json as the JSON text it is', async () => {
    const answer = await postInPieces(
      `${relay.url}/channels/json-meta/images`,
      form([['meta', '{"frame": 12, "camera": "north"}', 'application/json'], ['image', solidPng(1, 1, [0, 0, 0])]]),
      1 << 16,
    );
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    const [image] = answer.body.images as Array<{ meta?: Record<string, unknown> }>;
    assert.deepEqual(image!.meta, { frame: 12, camera: 'north' });
  });

  it('refuse a file over the limit with 413 while it still streams in, and nothing of it reaches a viewer', async () => {
    const viewer = await SseReader.open(`${relay.url}/channels/too-big-form/events`);
    try {
      const status = await new Promise<number>((resolve, reject) => {
        const request = http.request(`${relay.url}/channels/too-big-form/images`, {
          method: 'POST',
          headers: { 'content-type': CONTENT_TYPE, 'transfer-encoding': 'chunked' },
        });
        request.on('response', (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
          request.destroy();
        });
        request.on('error', () => undefined); // the relay may close the connection on the unread remainder
        request.write(partHead('image', { filename: 'big.png', type: 'image/png' }));
        request.write(solidPng(1, 1, [1, 1, 1]).subarray(0, 33)); // starts as a PNG would
        const chunk = Buffer.alloc(16 * 1024, 0x41);
        for (let i = 0; i < 8; i++) request.write(chunk); // twice the limit; the form never ends
        setTimeout(() => reject(new Error('no answer while the form was still streaming')), 10_000).unref();
      });
      assert.equal(status, 413);
      const good = await postInPieces(`${relay.url}/channels/too-big-form/images`, form([['image', solidPng(2, 1, [3, 3, 3])]]), 1 << 16);
      assert.equal(good.status, 201);
      const [event] = await viewer.waitForEvents(1);
      assert.equal(event!.id, (good.body.images as Array<{ id: string }>)[0]!.id, 'the first event is the good image');
    } finally {
      viewer.close();
    }
  });

  it('publish nothing of a form whose client goes away mid-file, and go on taking forms', async () => {
    const viewer = await SseReader.open(`${relay.url}/channels/cut-form/events`);
    try {
      const socket = net.connect(Number(new URL(relay.url).port), '127.0.0.1');
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      const png = solidPng(4, 4, [2, 2, 2]);
      const head = partHead('image', { filename: 'a.png', type: 'image/png' });
      socket.write(`POST /channels/cut-form/images HTTP/1.1\r\nHost: x\r\nContent-Type: ${CONTENT_TYPE}\r\nContent-Length: ${head.length + png.length + 200}\r\n\r\n`);
      socket.write(Buffer.concat([head, png.subarray(0, png.length - 5)]));
      await new Promise((resolve) => setTimeout(resolve, 100));
      socket.destroy();
      const good = await postInPieces(`${relay.url}/channels/cut-form/images`, form([['image', solidPng(1, 2, [3, 3, 3])]]), 1 << 16);
      assert.equal(good.status, 201);
      const [event] = await viewer.waitForEvents(1);
      assert.equal(event!.id, (good.body.images as Array<{ id: string }>)[0]!.id, 'the cut-off file was not published');
      const list = (await (await fetch(`${relay.url}/channels/cut-form/images`)).json()) as { images: unknown[] };
      assert.equal(list.images.length, 1);
    } finally {
      viewer.close();
    }
  });

  it('leave the connection usable after refusing a form in the middle of its body', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const send = (body: Buffer, contentType: string): Promise<Answer> =>
        new Promise((resolve, reject) => {
          const request = http.request(`${relay.url}/channels/kept-alive/images`, { method: 'POST', agent, headers: { 'content-type': contentType, 'content-length': String(body.length) } });
          request.on('response', (response) => {
            const chunks: Buffer[] = [];
            response.on('data', (chunk: Buffer) => chunks.push(chunk));
            response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown> }));
          });
          request.on('error', reject);
          request.end(body);
        });
      // Forty files, so the refusal (at the ninth) comes while most of the body is still to be read.
      const files = Array.from({ length: 40 }, (_, index): readonly [string, Buffer] => ['image', solidPng(8, 8, [index, 1, 1], { padToBytes: 32 * 1024 })]);
      const refused = await send(form(files), CONTENT_TYPE);
      assert.equal(refused.status, 413);
      assert.equal(refused.body.error, 'too_many_files');
      const next = await send(solidPng(2, 2, [7, 7, 7]), 'image/png');
      assert.equal(next.status, 201, 'the same connection takes the next publish');
    } finally {
      agent.destroy();
    }
  });

  it('refuse a form whose body ends inside a part with 400 invalid_multipart', async () => {
    const body = Buffer.concat([partHead('image', { filename: 'a.png' }), solidPng(1, 1, [1, 1, 1])]);
    const answer = await postInPieces(`${relay.url}/channels/ends-early/images`, body, 1 << 16);
    assert.equal(answer.status, 400);
    assert.equal(answer.body.error, 'invalid_multipart');
    assert.match(String(answer.body.message), /before its closing boundary/);
  });
});
