import { compareEventIds } from '../event-id.js';
import type { ImageRecord } from '../image-record.js';
import type { DeliveryLimits } from './delivery-limits.js';
import { IGNORING_OBSERVER, type DeliveryObserver } from './delivery-observer.js';
import { frameLength, type FrameSink, type StreamForm } from './frame-sink.js';

export type CloseReason = 'client_closed' | 'stuck' | 'shutdown' | 'token_expired';

/**
 * Ticks of the hub's heartbeat clock in one heartbeat interval. A viewer is sent a heartbeat once it has been
 * sent nothing for a whole interval, on its own tick: a stream that carries images needs none, and viewers that
 * connected together (a wall of screens, everyone reconnecting after a proxy restart) are spread over the ticks,
 * so that no tick writes to all of them at once. With 10,000 idle viewers beaten together, the event loop
 * stopped for 220–280 ms at each heartbeat (10–35 ms at the worst over 100 ticks), and their write requests, alive
 * together, outlived the young generation: each heartbeat left 6–7 MB of garbage in the old one
 * (docs/BENCHMARKS.md, notes of 2026-12-04).
 */
export const HEARTBEAT_TICKS = 100;

/** The tick the next new viewer starts on, round robin. */
let nextPhase = 0;

function spreadPhase(): number {
  nextPhase = (nextPhase + 1) % HEARTBEAT_TICKS;
  return nextPhase;
}

export interface SubscriberStats {
  /** Images written to the transport. */
  readonly delivered: number;
  /** Images dropped from this viewer's queue because newer ones arrived while it was behind. */
  readonly skipped: number;
}

/** Told once, when its subscriber closes: what holds the subscriber (a hub's viewer, or a feed's). */
export interface SubscriberOwner {
  subscriberClosed(reason: CloseReason): void;
}

/**
 * One viewer of one channel: bounded queues in front of a FrameSink.
 *
 * It writes only while the sink accepts, and waits for drain otherwise, so the socket never buffers more than
 * one frame beyond its high-water mark. While it waits, live images queue; past the queue limits the oldest
 * waiting live images are skipped (latest wins). Replayed images (what a reconnecting viewer asked for by
 * Last-Event-ID) are never skipped: they are history's own buffers, so holding them costs no extra memory, and
 * they are sent first. If the sink takes nothing for `stuckTimeoutMs`, the viewer is cut off.
 * Images are delivered once each, in id order, whatever mix of backlog and live images reaches it.
 *
 * An idle viewer is most viewers most of the time, and may stay for hours: the queues are made when an image first
 * waits in them, and dropped once they are empty, rather than kept as two empty arrays (and a spent backing store)
 * per viewer.
 */
export class Subscriber {
  private replayQueue: ImageRecord[] | undefined;
  private queue: ImageRecord[] | undefined;
  private queuedBytes = 0;
  private lastQueuedId: string | undefined;
  private waitingForDrain = false;
  private stuckTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private deliveredCount = 0;
  private skippedCount = 0;
  /** Heartbeat ticks since anything was last written; a new viewer starts part way, on its own tick. */
  private quietTicks = spreadPhase();

  constructor(
    private readonly sink: FrameSink,
    private readonly form: StreamForm,
    private readonly limits: DeliveryLimits,
    private readonly owner: SubscriberOwner,
    private readonly observer: DeliveryObserver = IGNORING_OBSERVER,
  ) {}

