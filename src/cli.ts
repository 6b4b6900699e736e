#!/usr/bin/env node
import pino from 'pino';
import { ConfigError, loadConfig } from './config/load-config.js';
import { OPTION_SPECS } from './config/options.js';
import type { RelayConfig } from './config/relay-config.js';
import { createRelay } from './relay.js';

/** Streams are ended and the server closed well within this; past it the process exits anyway. */
const SHUTDOWN_DEADLINE_MS = 5_000;

function usage(): string {
  const lines = Object.values(OPTION_SPECS).map(
    (spec) => `  --${spec.flag.padEnd(18)} ${spec.description}\n  ${''.padEnd(20)} env ${spec.env.join(', ')}; default ${spec.defaultValue}`,
  );
  return `Usage: image-relay [serve] [options]\n\nServes the relay.\n\nOptions:\n${lines.join('\n')}\n`;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

async function serve(config: RelayConfig): Promise<void> {
  const logger = pino({ level: config.logLevel });
  const relay = await createRelay(config, { logger });
  const url = await relay.listen();
  const port = new URL(url).port;
  const scheme = new URL(url).protocol.replace(':', '');
  logger.info({ url }, `image-relay listening on ${scheme}://localhost:${port}/ (bound to ${url})`);
  logger.info('history is kept in memory: a restart starts with empty channels');
  if (!isLoopback(config.host)) {
    logger.warn(
      `listening on every interface (${config.host}) with no access control: anyone who can reach port ${port} can publish and watch. Use --host 127.0.0.1 to keep it on this machine.`,
    );
  }

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) process.exit(1); // a second Ctrl-C means "now"
    stopping = true;
    logger.info({ signal }, 'shutting down');
    setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
    relay.close().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  const args = command === 'serve' ? rest : command === undefined || command.startsWith('-') ? argv : undefined;
  if (args === undefined) {
    process.stderr.write(`image-relay: unknown command "${command}"\n\n${usage()}`);
    process.exitCode = 2;
    return;
  }
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(usage());
    return;
  }
  try {
    await serve(loadConfig(args, process.env));
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`image-relay: ${error.message}\n\n${usage()}`);
    process.exitCode = 2;
  }
}

await main(process.argv.slice(2));
