import { existsSync } from 'node:fs';

/**
 * Tests that need a program the project does not install through npm (Chromium, redis-server, nginx, ffprobe,
 * prlimit) find it on the machine. Without it they are skipped with a loud message, except where
 * IMAGE_RELAY_REQUIRE_EXTERNALS=1 (CI, which installs them all), where a missing program is a failure.
 *
 * @param missing what is missing and how to install it, e.g. "no nginx at /usr/sbin/nginx (apt-get install nginx)"
 * @returns the skip reason, for `describe(..., { skip })`
 */
export function skipForMissing(missing: string): string {
  if (process.env.IMAGE_RELAY_REQUIRE_EXTERNALS === '1') throw new Error(`FAILED: ${missing}`);
  const message = `SKIPPED: ${missing}`;
  process.stderr.write(`\n*** ${message} ***\n\n`);
  return message;
}

/** Debian's nginx (package nginx), which the nginx tests run with a configuration of their own. */
export const NGINX = '/usr/sbin/nginx';

export function nginxSkipReason(): string | undefined {
  return existsSync(NGINX) ? undefined : skipForMissing(`no nginx at ${NGINX} (apt-get install nginx)`);
}
