#!/usr/bin/env node
import { runCli } from './cli/main.js';

const exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
});
// Exit explicitly: a finished subscription or watcher may leave sockets that would keep the process alive.
process.exit(exitCode);
