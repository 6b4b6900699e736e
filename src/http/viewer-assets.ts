import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The viewer's built files (`npm run build` puts them in dist/viewer, beside the compiled server in dist/src). */
export const VIEWER_DIR = fileURLToPath(new URL('../../viewer/', import.meta.url));

/** The viewer page, read once at start-up; undefined when the viewer was not built (the relay still works). */
export function loadViewerPage(): Buffer | undefined {
  const page = `${VIEWER_DIR}index.html`;
  return existsSync(page) ? readFileSync(page) : undefined;
}

/**
 * Only the viewer's own scripts and styles run; images and streams come from the relay itself. `data:` images
 * are allowed for pages that show data: URLs; `frame-ancestors` keeps the page from being framed elsewhere.
 */
export const VIEWER_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'self'",
].join('; ');
