import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { hasDiskUsage, hasReadinessCheck, type ChannelBackend } from './core/storage/channel-backend.js';
import { openBackend } from './backend/backend-table.js';
import type { RelayConfig } from './config/relay-config.js';
import { AccessPolicy } from './core/access/access-policy.js';
import type { JwtVerifier } from './core/access/jwt-verifier.js';
import { parseStaticTokens } from './core/access/static-tokens.js';
import { Hub } from './core/delivery/hub.js';
import { AuthFailureThrottle } from './core/limits/auth-failures.js';
import { PublishLimit } from './core/limits/publish-limit.js';
import { StreamSlots } from './core/limits/stream-slots.js';
import { buildHttpApp } from './http/app.js';
import type { Readiness } from './http/relay-context.js';
import { describeImage } from './http/image-description.js';
import type { ImageTransformer } from './imaging/image-transformer.js';
import { createSharpTransformer } from './imaging/sharp-transformer.js';
import { DEFAULT_MAX_INPUT_PIXELS, VariantService } from './imaging/variant-service.js';
import { RelayMetrics } from './metrics/relay-metrics.js';
import { mjpegConverters } from './streams/mjpeg/mjpeg-form.js';
import { createSseForms } from './streams/sse/image-frames.js';

// Required, not imported: no lexing of a CommonJS module at start (http/app.ts says why).
const pino = createRequire(import.meta.url)('pino') as typeof import('pino');

export interface RelayOptions {
  /** Defaults to pino on stdout at the configured level. */
  readonly logger?: Logger;
  /** Defaults to the one the configuration chooses (see backend/backend-table.ts). */
  readonly backend?: ChannelBackend;
  /** What encodes variants; defaults to sharp. Tests wrap it to hold encodes while they fill the queue. */
  readonly transformer?: ImageTransformer;
  /** Serve publishes on the lean path where the set-up allows (see http/lean-publish.ts); tests turn it off to compare. */
  readonly leanPublishPath?: boolean;
}

/** jose is loaded only when JWTs are configured: some 0.6 MB of heap that a relay without them would carry. */
async function openJwtVerifier(jwt: NonNullable<RelayConfig['access']['jwt']>): Promise<JwtVerifier> {
  const { JwtVerifier } = await import('./core/access/jwt-verifier.js');
  return new JwtVerifier(jwt, jwt);
}

/** A relay instance: no globals, so tests start as many as they like side by side. */
export interface Relay {
  readonly hub: Hub;
  readonly backend: ChannelBackend;
  readonly http: FastifyInstance;
  /** This relay's Prometheus metrics (GET /metrics). */
  readonly metrics: RelayMetrics;
  /** Whether tokens are required. */
  readonly accessControlled: boolean;
  /** Resized variants and their cache (its stats show how many encodes ran). */
  readonly variants: VariantService;
  /** Starts listening; resolves with the base URL, e.g. "http://127.0.0.1:43121". */
  listen(): Promise<string>;
  /** Stops accepting, ends every stream cleanly, releases the backend. Safe to call twice. */
  close(): Promise<void>;
}

export async function createRelay(config: RelayConfig, options: RelayOptions = {}): Promise<Relay> {
  const logger = options.logger ?? pino({ level: config.logLevel });
  const backend = options.backend ?? (await openBackend(config, logger));
  let closing: Promise<void> | undefined;
  // What /readyz reports: a load balancer stops sending viewers and publishes to an instance that cannot serve.
  const readiness = (): Readiness => {
    if (closing) return { ready: false, reason: 'shutting_down' };
    if (hasReadinessCheck(backend) && !backend.isReady()) return { ready: false, reason: 'backend_unavailable' };
    return { ready: true };
  };
  // Read when scraped, by which time the hub below exists.
  const metrics = new RelayMetrics({
    streams: () => hub.streamCount,
    viewersByChannel: () => hub.viewerCounts(),
    channels: () => hub.channels(),
    ready: () => readiness().ready,
    diskBytes: hasDiskUsage(backend) ? () => backend.diskBytes : undefined,
    variants: () => variants.stats,
    mjpegViewers: () => hub.totalConvertedViewers,
  });
  const hub: Hub = new Hub(backend, {
    delivery: config.delivery,
    heartbeatIntervalMs: config.heartbeatIntervalMs,
    observer: metrics,
    channelPublishLimit: new PublishLimit(config.limits.publishPerChannel, 'channel'),
  });
  const frames = createSseForms((image, variantQuery) => describeImage(image, config.publicUrl, variantQuery));
  const access = new AccessPolicy(
    config.access.tokens ? parseStaticTokens(config.access.tokens) : undefined,
    config.access.jwt ? await openJwtVerifier(config.access.jwt) : undefined,
  );
  const variants = new VariantService(options.transformer ?? createSharpTransformer(DEFAULT_MAX_INPUT_PIXELS), {
    ...config.variants,
    maxInputPixels: DEFAULT_MAX_INPUT_PIXELS,
  });
  const mjpeg = mjpegConverters(variants, (image, error) =>
    logger.warn({ channel: image.channel, id: image.id, error: (error as Error).message }, 'no MJPEG frame for this image'),
  );
  const http = await buildHttpApp(
    {
      hub,
      config,
      frames,
      access,
      streamSlots: new StreamSlots({ perClient: config.limits.streamsPerClient, perAddress: config.limits.streamsPerAddress }),
      authFailures: new AuthFailureThrottle(config.limits.authFailures),
      metrics,
      variants,
      mjpeg,
      readiness,
    },
    logger,
    { leanPublishPath: options.leanPublishPath ?? true },
  );

  return {
    hub,
    backend,
    http,
    metrics,
    accessControlled: access.enabled,
    variants,
    async listen() {
      try {
        await http.listen({ port: config.port, host: config.host });
      } catch (error) {
        // "::" means every interface, IPv4 included; on a host without IPv6, fall back to IPv4's every interface.
        if (config.host !== '::' || (error as NodeJS.ErrnoException).code !== 'EAFNOSUPPORT') throw error;
        await http.listen({ port: config.port, host: '0.0.0.0' });
      }
      const address = http.server.address() as AddressInfo;
      const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      return `${config.tls ? 'https' : 'http'}://${host}:${address.port}`;
    },
    close() {
      closing ??= (async () => {
        await hub.close();
        await http.close();
        await backend.close();
      })();
      return closing;
    },
  };
}
