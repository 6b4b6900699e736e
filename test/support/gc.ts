import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;

/** Runs a full garbage collection, so heap figures measure what is still referenced, not what awaits collection. */
export function collectGarbage(): void {
  collect();
  collect();
}
