import type { NewImage } from '../../src/core/image-record.js';
import { dataUrlHeaderFor } from '../../src/core/image-record.js';
import { heldBytes } from '../../src/core/image/image-bytes.js';

/** A checked image ready for the core, without going through HTTP. */
export function newImage(channel: string, size = 100, fill = 1): NewImage {
  return {
    channel,
    bytes: heldBytes(Buffer.alloc(size, fill)),
    type: 'image/png',
    width: 1,
    height: 1,
    dataUrlHeader: dataUrlHeaderFor('image/png'),
  };
}
