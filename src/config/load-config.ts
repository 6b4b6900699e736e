import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ASYMMETRIC_ALGORITHMS } from '../core/access/jwt-keys.js';
import type { TokenRate } from '../core/limits/token-buckets.js';
import { accessSettingsFrom } from './access-settings.js';
import { backendSettingsFrom, type BackendSettings } from '../backend/backend-table.js';
import { OPTION_SPECS, type OptionName, type OptionSpec } from './options.js';
import { ConfigError } from './config-error.js';
import type { RelayConfig } from './relay-config.js';

export { ConfigError };

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const LOG_FORMATS = ['auto', 'pretty', 'json'] as const;
const BYTE_UNITS: Record<string, number> = {
  '': 1, b: 1, k: 1024, kb: 1000, kib: 1024, m: 1024 ** 2, mb: 1000 ** 2, mib: 1024 ** 2, g: 1024 ** 3, gb: 1000 ** 3,
  gib: 1024 ** 3,
};

function parseValue(spec: OptionSpec, raw: string, source: string): string | number {
  const fail = (expected: string): never => {
    throw new ConfigError(`${source}: "${raw}" is not ${expected}`);
  };
  let value: string | number;
  switch (spec.kind) {
    case 'string':
      if (raw.trim() === '') fail('a value');
      return raw;
    case 'url': {
      let url: URL | undefined;
      try {
        url = new URL(raw);
      } catch {
        fail('a URL such as https://relay.example.com');
      }
      if (!['http:', 'https:'].includes(url!.protocol) || url!.search || url!.hash) fail('an http(s) URL without query');
      return url!.href.replace(/\/+$/, '');
    }
    case 'file':
      if (!existsSync(raw)) fail('a file that exists');
      return raw;
    case 'boolean':
      if (!['true', 'false', '1', '0', 'yes', 'no'].includes(raw)) fail('true or false');
      return ['true', '1', 'yes'].includes(raw) ? 'true' : 'false';
    case 'jwt-algorithm':
      if (raw !== 'HS256' && !(ASYMMETRIC_ALGORITHMS as readonly string[]).includes(raw)) fail(`HS256, ${ASYMMETRIC_ALGORITHMS.join(', ')}`);
      return raw;
    case 'log-level':
      if (!(LOG_LEVELS as readonly string[]).includes(raw)) fail(`one of ${LOG_LEVELS.join(', ')}`);
      return raw;
    case 'log-format':
      if (!(LOG_FORMATS as readonly string[]).includes(raw)) fail(`one of ${LOG_FORMATS.join(', ')}`);
      return raw;
    case 'integer':
      if (!/^\d+$/.test(raw.trim())) fail('a whole number');
      value = Number(raw);
      break;
    case 'bytes': {
      const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(raw.trim());
      const unit = match ? BYTE_UNITS[match[2]!.toLowerCase()] : undefined;
      if (!match || unit === undefined) fail('a size such as 16MiB, 512KiB or 1048576');
      value = Math.round(Number(match![1]) * unit!);
      break;
    }
  }
  if (!Number.isSafeInteger(value)) fail('a usable number');
  if (spec.min !== undefined && value < spec.min) fail(`at least ${spec.min}`);
  if (spec.max !== undefined && value > spec.max) fail(`at most ${spec.max}`);
  return value;
}

/**
 * A config file is JSON: an object whose keys are the options' flag names (`"max-image-bytes": "16MiB"`),
 * values strings or numbers, read with the same rules as flags.
 */
