import type { ImageRecord } from '../image-record.js';

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

/** Turns a stored image into the bytes one kind of stream sends for it (cached; see streams/frame-cache.ts). */
export type FrameEncoder<Item> = (item: Item) => Frame;

/**
 * One form of stream (an SSE stream's events, MJPEG's parts): how an image becomes the bytes its viewers are sent,
 * and what an idle viewer is sent at each heartbeat so that proxies keep the stream open. The hub only says when
 * to beat; the form decides the bytes, so a viewer is only ever sent its own protocol's.
 */
export interface StreamForm {
  readonly encode: FrameEncoder<ImageRecord>;
  /** The heartbeat's bytes (an SSE comment; MJPEG repeats its last frame), or undefined for none this time. */
  heartbeat(): Frame | undefined;
  /**
   * The last bytes of a stream the relay ends because the viewer's token expired (an SSE event the page can act
   * on), if the form has a way to say so; MJPEG has none, its stream just ends.
   */
  expiryNotice?(): Frame | undefined;
}

/**
 * What the hub needs to hear that a viewer went away: the part of AbortSignal it uses, so an AbortSignal will do.
 * The HTTP edge passes a lighter one (see streams/response-stream.ts): an AbortController with its EventTarget,
 * listener map and per-instance hidden class costs about 0.65 kB of heap per idle viewer.
 */
export interface DisconnectSignal {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: DisconnectListener, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: DisconnectListener): void;
}

/**
 * A function, or an object whose handleEvent is called (a DOM EventListenerObject, which AbortSignal takes too):
 * a viewer's own object can listen for its disconnection without a closure per viewer.
 */
export type DisconnectListener = (() => void) | { handleEvent(): void };

/** Bytes in a frame, whether one buffer or parts. */
export function frameLength(frame: Frame): number {
  if (!Array.isArray(frame)) return (frame as Uint8Array).length;
  let length = 0;
  for (const part of frame as readonly Uint8Array[]) length += part.length;
  return length;
}
