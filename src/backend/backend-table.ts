import type { Logger } from 'pino';
import type { RelayConfig } from '../config/relay-config.js';
import type { OptionSpec } from '../config/options.js';
import type { ChannelBackend } from '../core/storage/channel-backend.js';
import type { BackendContext, BackendDescription, BackendRow, OptionValues } from './backend-row.js';
import { DISK_BACKEND } from './disk/disk-row.js';
import { MEMORY_BACKEND } from './memory/memory-row.js';
import { REDIS_BACKEND } from './redis/redis-row.js';

/**
 * The backends a relay can keep channels in, one row each (see backend-row.ts); the in-memory one when no row's
 * option is given. Configuration takes their options and settings from here, start-up opens and describes the
 * chosen one from here. Adding a backend is a folder beside these and a row in this list.
 */
export const BACKENDS = [REDIS_BACKEND, DISK_BACKEND] as const;
export const DEFAULT_BACKEND = MEMORY_BACKEND;

type Row = (typeof BACKENDS)[number];
type AnyRow = BackendRow<keyof BackendSettings, Readonly<Record<string, OptionSpec>>, unknown>;
type SettingsOf<Of extends Row> = Exclude<ReturnType<Of['settingsFrom']>, undefined>;

/** Each backend's settings in the configuration (`config.redis`, `config.dataDir`), undefined unless it is chosen. */
export type BackendSettings = { readonly [Each in Row as Each['configKey']]: SettingsOf<Each> | undefined };

/** Every backend's options, for the option table. */
export const BACKEND_OPTIONS = Object.assign({}, ...BACKENDS.map((row) => row.options)) as UnionToIntersection<Row['options']>;
type UnionToIntersection<Union> = (Union extends unknown ? (each: Union) => void : never) extends (each: infer All) => void ? All : never;

/**
 * Each backend's settings from the option values. Two backends chosen at once are refused: each is where
 * history is kept, and a second beside the first would be a second, diverging history.
 */
export function backendSettingsFrom(values: OptionValues): BackendSettings {
  const chosen = (BACKENDS as unknown as readonly AnyRow[]).filter((row) => values[row.chosenBy]);
  if (chosen.length > 1) {
    const flags = chosen.map((row) => `--${row.options[row.chosenBy]!.flag}`);
    throw new Error(`${flags.join(' and ')}: give one, not both (each keeps a history of its own)`);
  }
  return Object.fromEntries(BACKENDS.map((row) => [row.configKey, row.settingsFrom(values)])) as BackendSettings;
}

function contextOf(config: RelayConfig, logger: Logger): BackendContext {
  return { history: config.history, maxImageBytes: config.maxImageBytes, logger };
}

/** The backend a configuration chooses, ready to open and describe. */
function chosenBackend(config: RelayConfig): { open(logger: Logger): Promise<ChannelBackend>; describe(): BackendDescription } {
  for (const row of BACKENDS as unknown as readonly AnyRow[]) {
    const settings = config[row.configKey];
    if (settings !== undefined) return { open: (logger) => row.open(settings, contextOf(config, logger)), describe: () => row.describe(settings) };
  }
  return { open: (logger) => DEFAULT_BACKEND.open(contextOf(config, logger)), describe: () => DEFAULT_BACKEND.describe() };
}

/** Opens the backend the configuration chooses; only its module is loaded. */
export function openBackend(config: RelayConfig, logger: Logger): Promise<ChannelBackend> {
  return chosenBackend(config).open(logger);
}

/** Where the configured backend keeps history, as start-up says it. */
export function describeBackend(config: RelayConfig): BackendDescription {
  return chosenBackend(config).describe();
}
