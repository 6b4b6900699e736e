import type { ByteParts } from './byte-parts.js';
import { decodeDataUrlText } from './data-url.js';

/**
 * An image's bytes as the core holds them: the length is known at once, the bytes are read when something needs
 * them (an image URL, a variant, MJPEG, a backend that stores them).
 *
 * An image published as a data: URL is kept as the URL's text, which is what its original-stream viewers are
 * sent; its bytes are decoded only when first read, then kept. Most relays never read them: the default set-up
 * serves data: URLs, so not decoding a megabyte per publish into a buffer nobody reads halves what each publish
 * allocates outside the JavaScript heap, and with it how often V8 must mark the whole heap (docs/BENCHMARKS.md,
 * the publish path). History counts both forms either way (retained-size.ts), so memory stays within its budget
 * whether or not the bytes are ever read.
 */
export interface ImageBytes {
  /** The image's length in bytes. */
  readonly length: number;
  /** The bytes: for an image kept as text, decoded on the first call and kept from then on. */
  read(): Buffer;
}

/** Bytes held as they are: binary uploads, and images read back from a backend. */
class HeldBytes implements ImageBytes {
  constructor(private readonly bytes: Buffer) {}

  get length(): number {
    return this.bytes.length;
  }

  read(): Buffer {
    return this.bytes;
  }
}

/** Bytes decoded from a checked data: URL's text the first time they are read. */
class DecodedOnRead implements ImageBytes {
  private bytes: Buffer | undefined;

  constructor(
    private readonly text: ByteParts,
    readonly length: number,
  ) {}

  read(): Buffer {
    this.bytes ??= decodeDataUrlText(this.text, this.length);
    return this.bytes;
  }
}

export function heldBytes(bytes: Buffer): ImageBytes {
  return new HeldBytes(bytes);
}

/** The bytes of `text`, a data: URL already checked to decode to `length` bytes, decoded when first read. */
export function bytesDecodedOnRead(text: ByteParts, length: number): ImageBytes {
  return new DecodedOnRead(text, length);
}
