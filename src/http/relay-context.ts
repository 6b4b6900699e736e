import type { FastifyPluginAsync } from 'fastify';
import type { RelayConfig } from '../config/relay-config.js';
import type { FrameEncoder } from '../core/delivery/frame-sink.js';
import type { Hub } from '../core/delivery/hub.js';
import type { ImageRecord } from '../core/image-record.js';

/** What routes are given: the core to call and the settings that shape their answers. */
export interface RelayContext {
  readonly hub: Hub;
  readonly config: RelayConfig;
  /** Shared by every viewer of the original stream, so each image's event is encoded once. */
  readonly dataUrlFrames: FrameEncoder<ImageRecord>;
}

/** A feature's routes, built from the context; app.ts registers them from one table. */
export type RouteModule = (context: RelayContext) => FastifyPluginAsync;
