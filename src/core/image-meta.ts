import { RelayError } from './errors.js';

/** Small publisher-supplied data that travels with an image: a caption, a frame number, a model's score. */
export type ImageMeta = Readonly<Record<string, unknown>>;

/**
 * Metadata is copied into every event of the image and into history, so it is kept small: 4 KiB of JSON is a
 * generous caption or a handful of fields, and bounds what a publisher can make every viewer download.
 */
export const MAX_META_BYTES = 4096;

/**
 * Checks metadata given as a JSON object (or JSON text of one), or a caption string; returns it as an object.
 * @param source names where it came from, for the error message.
 */
export function parseImageMeta(value: unknown, source: string): ImageMeta | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  let meta: unknown = value;
  if (typeof value === 'string') {
    try {
      meta = JSON.parse(value);
    } catch {
      throw new RelayError('invalid_meta', `${source} must be a JSON object.`);
    }
  }
  if (typeof meta !== 'object' || meta === null || Array.isArray(meta)) {
    throw new RelayError('invalid_meta', `${source} must be a JSON object.`);
  }
  checkSize(meta);
  return meta as ImageMeta;
}

/** A caption alone, as `{"caption": text}`. */
export function captionMeta(caption: string | undefined): ImageMeta | undefined {
  if (caption === undefined || caption === '') return undefined;
  const meta = { caption };
  checkSize(meta);
  return meta;
}

/** Merges a caption into metadata (the caption wins over a `caption` field). */
export function withCaption(meta: ImageMeta | undefined, caption: string | undefined): ImageMeta | undefined {
  if (caption === undefined || caption === '') return meta;
  const merged = { ...meta, caption };
  checkSize(merged);
  return merged;
}

function checkSize(meta: object): void {
  if (Buffer.byteLength(JSON.stringify(meta)) > MAX_META_BYTES) {
    throw new RelayError('meta_too_large', `Metadata is limited to ${MAX_META_BYTES} bytes of JSON.`);
  }
}
