import { base64Length } from './image/data-url.js';
import type { ImageRecord } from './image-record.js';

/**
 * What keeping an image in history costs, counted against the history limits: its bytes plus the data: URL
 * event the original stream sends for it (built lazily, kept as long as the image), plus bookkeeping. Counting
 * the event up front keeps the memory budget honest whether or not an original-stream viewer is connected.
 */
export function retainedSize(image: ImageRecord): number {
  const EVENT_OVERHEAD = 64;
  return image.bytes.length + image.dataUrlHeader.length + base64Length(image.bytes.length) + EVENT_OVERHEAD;
}
