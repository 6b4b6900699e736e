import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JsonImageBodyScanner } from '../../../src/core/image/json-image-body.js';
import { RelayError } from '../../../src/core/errors.js';
import { referenceVerdict, splitAt, streamedVerdict } from '../../support/json-ingest.js';
import { solidPng } from '../../support/png.js';

const MAX = 1_000_000;
const png = solidPng(5, 4, [10, 200, 40]);
const url = `data:image/png;base64,${png.toString('base64')}`;

/** Every way of cutting `body` in two, and in three around `near` (positions that matter), gives `expected`. */
async function everySplitGives(body: string, expected = referenceVerdict(Buffer.from(body), MAX)): Promise<void> {
  const bytes = Buffer.from(body);
  for (let cut = 0; cut <= bytes.length; cut++) {
    assert.deepEqual(await streamedVerdict(splitAt(bytes, [cut]), MAX), expected, `cut at ${cut} of ${body.slice(0, 80)}`);
  }
  for (let first = 0; first <= bytes.length; first += 7) {
    for (let second = first; second <= Math.min(bytes.length, first + 9); second++) {
      assert.deepEqual(await streamedVerdict(splitAt(bytes, [first, second]), MAX), expected, `cuts at ${first}, ${second}`);
    }
  }
  // One byte at a time: what a trickling client sends.
  assert.deepEqual(await streamedVerdict(splitAt(bytes, [...bytes.keys()]), MAX), expected, 'one byte per chunk');
}

describe('the streaming JSON body scanner', () => {
  it('publishes a body split anywhere: inside "imageSrc", inside a base64 quantum, between "=" paddings', async () => {
    const onePadded = [1, 2, 3, 4, 5, 6].map((width) => solidPng(width, 1, [1, 2, 3])).find((bytes) => bytes.length % 3 === 1)!;
    const padded = `data:image/png;base64,${onePadded.toString('base64')}`;
    assert.match(padded, /[^=]==$/, 'a URL ending in two "=" paddings');
    const expected = referenceVerdict(Buffer.from(`{"imageSrc":"${padded}"}`), MAX);
    assert.ok('channel' in expected, 'the reference publishes it');
    await everySplitGives(`{"imageSrc":"${padded}"}`);
    await everySplitGives(`{"imageSrc": "${url}", "channel": "cam-1"}`);
  });

  it('takes JSON escapes inside the URL, split anywhere, as JSON.parse does (\\/ and \\u00XX)', async () => {
    const escaped = url.replaceAll('/', '\\/').replace('base64,', 'base\\u00364,');
    const expected = referenceVerdict(Buffer.from(`{"imageSrc":"${escaped}"}`), MAX);
    assert.ok('channel' in expected && expected.text === url, 'the escaped URL is the URL');
    await everySplitGives(`{"imageSrc":"${escaped}"}`);
  });

  it('reads the fields in either order, with extra fields and whitespace, and an escaped key', async () => {
    for (const body of [
      `{"channel":"cam-2","imageSrc":"${url}"}`,
      `{"imageSrc":"${url}","channel":"cam-2"}`,
      ` \n{ "note" : [1, {"imageSrc": 5}], "imageSrc"\t:\r\n"${url}" , "channel" : "cam-2", "meta": {"a": "b"} }\n`,
      `{"image\\u0053rc":"${url}","channel":"cam-2"}`,
    ]) {
      const verdict = await streamedVerdict([Buffer.from(body)], MAX);
      assert.deepEqual(verdict, { channel: 'cam-2', bytes: png.toString('hex'), text: url }, body.slice(0, 60));
    }
  });

  it('takes the last of duplicated imageSrc fields, as JSON.parse does', async () => {
    const other = `data:image/png;base64,${solidPng(1, 1, [0, 0, 0]).toString('base64')}`;
    assert.deepEqual(await streamedVerdict([Buffer.from(`{"imageSrc":"${other}","imageSrc":"${url}"}`)], MAX), {
      channel: 'default',
      bytes: png.toString('hex'),
      text: url,
    });
    assert.deepEqual(await streamedVerdict([Buffer.from(`{"imageSrc":"${url}","imageSrc":7}`)], MAX), { error: 'missing_image_src' });
    // An earlier duplicate still has to be valid JSON.
    assert.deepEqual(await streamedVerdict([Buffer.from(`{"imageSrc":"da\tta:","imageSrc":"${url}"}`)], MAX), { error: 'invalid_json' });
  });

  it('refuses a body that ends early, at every point, as invalid JSON', async () => {
    const body = `{"imageSrc":"${url}","channel":"cam-1"}`;
    for (let end = 0; end < body.length; end++) {
      assert.deepEqual(await streamedVerdict([Buffer.from(body.slice(0, end))], MAX), { error: 'invalid_json' }, `ends at ${end}`);
    }
  });

  it('refuses unescaped control characters and bad escapes in the URL as invalid JSON, not as bad base64', async () => {
    for (const bad of [url.replace('base64,', 'base64,\n'), `${url}\u0001`, url.replace(',', '\\x'), url.replace(',', ',\\u12G4')]) {
      assert.deepEqual(await streamedVerdict([Buffer.from(`{"imageSrc":"${bad}"}`)], MAX), { error: 'invalid_json' }, JSON.stringify(bad));
    }
    // Escaped, the same characters are valid JSON and an invalid data: URL.
    assert.deepEqual(await streamedVerdict([Buffer.from(`{"imageSrc":"${url.replace('base64,', 'base64,\\n')}"}`)], MAX), { error: 'invalid_base64' });
  });

  it('refuses an image too large while it streams in, before the rest of the body arrives', () => {
    const scanner = new JsonImageBodyScanner({ maxImageBytes: 3000, maxRestBytes: 1024 });
    scanner.push(Buffer.from('{"imageSrc":"data:image/png;base64,'));
    scanner.push(Buffer.from('A'.repeat(4000)));
    assert.throws(() => scanner.push(Buffer.from('A'.repeat(4000))), (error: RelayError) => error.code === 'image_too_large');
  });

  it('refuses more than its limit of other fields (json_too_large), however they are split', () => {
    const scanner = new JsonImageBodyScanner({ maxImageBytes: MAX, maxRestBytes: 1024 });
    scanner.push(Buffer.from(`{"imageSrc":"${url}","note":"`));
    assert.throws(() => {
      for (let index = 0; index < 200; index++) scanner.push(Buffer.from('0123456789'));
    }, (error: RelayError) => error.code === 'json_too_large');
  });

  it('keeps the URL as the slices it arrived in, without copying them', async () => {
    const large = `data:image/png;base64,${solidPng(64, 64, [1, 2, 3], { padToBytes: 200_000 }).toString('base64')}`;
    const body = Buffer.from(`{"imageSrc":"${large}"}`);
    const chunks = splitAt(body, [65_536, 131_072, 196_608]);
    const scanner = new JsonImageBodyScanner({ maxImageBytes: MAX, maxRestBytes: 1024 });
    for (const chunk of chunks) scanner.push(chunk);
    const { imageSrc } = scanner.end();
    assert.ok(imageSrc && !(imageSrc instanceof RelayError));
    assert.equal(imageSrc.text.length, chunks.length, 'one part per chunk');
    imageSrc.text.forEach((part, index) => assert.equal(part.buffer, chunks[index]!.buffer, `part ${index} is a view of its chunk`));
    assert.equal(Buffer.concat(imageSrc.text).toString('latin1'), large);
  });
});
