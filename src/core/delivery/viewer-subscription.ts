import type { DeliveryLimits } from './delivery-limits.js';
import type { DeliveryObserver } from './delivery-observer.js';
import type { DisconnectSignal, FrameSink, StreamForm } from './frame-sink.js';
import { Subscriber, type CloseReason, type SubscriberOwner, type SubscriberStats } from './subscriber.js';

/** Why a subscription ended and what it delivered. */
export interface SubscriptionEnd {
  readonly reason: CloseReason;
  readonly stats: SubscriberStats;
}

export interface Subscription {
  /** Settles when the subscription ends, with why and what it delivered. */
  readonly ended: Promise<SubscriptionEnd>;
  /** Ends it from the relay's side (the viewer's token expired); nothing if it has ended already. */
  stop(reason: CloseReason): void;
}

/** What a viewer is made of besides its form: where its frames go and how it is told to stop. */
export interface ViewerParts {
  readonly sink: FrameSink;
  /** Aborted when the viewer goes away. */
  readonly signal: DisconnectSignal;
  /** Told once, when the subscription ends (the HTTP edge's log line and stream slot). */
  readonly onEnded?: ((end: SubscriptionEnd) => void) | undefined;
}

/**
 * One viewer as the hub or one of its feeds holds it: its Subscriber, the disconnect signal it listens to, and the
 * end it reports. Its own object listens for the disconnection and for the subscriber closing, and `ended` is a
 * promise only once someone asks for it: a closure, a context and a promise with its reaction per viewer would
 * be some 0.5 kB that every idle viewer keeps for hours (heap snapshots of 5,000 idle streams; see
 * docs/BENCHMARKS.md).
 */
export abstract class ViewerSubscription implements Subscription, SubscriberOwner {
  readonly subscriber: Subscriber;
  private readonly signal: DisconnectSignal;
  private readonly onEnded: ((end: SubscriptionEnd) => void) | undefined;
  private end: SubscriptionEnd | undefined;
  private endedPromise: Promise<SubscriptionEnd> | undefined;
  private resolveEnded: ((end: SubscriptionEnd) => void) | undefined;

  constructor(parts: ViewerParts, form: StreamForm, limits: DeliveryLimits, observer: DeliveryObserver | undefined) {
    this.subscriber = new Subscriber(parts.sink, form, limits, this, observer);
    this.signal = parts.signal;
    this.onEnded = parts.onEnded;
  }

  /** Starts listening for the viewer going away; call once the owner holds the viewer. */
  protected listenForDisconnect(): void {
    this.signal.addEventListener('abort', this, { once: true });
    if (this.signal.aborted) this.handleEvent();
  }

  stop(reason: CloseReason): void {
    this.subscriber.close(reason);
  }

  /** The disconnect signal's listener (an EventListenerObject): the viewer went away. */
  handleEvent(): void {
    this.subscriber.close('client_closed');
  }

  subscriberClosed(reason: CloseReason): void {
    this.signal.removeEventListener('abort', this);
    this.forget();
    const end: SubscriptionEnd = { reason, stats: this.subscriber.stats };
    this.end = end;
    this.resolveEnded?.(end);
    this.onEnded?.(end);
  }

  get ended(): Promise<SubscriptionEnd> {
    if (!this.endedPromise) {
      this.endedPromise = this.end
        ? Promise.resolve(this.end)
        : new Promise<SubscriptionEnd>((resolve) => (this.resolveEnded = resolve));
    }
    return this.endedPromise;
  }

  /** Removes the viewer from whatever holds it: the subscriber has closed. */
  protected abstract forget(): void;
}
