import type { Logger } from 'pino';
import type { OptionSpec } from '../config/options.js';
import type { ChannelBackend } from '../core/storage/channel-backend.js';
import type { HistoryLimits } from '../core/storage/history-limits.js';

/** The options' values as configuration read them (flags, environment, file, defaults), by option name. */
export type OptionValues = Readonly<Record<string, string | number>>;

/** What every backend is opened with, besides its own settings. */
export interface BackendContext {
  readonly history: HistoryLimits;
  /** The largest image the relay accepts (a backend reading files back skips larger ones). */
  readonly maxImageBytes: number;
  readonly logger: Logger;
}

/** What start-up says about where history is kept (see cli/startup-lines.ts). */
export interface BackendDescription {
  readonly msg: string;
  /** Fields of the JSON line; never a secret (a Redis URL is shown without its password). */
  readonly fields?: Readonly<Record<string, unknown>>;
}

/**
 * One row of the backend table (backend-table.ts): everything the rest of the relay knows of a backend. Its
 * options join the option table (and --help, the environment, the config file), `settingsFrom` validates them
 * and makes its part of the configuration, `open` loads its module and opens it, `describe` says at start-up
 * where history is kept. Readiness and the metrics it feeds come from the backend's optional abilities
 * (core/storage/channel-backend.ts), not from here.
 *
 * A row's module holds no more than that: `open` loads the backend with a dynamic import(), so a relay that does
 * not use it never loads its dependencies (ioredis is some 1.1 MB of heap and 8 MB of RSS; the disk backend
 * brings node:zlib).
 */
export interface BackendRow<Key extends string, Options extends Readonly<Record<string, OptionSpec>>, Settings> {
  /** The name of its settings in RelayConfig (`config.redis`), undefined there while it is not chosen. */
  readonly configKey: Key;
  /** The option that chooses it (`redisUrl`, the flag --redis-url): given a value, the backend is the one used. */
  readonly chosenBy: keyof Options & string;
  /** Its options, by name, as in config/options.ts. */
  readonly options: Options;
  /**
   * Its settings, when its choosing option is given; undefined otherwise. Throws an Error whose message names the
   * flag at fault (configuration reports it as a ConfigError).
   */
  settingsFrom(values: OptionValues): Settings | undefined;
  /** Loads and opens the backend; a BackendOpenError means the relay cannot start with it. */
  open(settings: Settings, context: BackendContext): Promise<ChannelBackend>;
  describe(settings: Settings): BackendDescription;
}

/** The backend used when no row's option is given: the in-memory one. It has no options of its own. */
export interface DefaultBackendRow {
  open(context: BackendContext): Promise<ChannelBackend>;
  describe(): BackendDescription;
}

/** Builds a row, keeping its option names and settings type exact for the tables that read them. */
export function backendRow<const Key extends string, const Options extends Readonly<Record<string, OptionSpec>>, Settings>(
  row: BackendRow<Key, Options, Settings>,
): BackendRow<Key, Options, Settings> {
  return row;
}
