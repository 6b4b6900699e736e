/**
 * Where a subscriber's bytes go. The HTTP edge implements it over a response; the core never sees a socket.
 * Modelled on Node's writable streams so that backpressure is honoured rather than hidden.
 */
export interface FrameSink {
  /**
   * Queues bytes for the viewer; false means the transport's buffer is full and the writer should wait.
   * A frame may come in parts (shared buffers written together), which the sink sends as one write.
   */
  write(frame: Frame): boolean;
  /** Calls `onDrain` once, when the transport can take more after write() returned false. */
  waitForDrain(onDrain: () => void): void;
  /** Ends the stream: gracefully (`end`) or at once, dropping what is buffered (`abort`). */
  close(mode: 'end' | 'abort'): void;
}

/** The bytes of one event: one buffer, or parts to be sent back to back without copying them together. */
export type Frame = Uint8Array | readonly Uint8Array[];

/** Turns a stored image into the bytes one kind of stream sends for it (cached; see frame-cache.ts). */
export type FrameEncoder<Item> = (item: Item) => Frame;

/** Bytes in a frame, whether one buffer or parts. */
export function frameLength(frame: Frame): number {
  if (!Array.isArray(frame)) return (frame as Uint8Array).length;
  let length = 0;
  for (const part of frame as readonly Uint8Array[]) length += part.length;
  return length;
}
