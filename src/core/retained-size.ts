import { base64Length } from './image/data-url.js';
import type { ImageRecord } from './image-record.js';

/**
 * What keeping an image in history costs, counted against the history limits: its bytes plus the data: URL
 * event the original stream sends for it (built lazily, kept as long as the image), plus bookkeeping. Counting
 * the event up front keeps the memory budget honest whether or not an original-stream viewer is connected.
 */
export function retainedSize(image: ImageRecord): number {
  const EVENT_OVERHEAD = 512; // ids, URLs and JSON punctuation of the event forms
  // The object and its copy in the metadata event.
  const metaSize = image.meta ? 2 * Buffer.byteLength(JSON.stringify(image.meta)) : 0;
  return image.bytes.length + image.dataUrlHeader.length + base64Length(image.bytes.length) + metaSize + EVENT_OVERHEAD;
}
