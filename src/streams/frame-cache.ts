import type { Frame, FrameEncoder } from '../core/delivery/frame-sink.js';

/**
 * Encode once, write many: the first viewer that needs an item's frame builds it, every other viewer gets the
 * same bytes. Keyed weakly, so a frame lives exactly as long as its item is held (by history or a queue).
 */
export function cachedEncoder<Item extends object>(encode: FrameEncoder<Item>): FrameEncoder<Item> {
  const frames = new WeakMap<Item, Frame>();
  return (item) => {
    let frame = frames.get(item);
    if (!frame) {
      frame = encode(item);
      frames.set(item, frame);
    }
    return frame;
  };
}
