import type { FastifyRequest } from 'fastify';
import type { Subscription, SubscriptionEnd } from '../core/delivery/viewer-subscription.js';
import { RelayError } from '../core/errors.js';
import { addressKey, clientKey } from '../http/access/access-hooks.js';
import { logRefusal } from '../http/error-response.js';
import type { RelayContext } from '../http/relay-context.js';
import type { OpenStream } from './response-stream.js';

/**
 * Serves a long-lived stream (event stream or MJPEG) until the viewer leaves or the relay stops: refuses while
 * the relay stops, claims a stream slot, takes the reply over, subscribes, and logs the viewer's coming and going
 * with `where`.
 *
 * What the stream keeps for its lifetime is only what its end needs: its slot's keys, `where` and
 * the relay's logger for the last log line, in one closure. Not the Fastify request (whose child logger, params,
 * query and headers an idle viewer would pay for by the kilobyte; see docs/BENCHMARKS.md, idle streams), nor a
 * child logger of our own, nor a promise.
 *
 * The stopping check comes before the reply is taken over, since once the headers are out a refusal can only be
 * a stream that ends at once: the hub refuses subscriptions from the moment the relay starts to
 * close, and a request can reach its handler after that (while an async hook such as a JWT check ran); everything
 * from the check to the subscription is synchronous, so the relay cannot start closing in between. Should
 * subscribing throw all the same, the slot is released, the response ended and the refusal logged and counted: a
 * hijacked reply gets no error response, so it would otherwise stay open and count against the client for good.
 */
export function serveStream(
  context: RelayContext,
  request: FastifyRequest,
  where: Readonly<Record<string, unknown>>,
  open: () => OpenStream,
  subscribe: (stream: OpenStream, onEnded: (end: SubscriptionEnd) => void) => Subscription,
  connectedDetails: Readonly<Record<string, unknown>> = {},
): void {
  const readiness = context.readiness();
  if (!readiness.ready && readiness.reason === 'shutting_down') throw new RelayError('shutting_down');
  // Counted against the client's and the address's limits (StreamSlots), refused with 429 past either.
  const client = clientKey(request);
  const address = addressKey(request);
  context.streamSlots.claim(client, address);
  const stream = open();
  const log = request.server.log;
  log.info({ ...where, ...connectedDetails, remote: request.ip }, 'viewer connected');
  const expiresAt = request.grant.expiresAt;
  let expiry: ExpiryTimer | undefined;
  try {
    const subscription = subscribe(stream, ({ reason, stats }) => {
      expiry?.cancel();
      context.streamSlots.release(client, address);
      log.info({ ...where, reason, delivered: stats.delivered, skipped: stats.skipped }, 'viewer disconnected');
    });
    if (expiresAt !== undefined) expiry = new ExpiryTimer(subscription, expiresAt);
  } catch (error) {
    context.streamSlots.release(client, address);
    stream.sink.close('end');
    context.metrics.onRefused(logRefusal(request, error as Error).code);
  }
}

/** The longest delay a Node timer takes (about 24.8 days); a later expiry is waited for in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Ends a subscription when its token expires, as a request made then would be refused: tokens are checked when a
 * request arrives, and a stream is one request that lasts. Its timer does not keep the process alive.
 */
class ExpiryTimer {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly subscription: Subscription,
    private readonly expiresAt: number,
  ) {
    this.arm();
  }

  cancel(): void {
    clearTimeout(this.timer);
  }

  private arm(): void {
    const delay = this.expiresAt - Date.now();
    if (delay <= 0) return this.subscription.stop('token_expired');
    this.timer = setTimeout(() => this.arm(), Math.min(delay, MAX_TIMER_MS)).unref();
  }
}
