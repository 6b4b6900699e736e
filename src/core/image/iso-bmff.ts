import { ascii, u32be } from './byte-reader.js';

/** One box of an ISO base media file (ISO/IEC 14496-12 §4.2): its type and where its payload lies. */
export interface Box {
  readonly type: string;
  readonly start: number;
  readonly payloadStart: number;
  readonly end: number;
}

/**
 * The boxes between `start` and `end`. A box's 32-bit size may be 1 (a 64-bit size follows) or 0 (to the end);
 * a size that is too small or runs past `end` ends the walk, so hostile sizes can neither hang nor overrun it.
 */
export function* boxes(bytes: Uint8Array, start: number, end: number): Generator<Box> {
  let offset = start;
  while (offset + 8 <= end) {
    const size32 = u32be(bytes, offset)!;
    const type = ascii(bytes, offset + 4, 4);
    let headerSize = 8;
    let size = size32;
    if (size32 === 1) {
      const high = u32be(bytes, offset + 8);
      const low = u32be(bytes, offset + 12);
      if (high === undefined || low === undefined) return;
      size = high * 2 ** 32 + low;
      headerSize = 16;
    } else if (size32 === 0) {
      size = end - offset;
    }
    if (size < headerSize || offset + size > end) return;
    yield { type, start: offset, payloadStart: offset + headerSize, end: offset + size };
    offset += size;
  }
}

export function findBox(bytes: Uint8Array, start: number, end: number, type: string): Box | undefined {
  for (const box of boxes(bytes, start, end)) if (box.type === type) return box;
  return undefined;
}
