import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { projectRoot } from './fixtures.js';
import { skipForMissing } from './externals.js';

/** Where e2e screenshots go (ignored by git). */
export const screenshotDir = path.join(projectRoot, 'test-output/e2e');

/** The system Chromium (Debian's package, or CHROME_PATH): tests never download a browser. */
export function findChromium(): string | undefined {
  const candidates = [process.env.CHROME_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  return candidates.find((candidate): candidate is string => Boolean(candidate) && existsSync(candidate!));
}

/**
 * Whether browser tests can run. Without a browser they are skipped with a loud message, except where
 * IMAGE_RELAY_REQUIRE_EXTERNALS=1 (CI), where a missing browser is a failure.
 */
export function browserSkipReason(): string | undefined {
  if (findChromium()) return undefined;
  return skipForMissing('no Chromium at CHROME_PATH or /usr/bin/chromium (apt-get install chromium)');
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: findChromium()!,
    headless: true,
    // As root in a sandboxed machine, and with no network but loopback: no sandbox, no background traffic.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

export async function screenshot(page: Page, test: TestContext | string): Promise<string> {
  mkdirSync(screenshotDir, { recursive: true });
  const name = (typeof test === 'string' ? test : test.name).replace(/[^a-z0-9]+/gi, '-').toLowerCase();
  const file = path.join(screenshotDir, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/**
 * Browser-side code is passed as source text: the project compiles without DOM types (they would clash with
 * Node's), and these snippets are small enough to read as they are.
 */
const CENTRE_PIXEL = `(selector) => {
  const img = document.querySelector(selector);
  if (!img || !img.complete || img.naturalWidth === 0) return null;
  const canvas = document.createElement('canvas');
  canvas.width = img.naturalWidth;
  canvas.height = img.naturalHeight;
  const context = canvas.getContext('2d');
  context.drawImage(img, 0, 0);
  const data = context.getImageData(Math.floor(img.naturalWidth / 2), Math.floor(img.naturalHeight / 2), 1, 1).data;
  return [data[0], data[1], data[2]];
}`;

/** The colour at the centre of an <img> as the browser decoded it: proof that the picture is on screen. */
export async function pixelOf(page: Page, selector: string): Promise<[number, number, number] | null> {
  return page.evaluate(`(${CENTRE_PIXEL})(${JSON.stringify(selector)})`);
}

/**
 * Polls a page expression until it is true. Playwright's waitForFunction evaluates strings with eval inside the
 * page, which the viewer's CSP rightly forbids; evaluate() goes through the DevTools protocol instead.
 */
async function waitForExpression(page: Page, expression: string, what: () => Promise<string> | string, timeoutMs = 15_000): Promise<void> {
  const giveUpAt = Date.now() + timeoutMs;
  while (!(await page.evaluate(expression))) {
    if (Date.now() > giveUpAt) throw new Error(`timed out waiting for ${await what()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Waits until the <img> matching `selector` is decoded and shows `rgb` at its centre, within `tolerance` levels
 * per channel (lossless images: under 3; JPEG frames need more).
 */
export async function waitForPixel(page: Page, selector: string, rgb: [number, number, number], tolerance = 3): Promise<void> {
  const check = `(() => {
    const pixel = (${CENTRE_PIXEL})(${JSON.stringify(selector)});
    const wanted = ${JSON.stringify(rgb)};
    return pixel !== null && pixel.every((value, index) => Math.abs(value - wanted[index]) < ${tolerance});
  })()`;
  const describe = async (): Promise<string> =>
    `${selector} to show rgb(${rgb.join(', ')}); it shows ${JSON.stringify(await pixelOf(page, selector).catch(() => null))}`;
  await waitForExpression(page, check, describe);
}

/** Drops a file onto an element, as a user dragging it from their desktop would. */
export async function dropFile(page: Page, selector: string, bytes: Uint8Array, name: string, type: string): Promise<void> {
  await page.evaluate(`(() => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([new Uint8Array(${JSON.stringify([...bytes])})], ${JSON.stringify(name)}, { type: ${JSON.stringify(type)} }));
    document.querySelector(${JSON.stringify(selector)})
      .dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
  })()`);
}

/** How far the page scrolls sideways (0 when it fits the screen). */
export async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate('document.documentElement.scrollWidth - window.innerWidth');
}

/** A data-* attribute of every element matching `selector`, in document order. */
export async function dataAttributes(page: Page, selector: string, attribute: string): Promise<string[]> {
  return page.evaluate(`[...document.querySelectorAll(${JSON.stringify(selector)})].map((element) => element.dataset[${JSON.stringify(attribute)}])`);
}

/** Rendered width of an element, in CSS pixels. */
export async function renderedWidth(page: Page, selector: string): Promise<number> {
  return page.evaluate(`document.querySelector(${JSON.stringify(selector)}).getBoundingClientRect().width`);
}

/** Waits until `count` elements match `selector`. */
export async function waitForCount(page: Page, selector: string, count: number): Promise<void> {
  await waitForExpression(page, `document.querySelectorAll(${JSON.stringify(selector)}).length === ${count}`, () => `${count} × ${selector}`);
}
