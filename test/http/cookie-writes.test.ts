import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { solidPng } from '../support/png.js';
import { startRelay, type RunningRelay } from '../support/relay-harness.js';
import { SseReader } from '../support/sse-reader.js';

const TOKEN = 'camera-and-wall-secret-0001';
const png = solidPng(2, 2, [9, 8, 7]);

/**
 * The attack: a page on another origin (a sibling subdomain is the same site, so SameSite=Strict does not stop it)
 * posts a form to the relay, and the browser attaches the token cookie.
 */
describe('writes authorised by the token cookie', () => {
  let server: RunningRelay;
  before(async () => {
    server = await startRelay({ access: { tokens: `${TOKEN}=publish+subscribe@*`, jwt: undefined }, corsOrigins: ['https://app.example'] });
  });
  after(() => server.close());

  const publish = (headers: Record<string, string>) => {
    const form = new FormData();
    form.append('image', new Blob([png], { type: 'image/png' }), 'a.png');
    return fetch(`${server.url}/channels/cam-1/images`, { method: 'POST', headers, body: form });
  };
  const cookie = { cookie: `image_relay_token=${TOKEN}` };

  it('are refused from another origin with 403, and nothing is published', async () => {
    const response = await publish({ ...cookie, origin: 'https://evil.example' });
    assert.equal(response.status, 403);
    const body = (await response.json()) as { error: string; message: string };
    assert.equal(body.error, 'forbidden');
    assert.match(body.message, /token cookie/);
    const listing = (await (await fetch(`${server.url}/channels/cam-1/images`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as { images: unknown[] };
    assert.equal(listing.images.length, 0);
  });

  it("are taken from the relay's own pages and from an origin of --cors-origins", async () => {
    assert.equal((await publish({ ...cookie, origin: server.url })).status, 201);
    assert.equal((await publish({ ...cookie, origin: 'https://app.example' })).status, 201);
  });

  it('leaves bearer-token writes and cookie reads as they were', async () => {
    assert.equal((await publish({ authorization: `Bearer ${TOKEN}`, origin: 'https://evil.example' })).status, 201);
    const reader = await SseReader.open(`${server.url}/channels/cam-1/events`, { headers: { ...cookie, origin: 'https://evil.example' } });
    reader.close();
    assert.equal(reader.status, 200);
  });
});
