import { appendFileSync } from 'node:fs';

type LoadResult = { format?: string | null | undefined };
type NextLoad = (url: string, context: unknown) => Promise<LoadResult>;

/** A module loader hook (register.ts): appends "<format> <url>" for each module loaded. */
export async function load(url: string, context: unknown, nextLoad: NextLoad): Promise<LoadResult> {
  const result = await nextLoad(url, context);
  const logFile = process.env.IMAGE_RELAY_MODULE_LOG;
  if (logFile && !url.startsWith('node:')) appendFileSync(logFile, `${result.format ?? 'unknown'} ${url}\n`);
  return result;
}
