import type { JwtKeySource } from '../core/access/jwt-keys.js';
import type { JwtClaimRules } from '../core/access/jwt-verifier.js';
import type { HistoryLimits } from '../core/storage/history-limits.js';
import type { BackendSettings } from '../backend/backend-table.js';
import type { DeliveryLimits } from '../core/delivery/delivery-limits.js';
import type { TokenRate } from '../core/limits/token-buckets.js';

/**
 * Everything a relay instance needs to know, validated once at start-up (see load-config.ts). Each backend's
 * settings come from its row of the backend table (`redis`, `dataDir`), undefined unless it is the one chosen.
 */
export interface RelayConfig extends BackendSettings {
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
    /** The JWT key (a secret, a public key or a key set's URL), and what tokens must say besides (JwtClaimRules). */
    readonly jwt: (JwtKeySource & JwtClaimRules) | undefined;
  };
  /** Origins allowed by CORS: '*' for any, or an allowlist (empty: same-origin only). */
  readonly corsOrigins: '*' | readonly string[];
  /**
   * Abuse limits. A client is a token at one address (or, without access control, an address); per-address limits
   * count all of an address's tokens together, and apply only with access control, where an address can hold many.
   */
  readonly limits: {
    /** Publish requests per client, a token bucket checked before the body is read. */
    readonly publishPerClient: TokenRate;
    /** Publish requests per address over all its tokens, checked with the client's. */
    readonly publishPerAddress: TokenRate;
    /** Images per channel over all its publishers, a token bucket checked before the image is stored. */
    readonly publishPerChannel: TokenRate;
    /** Open event and MJPEG streams per client. */
    readonly streamsPerClient: number;
    /** Open event and MJPEG streams per address over all its tokens. */
    readonly streamsPerAddress: number;
    /** Requests with a missing or invalid token per address, a token bucket checked before a token is verified. */
    readonly authFailures: TokenRate;
    readonly headersTimeoutMs: number;
    readonly requestTimeoutMs: number;
  };
  readonly trustProxy: boolean;
  /** Bearer token of GET /metrics; "" for none (open without access control, closed with it). */
  readonly metricsToken: string;
  /** Resized variants (thumbnails, MJPEG frames): the memory their cache may hold and how many encode at once. */
  readonly variants: { readonly cacheBytes: number; readonly concurrency: number };
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
/**
 * Publishes a second one client may keep up: twice a 60 fps camera, so one runs for ever with room for a second
 * stream or a training job's logging beside it, while a loop gone wrong (thousands a second on a LAN) is stopped
 * within a second, at about 2% of what the relay can ingest (docs/BENCHMARKS.md: some 6,600 a second).
 */
export const DEFAULT_PUBLISH_RATE = 120;
/**
 * Publishes one client may make at once: two seconds at the sustained rate, so a camera that catches up after a
 * network stall, or a job that sends a batch of samples, is not refused; small beside history and fan-out costs.
 */
export const DEFAULT_PUBLISH_BURST = 240;
/**
 * Images a second into one channel over all its publishers. A publish costs a write to every viewer of its channel
 * (docs/BENCHMARKS.md: 100 viewers of 10 kB images take a core at some 550 images a second), a cost per-client
 * limits do not bound when many clients (or tokens) publish into one watched channel. Four times the per-client
 * rate, so that one client never meets the channel's limit before its own and a few publishers (a training job's
 * workers, several cameras on one wall channel) share a channel at their full rate; and more than any screen can
 * show (60-144 Hz), so nothing a viewer could see is refused.
 */
export const DEFAULT_CHANNEL_PUBLISH_RATE = 480;
/** Two seconds at the channel's sustained rate, as for a client. */
export const DEFAULT_CHANNEL_PUBLISH_BURST = 960;
/**
 * Streams one client may hold open. One address can be a whole office or a wall of screens behind a proxy or NAT,
 * each screen a grid page with an MJPEG <img> per camera, so a few hundred streams from one address must pass;
 * 1024 does, with room. An idle stream costs about 10 kB of RSS (docs/operations.md, Sizing) and a socket, so the
 * most one client can hold is some 10 MB and 1024 sockets: a runaway loop that opens streams and never closes
 * them is stopped within seconds, instead of growing until the process runs out of memory or file descriptors.
 */
export const DEFAULT_STREAMS_PER_CLIENT = 1024;
/**
 * Publishes a second one address may keep up over all its tokens, with access control (without it an address is
 * one client, held to DEFAULT_PUBLISH_RATE). Four clients at their full rate, so a few cameras or a training job's
 * workers behind one NAT, each with its own token, are not held back; one address rotating tokens is stopped here.
 */
export const DEFAULT_ADDRESS_PUBLISH_RATE = 480;
/** Two seconds at the address's sustained rate, as for a client. */
export const DEFAULT_ADDRESS_PUBLISH_BURST = 960;
/**
 * Streams one address may hold open over all its tokens, with access control. Four clients' worth: an office or a
 * wall of screens behind one proxy, each screen with a token of its own, holds several clients' streams; one
 * address opening streams with token after token is stopped here, at some 40 MB of idle streams.
 */
export const DEFAULT_STREAMS_PER_ADDRESS = 4 * DEFAULT_STREAMS_PER_CLIENT;
/**
 * Requests with a missing or invalid token one address may make at once: a client started with a wrong or expired
 * token, or a page loaded before its token was set, fails a few times and stops or is fixed well within 20.
 */
export const DEFAULT_AUTH_FAILURE_BURST = 20;
/**
 * Failed requests a second an address may keep making past that burst: a viewer retrying every few seconds never
 * meets the limit, while a guesser gets two tries a second, some 170,000 a day, against static secrets of 16 or
 * more characters and JWT signatures: useless.
 */
export const DEFAULT_AUTH_FAILURE_RATE = 2;
/** Real clients send their headers within milliseconds; Node's own 60 s lets slowloris clients hold sockets. */
export const DEFAULT_HEADERS_TIMEOUT_MS = 10_000;
/** A 16 MiB image as base64 JSON takes about two minutes on a 1.5 Mbit/s uplink (a camera on a mobile network). */
export const DEFAULT_REQUEST_TIMEOUT_MS = 120_000;
export { DEFAULT_REDIS_KEY_PREFIX } from '../backend/redis/redis-row.js';
