import type { IncomingMessage } from 'node:http';
import { RelayError } from '../../core/errors.js';
import { parseImageMeta, withCaption, type ImageMeta, MAX_META_BYTES } from '../../core/image-meta.js';
import { imageFromBytes } from '../../core/image/ingest.js';
import type { NewImage } from '../../core/image-record.js';
import { readMultipartForm, type FormLimits } from './multipart-form.js';

/** Files one form may publish: a burst of frames, not an upload of an album. */
export const MAX_FILES_PER_REQUEST = 8;

/** What one form may hold, for images of at most `maxImageBytes`. */
function imageFormLimits(maxImageBytes: number): FormLimits {
  return {
    fileBytes: maxImageBytes,
    files: MAX_FILES_PER_REQUEST,
    fields: 8,
    fieldBytes: 2 * MAX_META_BYTES,
    parts: MAX_FILES_PER_REQUEST + 8,
    headerPairs: 64,
  };
}

/**
 * Reads a multipart form's image files one at a time, handing each to `publish` as soon as it is complete, so a
 * form of several large files never sits in memory whole. `meta` and `caption` fields apply to the files after
 * them (curl sends parts in argument order: `-F caption=... -F image=@a.jpg`).
 * @returns what `publish` returned, per file, in order.
 */
export async function publishMultipartImages<Published>(
  request: IncomingMessage,
  channel: string,
  maxImageBytes: number,
  publish: (image: NewImage) => Promise<Published>,
): Promise<Published[]> {
  const published: Published[] = [];
  let meta: ImageMeta | undefined;
  let caption: string | undefined;
  try {
    await readMultipartForm(request, imageFormLimits(maxImageBytes), async (part) => {
      if (part.kind === 'field') {
        if (part.name === 'meta') meta = parseImageMeta(part.value, 'The meta field');
        else if (part.name === 'caption') caption = part.value;
        return;
      }
      published.push(await publish(imageFromBytes(channel, part.bytes, maxImageBytes, withCaption(meta, caption))));
    });
  } catch (error) {
    // Images before the failing one were published; the refusal says so rather than hiding them.
    if (published.length > 0 && error instanceof Error) Object.assign(error, { published });
    throw error;
  }
  if (published.length === 0) throw new RelayError('no_image');
  return published;
}
