import { RelayError } from '../errors.js';
import { readImageDimensions } from './dimensions.js';
import { ACCEPTED_TYPE_NAMES, isAcceptedImageType, type ImageType } from './image-type.js';
import { sniffImageType } from './sniff.js';

/**
 * How many of an image's first bytes the publish path keeps to check it (see ingest.ts). Its type shows in the
 * first few kB, and its size nearly always in the first few hundred bytes; only a JPEG whose frame header comes
 * after large EXIF or ICC segments needs more, and then the whole image is decoded to check it.
 */
export const IMAGE_HEAD_BYTES = 64 * 1024;

export interface ImageFacts {
  readonly type: ImageType;
  readonly width: number;
  readonly height: number;
}

/**
 * Decides from the bytes alone what an upload is. The declared type is never trusted: a browser shown a
 * mislabelled upload may sniff it as HTML or SVG, both of which can run scripts (hence SVG is refused outright).
 */
export function validateImage(bytes: Uint8Array): ImageFacts {
  if (bytes.length === 0) throw new RelayError('empty_image');
  const sniffed = sniffImageType(bytes);
  if (sniffed === undefined) throw new RelayError('not_an_image');
  if (!isAcceptedImageType(sniffed)) {
    throw new RelayError(
      'unsupported_image_type',
      `${sniffed} is not accepted (accepted: ${ACCEPTED_TYPE_NAMES}).` +
        (sniffed === 'image/svg+xml' ? ' SVG can carry scripts, so it is never relayed.' : ''),
    );
  }
  const dimensions = readImageDimensions(bytes, sniffed);
  if (!dimensions) throw new RelayError('unreadable_image');
  return { type: sniffed, width: dimensions.width, height: dimensions.height };
}
