import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import {
  browserSkipReason,
  dataAttributes,
  dropFile,
  horizontalOverflow,
  launchBrowser,
  pixelOf,
  renderedWidth,
  screenshot,
  waitForCount,
  waitForPixel,
} from '../support/browser.js';
import { DOC_SCREENSHOTS } from '../support/doc-screenshots.js';
import { projectRoot, readFixture } from '../support/fixtures.js';
import { solidPng } from '../support/png.js';
import { findPython, pythonClientEnv, pythonModuleSkipReason, pythonSkipReason } from '../support/python.js';
import { startRelay, toDataUrl, type RunningRelay } from '../support/relay-harness.js';

type Rgb = [number, number, number];
/** MJPEG frames are JPEG: a flat colour comes back a few levels off after YCbCr and quantization. */
const MJPEG_TOLERANCE = 8;
const RED: Rgb = [230, 20, 20];
const GREEN: Rgb = [20, 200, 60];
const BLUE: Rgb = [30, 60, 230];
const YELLOW: Rgb = [240, 220, 30];

async function publishPng(baseUrl: string, channel: string, rgb: Rgb, size: [number, number] = [64, 48]): Promise<{ id: string }> {
  const response = await fetch(`${baseUrl}/channels/${channel}/images`, {
    method: 'POST',
    headers: { 'content-type': 'image/png' },
    body: solidPng(size[0], size[1], rgb),
  });
  assert.equal(response.status, 201);
  return (await response.json()) as { id: string };
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const skip = browserSkipReason();

/** Real photographs from test/fixtures/images (see its SOURCES.md), one channel each. */
const PHOTOS = [
  { channel: 'stage', file: 'video-001.jpeg', type: 'image/jpeg' },
  { channel: 'gopher', file: 'video-005.gray.jpeg', type: 'image/jpeg' },
  { channel: 'rose', file: 'yellow_rose.lossy-with-alpha.webp', type: 'image/webp' },
] as const;

async function docScreenshot(page: Page, name: (typeof DOC_SCREENSHOTS)[number]): Promise<void> {
  if (process.env.IMAGE_RELAY_UPDATE_DOCS !== '1') return;
  mkdirSync(path.join(projectRoot, 'docs/images'), { recursive: true });
  await page.screenshot({ path: path.join(projectRoot, 'docs/images', name), type: 'jpeg', quality: 85 });
}

async function publishFile(baseUrl: string, channel: string, file: string, type: string, caption?: string): Promise<{ id: string }> {
  const query = caption ? `?caption=${encodeURIComponent(caption)}` : '';
  const response = await fetch(`${baseUrl}/channels/${channel}/images${query}`, { method: 'POST', headers: { 'content-type': type }, body: readFixture(file) });
  assert.equal(response.status, 201);
  return (await response.json()) as { id: string };
}

/** Waits until every <img> matching `selector` has decoded a picture. */
async function waitForImages(page: Page, selector: string, count: number): Promise<void> {
  await waitForCount(page, selector, count);
  const giveUpAt = Date.now() + 15_000;
  const decoded = `[...document.querySelectorAll(${JSON.stringify(selector)})].every((img) => img.complete && img.naturalWidth > 0)`;
  while (!(await page.evaluate(decoded))) {
    if (Date.now() > giveUpAt) throw new Error(`timed out waiting for ${selector} to decode`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("the viewer with real photographs (the README's pictures)", { skip }, () => {
  let browser: Browser;
  let server: RunningRelay;
  before(async () => {
    browser = await launchBrowser();
    // A relay of its own, so that the pictures show these channels only.
    server = await startRelay();
    for (const photo of PHOTOS) await publishFile(server.url, photo.channel, photo.file, photo.type);
    // A history for the channel page's strip: earlier frames, then the one on screen.
    for (const file of ['video-005.gray.jpeg', 'video-001.q50.420.jpeg', 'video-001.progressive.jpeg']) {
      await publishFile(server.url, 'stage', file, 'image/jpeg');
    }
    await publishFile(server.url, 'stage', 'video-001.jpeg', 'image/jpeg', 'keynote, main stage');
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it("the channel list shows each channel's latest photograph", async (t) => {
    const page = await browser.newPage({ viewport: { width: 1024, height: 600 } });
    await page.goto(`${server.url}/`);
    await waitForImages(page, '.card img', PHOTOS.length);
    const channels = await dataAttributes(page, '.card', 'channel');
    assert.deepEqual([...channels].sort(), PHOTOS.map((photo) => photo.channel).sort());
    await screenshot(page, t);
    await docScreenshot(page, 'viewer-channels.jpg');
    await page.close();
  });

  it('a channel page shows the photograph fitted, its details and caption, and its history', async (t) => {
    const page = await browser.newPage({ viewport: { width: 880, height: 580 } });
    await page.goto(`${server.url}/view/stage`);
    await waitForImages(page, '[data-testid="picture"]', 1);
    await waitForImages(page, '[data-testid="strip"] .thumb img', 5);
    const info = (await page.textContent('[data-testid="info"]')) ?? '';
    assert.match(info, /150×103/);
    assert.match(info, /JPEG/);
    assert.ok((await renderedWidth(page, '[data-testid="picture"]')) > 150, 'fitted to the window');
    await screenshot(page, t);
    await docScreenshot(page, 'viewer-channel.jpg');
    await page.close();
  });

  it('the grid shows the channels side by side', async (t) => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 520 } });
    await page.goto(`${server.url}/grid?${PHOTOS.map((photo) => `channel=${photo.channel}`).join('&')}`);
    await waitForImages(page, '.tile img', PHOTOS.length);
    await screenshot(page, t);
    await docScreenshot(page, 'viewer-grid.jpg');
    await page.close();
  });
});

describe('the viewer, in a real browser', { skip }, () => {
  let browser: Browser;
  let server: RunningRelay;
  let page: Page;
  before(async () => {
    browser = await launchBrowser();
    server = await startRelay();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  const openPage = async (pathname: string, viewport = { width: 1024, height: 700 }): Promise<Page> => {
    page = await browser.newPage({ viewport });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => message.type() === 'error' && !/Failed to load resource|EventSource/.test(message.text()) && errors.push(message.text()));
    await page.goto(server.url + pathname);
    (page as Page & { errors: string[] }).errors = errors;
    return page;
  };

  it('lists channels live: new channels and new images appear without a reload', async (t) => {
    await publishPng(server.url, 'porch', RED);
    await openPage('/');
    await page.waitForSelector('.card[data-channel="porch"] img');
    await waitForPixel(page, '.card[data-channel="porch"] img', RED);
    await publishPng(server.url, 'garden', BLUE);
    await waitForPixel(page, '.card[data-channel="garden"] img', BLUE);
    await publishPng(server.url, 'porch', GREEN);
    await waitForPixel(page, '.card[data-channel="porch"] img', GREEN);
    const text = await page.textContent('.card[data-channel="porch"]');
    assert.match(text ?? '', /\d+ s ago/);
    assert.match(text ?? '', /\d+\/min/);
    assert.match(text ?? '', /\d+ watching/);
    assert.equal(await page.textContent('#connection'), 'live');
    await screenshot(page, t);
    assert.deepEqual((page as Page & { errors: string[] }).errors, []);
    await page.close();
  });

  it('shows a new image in the channel view, fitted, with its size, dimensions and type', async (t) => {
    await openPage('/view/door');
    await page.waitForSelector('#connection[data-state="live"]');
    await publishPng(server.url, 'door', GREEN, [320, 200]);
    await waitForPixel(page, '[data-testid="picture"]', GREEN);
    const info = await page.textContent('[data-testid="info"]');
    assert.match(info ?? '', /320×200/);
    assert.match(info ?? '', /PNG/);
    assert.match(info ?? '', /\d+ B|KB/);
    const box = await renderedWidth(page, '[data-testid="picture"]');
    assert.ok(box > 320, 'the picture is fitted to the window, not shown at its own size');
    await screenshot(page, t);
    await page.close();
  });

  it('steps back through history with the arrow keys and the strip, and returns to live', async (t) => {
    for (const colour of [RED, GREEN, BLUE]) await publishPng(server.url, 'steps', colour);
    await openPage('/view/steps');
    await waitForPixel(page, '[data-testid="picture"]', BLUE);
    assert.equal((await dataAttributes(page, '[data-testid="strip"] .thumb', 'id')).length, 3);
    await page.keyboard.press('ArrowLeft');
    await waitForPixel(page, '[data-testid="picture"]', GREEN);
    await page.keyboard.press('ArrowLeft');
    await waitForPixel(page, '[data-testid="picture"]', RED);
    // While the viewer looks back, a new image arrives: it joins the strip but does not take the screen.
    await publishPng(server.url, 'steps', YELLOW);
    await waitForCount(page, '[data-testid="strip"] .thumb', 4);
    assert.deepEqual(await pixelOf(page, '[data-testid="picture"]'), RED);
    await screenshot(page, t);
    await page.click('[data-testid="live-toggle"]');
    await waitForPixel(page, '[data-testid="picture"]', YELLOW);
    await page.click('[data-testid="strip"] .thumb >> nth=1');
    await waitForPixel(page, '[data-testid="picture"]', GREEN);
    await page.keyboard.press(' ');
    await waitForPixel(page, '[data-testid="picture"]', YELLOW);
    await page.close();
  });

  it('reconnects after the relay restarts, showing nothing twice and missing nothing', async (t) => {
    const port = await freePort();
    let relay = await startRelay({ port, retryMs: 200 });
    const base = relay.url;
    const viewerPage = await browser.newPage();
    await viewerPage.goto(`${base}/view/restart`);
    await viewerPage.waitForSelector('#connection[data-state="live"]');
    await publishPng(base, 'restart', RED);
    await waitForPixel(viewerPage, '[data-testid="picture"]', RED);
    await relay.close();
    await viewerPage.waitForSelector('#connection:not([data-state="live"])');
    relay = await startRelay({ port, retryMs: 200 });
    try {
      await viewerPage.waitForSelector('#connection[data-state="live"]', { timeout: 20_000 });
      await publishPng(base, 'restart', GREEN);
      await publishPng(base, 'restart', BLUE);
      await waitForPixel(viewerPage, '[data-testid="picture"]', BLUE);
      const ids = await dataAttributes(viewerPage, '[data-testid="strip"] .thumb', 'id');
      assert.equal(ids.length, 3, `strip: ${ids.join(', ')}`);
      assert.equal(new Set(ids).size, 3);
      await screenshot(viewerPage, t);
    } finally {
      await viewerPage.close();
      await relay.close();
    }
  });

  it('shows a grid of channels over one event stream', async (t) => {
    const streams: string[] = [];
    page = await browser.newPage({ viewport: { width: 1200, height: 700 } });
    page.on('request', (request) => request.resourceType() === 'eventsource' && streams.push(request.url()));
    await page.goto(`${server.url}/grid?channel=wall-1&channel=wall-2&channel=wall-3`);
    await page.waitForSelector('#connection[data-state="live"]');
    await publishPng(server.url, 'wall-1', RED);
    await publishPng(server.url, 'wall-2', GREEN);
    await publishPng(server.url, 'wall-3', BLUE);
    await waitForPixel(page, '.tile[data-channel="wall-1"] img', RED);
    await waitForPixel(page, '.tile[data-channel="wall-2"] img', GREEN);
    await waitForPixel(page, '.tile[data-channel="wall-3"] img', BLUE);
    assert.equal(streams.length, 1, `one stream for the whole wall: ${streams.join(', ')}`);
    await screenshot(page, t);
    await page.close();
  });

  const python = findPython();
  it('shows the frame that the three Python lines of docs/clients.md publish', { skip: pythonSkipReason() ?? pythonModuleSkipReason(python, 'numpy', 'python3-numpy') }, async (t) => {
    const doc = readFileSync(path.join(projectRoot, 'docs/clients.md'), 'utf8');
    const threeLines = /```python\n([\s\S]*?)```/.exec(doc.slice(doc.indexOf('## The Python client')))![1]!;
    await openPage('/view/cam-1');
    await page.waitForSelector('#connection[data-state="live"]');
    await promisify(execFile)(python!, ['-c', threeLines.replaceAll('http://localhost:8081', server.url)], { env: pythonClientEnv() });
    await waitForPixel(page, '[data-testid="picture"]', [255, 128, 0]);
    assert.match((await page.textContent('[data-testid="info"]')) ?? '', /640×480/);
    await screenshot(page, t);
    await page.close();
  });

  it('publishes a dropped image, and says in words why a dropped file was refused', async (t) => {
    await openPage('/view/drop');
    await page.waitForSelector('#connection[data-state="live"]');
    await dropFile(page, '[data-testid="stage"]', solidPng(40, 30, YELLOW), 'yellow.png', 'image/png');
    await waitForPixel(page, '[data-testid="picture"]', YELLOW);
    await dropFile(page, '[data-testid="stage"]', Buffer.from('just some text'), 'notes.png', 'image/png');
    await page.waitForSelector('#toast[data-kind="error"]:not([hidden])');
    assert.match((await page.textContent('#toast')) ?? '', /notes\.png: The bytes are not an image/);
    await screenshot(page, t);
    await page.close();
  });

  it('works on a phone-sized screen', async (t) => {
    await publishPng(server.url, 'phone', RED);
    await openPage('/view/phone', { width: 375, height: 667 });
    await waitForPixel(page, '[data-testid="picture"]', RED);
    const overflow = await horizontalOverflow(page);
    assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px`);
    await screenshot(page, t);
    await page.close();
  });

  it('asks for a token when the relay requires one, then shows the channel', async (t) => {
    const wallToken = 'wall-screen-secret-000001';
    const deviceToken = 'camera-device-secret-0001';
    const guarded = await startRelay({ access: { tokens: `${deviceToken}=publish@cam-* ${wallToken}=subscribe@cam-*`, jwt: undefined }, corsOrigins: [] });
    try {
      page = await browser.newPage();
      await page.goto(`${guarded.url}/view/cam-9`);
      await page.waitForSelector('[data-testid="token-form"]');
      await screenshot(page, `${t.name} (prompt)`);
      await page.fill('[data-testid="token-input"]', wallToken);
      await page.click('[data-testid="token-form"] button');
      await page.waitForSelector('#connection[data-state="live"]');
      const response = await fetch(`${guarded.url}/channels/cam-9/images`, {
        method: 'POST',
        headers: { authorization: `Bearer ${deviceToken}`, 'content-type': 'image/png' },
        body: solidPng(64, 48, GREEN),
      });
      assert.equal(response.status, 201);
      await waitForPixel(page, '[data-testid="picture"]', GREEN);
      await screenshot(page, t);
      await page.close();
    } finally {
      await guarded.close();
    }
  });

  it('loads thumbnails, not originals, in the channel list, the grid and the history strip', async () => {
    const imageRequests: string[] = [];
    const recordImages = (target: Page): void => {
      target.on('request', (request) => request.resourceType() === 'image' && imageRequests.push(new URL(request.url()).pathname + new URL(request.url()).search));
    };
    await publishPng(server.url, 'thumbs', RED, [800, 600]);
    page = await browser.newPage();
    recordImages(page);
    await page.goto(`${server.url}/`);
    await waitForPixel(page, '.card[data-channel="thumbs"] img', RED);
    await publishPng(server.url, 'thumbs', GREEN, [800, 600]);
    await waitForPixel(page, '.card[data-channel="thumbs"] img', GREEN);
    assert.equal(await page.evaluate(`document.querySelector('.card[data-channel="thumbs"] img').naturalWidth`), 320);
    await page.goto(`${server.url}/grid?channel=thumbs`);
    await waitForPixel(page, '.tile[data-channel="thumbs"] img', GREEN);
    assert.equal(await page.evaluate(`document.querySelector('.tile[data-channel="thumbs"] img').naturalWidth`), 640);
    await page.goto(`${server.url}/view/thumbs`);
    await waitForPixel(page, '[data-testid="picture"]', GREEN);
    await waitForCount(page, '[data-testid="strip"] .thumb', 2);
    await waitForPixel(page, '[data-testid="strip"] .thumb:first-child img', RED);
    const channelImages = imageRequests.filter((url) => url.startsWith('/channels/thumbs/'));
    const originals = channelImages.filter((url) => !url.includes('?'));
    // Only the channel page's own picture is the original; cards, tiles and strip entries are variants.
    assert.deepEqual(originals.length, 1, `originals loaded: ${originals.join(', ')}`);
    assert.ok(channelImages.some((url) => url.endsWith('?w=320')), 'thumbnails for the list and the strip');
    assert.ok(channelImages.some((url) => url.endsWith('?w=640')), 'tile-sized variants for the grid');
    await page.close();
  });

  it('shows a live channel in <img src=".../mjpeg"> on a page with no script, each frame as it comes', async (t) => {
    // No heartbeat within the test: a frame must be on screen without a later frame (or a repeat) behind it.
    const relay = await startRelay({ heartbeatIntervalMs: 600_000 });
    t.after(() => relay.close());
    await publishPng(relay.url, 'mjpeg-wall', RED, [160, 120]);
    // crossorigin only so that the test can read the pixels back (the relay answers CORS); a page needs none.
    const pageHtml = `<!doctype html><title>no script</title><img id="live" crossorigin="anonymous" width="320" src="${relay.url}/channels/mjpeg-wall/mjpeg">`;
    const other = http.createServer((_request, response) => response.writeHead(200, { 'content-type': 'text/html', 'content-security-policy': "script-src 'none'" }).end(pageHtml));
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    try {
      page = await browser.newPage();
      await page.goto(`http://127.0.0.1:${(other.address() as net.AddressInfo).port}/`);
      await waitForPixel(page, '#live', RED, MJPEG_TOLERANCE);
      await publishPng(relay.url, 'mjpeg-wall', BLUE, [160, 120]);
      await waitForPixel(page, '#live', BLUE, MJPEG_TOLERANCE);
      await screenshot(page, t);
      await page.close();
    } finally {
      other.close();
    }
  });

  it('serves the original browser snippet on another origin, unchanged', async (t) => {
    // The original React page, reduced to its behaviour: EventSource on the relay, img.src = event.data.
    const pageHtml = `<!doctype html><img id="live" alt="sample_image" width="360"><script>
      const es = new EventSource(${JSON.stringify(`${server.url}/sse-image`)});
      es.onmessage = (event) => { document.getElementById('live').src = event.data; };
      es.onopen = () => { document.title = 'open'; };
    </script>`;
    const other = http.createServer((_request, response) => response.writeHead(200, { 'content-type': 'text/html' }).end(pageHtml));
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    try {
      const origin = `http://localhost:${(other.address() as net.AddressInfo).port}`;
      page = await browser.newPage();
      await page.goto(origin);
      await page.waitForFunction(`document.title === 'open'`);
      const imageSrc = toDataUrl(solidPng(32, 32, BLUE));
      // The original curl line, byte for byte in its body.
      const response = await fetch(`${server.url}/receive-image`, {
        method: 'POST',
        headers: { 'Content-type': 'application/json' },
        body: `{"imageSrc": "${imageSrc}"}`,
      });
      assert.equal(response.status, 200);
      await waitForPixel(page, '#live', BLUE);
      assert.equal(await page.getAttribute('#live', 'src'), imageSrc);
      await screenshot(page, t);
      await page.close();
    } finally {
      other.close();
    }
  });
});
