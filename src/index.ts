export { createRelay, type Relay, type RelayOptions } from './relay.js';
export { loadConfig, defaultConfig, ConfigError } from './config/load-config.js';
export type { RelayConfig } from './config/relay-config.js';
export type { ChannelBackend } from './core/storage/channel-backend.js';
export type { HistoryLimits } from './core/storage/history-limits.js';
export { MemoryBackend } from './backend/memory/memory-backend.js';
export { RelayError, ERRORS, type ErrorCode } from './core/errors.js';
