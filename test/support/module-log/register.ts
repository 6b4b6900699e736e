/**
 * `node --import <this file>`: logs every module Node's ES module loader loads, as "<format> <url>" lines appended
 * to the file IMAGE_RELAY_MODULE_LOG names (the hooks run on a thread of their own, so not to stdout).
 */
import { register } from 'node:module';

register('./load-hook.js', import.meta.url);
