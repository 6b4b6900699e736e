import { ConfigError, loadConfig } from '../../config/load-config.js';
import { OPTION_GROUPS } from '../../config/option-groups.js';
import { OPTION_SPECS, type OptionName, type OptionSpec } from '../../config/options.js';
import { BackendOpenError } from '../../core/storage/backend-open-error.js';
import { createRelay } from '../../relay.js';
import { UsageError, type Command } from '../command.js';
import { tuneHeapForRelaying } from '../heap-tuning.js';
import { createLogger, resolveLogFormat } from '../logger.js';
import { startupLines } from '../startup-lines.js';

/** Streams are ended and the server closed well within this; past it the process exits anyway. */
const SHUTDOWN_DEADLINE_MS = 5_000;

function optionHelp(spec: OptionSpec): string {
  const defaultValue = spec.defaultValue === '' ? 'none' : spec.defaultValue;
  return `  --${spec.flag.padEnd(22)} ${spec.description}\n  ${''.padEnd(24)} env ${spec.env.join(', ')}; default ${defaultValue}`;
}

/** Every option of the relay, grouped by purpose (an option no group names yet comes last, under "Other"). */
export function serveOptionsHelp(): string {
  const grouped = new Set<OptionName>(OPTION_GROUPS.flatMap((group) => group.options));
  const others = (Object.keys(OPTION_SPECS) as OptionName[]).filter((name) => !grouped.has(name));
  const groups = [...OPTION_GROUPS, ...(others.length ? [{ title: 'Other', options: others }] : [])];
  const sections = groups.map(
    (group) => `${group.title}:\n${group.options.map((name) => optionHelp(OPTION_SPECS[name])).join('\n')}`,
  );
  return `Configuration:\n  --${'config FILE'.padEnd(22)} a JSON config file (env IMAGE_RELAY_CONFIG)\n\n${sections.join('\n\n')}\n`;
}

export const serveCommand: Command = {
  name: 'serve',
  usage: `Usage: image-relay serve [options]

Runs the relay. Every option is also an environment variable, and may be set in a JSON config file
(--config FILE or IMAGE_RELAY_CONFIG, keys as the flag names: {"port": 9000, "max-image-bytes": "8MiB"}).
Flags win over the environment, which wins over the file, which wins over the defaults.

${serveOptionsHelp()}`,
  async run(args, io) {
    if (args.includes('--help') || args.includes('-h')) {
      io.stdout.write(this.usage);
      return 0;
    }
    let config;
    try {
      config = loadConfig(args, io.env);
    } catch (error) {
      if (error instanceof ConfigError) throw new UsageError(error.message);
      throw error;
    }
    const stopHeapTuning = tuneHeapForRelaying();
    try {
      const format = resolveLogFormat(config.logFormat, Boolean(io.stdout.isTTY));
      const logger = createLogger(config.logLevel, format, io.env);
      let relay;
      try {
        relay = await createRelay(config, { logger });
      } catch (error) {
        if (!(error instanceof BackendOpenError)) throw error;
        logger.fatal(error.message);
        return 1;
      }
      const url = await relay.listen();
      for (const line of startupLines(config, url, relay.accessControlled)) {
        if (line.humanOnly && format !== 'pretty') continue;
        // A person reads the message; the JSON line keeps its fields for whatever parses it.
        logger[line.level](format === 'json' ? { ...line.fields } : {}, line.msg);
      }

      // Runs until SIGINT or SIGTERM; a second signal means "now".
      return await new Promise<number>((resolve) => {
        let stopping = false;
        const stop = (signal: NodeJS.Signals): void => {
          if (stopping) return resolve(1);
          stopping = true;
          logger.info({ signal }, 'shutting down');
          setTimeout(() => {
            logger.error('shutdown took too long; exiting');
            resolve(1);
          }, SHUTDOWN_DEADLINE_MS).unref();
          relay.close().then(
            () => {
              logger.info('stopped');
              resolve(0);
            },
            (error: unknown) => {
              logger.error({ err: error }, 'shutdown failed');
              resolve(1);
            },
          );
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    } finally {
      stopHeapTuning();
    }
  },
};
