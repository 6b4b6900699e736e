/**
 * The README's pictures, in docs/images: the viewer showing real photographs, taken by test/e2e/viewer.test.ts
 * in Chromium so that they show the viewer as it is (`IMAGE_RELAY_UPDATE_DOCS=1 npm test` writes them).
 */
export const DOC_SCREENSHOTS = ['viewer-channels.jpg', 'viewer-channel.jpg', 'viewer-grid.jpg'] as const;
