import type { MultipartFile } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { RelayError } from '../../core/errors.js';
import { parseImageMeta, withCaption, type ImageMeta } from '../../core/image-meta.js';
import { imageFromBytes } from '../../core/image/ingest.js';
import type { NewImage } from '../../core/image-record.js';

/**
 * Reads from the form parser, whose own failures on a malformed body (busboy's "Unexpected end of multipart
 * data" and the like) carry no status: they are the client's fault, so they become a 400, not a 500. Limit errors
 * (413) keep their status and are mapped in error-response.ts.
 */
async function readForm<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    const status = (error as { statusCode?: unknown }).statusCode;
    if (error instanceof RelayError || typeof status === 'number') throw error;
    throw new RelayError('invalid_multipart', `The multipart/form-data body is malformed: ${(error as Error).message}.`);
  }
}

/** Files one form may publish: a burst of frames, not an upload of an album. */
export const MAX_FILES_PER_REQUEST = 8;

/**
 * Reads a multipart form's image files one at a time, handing each to `publish` as soon as it is complete, so a
 * form of several large files never sits in memory whole. `meta` and `caption` fields apply to the files after
 * them (curl sends parts in argument order: `-F caption=... -F image=@a.jpg`).
 * @returns what `publish` returned, per file, in order.
 */
export async function publishMultipartImages<Published>(
  request: FastifyRequest,
  channel: string,
  maxImageBytes: number,
  publish: (image: NewImage) => Promise<Published>,
): Promise<Published[]> {
  const published: Published[] = [];
  let meta: ImageMeta | undefined;
  let caption: string | undefined;
  try {
    const parts = request.parts();
    for (;;) {
      const next = await readForm(() => parts.next());
      if (next.done) break;
      const part = next.value;
      if (part.type === 'field') {
        const value = typeof part.value === 'string' ? part.value : String(part.value);
        if (part.fieldname === 'meta') meta = parseImageMeta(value, 'The meta field');
        else if (part.fieldname === 'caption') caption = value;
        continue;
      }
      const bytes = await readForm(() => (part as MultipartFile).toBuffer());
      published.push(await publish(imageFromBytes(channel, bytes, maxImageBytes, withCaption(meta, caption))));
    }
  } catch (error) {
    // Images before the failing one were published; the refusal says so rather than hiding them.
    if (published.length > 0 && error instanceof Error) Object.assign(error, { published });
    throw error;
  }
  if (published.length === 0) throw new RelayError('no_image');
  return published;
}
