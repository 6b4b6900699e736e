import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { skipForMissing } from './externals.js';
import { projectRoot } from './fixtures.js';

/** The Python client's folder, and its sources for running it without installing. */
export const pythonClientDir = path.join(projectRoot, 'clients/python');
export const pythonClientSource = path.join(pythonClientDir, 'src');

/**
 * The Python the tests run: Debian's /usr/bin/python3 when there is one (python3-pil, python3-numpy and
 * python3-matplotlib install for it; a pyenv shim on PATH may lack them), else python3 on PATH.
 */
export function findPython(): string | undefined {
  if (existsSync('/usr/bin/python3')) return '/usr/bin/python3';
  return spawnSync('python3', ['--version']).status === 0 ? 'python3' : undefined;
}

/** Whether `python` can import `module`. */
export function pythonHas(python: string, module: string): boolean {
  return spawnSync(python, ['-c', `import ${module}`]).status === 0;
}

/** The skip reason when there is no Python (a failure in CI, as for every external program). */
export function pythonSkipReason(): string | undefined {
  return findPython() ? undefined : skipForMissing('no python3 at /usr/bin/python3 or on PATH (apt-get install python3)');
}

/** The skip reason when the Python lacks an optional library a test needs (a failure in CI). */
export function pythonModuleSkipReason(python: string | undefined, module: string, debianPackage: string): string | undefined {
  if (!python) return 'SKIPPED: no python3';
  return pythonHas(python, module) ? undefined : skipForMissing(`no ${module} for ${python} (apt-get install ${debianPackage})`);
}

/** Environment that runs the client from its sources, as `pip install -e` would. */
export function pythonClientEnv(extra: Record<string, string> = {}): Record<string, string> {
  const inherited = process.env.PYTHONPATH;
  return {
    ...(process.env as Record<string, string>),
    PYTHONPATH: inherited ? `${pythonClientSource}${path.delimiter}${inherited}` : pythonClientSource,
    // The sources stay free of __pycache__ folders.
    PYTHONDONTWRITEBYTECODE: '1',
    ...extra,
  };
}
