import {
  DEFAULT_HISTORY_MAX_BYTES,
  DEFAULT_HISTORY_MAX_IMAGES,
  DEFAULT_HISTORY_TOTAL_BYTES,
  DEFAULT_MAX_CHANNELS,
} from '../core/storage/history-limits.js';
import { BACKEND_OPTIONS } from '../backend/backend-table.js';
import {
  DEFAULT_QUEUE_MAX_BYTES,
  DEFAULT_QUEUE_MAX_IMAGES,
  DEFAULT_STUCK_TIMEOUT_MS,
} from '../core/delivery/delivery-limits.js';
import { DEFAULT_VARIANT_CACHE_BYTES, DEFAULT_VARIANT_CONCURRENCY } from '../imaging/variant-service.js';
import {
  DEFAULT_ADDRESS_PUBLISH_BURST,
  DEFAULT_ADDRESS_PUBLISH_RATE,
  DEFAULT_AUTH_FAILURE_BURST,
  DEFAULT_AUTH_FAILURE_RATE,
  DEFAULT_CHANNEL_PUBLISH_BURST,
  DEFAULT_CHANNEL_PUBLISH_RATE,
  DEFAULT_HEADERS_TIMEOUT_MS,
  DEFAULT_HEARTBEAT_INTERVAL_MS,
  DEFAULT_HOST,
  DEFAULT_MAX_IMAGE_BYTES,
  DEFAULT_PORT,
  DEFAULT_PUBLISH_BURST,
  DEFAULT_PUBLISH_RATE,
  DEFAULT_REQUEST_TIMEOUT_MS,
  DEFAULT_RETRY_MS,
  DEFAULT_STREAMS_PER_ADDRESS,
  DEFAULT_STREAMS_PER_CLIENT,
} from './relay-config.js';

export type OptionKind = 'integer' | 'bytes' | 'string' | 'url' | 'file' | 'log-level' | 'log-format' | 'boolean' | 'jwt-algorithm';

/** One setting of the relay: its flag, its environment variables (first found wins) and its default. */
export interface OptionSpec {
  readonly flag: string;
  readonly env: readonly string[];
  readonly kind: OptionKind;
  readonly defaultValue: string | number;
  readonly min?: number;
  readonly max?: number;
  readonly description: string;
}

const MiB = 1024 * 1024;