function readConfigFile(file: string, specs: readonly [OptionName, OptionSpec][]): Map<OptionName, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`config file ${file}: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(`config file ${file}: must hold a JSON object`);
  }
  const values = new Map<OptionName, string>();
  for (const [key, value] of Object.entries(parsed)) {
    const entry = specs.find(([name, spec]) => spec.flag === key || name === key);
    if (!entry) throw new ConfigError(`config file ${file}: unknown option "${key}"`);
    if (typeof value !== 'string' && typeof value !== 'number') {
      throw new ConfigError(`config file ${file}: "${key}" must be a string or a number`);
    }
    values.set(entry[0], String(value));
  }
  return values;
}

/**
 * Builds the relay's configuration from command-line flags, then environment variables, then a config file
 * (`--config` or IMAGE_RELAY_CONFIG), then defaults, in that order of precedence. The only place that reads the
 * environment.
 */
export function loadConfig(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): RelayConfig {
  const specs = Object.entries(OPTION_SPECS) as [OptionName, OptionSpec][];
  let flags: Record<string, string | boolean | undefined>;
  try {
    flags = parseArgs({
      args: [...argv],
      options: {
        ...Object.fromEntries(specs.map(([, spec]) => [spec.flag, { type: 'string' as const }])),
        config: { type: 'string' as const },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
  const configFile = typeof flags.config === 'string' ? flags.config : env.IMAGE_RELAY_CONFIG || undefined;
  const fileValues = configFile ? readConfigFile(configFile, specs) : new Map<OptionName, string>();

  const settings = {} as Record<OptionName, string | number>;
  /** Options set by a flag, the environment or the file, rather than left at their default. */
  const given = new Set<OptionName>();
  for (const [name, spec] of specs) {
    const flagValue = flags[spec.flag];
    const envName = spec.env.find((variable) => env[variable] !== undefined && env[variable] !== '');
    const fileValue = fileValues.get(name);
    if (typeof flagValue === 'string') settings[name] = parseValue(spec, flagValue, `--${spec.flag}`);
    else if (envName) settings[name] = parseValue(spec, env[envName]!, envName);
    else if (fileValue !== undefined) settings[name] = parseValue(spec, fileValue, `"${spec.flag}" in ${configFile}`);
    else settings[name] = spec.defaultValue;
    if (typeof flagValue === 'string' || envName || fileValue !== undefined) given.add(name);
  }
  let access: RelayConfig['access'];
  try {
    access = accessSettingsFrom(settings);
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
  if (Boolean(settings.tlsCert) !== Boolean(settings.tlsKey)) {
    throw new ConfigError('--tls-cert and --tls-key go together: give both, or neither');
  }
  let backends;
  try {
    backends = backendSettingsFrom(settings);
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
  return { ...toRelayConfig(settings, access, clientPublishRate(settings, given)), ...backends };
}

/**
 * The per-client publish bucket. `--publishes-per-minute N`, from before the buckets, counted N in a fixed
 * minute: it becomes a rate of N/60 a second, and unless a burst is given, a burst no larger than N, so that an
 * old setting meant to hold a client down (N = 30) is not loosened by the default burst.
 */
function clientPublishRate(settings: Record<OptionName, string | number>, given: ReadonlySet<OptionName>): TokenRate {
  const burst = settings.publishBurst as number;
  if (!given.has('publishesPerMinute')) return { perSecond: settings.publishRate as number, burst };
  if (given.has('publishRate')) {
    throw new ConfigError('--publishes-per-minute and --publish-rate: give one, not both (--publishes-per-minute N is --publish-rate N/60)');
  }
  const perMinute = settings.publishesPerMinute as number;
  return { perSecond: perMinute / 60, burst: given.has('publishBurst') ? burst : Math.min(burst, perMinute) };
}

/** The defaults alone, with overrides: what tests and embedders start from. */
export function defaultConfig(overrides: Partial<RelayConfig> = {}): RelayConfig {
  return { ...loadConfig([], {}), ...overrides };
}

/** Open to every origin only while access control is off, unless configured: a token must not leak cross-site. */
function parseOrigins(spec: string, accessControlled: boolean): '*' | string[] {
  if (spec === '') return accessControlled ? [] : '*';
  if (spec.trim() === '*') return '*';
  const origins = spec.split(',').map((origin) => origin.trim()).filter(Boolean);
  for (const origin of origins) {
    let parsed: URL;
    try {
      parsed = new URL(origin);
    } catch {
      throw new ConfigError(`--cors-origins: "${origin}" is not an origin such as https://app.example.com`);
    }
    if (parsed.origin !== origin) throw new ConfigError(`--cors-origins: "${origin}" is not an origin (scheme://host[:port], no path)`);
  }
  return origins;
}

function toRelayConfig(settings: Record<OptionName, string | number>, access: RelayConfig['access'], publishPerClient: TokenRate): Omit<RelayConfig, keyof BackendSettings> {
  const number = (name: OptionName): number => settings[name] as number;
  return {
    port: number('port'),
    host: settings.host as string,
    maxImageBytes: number('maxImageBytes'),
    history: {
      maxImagesPerChannel: number('historyImages'),
      maxBytesPerChannel: number('historyBytes'),
      maxTotalBytes: number('memoryBudget'),
      maxChannels: number('maxChannels'),
    },
    delivery: {
      queueMaxImages: number('queueImages'),
      queueMaxBytes: number('queueBytes'),
      stuckTimeoutMs: number('stuckTimeoutMs'),
    },
    heartbeatIntervalMs: number('heartbeatMs'),
    retryMs: number('retryMs'),
    publicUrl: settings.publicUrl as string,
    tls: settings.tlsCert && settings.tlsKey ? { certFile: settings.tlsCert as string, keyFile: settings.tlsKey as string } : undefined,
    access,
    corsOrigins: parseOrigins(settings.corsOrigins as string, Boolean(access.tokens || access.jwt)),
    limits: {
      publishPerClient,
      publishPerAddress: { perSecond: number('addressPublishRate'), burst: number('addressPublishBurst') },
      publishPerChannel: { perSecond: number('channelPublishRate'), burst: number('channelPublishBurst') },
      streamsPerClient: number('streamsPerClient'),
      streamsPerAddress: number('streamsPerAddress'),
      authFailures: { perSecond: number('authFailureRate'), burst: number('authFailureBurst') },
      headersTimeoutMs: number('headersTimeoutMs'),
      requestTimeoutMs: number('requestTimeoutMs'),
    },
    trustProxy: settings.trustProxy === 'true',
    metricsToken: settings.metricsToken as string,
    variants: { cacheBytes: number('variantCacheBytes'), concurrency: number('variantConcurrency') },
    logLevel: settings.logLevel as RelayConfig['logLevel'],
    logFormat: settings.logFormat as RelayConfig['logFormat'],
  };
}