  get stats(): SubscriberStats {
    return { delivered: this.deliveredCount, skipped: this.skippedCount };
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * Queues an image unless this viewer already has it or something newer.
   * @param replayed true for history the viewer asked for, which is never skipped.
   */
  deliver(image: ImageRecord, replayed = false): void {
    if (this.closed) return;
    if (this.lastQueuedId !== undefined && compareEventIds(image.id, this.lastQueuedId) <= 0) return;
    this.lastQueuedId = image.id;
    // Nothing waits and the transport takes bytes: straight to it, as a flush of a one-image queue would.
    if (!this.waitingForDrain && this.replayQueue === undefined && this.queue === undefined) {
      this.send(image, replayed);
      return;
    }
    if (replayed) {
      (this.replayQueue ??= []).push(image);
    } else {
      (this.queue ??= []).push(image);
      this.queuedBytes += image.bytes.length;
      this.skipStaleImages();
    }
    this.flush();
  }

  /**
   * One tick of the heartbeat clock: after HEARTBEAT_TICKS of them with nothing written, the form's heartbeat,
   * unless the transport is backed up (it is then busy enough to keep proxies from closing it).
   */
  tick(): void {
    if (this.closed || ++this.quietTicks < HEARTBEAT_TICKS || this.waitingForDrain) return;
    this.quietTicks = 0;
    const frame = this.form.heartbeat();
    if (frame !== undefined && !this.sink.write(frame)) this.waitForDrain();
  }

  close(reason: CloseReason): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.stuckTimer);
    this.replayQueue = undefined;
    this.queue = undefined;
    this.queuedBytes = 0;
    // The viewer is told why before the end, so that it fetches a new token rather than reconnect with this one.
    const notice = reason === 'token_expired' ? this.form.expiryNotice?.() : undefined;
    if (notice !== undefined) this.sink.write(notice);
    // A stuck socket cannot flush a graceful end, so it is destroyed; the others get a clean end of stream.
    this.sink.close(reason === 'stuck' ? 'abort' : 'end');
    if (reason === 'stuck') this.observer.onStuck();
    this.owner.subscriberClosed(reason);
  }

  /**
   * Latest wins, per channel: while the queue is over its limits, the oldest waiting image that a newer image of
   * the same channel supersedes is skipped, so a multi-channel viewer never loses a channel's only picture to
   * a busier channel. When every waiting image is its channel's newest, the oldest goes (the bounds must hold).
   */
  private skipStaleImages(): void {
    const skippedBefore = this.skippedCount;
    const queue = this.queue!;
    while (
      queue.length > 1 &&
      (queue.length > this.limits.queueMaxImages || this.queuedBytes > this.limits.queueMaxBytes)
    ) {
      let victim = queue.findIndex((image, index) =>
        queue.some((later, laterIndex) => laterIndex > index && later.channel === image.channel),
      );
      if (victim === -1) victim = 0;
      const [skipped] = queue.splice(victim, 1);
      this.queuedBytes -= skipped!.bytes.length;
      this.skippedCount += 1;
    }
    if (this.skippedCount > skippedBefore) this.observer.onSkipped(this.skippedCount - skippedBefore);
  }

  private flush(): void {
    while (!this.waitingForDrain && !this.closed) {
      let image = this.replayQueue?.shift();
      const replayed = image !== undefined;
      if (this.replayQueue?.length === 0) this.replayQueue = undefined;
      if (!image) {
        image = this.queue?.shift();
        if (!image) return;
        this.queuedBytes -= image.bytes.length;
        if (this.queue!.length === 0) this.queue = undefined;
      }
      this.send(image, replayed);
    }
  }

  private send(image: ImageRecord, replayed: boolean): void {
    this.deliveredCount += 1;
    this.quietTicks = 0;
    const frame = this.form.encode(image);
    const accepted = this.sink.write(frame);
    this.observer.onDelivered(image, frameLength(frame), replayed);
    if (!accepted) this.waitForDrain();
  }

  private waitForDrain(): void {
    this.waitingForDrain = true;
    this.stuckTimer = setTimeout(() => this.close('stuck'), this.limits.stuckTimeoutMs);
    this.stuckTimer.unref();
    this.sink.waitForDrain(() => {
      clearTimeout(this.stuckTimer);
      this.stuckTimer = undefined;
      this.waitingForDrain = false;
      this.flush();
    });
  }
}
