import type { FastifyPluginAsync } from 'fastify';
import type { RelayConfig } from '../config/relay-config.js';
import type { AccessPolicy } from '../core/access/access-policy.js';
import type { Hub } from '../core/delivery/hub.js';
import type { AuthFailureThrottle } from '../core/limits/auth-failures.js';
import type { StreamSlots } from '../core/limits/stream-slots.js';
import type { RelayMetrics } from '../metrics/relay-metrics.js';
import type { VariantService } from '../imaging/variant-service.js';
import type { MjpegConverters } from '../streams/mjpeg/mjpeg-form.js';
import type { SseForms } from '../streams/sse/image-frames.js';

/** What routes are given: the core to call and the settings that shape their answers. */
export interface RelayContext {
  readonly hub: Hub;
  readonly config: RelayConfig;
  /** The event streams' forms, shared by every viewer, so each image's event is encoded once per form. */
  readonly frames: SseForms;
  readonly access: AccessPolicy;
  /** Open event and MJPEG streams per client and per address (see access-hooks.ts clientKey and addressKey). */
  readonly streamSlots: StreamSlots;
  /** Requests refused for their token, per address: past its burst an address is answered 429 before verifying. */
  readonly authFailures: AuthFailureThrottle;
  /** Counts refusals and serves GET /metrics. */
  readonly metrics: RelayMetrics;
  /** Resized variants of stored images (thumbnails, `?w=`), encoded once each and cached. */
  readonly variants: VariantService;
  /** MJPEG's form at a size, for the hub's feeds: one conversion per image for all its viewers. */
  readonly mjpeg: MjpegConverters;
  /** Whether this instance can serve now, for `/readyz`. */
  readonly readiness: () => Readiness;
}

/** `reason` is a short code: `shutting_down`, `backend_unavailable`. */
export type Readiness = { readonly ready: true } | { readonly ready: false; readonly reason: string };

/** A feature's routes, built from the context; app.ts registers them from one table. */
export type RouteModule = (context: RelayContext) => FastifyPluginAsync;
