import type { HistoryLimits } from '../backend/channel-backend.js';
import type { RedisSettings } from '../backend/redis/redis-connection.js';
import type { DeliveryLimits } from '../core/delivery/delivery-limits.js';

/** Everything a relay instance needs to know, validated once at start-up (see load-config.ts). */
export interface RelayConfig {
  readonly port: number;
  readonly host: string;
  /** Largest image accepted, in decoded bytes. */
  readonly maxImageBytes: number;
  readonly history: HistoryLimits;
  readonly delivery: DeliveryLimits;
  /** Interval of the SSE comment sent to idle streams (milliseconds). */
  readonly heartbeatIntervalMs: number;
  /** The `retry:` hint sent to EventSource clients (milliseconds). */
  readonly retryMs: number;
  /** Prefix of image URLs in answers and events ("" for path-absolute URLs). */
  readonly publicUrl: string;
  /** With TLS the relay serves HTTPS with HTTP/2 (and HTTP/1.1 through ALPN). */
  readonly tls: { readonly certFile: string; readonly keyFile: string } | undefined;
  readonly access: {
    /** Static token spec (see core/access/static-tokens.ts); "" for none. */
    readonly tokens: string;
    readonly jwt: { readonly algorithm: 'HS256' | 'RS256' | 'ES256'; readonly key: string } | undefined;
  };
  /** Origins allowed by CORS: '*' for any, or an allowlist (empty: same-origin only). */
  readonly corsOrigins: '*' | readonly string[];
  readonly limits: {
    readonly publishesPerMinute: number;
    /** The window publishesPerMinute counts over: a minute, shorter only in tests. */
    readonly publishWindowMs: number;
    readonly streamsPerClient: number;
    readonly headersTimeoutMs: number;
    readonly requestTimeoutMs: number;
  };
  readonly trustProxy: boolean;
  /** History on disk (see backend/disk); undefined keeps it in memory only. */
  readonly dataDir: { readonly dir: string; readonly maxBytes: number } | undefined;
  /** Bearer token of GET /metrics; "" for none (open without access control, closed with it). */
  readonly metricsToken: string;
  /** Resized variants (thumbnails, MJPEG frames): the memory their cache may hold and how many encode at once. */
  readonly variants: { readonly cacheBytes: number; readonly concurrency: number };
  /** Channels in Redis (several instances as one); undefined keeps them in this process's memory. */
  readonly redis: RedisSettings | undefined;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** How the executable writes its log: "auto" is pretty at a terminal and JSON lines when piped. */
  readonly logFormat: 'auto' | 'pretty' | 'json';
}

/** The original design's port. */
export const DEFAULT_PORT = 8081;
/** All interfaces, like the original `:8081`; start-up says so, since that makes the relay open to the network. */
export const DEFAULT_HOST = '::';
/** Covers a 12-megapixel PNG screenshot or a 4K camera frame with room to spare. */
export const DEFAULT_MAX_IMAGE_BYTES = 16 * 1024 * 1024;
/** Common proxy idle timeouts are 30-60 s (nginx proxy_read_timeout: 60 s); 15 s stays well inside them. */
export const DEFAULT_HEARTBEAT_INTERVAL_MS = 15_000;
/** Browsers default to about 3 s; a relay restart usually takes about one. */
export const DEFAULT_RETRY_MS = 2_000;
/** Ten a second, a fast camera at full rate; more from one client is a loop gone wrong, or abuse. */
export const DEFAULT_PUBLISHES_PER_MINUTE = 600;
/**
 * One page needs one stream for any number of channels (GET /events), so 64 leaves room for many tabs, scripts
 * and MJPEG <img> tags behind one NAT address while stopping one client from holding thousands.
 */
export const DEFAULT_STREAMS_PER_CLIENT = 64;
/** Real clients send their headers within milliseconds; Node's own 60 s lets slowloris clients hold sockets. */
export const DEFAULT_HEADERS_TIMEOUT_MS = 10_000;
/** A 16 MiB image as base64 JSON takes about two minutes on a 1.5 Mbit/s uplink (a camera on a mobile network). */
export const DEFAULT_REQUEST_TIMEOUT_MS = 120_000;
/** Names the application in every key, so a Redis shared with other software shows whose keys these are. */
export const DEFAULT_REDIS_KEY_PREFIX = 'image-relay:';
