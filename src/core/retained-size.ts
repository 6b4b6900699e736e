import { bytePartsLength } from './image/byte-parts.js';
import { base64Length } from './image/data-url.js';
import type { ImageRecord } from './image-record.js';

/**
 * What keeping an image in history costs, counted against the history limits: its bytes plus its data: URL
 * text, which the original stream sends (kept as received, or built lazily and kept as long as the image), plus
 * bookkeeping. An image published as a data: URL holds its bytes only once something has read them (see
 * image-bytes.ts), but they are counted from the start, so reading them never takes history past its budget. Counting
 * the event up front keeps the memory budget honest whether or not an original-stream viewer is connected.
 */
export function retainedSize(image: ImageRecord): number {
  const EVENT_OVERHEAD = 512; // ids, URLs and JSON punctuation of the event forms
  // The object and its copy in the metadata event.
  const metaSize = image.meta ? 2 * Buffer.byteLength(JSON.stringify(image.meta)) : 0;
  const dataUrlSize = image.dataUrlText
    ? bytePartsLength(image.dataUrlText)
    : image.dataUrlHeader.length + 1 + base64Length(image.bytes.length);
  return image.bytes.length + dataUrlSize + metaSize + EVENT_OVERHEAD;
}
