import { setFlagsFromString } from 'node:v8';

/**
 * How far V8 lets the old generation grow past what survived the last full collection, in percent (V8's
 * --heap-growing-percent; V8 picks 10–300% itself, from its pause times).
 *
 * A relay's live heap is small (10–15 MB with a few channels), so V8's own choice keeps the old generation's
 * limit a few MB above it. Under a stream of publishes the young generation grows to its 16 MB maximum, and V8
 * starts incremental marking whenever the old generation's room is under the young generation's size: with the
 * default, that was a full mark-compact every 30–40 ms under one camera of 1 MB frames, a quarter of the CPU
 * (docs/BENCHMARKS.md, "The heap"). Letting the old generation grow to three times its live size leaves that room.
 * The cost is memory that garbage may take before it is collected: at most twice the live heap, bounded as the
 * live heap is.
 */
export const HEAP_GROWING_PERCENT = 200;

/**
 * Sets the heap's growth for a relay process, unless Node was started with its own --heap-growing-percent.
 * For the serving process only: a program that embeds the relay owns its process's V8 flags.
 */
export function tuneHeapForRelaying(execArgv: readonly string[] = process.execArgv): void {
  if (execArgv.some((argument) => /^--heap[-_]growing[-_]percent\b/.test(argument))) return;
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
