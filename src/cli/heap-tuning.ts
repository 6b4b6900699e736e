import { constants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';

/**
 * The room V8 is to leave the old generation past what survived the last full collection, in bytes.
 *
 * V8 starts marking for a full (mark-compact) collection when either of two things happens: the old
 * generation's room, less the off-heap memory allocated since the last one (every socket read and decoded image
 * is a Buffer, outside the heap), falls under the young generation's size (16 MiB under a stream of publishes);
 * or that off-heap memory passes 64 MiB. A relay's live heap is small (10–15 MB with a few channels) and V8's own
 * growth rule keeps the room a few MB above it, so the first came every few MB of images: a full collection
 * every 30–40 ms under one camera of 1 MB frames, a quarter of the CPU. 32 MiB of room starts marking after some
 * 16 MiB of images, well before the second, whose marking runs in synchronous steps of 5–10 ms each where the
 * first's are small and spread. More room saves more CPU at saturation but brings the second first: with 64 MiB,
 * some 10% less CPU per 1 MB publish than with 32, and a p99 latency at 30 images/s of up to 21 ms instead of
 * 13–15 (docs/BENCHMARKS.md, notes of 2026-12-04).
 */
export const OLD_GENERATION_ROOM_BYTES = 32 * 1024 * 1024;

/**
 * Bounds of V8's --heap-growing-percent (how far the old generation may grow past what survived, in percent of
 * it): never under 20%, and never over 1000%, whatever the live heap. The room is the same 32 MiB for a large live
 * heap as for a small one: garbage that waits for a collection is memory the relay holds. With a floor of 200%
 * (twice the live heap as room), 10,000 idle streams (a live heap of 61 MB) let each heartbeat's promoted garbage
 * pile up to 120 MB: their RSS rose by 7.5 MB every 15 s for minutes (docs/BENCHMARKS.md, notes of 2026-12-04).
 */
export const MIN_HEAP_GROWING_PERCENT = 20;
export const MAX_HEAP_GROWING_PERCENT = 1000;

/** Steps the percent moves in, so that small changes of the live heap do not set a flag after every collection. */
const PERCENT_STEP = 10;

/** The growth that gives an old generation of `liveBytes` about OLD_GENERATION_ROOM_BYTES of room, in bounds. */
export function heapGrowingPercentFor(liveBytes: number): number {
  if (!(liveBytes > 0)) return MAX_HEAP_GROWING_PERCENT;
  const wanted = Math.ceil((OLD_GENERATION_ROOM_BYTES / liveBytes) * (100 / PERCENT_STEP)) * PERCENT_STEP;
  return Math.min(MAX_HEAP_GROWING_PERCENT, Math.max(MIN_HEAP_GROWING_PERCENT, wanted));
}

/** Bytes in V8's old generation now (every space but the young generation's). */
function oldGenerationBytes(): number {
  let bytes = 0;
  for (const space of getHeapSpaceStatistics()) {
    if (space.space_name !== 'new_space' && space.space_name !== 'new_large_object_space') bytes += space.space_used_size;
  }
  return bytes;
}

/** Stops the tuning (for a process that goes on without the relay). */
export type StopHeapTuning = () => void;

/**
 * Sets the heap's growth for a relay process, unless Node was started with its own --heap-growing-percent, and
 * keeps it fitted to the live heap: after each full collection, the percent that leaves the old generation
 * OLD_GENERATION_ROOM_BYTES of room (V8 reads the flag when it sets the next limit). The cost is garbage that
 * may wait for a collection: at most that room, or a fifth of the live heap once the live heap passes 160 MiB.
 * For the serving process only: a program that embeds the relay owns its process's V8 flags.
 */
export function tuneHeapForRelaying(
  execArgv: readonly string[] = process.execArgv,
  /** Told each percent as it is set (V8 has no way to read a flag back). */
  onTuned?: (percent: number) => void,
): StopHeapTuning {
  if (execArgv.some((argument) => /^--heap[-_]growing[-_]percent\b/.test(argument))) return () => {};
  let percent = 0;
  const fit = (): void => {
    const wanted = heapGrowingPercentFor(oldGenerationBytes());
    if (wanted === percent) return;
    percent = wanted;
    setFlagsFromString(`--heap-growing-percent=${percent}`);
    onTuned?.(percent);
  };
  fit();
  const observer = new PerformanceObserver((list) => {
    if (list.getEntries().some(isFullCollection)) fit();
  });
  observer.observe({ entryTypes: ['gc'] });
  return () => observer.disconnect();
}

function isFullCollection(entry: PerformanceEntry): boolean {
  const { detail } = entry as PerformanceEntry & { readonly detail?: { readonly kind?: number } };
  return detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR;
}
