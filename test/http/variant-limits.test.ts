import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import { readFixture } from '../support/fixtures.js';
import { GatedTransformer } from '../support/gated-transformer.js';
import { MjpegReader } from '../support/mjpeg-reader.js';
import { startRelay, type RunningRelay } from '../support/relay-harness.js';
import { waitFor } from '../support/wait-for.js';

interface Answer {
  status: number;
  retryAfter: string | null;
  error?: string;
}

/** Publishes a 150 × 103 PNG; its WebP and AVIF variants are real encodes (another format). */
async function publishPng(relay: RunningRelay, channel: string): Promise<string> {
  const response = await fetch(`${relay.url}/channels/${channel}/images`, {
    method: 'POST',
    headers: { 'content-type': 'image/png' },
    body: readFixture('video-001.png'),
  });
  assert.equal(response.status, 201);
  return ((await response.json()) as { url: string }).url;
}

/** Asks for a variant as the client at `ip` (the relay trusts X-Forwarded-For); the answer lands in `answers`. */
function ask(relay: RunningRelay, path: string, ip: string, answers: Answer[]): Promise<Answer> {
  return fetch(relay.url + path, { headers: { 'x-forwarded-for': ip } }).then(async (response) => {
    const body = Buffer.from(await response.arrayBuffer());
    const answer: Answer = { status: response.status, retryAfter: response.headers.get('retry-after') };
    if (response.status !== 200) answer.error = (JSON.parse(body.toString('utf8')) as { error: string }).error;
    answers.push(answer);
    return answer;
  });
}

describe('variant encode limits', () => {
  it('bounds the cache misses one client may have waiting (429 too_many_variants); hits and joins are free', async () => {
    const transformer = new GatedTransformer();
    const relay = await startRelay({ trustProxy: true, variants: { cacheBytes: 64 * 1024 * 1024, concurrency: 1 } }, { transformer });
    try {
      const url = await publishPng(relay, 'var-client');
      const cached = `${url}?w=160&format=jpeg`;
      assert.equal((await ask(relay, cached, '10.0.0.1', [])).status, 200);

      transformer.hold();
      const answers: Answer[] = [];
      const misses = Array.from({ length: 10 }, (_, index) => ask(relay, `${url}?w=160&format=webp&q=${30 + index}`, '10.0.0.1', answers));
      await waitFor(() => answers.length === 2, 'the two requests past the bound to be refused');
      for (const refused of answers) assert.deepEqual(refused, { status: 429, retryAfter: '1', error: 'too_many_variants' });

      assert.equal((await ask(relay, cached, '10.0.0.1', [])).status, 200, 'a cached variant costs nothing');
      const joined = ask(relay, `${url}?w=160&format=webp&q=30`, '10.0.0.1', []);
      const otherClient = ask(relay, `${url}?w=160&format=avif`, '10.0.0.2', []);
      transformer.release();
      assert.deepEqual((await Promise.all(misses)).map((answer) => answer.status).sort(), [200, 200, 200, 200, 200, 200, 200, 200, 429, 429]);
      assert.equal((await joined).status, 200, 'joining an encode under way costs nothing');
      assert.equal((await otherClient).status, 200, 'another client is not held back');
      assert.equal((await ask(relay, `${url}?w=160&format=webp&q=90`, '10.0.0.1', [])).status, 200, 'room again once encoded');
    } finally {
      transformer.release();
      await relay.close();
    }
  });

  it('answers 503 variants_busy once the queue is full, and an MJPEG frame refused then is sent when room frees', async () => {
    const transformer = new GatedTransformer();
    const relay = await startRelay({ trustProxy: true, variants: { cacheBytes: 64 * 1024 * 1024, concurrency: 1 } }, { transformer });
    let reader: MjpegReader | undefined;
    try {
      const url = await publishPng(relay, 'mj-busy');
      transformer.hold();
      // Nine clients of eight misses each: one encode running and 64 waiting fill the queue; 7 are refused.
      const answers: Answer[] = [];
      const fill = Array.from({ length: 72 }, (_, index) => {
        const format = ['webp', 'avif', 'jpeg'][index % 3];
        return ask(relay, `${url}?w=${[160, 320, 640][index % 3]}&format=${format}&q=${30 + Math.floor(index / 3)}`, `10.0.1.${index % 9}`, answers);
      });
      await waitFor(() => answers.length === 7, 'the requests past the full queue to be refused');
      for (const refused of answers) assert.deepEqual(refused, { status: 503, retryAfter: '1', error: 'variants_busy' });

      reader = await MjpegReader.open(`${relay.url}/channels/mj-busy/mjpeg`);
      await waitFor(() => relay.relay.variants.stats.busyRefusals === 8, 'the MJPEG conversion to be refused as busy');
      transformer.release();
      await waitFor(() => reader!.frames.length >= 1, 'the MJPEG frame once the encoder has room');
      const metadata = await sharp(reader.frames[0]!).metadata();
      assert.deepEqual([metadata.format, metadata.width, metadata.height], ['jpeg', 150, 103]);
      assert.equal((await Promise.all(fill)).filter((answer) => answer.status === 200).length, 65);
    } finally {
      reader?.close();
      transformer.release();
      await relay.close();
    }
  });
});
