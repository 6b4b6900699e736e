/**
 * Text kept as the pieces it arrived in. A request body reaches the relay as the socket's reads (64 KiB each on a
 * fast connection); keeping those slices, rather than copying them into one buffer, is what lets a 1 MB data: URL
 * go from the socket to every viewer without being copied at all (see docs/BENCHMARKS.md, the publish path).
 */
export type ByteParts = readonly Buffer[];

/**
 * Slices at least this long are kept as they are. Shorter ones are copied together into blocks, so that a client
 * trickling its body a few bytes per packet cannot make a Buffer (and its ~100 bytes of bookkeeping) per byte.
 */
const KEEP_AS_IS_BYTES = 1024;
/** Size of the blocks short slices are copied into. */
const BLOCK_BYTES = 16 * 1024;

/** Collects slices into ByteParts: long ones as they are, short runs copied into blocks (see KEEP_AS_IS_BYTES). */
export class BytePartsCollector {
  private readonly parts: Buffer[] = [];
  private block: Buffer | undefined;
  private blockUsed = 0;
  /** Bytes added so far. */
  length = 0;

  add(slice: Buffer): void {
    if (slice.length === 0) return;
    this.length += slice.length;
    // Only while no block is being filled, so the parts stay in order.
    if (slice.length >= KEEP_AS_IS_BYTES && this.blockUsed === 0) {
      this.parts.push(slice);
      return;
    }
    let offset = 0;
    while (offset < slice.length) {
      this.block ??= Buffer.allocUnsafe(BLOCK_BYTES);
      const copied = slice.copy(this.block, this.blockUsed, offset);
      offset += copied;
      this.blockUsed += copied;
      if (this.blockUsed === BLOCK_BYTES) this.flushBlock();
    }
  }

  /** The parts collected; the collector is not to be used afterwards. */
  finish(): ByteParts {
    this.flushBlock();
    return this.parts;
  }

  private flushBlock(): void {
    if (this.block && this.blockUsed > 0) this.parts.push(this.block.subarray(0, this.blockUsed));
    this.block = undefined;
    this.blockUsed = 0;
  }
}

export function bytePartsLength(parts: ByteParts): number {
  let length = 0;
  for (const part of parts) length += part.length;
  return length;
}

/** The last `count` bytes of the parts, as a one-byte string. */
export function bytePartsTail(parts: ByteParts, count: number): string {
  let tail = '';
  for (let index = parts.length - 1; index >= 0 && tail.length < count; index--) {
    const part = parts[index]!;
    tail = part.toString('latin1', Math.max(0, part.length - (count - tail.length))) + tail;
  }
  return tail;
}

/**
 * Input bytes per base64 piece when encoding: a multiple of 3 (so pieces encode on their own) whose base64, 64 KiB,
 * stays under V8's 128 KiB large-object threshold for strings (see text-pieces.ts).
 */
const ENCODE_PIECE_BYTES = 48 * 1024;

/**
 * A data: URL built from bytes that arrived without one (binary uploads), as one buffer written piece by piece:
 * `bytes.toString('base64')` would make one string of the whole image, over 128 KiB for anything but a thumbnail.
 */
export function encodeDataUrlText(header: string, bytes: Buffer): ByteParts {
  const prefixLength = header.length + 1;
  const text = Buffer.allocUnsafe(prefixLength + Math.ceil(bytes.length / 3) * 4);
  text.write(header, 0, 'latin1');
  text[header.length] = 0x2c; // ","
  let written = prefixLength;
  for (let offset = 0; offset < bytes.length; offset += ENCODE_PIECE_BYTES) {
    const piece = bytes.subarray(offset, Math.min(bytes.length, offset + ENCODE_PIECE_BYTES));
    written += text.write(piece.toString('base64'), written, 'latin1');
  }
  return [text.subarray(0, written)];
}
