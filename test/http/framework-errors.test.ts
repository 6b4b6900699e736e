import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { solidPng } from '../support/png.js';
import { startRelay, type RunningRelay } from '../support/relay-harness.js';

/** Errors met before a route is chosen, or by the form parser's limits, answered in the catalogue's shape. */
describe('framework errors', () => {
  let server: RunningRelay;
  before(async () => {
    server = await startRelay();
  });
  after(() => server.close());

  async function refusal(path: string, init: RequestInit = {}): Promise<{ status: number; body: Record<string, unknown>; cors: string | null }> {
    const response = await fetch(server.url + path, init);
    return { status: response.status, body: (await response.json()) as Record<string, unknown>, cors: response.headers.get('access-control-allow-origin') };
  }

  it('answers a 5,000-digit image id with 414 uri_too_long, {error, message} only', async () => {
    const answer = await refusal(`/channels/cam-1/images/${'1'.repeat(5000)}`);
    assert.equal(answer.status, 414);
    assert.deepEqual(Object.keys(answer.body).sort(), ['error', 'message']);
    assert.equal(answer.body.error, 'uri_too_long');
    assert.match(String(answer.body.message), /longer than this relay accepts/);
    assert.equal(answer.cors, '*', 'open CORS, as for every other answer');
  });

  it('answers a malformed percent-encoding in the path with 400 bad_request', async () => {
    const answer = await refusal('/channels/%zz/images');
    assert.equal(answer.status, 400);
    assert.deepEqual(Object.keys(answer.body).sort(), ['error', 'message']);
    assert.equal(answer.body.error, 'bad_request');
  });

  it('answers a form with more than 8 fields with 413 too_many_fields, not invalid_meta', async () => {
    const form = new FormData();
    for (let index = 0; index < 9; index++) form.append('caption', `field ${index}`);
    form.append('image', new Blob([solidPng(2, 2, [1, 2, 3])], { type: 'image/png' }), 'a.png');
    const answer = await refusal('/channels/cam-1/images', { method: 'POST', body: form });
    assert.equal(answer.status, 413);
    assert.equal(answer.body.error, 'too_many_fields');
  });
});
