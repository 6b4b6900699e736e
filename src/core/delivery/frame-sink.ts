/**
 * Where a subscriber's bytes go. The HTTP edge implements it over a response; the core never sees a socket.
 * Modelled on Node's writable streams so that backpressure is honoured rather than hidden.
 */
export interface FrameSink {
  /** Queues bytes for the viewer; false means the transport's buffer is full and the writer should wait. */
  write(frame: Uint8Array): boolean;
  /** Calls `onDrain` once, when the transport can take more after write() returned false. */
  waitForDrain(onDrain: () => void): void;
  /** Ends the stream: gracefully (`end`) or at once, dropping what is buffered (`abort`). */
  close(mode: 'end' | 'abort'): void;
}

/** Turns a stored image into the bytes one kind of stream sends for it (cached; see frame-cache.ts). */
export type FrameEncoder<Item> = (item: Item) => Uint8Array;
