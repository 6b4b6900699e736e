import pino from 'pino';
import { ConfigError, loadConfig } from '../../config/load-config.js';
import { OPTION_SPECS } from '../../config/options.js';
import { DataDirError } from '../../backend/disk/data-dir-limits.js';
import { createRelay } from '../../relay.js';
import { UsageError, type Command } from '../command.js';

/** Streams are ended and the server closed well within this; past it the process exits anyway. */
const SHUTDOWN_DEADLINE_MS = 5_000;

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

const optionLines = Object.values(OPTION_SPECS).map(
  (spec) => `  --${spec.flag.padEnd(18)} ${spec.description}\n  ${''.padEnd(20)} env ${spec.env.join(', ')}; default ${spec.defaultValue === '' ? 'none' : spec.defaultValue}`,
);

export const serveCommand: Command = {
  name: 'serve',
  summary: 'run the relay (what `npm start` runs)',
  usage: `Usage: image-relay serve [options]

Runs the relay. Every option is also an environment variable, and may be set in a JSON config file
(--config FILE or IMAGE_RELAY_CONFIG, keys as the flag names: {"port": 9000, "max-image-bytes": "8MiB"}).
Flags win over the environment, which wins over the file, which wins over the defaults.

Options:
  --config FILE        a JSON config file
${optionLines.join('\n')}
`,
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
    const logger = pino({ level: config.logLevel });
    let relay;
    try {
      relay = await createRelay(config, { logger });
    } catch (error) {
      if (!(error instanceof DataDirError)) throw error;
      logger.fatal(error.message);
      return 1;
    }
    const url = await relay.listen();
    const { port, protocol } = new URL(url);
    logger.info({ url }, `image-relay listening on ${protocol}//localhost:${port}/ (bound to ${url})`);
    if (config.redis) {
      // Loaded here, not at the top: the module brings ioredis, which a relay without Redis never loads.
      const { redactRedisUrl } = await import('../../backend/redis/redis-connection.js');
      logger.info(
        { redis: redactRedisUrl(config.redis.url), prefix: config.redis.keyPrefix },
        'channels are kept in Redis, shared with every relay that uses the same Redis and prefix',
      );
    } else if (config.dataDir) {
      logger.info({ dataDir: config.dataDir.dir }, `history is kept on disk in ${config.dataDir.dir}: a restart shows the same images`);
    } else {
      logger.info('history is kept in memory only: a restart starts with empty channels (use --data-dir to keep it on disk)');
    }
    if (relay.accessControlled) {
      logger.info('access control is on: every request but the health check and the viewer page needs a token');
    } else if (isLoopback(config.host)) {
      logger.warn(`no access control: anyone on this machine can publish and watch (configure --tokens or --jwt-secret to require tokens)`);
    } else {
      logger.warn(
        `listening on every interface (${config.host}) with no access control: anyone who can reach port ${port} can publish and watch. Use --host 127.0.0.1 to keep it on this machine, or --tokens / --jwt-secret to require tokens.`,
      );
    }

    // Runs until SIGINT or SIGTERM; a second signal means "now".
    return new Promise<number>((resolve) => {
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
  },
};
