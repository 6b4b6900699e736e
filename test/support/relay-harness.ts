import { Writable } from 'node:stream';
import pino from 'pino';
import { defaultConfig } from '../../src/config/load-config.js';
import type { RelayConfig } from '../../src/config/relay-config.js';
import { createRelay, type Relay, type RelayOptions } from '../../src/relay.js';

export interface ConfigOverrides extends Partial<Omit<RelayConfig, 'history' | 'delivery' | 'limits'>> {
  history?: Partial<RelayConfig['history']>;
  delivery?: Partial<RelayConfig['delivery']>;
  limits?: Partial<RelayConfig['limits']>;
}

/** Defaults as a user gets them, but on a free loopback port and with the given overrides. */
export function testConfig(overrides: ConfigOverrides = {}): RelayConfig {
  const base = defaultConfig();
  return {
    ...base,
    port: 0,
    host: '127.0.0.1',
    ...overrides,
    history: { ...base.history, ...overrides.history },
    delivery: { ...base.delivery, ...overrides.delivery },
    limits: { ...base.limits, ...overrides.limits },
  };
}

export interface RunningRelay {
  readonly relay: Relay;
  readonly url: string;
  /** Every log line the relay wrote, parsed. */
  readonly logLines: Record<string, unknown>[];
  /** The raw log text, for checks that nothing secret or bulky reached it. */
  logText(): string;
  close(): Promise<void>;
}

/** Starts a real relay on an ephemeral port with logs captured in memory. */
export async function startRelay(overrides: ConfigOverrides = {}, options: Pick<RelayOptions, 'transformer' | 'leanPublishPath'> = {}): Promise<RunningRelay> {
  const logLines: Record<string, unknown>[] = [];
  const rawLog: string[] = [];
  const logStream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      const text = chunk.toString('utf8');
      rawLog.push(text);
      for (const line of text.split('\n')) if (line.trim()) logLines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const relay = await createRelay(testConfig(overrides), { ...options, logger: pino({ level: 'info' }, logStream) });
  const url = await relay.listen();
  return { relay, url, logLines, logText: () => rawLog.join(''), close: () => relay.close() };
}

/** Publishes through the original API, as the original curl line does. */
export async function publishDataUrl(
  baseUrl: string,
  imageSrc: string,
  channel?: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${baseUrl}/receive-image`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(channel === undefined ? { imageSrc } : { imageSrc, channel }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

export function toDataUrl(bytes: Buffer, type = 'image/png'): string {
  return `data:${type};base64,${bytes.toString('base64')}`;
}
