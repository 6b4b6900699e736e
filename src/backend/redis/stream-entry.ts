import { isAcceptedImageType } from '../../core/image/image-type.js';
import type { ImageMeta } from '../../core/image-meta.js';
import type { ImageRecord, NewImage } from '../../core/image-record.js';
import { heldBytes } from '../../core/image/image-bytes.js';

/** A stream entry as ioredis's Buffer replies give it: [id, [field, value, field, value, ...]]. */
export type RawStreamEntry = [id: Buffer, fields: Buffer[]];

/**
 * The image's fields in the order append-script.ts's ARGV[9..14] expects them. The data: URL text a JSON
 * publisher sent is not stored: it is the header and the canonical base64 of the bytes (the ingest refuses any
 * other base64), so viewers are sent the same bytes when it is rebuilt, and Redis holds each image's bytes once.
 */
export function entryArguments(image: NewImage): (string | Buffer)[] {
  return [
    image.type,
    String(image.width),
    String(image.height),
    image.dataUrlHeader,
    image.meta ? JSON.stringify(image.meta) : '',
    image.bytes.read(),
  ];
}

/**
 * Rebuilds an image from its stream entry; undefined for an entry this relay did not write (a stray XADD by
 * hand), which is skipped rather than crashing the read loop.
 */
export function decodeEntry(channel: string, entry: RawStreamEntry): ImageRecord | undefined {
  const [idBytes, fieldList] = entry;
  const fields = new Map<string, Buffer>();
  for (let index = 0; index + 1 < fieldList.length; index += 2) {
    fields.set(fieldList[index]!.toString('latin1'), fieldList[index + 1]!);
  }
  const type = fields.get('type')?.toString('latin1');
  const bytes = fields.get('bytes');
  const header = fields.get('header')?.toString('latin1');
  if (!type || !isAcceptedImageType(type) || !bytes || !header) return undefined;
  const metaText = fields.get('meta')?.toString('utf8');
  return {
    id: idBytes.toString('latin1'),
    channel,
    bytes: heldBytes(bytes),
    type,
    width: Number(fields.get('width')?.toString('latin1')),
    height: Number(fields.get('height')?.toString('latin1')),
    dataUrlHeader: header,
    meta: metaText ? (JSON.parse(metaText) as ImageMeta) : undefined,
    publishedAt: Number(fields.get('publishedAt')?.toString('latin1')),
  };
}
