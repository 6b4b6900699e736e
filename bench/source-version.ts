import { spawnSync } from 'node:child_process';

/**
 * Which image-relay was measured: the commit, and whether src/ had uncommitted changes (the relay is rebuilt
 * from the working tree by `npm run bench`, so figures from a dirty tree belong to no commit). Undefined
 * outside a git checkout.
 */
export function describeSource(repoRoot: string): string | undefined {
  const git = (...args: string[]): string | undefined => {
    const answer = spawnSync('git', ['-C', repoRoot, ...args], { encoding: 'utf8' });
    return answer.status === 0 ? answer.stdout.trim() : undefined;
  };
  const commit = git('log', '-1', '--format=%h %s');
  if (commit === undefined) return undefined;
  const dirty = (git('status', '--porcelain', '--', 'src') ?? '') !== '';
  return dirty ? `${commit} (+ uncommitted changes in src/)` : commit;
}