/** The table every source of configuration (flags, environment, --help) is read from. */
export const OPTION_SPECS = {
  port: {
    flag: 'port', env: ['IMAGE_RELAY_PORT', 'PORT'], kind: 'integer', defaultValue: DEFAULT_PORT, min: 0, max: 65535,
    description: 'TCP port to listen on (0 picks a free one)',
  },
  host: {
    flag: 'host', env: ['IMAGE_RELAY_HOST', 'HOST'], kind: 'string', defaultValue: DEFAULT_HOST,
    description: 'Address to listen on; "::" is every interface, "127.0.0.1" this machine only',
  },
  maxImageBytes: {
    flag: 'max-image-bytes', env: ['IMAGE_RELAY_MAX_IMAGE_BYTES'], kind: 'bytes', defaultValue: DEFAULT_MAX_IMAGE_BYTES,
    min: 1, max: 1024 * MiB, description: 'Largest image accepted, decoded (e.g. 16MiB)',
  },
  historyImages: {
    flag: 'history-images', env: ['IMAGE_RELAY_HISTORY_IMAGES'], kind: 'integer',
    defaultValue: DEFAULT_HISTORY_MAX_IMAGES, min: 1, max: 100_000, description: 'Images kept per channel for replay',
  },
  historyBytes: {
    flag: 'history-bytes', env: ['IMAGE_RELAY_HISTORY_BYTES'], kind: 'bytes', defaultValue: DEFAULT_HISTORY_MAX_BYTES,
    min: 1, description: 'Bytes kept per channel for replay',
  },
  memoryBudget: {
    flag: 'memory-budget', env: ['IMAGE_RELAY_MEMORY_BUDGET'], kind: 'bytes', defaultValue: DEFAULT_HISTORY_TOTAL_BYTES,
    min: 1, description: 'Bytes of history kept over all channels; the oldest images anywhere go first',
  },
  maxChannels: {
    flag: 'max-channels', env: ['IMAGE_RELAY_MAX_CHANNELS'], kind: 'integer', defaultValue: DEFAULT_MAX_CHANNELS,
    min: 1, max: 1_000_000, description: 'Channels holding images at once',
  },
  queueImages: {
    flag: 'queue-images', env: ['IMAGE_RELAY_QUEUE_IMAGES'], kind: 'integer', defaultValue: DEFAULT_QUEUE_MAX_IMAGES,
    min: 1, max: 10_000, description: 'Images waiting for a slow viewer before older ones are skipped',
  },
  queueBytes: {
    flag: 'queue-bytes', env: ['IMAGE_RELAY_QUEUE_BYTES'], kind: 'bytes', defaultValue: DEFAULT_QUEUE_MAX_BYTES,
    min: 1, description: 'Bytes waiting for a slow viewer before older images are skipped',
  },
  stuckTimeoutMs: {
    flag: 'stuck-timeout-ms', env: ['IMAGE_RELAY_STUCK_TIMEOUT_MS'], kind: 'integer',
    defaultValue: DEFAULT_STUCK_TIMEOUT_MS, min: 100, description: 'Disconnect a viewer that takes nothing this long',
  },
  heartbeatMs: {
    flag: 'heartbeat-ms', env: ['IMAGE_RELAY_HEARTBEAT_MS'], kind: 'integer', defaultValue: DEFAULT_HEARTBEAT_INTERVAL_MS,
    min: 100, description: 'Interval of the keep-alive comment on idle streams',
  },
  retryMs: {
    flag: 'retry-ms', env: ['IMAGE_RELAY_RETRY_MS'], kind: 'integer', defaultValue: DEFAULT_RETRY_MS, min: 0,
    description: 'Reconnection delay suggested to EventSource clients',
  },
  publicUrl: {
    flag: 'public-url', env: ['IMAGE_RELAY_PUBLIC_URL'], kind: 'url', defaultValue: '',
    description: 'Base of image URLs in events, e.g. https://relay.example.com (default: path-only URLs)',
  },
  tlsCert: {
    flag: 'tls-cert', env: ['IMAGE_RELAY_TLS_CERT'], kind: 'file', defaultValue: '',
    description: 'PEM certificate (chain): with --tls-key, serves HTTPS with HTTP/2 (HTTP/1.1 for old clients)',
  },
  tlsKey: {
    flag: 'tls-key', env: ['IMAGE_RELAY_TLS_KEY'], kind: 'file', defaultValue: '',
    description: 'PEM private key for --tls-cert',
  },
  tokens: {
    flag: 'tokens', env: ['IMAGE_RELAY_TOKENS'], kind: 'string', defaultValue: '',
    description: 'Static tokens, "SECRET=SCOPES@PATTERNS ..." (e.g. "cam-device-secret-1=publish@cam-*"); any token turns access control on',
  },
  jwtSecret: {
    flag: 'jwt-secret', env: ['IMAGE_RELAY_JWT_SECRET'], kind: 'string', defaultValue: '',
    description: 'HS256 secret of JWTs an application mints (turns access control on)',
  },
  jwtPublicKey: {
    flag: 'jwt-public-key', env: ['IMAGE_RELAY_JWT_PUBLIC_KEY'], kind: 'file', defaultValue: '',
    description: 'PEM public key of the JWTs: RSA (RS256), P-256 (ES256) or Ed25519 (EdDSA), the algorithm the key\'s (turns access control on)',
  },
  jwtJwksUrl: {
    flag: 'jwt-jwks-url', env: ['IMAGE_RELAY_JWT_JWKS_URL'], kind: 'string', defaultValue: '',
    description: 'http(s) URL of a JSON Web Key Set the JWTs are signed with, fetched and cached, re-fetched for a new "kid" (turns access control on)',
  },
  jwtAlgorithm: {
    flag: 'jwt-algorithm', env: ['IMAGE_RELAY_JWT_ALGORITHM'], kind: 'jwt-algorithm', defaultValue: '',
    description: 'Pin the JWT algorithm: HS256 (with --jwt-secret), RS256, ES256 or EdDSA (must match --jwt-public-key\'s key; with --jwt-jwks-url, the only one taken)',
  },
  jwtAudience: {
    flag: 'jwt-audience', env: ['IMAGE_RELAY_JWT_AUDIENCE'], kind: 'string', defaultValue: '',
    description: 'The "aud" every JWT must name (e.g. image-relay), so a token minted for another service with the same key is refused',
  },
  jwtIssuer: {
    flag: 'jwt-issuer', env: ['IMAGE_RELAY_JWT_ISSUER'], kind: 'string', defaultValue: '',
    description: 'The "iss" every JWT must carry (the application that mints them)',
  },
  jwtMaxLifetime: {
    flag: 'jwt-max-lifetime', env: ['IMAGE_RELAY_JWT_MAX_LIFETIME'], kind: 'integer', defaultValue: '', min: 1,
    description: 'Seconds a JWT may live from "iat" to "exp" (both then required); default: any, as long as it has "exp"',
  },
  corsOrigins: {
    flag: 'cors-origins', env: ['IMAGE_RELAY_CORS_ORIGINS'], kind: 'string', defaultValue: '',
    description: 'Origins allowed to call the relay from a browser, comma-separated, or * (default: * while access control is off, none when on)',
  },
  publishRate: {
    flag: 'publish-rate', env: ['IMAGE_RELAY_PUBLISH_RATE'], kind: 'integer', defaultValue: DEFAULT_PUBLISH_RATE,
    min: 1, description: 'Publish requests a second one client (a token at one address, or an address without one) may keep up',
  },
  publishBurst: {
    flag: 'publish-burst', env: ['IMAGE_RELAY_PUBLISH_BURST'], kind: 'integer', defaultValue: DEFAULT_PUBLISH_BURST,
    min: 1, description: 'Publish requests one client may make at once after a pause (the size of its token bucket)',
  },
  channelPublishRate: {
    flag: 'channel-publish-rate', env: ['IMAGE_RELAY_CHANNEL_PUBLISH_RATE'], kind: 'integer',
    defaultValue: DEFAULT_CHANNEL_PUBLISH_RATE, min: 1, description: 'Images a second one channel may keep taking, from all its publishers together',
  },
  channelPublishBurst: {
    flag: 'channel-publish-burst', env: ['IMAGE_RELAY_CHANNEL_PUBLISH_BURST'], kind: 'integer',
    defaultValue: DEFAULT_CHANNEL_PUBLISH_BURST, min: 1, description: 'Images one channel may take at once after a pause (the size of its token bucket)',
  },
  // Before the token buckets, a fixed one-minute window: still read, as a rate of N/60 a second.
  publishesPerMinute: {
    flag: 'publishes-per-minute', env: ['IMAGE_RELAY_PUBLISHES_PER_MINUTE'], kind: 'integer', defaultValue: '',
    min: 1, description: 'Compatibility alias: --publish-rate N/60 (a fraction allowed), and a burst of at most N unless --publish-burst is given',
  },
  streamsPerClient: {
    flag: 'streams-per-client', env: ['IMAGE_RELAY_STREAMS_PER_CLIENT'], kind: 'integer', defaultValue: DEFAULT_STREAMS_PER_CLIENT,
    min: 1, description: 'Event and MJPEG streams one client (a token at one address, or an address without one) may hold open',
  },
  streamsPerAddress: {
    flag: 'streams-per-address', env: ['IMAGE_RELAY_STREAMS_PER_ADDRESS'], kind: 'integer', defaultValue: DEFAULT_STREAMS_PER_ADDRESS,
    min: 1, description: 'Event and MJPEG streams one address may hold open over all its tokens (with access control)',
  },
  addressPublishRate: {
    flag: 'address-publish-rate', env: ['IMAGE_RELAY_ADDRESS_PUBLISH_RATE'], kind: 'integer', defaultValue: DEFAULT_ADDRESS_PUBLISH_RATE,
    min: 1, description: 'Publish requests a second one address may keep up over all its tokens (with access control)',
  },
  addressPublishBurst: {
    flag: 'address-publish-burst', env: ['IMAGE_RELAY_ADDRESS_PUBLISH_BURST'], kind: 'integer', defaultValue: DEFAULT_ADDRESS_PUBLISH_BURST,
    min: 1, description: 'Publish requests one address may make at once over all its tokens (with access control)',
  },
  authFailureRate: {
    flag: 'auth-failure-rate', env: ['IMAGE_RELAY_AUTH_FAILURE_RATE'], kind: 'integer', defaultValue: DEFAULT_AUTH_FAILURE_RATE,
    min: 1, description: 'Requests a second one address may keep making with a missing or invalid token before it is answered 429',
  },
  authFailureBurst: {
    flag: 'auth-failure-burst', env: ['IMAGE_RELAY_AUTH_FAILURE_BURST'], kind: 'integer', defaultValue: DEFAULT_AUTH_FAILURE_BURST,
    min: 1, description: 'Requests with a missing or invalid token one address may make at once before it is slowed down',
  },
  trustProxy: {
    flag: 'trust-proxy', env: ['IMAGE_RELAY_TRUST_PROXY'], kind: 'boolean', defaultValue: 'false',
    description: 'Take the client address from X-Forwarded-For (only behind a proxy you run)',
  },
  headersTimeoutMs: {
    flag: 'headers-timeout-ms', env: ['IMAGE_RELAY_HEADERS_TIMEOUT_MS'], kind: 'integer', defaultValue: DEFAULT_HEADERS_TIMEOUT_MS,
    min: 1000, description: 'A request must send its headers within this (slowloris)',
  },
  requestTimeoutMs: {
    flag: 'request-timeout-ms', env: ['IMAGE_RELAY_REQUEST_TIMEOUT_MS'], kind: 'integer', defaultValue: DEFAULT_REQUEST_TIMEOUT_MS,
    min: 1000, description: 'A request must send its whole body within this',
  },
  metricsToken: {
    flag: 'metrics-token', env: ['IMAGE_RELAY_METRICS_TOKEN'], kind: 'string', defaultValue: '',
    description: 'Bearer token GET /metrics requires (16+ characters); without it /metrics is open while access control is off, closed when on',
  },
  variantCacheBytes: {
    flag: 'variant-cache-bytes', env: ['IMAGE_RELAY_VARIANT_CACHE_BYTES'], kind: 'bytes',
    defaultValue: DEFAULT_VARIANT_CACHE_BYTES, min: 1, description: 'Bytes of resized image variants (thumbnails) kept in memory',
  },
  variantConcurrency: {
    flag: 'variant-concurrency', env: ['IMAGE_RELAY_VARIANT_CONCURRENCY'], kind: 'integer',
    defaultValue: DEFAULT_VARIANT_CONCURRENCY, min: 1, max: 16, description: 'Image variants encoded at once',
  },
  // Where history is kept: each backend's own options, from the backend table.
  ...BACKEND_OPTIONS,
  logLevel: {
    flag: 'log-level', env: ['IMAGE_RELAY_LOG_LEVEL', 'LOG_LEVEL'], kind: 'log-level', defaultValue: 'info',
    description: 'fatal, error, warn, info, debug, trace or silent',
  },
  logFormat: {
    flag: 'log-format', env: ['IMAGE_RELAY_LOG_FORMAT'], kind: 'log-format', defaultValue: 'auto',
    description: 'pretty (lines for a person, through pino-pretty) or json (one JSON object a line); auto: pretty at a terminal, json when piped',
  },
} as const satisfies Record<string, OptionSpec>;

export type OptionName = keyof typeof OPTION_SPECS;
