import { BASELINE } from '../servers/bench-server.js';
import { size } from './format.js';
import { gcRows } from './gc-table.js';
import type { BenchResults } from './results.js';
import { TARGETS } from './targets.js';

/** The "How it is measured" bullets of docs/BENCHMARKS.md, from the plan the run used. */
export function howItIsMeasured(results: BenchResults): string[] {
  const { plan } = results;
  const fanOut = plan.fanOut;
  const camera = fanOut.cameraRate;
  const mostCapped = [...(results.fanOut ?? [])].sort((a, b) => a.maxPublishes - b.maxPublishes)[0];
  const capExample = mostCapped
    ? ` (${mostCapped.viewers} viewers × ${size(mostCapped.imageBytes)}: at most ${mostCapped.maxPublishes} images)`
    : '';
  const withBaseline = results.servers.some((server) => server.name === BASELINE);
  return [
    '- Servers run one at a time on loopback, each a single process or worker (nginx: 1 worker, as Node is one',
    '  thread). Viewers are raw sockets in a separate load process that parse the event stream without keeping it',
    '  (chunked or not), so each server’s viewers receive the same bytes: the published data: URL.',
    '- Each image is a distinct PNG-like blob (a real PNG signature and IHDR) carrying a sequence number; the',
    '  publisher records when each publish started, each viewer when each event ended: that difference is latency.',
    '- Every job uses a fresh channel and waits until a warm-up image has reached every viewer before measuring.',
    `- Fan-out: ${fanOut.viewerCounts.join(', ')} viewers × ${fanOut.imageSizes.map(size).join(', ')}.`,
    `  Saturation publishes back to back with ${fanOut.inFlight} publishes in flight for ${fanOut.saturateMs / 1000} s, or until`,
    `  images × viewers × data: URL size reaches ${fanOut.maxDeliveredBytes / 1e9} GB${capExample}, then waits up to`,
    `  ${fanOut.drainMs / 1000} s for viewers to receive what was accepted. Latency publishes at half the`,
    `  slowest server’s saturated image rate (${fanOut.minLatencyRate}–${fanOut.maxLatencyRate}/s, at least ${fanOut.minLatencyPublishes} images).`,
    `- Common case: the ${camera.viewerCounts.join('- and ')}-viewer fan-out cells also publish ${camera.publishes} images at a camera’s`,
    `  ${camera.perSecond}/s on every server (${camera.publishes / camera.perSecond} s), whatever their saturated rates; the common-case table`,
    '  puts those p50 / p99 beside the cells’ saturated MB/s.',
    `- Ingest: nobody watching, ${plan.ingest.inFlight} publishes in flight for ${plan.ingest.durationMs / 1000} s per route after ${plan.ingest.warmupMs / 1000} s of the same`,
    `  unmeasured: ${size(plan.ingest.imageBytes)} images on every route a server has (image-relay: a JSON data: URL to`,
    '  `POST /receive-image`; raw bytes to `POST` and `PUT /channels/{channel}/images`; JSON `{"imageSrc": ...}` and',
    `  multipart/form-data with one file to \`POST /channels/{channel}/images\`), and ${size(plan.ingest.largeImageBytes)} images on the data: URL`,
    '  route and the raw-body one. Server CPU µs per publish is the server’s CPU time while measuring over the',
    '  publishes it accepted.',
    `- Idle: a fresh server’s RSS ${plan.idle.settleMs / 1000} s and ${plan.idle.startupHoldMs / 1000} s after it listens, before any request (start-up RSS);`,
    `  then ${plan.idle.streams.toLocaleString('en-US')} open streams, RSS before, ${plan.idle.settleMs / 1000} s after they opened, and every second for`,
    `  ${plan.idle.holdMs / 1000} s while they stay open and idle (through heartbeats: the relay's come after 15 s without an image).`,
    `- Slow viewers: ${plan.slowViewers.stalled} viewers that never read beside ${plan.slowViewers.healthy} healthy ones, ${plan.slowViewers.images} images of ${size(plan.slowViewers.imageBytes)} at ${plan.slowViewers.perSecond}/s; RSS sampled every 50 ms.`,
    `- Variants: ${plan.variants.viewers} viewers, ${plan.variants.publishes} images of ${size(plan.variants.imageBytes)} at ${plan.variants.perSecond}/s, quiet and while ${plan.variants.encodesInFlight} requests for large variants stay open (image-relay only).`,
    `- Scale-out: image-relay alone in memory, alone on a local redis-server, and as 3 instances on it (publisher on`,
    `  the first, ${plan.crossInstance.viewerCounts.join(', ')} viewers spread evenly over all three) × ${plan.crossInstance.imageSizes.map(size).join(', ')}; saturating as in fan-out.`,
    `- Raw loopback: a Node process writing 1 MB buffers to N sockets as fast as they drain, read by the load process;`,
    `  the best of ${plan.loopback.trials} windows of ${plan.loopback.durationMs / 1000} s.`,
    '- CPU: each server’s and the load process’s CPU time (/proc/<pid>/stat) and the machine’s (/proc/stat) are read',
    '  as each measurement starts and ends: cores each used, interrupt time (softirq: the kernel moving loopback TCP)',
    '  and what other processes took.',
    `- Targets (marked ✓ met or ✗ missed where measured, gathered in the targets table): saturated MB/s at least`,
    `  ${TARGETS.saturationOverNchan.toFixed(1)}× nchan’s in every ${camera.viewerCounts.join('- and ')}-viewer cell; server CPU per ${size(plan.ingest.imageBytes)} JSON publish at most the naive`,
    `  relay’s; per raw-body publish at most ${TARGETS.rawCpuOverNchan}× nchan’s; p99 at most nchan’s in every latency job; at most`,
    `  ${size(TARGETS.idleStreamBytes)} of RSS per idle stream (10,000 streams) and ${size(TARGETS.startupRssBytes)} at start-up. Ratios come from the same run.`,
    ...(withBaseline
      ? [
          `- Baseline: image-relay as built in another checkout (its commit is in the table above), run as`,
          `  “${BASELINE}” with the same flags in every cell image-relay runs in, so that the image-relay / baseline`,
          '  ratios of a change come from one run on one machine.',
        ]
      : []),
    ...(gcRows(results).length > 0
      ? [
          '- Garbage collection: image-relay ran with `node --trace-gc`; the collections each process reported between a',
          '  measurement’s start and end are summed in the last table.',
        ]
      : []),
    ...results.notes.map((note) => `- Note: ${note}`),
  ];
}
