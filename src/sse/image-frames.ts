import type { ImageRecord } from '../core/image-record.js';
import { cachedEncoder } from './frame-cache.js';
import { encodeBase64DataEvent } from './sse-frame.js';

/**
 * The original stream's event: unnamed (so `onmessage` fires), its data the image's data: URL, its id the
 * image's event id for Last-Event-ID replay.
 */
export function createDataUrlFrameEncoder() {
  return cachedEncoder<ImageRecord>((image) => encodeBase64DataEvent(image.id, `${image.dataUrlHeader},`, image.bytes));
}
