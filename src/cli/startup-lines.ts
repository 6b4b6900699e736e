import { describeBackend } from '../backend/backend-table.js';
import type { RelayConfig } from '../config/relay-config.js';

/** One line the relay says at start-up. */
export interface StartupLine {
  readonly level: 'info' | 'warn';
  readonly msg: string;
  /** Fields of the JSON line (a person reads the message alone). */
  readonly fields?: Readonly<Record<string, unknown>>;
  /** Said only to a person at a terminal: the JSON log keeps the lines it always had. */
  readonly humanOnly?: boolean;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

/** Where a person on this machine reaches a relay bound to `host`. */
function reachableHost(host: string): string {
  if (host === '::' || host === '0.0.0.0' || isLoopback(host)) return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * What start-up tells the operator: where the relay listens, the viewer, a curl line to try, where history is
 * kept, and who may use it. Built apart from the logger so that both formats say the same things.
 */
export function startupLines(config: RelayConfig, boundUrl: string, accessControlled: boolean): StartupLine[] {
  const { port, protocol } = new URL(boundUrl);
  const base = `${protocol}//${reachableHost(config.host)}:${port}`;
  const token = accessControlled ? ` -H 'Authorization: Bearer <token>'` : '';
  const lines: StartupLine[] = [
    { level: 'info', msg: `image-relay listening on ${base}/ (bound to ${boundUrl})`, fields: { url: boundUrl } },
    { level: 'info', msg: `viewer: ${base}/ (every channel, live; ${base}/view/<channel> for one)`, humanOnly: true },
    {
      level: 'info',
      msg: `try: curl --data-binary @photo.jpg -H 'Content-Type: image/jpeg'${token} ${base}/channels/cam-1/images`,
      humanOnly: true,
    },
  ];
  lines.push({ level: 'info', ...describeBackend(config) });
  if (accessControlled) {
    lines.push({ level: 'info', msg: 'access control is on: every request but the health check and the viewer page needs a token' });
  } else if (isLoopback(config.host)) {
    lines.push({
      level: 'warn',
      msg: 'no access control: anyone on this machine can publish and watch (configure --tokens or --jwt-secret to require tokens)',
    });
  } else {
    lines.push({
      level: 'warn',
      msg: `listening on every interface (${config.host}) with no access control: anyone who can reach port ${port} can publish and watch. Use --host 127.0.0.1 to keep it on this machine, or --tokens / --jwt-secret to require tokens.`,
    });
  }
  return lines;
}
