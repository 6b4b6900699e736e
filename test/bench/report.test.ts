import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Outcome, PerServer } from '../../bench/cells/cell-context.js';
import type { CpuUsage } from '../../bench/cells/cpu-window.js';
import type { FanOutCell, FanOutMeasurement } from '../../bench/cells/fan-out.js';
import type { IdleMeasurement } from '../../bench/cells/idle.js';
import type { IngestRow } from '../../bench/cells/ingest.js';
import type { PublishFormat } from '../../bench/load/jobs.js';
import { PLANS } from '../../bench/plan.js';
import { benchmarksSection } from '../../bench/report/benchmarks-doc.js';
import { commonCaseTable } from '../../bench/report/common-case-table.js';
import { gcTable } from '../../bench/report/gc-table.js';
import { ingestTable } from '../../bench/report/ingest-table.js';
import type { BenchResults } from '../../bench/report/results.js';
import { idleTable } from '../../bench/report/tables.js';
import { checkTargets, targetsTable } from '../../bench/report/targets-table.js';
import { BASELINE, type ServerName } from '../../bench/servers/bench-server.js';
import type { GcTotals } from '../../bench/servers/gc-trace.js';
import { parseGcLine } from '../../bench/servers/gc-trace.js';

const cpu = (serverSeconds: number, wallSeconds = 1): CpuUsage => ({
  serverSeconds,
  loadSeconds: 0.5,
  interruptSeconds: 0.05,
  otherSeconds: 0,
  wallSeconds,
});

/** A fan-out job of 100 images to every viewer that delivered `megabytesPerSecond` for a second, with the given p50 / p99. */
function fanOutJob(megabytesPerSecond: number, latency?: [number, number], gc?: GcTotals, viewers = 1): Outcome<FanOutMeasurement> {
  return {
    ok: true,
    value: {
      result: {
        kind: 'fan-out',
        published: 100,
        failedPublishes: 0,
        events: 100 * viewers,
        payloadBytes: megabytesPerSecond * 1e6,
        elapsedMs: 1000,
        backlogLeft: false,
        latency: latency ? { samples: 100, p50Ms: latency[0], p99Ms: latency[1], maxMs: latency[1] } : undefined,
        viewersLost: 0,
        stalledDropped: 0,
        connectMs: 1,
      },
      cpu: cpu(0.9),
      gc,
    },
  };
}

function cell(viewers: number, imageBytes: number, saturation: PerServer<FanOutMeasurement>, camera: PerServer<FanOutMeasurement>): FanOutCell {
  return {
    viewers,
    imageBytes,
    maxPublishes: 100,
    saturation,
    slowestRate: 100,
    latencyRate: 50,
    latency: {},
    cameraRate: 30,
    cameraLatency: camera,
  };
}

function ingestRow(server: ServerName, route: PublishFormat, path: string, microsPerPublish: number, imageBytes = 10_000): IngestRow {
  return {
    server,
    imageBytes,
    method: 'POST',
    route,
    path,
    outcome: {
      ok: true,
      value: {
        result: { kind: 'ingest', unavailable: false, published: 1000, failedPublishes: 0, elapsedMs: 1000 },
        cpu: cpu((microsPerPublish * 1000) / 1e6),
      },
    },
  };
}

/** An idle cell: `perStreamBytes` once held (what the target judges), more as the streams had just opened. */
function idle(startupMegabytes: number, perStreamBytes: number): Outcome<IdleMeasurement> {
  return {
    ok: true,
    value: {
      startupRssBytes: (startupMegabytes + 10) * 1e6,
      startupHeldRssBytes: startupMegabytes * 1e6,
      load: { kind: 'idle', opened: 10_000, failed: 0, lostWhileIdle: 0, openMs: 100 },
      rssBeforeBytes: 90e6,
      rssAfterBytes: 90e6 + (perStreamBytes + 3_000) * 10_000,
      rssHeldBytes: 90e6 + perStreamBytes * 10_000,
      rssHeldPeakBytes: 90e6 + (perStreamBytes + 4_000) * 10_000,
    },
  };
}

function results(overrides: Partial<BenchResults> = {}): BenchResults {
  return {
    plan: PLANS.full,
    startedAt: new Date('2026-12-03T10:00:00Z'),
    durationMs: 1000,
    machine: {
      cpuModel: 'test CPU',
      cores: 2,
      memoryBytes: 8e9,
      kernel: 'Linux test',
      node: 'v20.0.0',
      nginx: 'nginx/1.22.1',
      nchan: '1.3.6',
      openFiles: 20_000,
      loadAverageAtStart: 0,
    },
    source: 'abc1234 this build',
    servers: [
      { name: 'image-relay', description: 'node dist/src/cli.js serve' },
      { name: 'nchan', description: 'nginx' },
      { name: 'naive', description: 'node naive' },
    ],
    skipped: [],
    notes: [],
    loopback: undefined,
    fanOut: [
      cell(1, 10_000, { 'image-relay': fanOutJob(120), nchan: fanOutJob(100), naive: fanOutJob(90) }, {
        'image-relay': fanOutJob(0.3, [1, 3]),
        nchan: fanOutJob(0.3, [1, 4]),
        naive: fanOutJob(0.3, [1, 5]),
      }),
      cell(10, 1_000_000, { 'image-relay': fanOutJob(800), nchan: fanOutJob(1000), naive: fanOutJob(900) }, {
        'image-relay': fanOutJob(300, [5, 20], undefined, 10),
        nchan: fanOutJob(300, [5, 10], undefined, 10),
        naive: fanOutJob(300, [5, 12], undefined, 10),
      }),
    ],
    ingest: [
      ingestRow('image-relay', 'json-data-url', '/receive-image', 50),
      ingestRow('image-relay', 'png-body', '/channels/{channel}/images', 70),
      ingestRow('nchan', 'data-url-body', '/pub/{channel}', 30),
      ingestRow('naive', 'json-data-url', '/receive-image', 60),
    ],
    idle: { 'image-relay': idle(55, 12_800), nchan: idle(30, 10_200), naive: idle(50, 10_300) },
    slowViewers: undefined,
    ...overrides,
  };
}

describe('benchmark report', () => {
  it('puts the common case first, with the ratio to nchan and both targets marked per cell', () => {
    const table = commonCaseTable(results())!;
    assert.deepEqual(table.columns, [
      'viewers',
      'image',
      'image-relay MB/s',
      'nchan MB/s',
      'image-relay / nchan',
      '≥ 1.0× nchan',
      'image-relay p50 / p99 ms',
      'nchan p50 / p99 ms',
      'naive p50 / p99 ms',
      'p99 ≤ nchan',
    ]);
    assert.deepEqual(table.rows[0], ['1', '10 kB', '120', '100', '1.20×', '✓', '1.00 / 3.00', '1.00 / 4.00', '1.00 / 5.00', '✓ 0.75×']);
    assert.deepEqual(table.rows[1], ['10', '1 MB', '800', '1,000', '0.80×', '✗', '5.00 / 20.0', '5.00 / 10.0', '5.00 / 12.0', '✗ 2.00×']);
    assert.ok(benchmarksSection(results()).indexOf('### Common case') < benchmarksSection(results()).indexOf('### Fan-out at saturation'));
  });

  it('judges every target from the same run', () => {
    const standings = checkTargets(results()).map((check) => check.standings['image-relay']?.met);
    // saturation (0.8× in one cell), JSON CPU (50 ≤ 60), raw (70 ≤ 2 × 30? no), p99 (one 2×), idle 12.8 kB, start-up 55 MB
    assert.deepEqual(standings, [false, true, false, false, false, true]);
    const table = targetsTable(results())!;
    assert.equal(table.rows[1]![1], '✓ 50.0 µs, 0.83× naive’s 60.0 µs');
    assert.equal(table.rows[2]![1], '✗ 0 of 1; highest 2.33× (POST 10 kB)');
  });

  it('marks the CPU targets on the relay’s ingest rows only', () => {
    const table = ingestTable(results())!;
    const target = table.columns.indexOf('CPU target');
    assert.deepEqual(table.rows.map((row) => row[target]), ['✓ 0.83× naive (≤ naive)', '✗ 2.33× nchan (≤ 2× nchan)', '', '']);
  });

  it('adds image-relay / baseline columns when a baseline ran, and a baseline column of targets', () => {
    const withBaseline = results({
      servers: [...results().servers, { name: BASELINE, description: 'node /baseline/dist/src/cli.js serve' }],
      fanOut: results().fanOut!.map((fanOut) => ({
        ...fanOut,
        saturation: { ...fanOut.saturation, [BASELINE]: fanOutJob(60) },
        cameraLatency: { ...fanOut.cameraLatency, [BASELINE]: fanOutJob(1, [2, 6]) },
      })),
      ingest: [...results().ingest!, ingestRow(BASELINE, 'json-data-url', '/receive-image', 100)],
      baselineSource: 'def5678 the baseline',
    });
    const common = commonCaseTable(withBaseline)!;
    const overBaseline = common.columns.indexOf('MB/s image-relay / baseline');
    assert.equal(common.rows[0]![overBaseline], '2.00×');
    assert.equal(common.rows[0]![common.columns.indexOf('p99 image-relay / baseline')], '0.50×');
    const ingest = ingestTable(withBaseline)!;
    assert.equal(ingest.rows[0]![ingest.columns.indexOf('CPU µs image-relay / baseline')], '0.50×');
    assert.deepEqual(targetsTable(withBaseline)!.columns, ['target', 'image-relay', BASELINE]);
    const section = benchmarksSection(withBaseline);
    assert.match(section, /\| baseline source \| def5678 the baseline \|/);
    assert.match(section, /- Baseline: image-relay as built in another checkout/);
  });

  it('keeps the idle row docs/operations.md is checked against, judging the targets on the held figures', () => {
    const table = idleTable(results())!;
    assert.deepEqual(table.columns.slice(3, 8), [
      'RSS 1 s after opening',
      'per stream, as opened',
      'RSS after 60 s idle',
      'per stream after 60 s',
      'highest per stream in the 60 s',
    ]);
    assert.deepEqual(table.rows[0], ['image-relay', '10,000', '90 MB', '248 MB', '15.8 kB', '218 MB', '12.8 kB', '16.8 kB', '✗', '65 MB', '55 MB', '✓']);
    // test/docs/operations-doc.test.ts reads the idle row with this pattern.
    const idleRow = /\| image-relay \| [\d,]+ \| ([\d.]+) MB \| [\d.]+ MB \| [\d.]+ kB \| [\d.]+ MB \| ([\d.]+) kB \| ([\d.]+) kB \|/.exec(
      benchmarksSection(results()),
    );
    assert.deepEqual(idleRow?.slice(1), ['90', '12.8', '16.8']);
  });

  it('reads V8’s --trace-gc lines', () => {
    assert.deepEqual(
      parseGcLine('[4024:0x6f574d0]      164 ms: Scavenge 4.4 (4.5) -> 3.8 (5.5) MB, 1.22 / 0.02 ms  (average mu = 1.000, current mu = 1.000) allocation failure; '),
      { young: true, pauseMs: 1.22, incrementalMs: 0 },
    );
    assert.deepEqual(
      parseGcLine(
        '[12811:0x1424b780]     1482 ms: Mark-Compact 132.8 (166.5) -> 19.2 (55.2) MB, 5.92 / 0.02 ms  (+ 12.8 ms in 69 steps since start of marking, biggest step 0.6 ms, walltime since start of marking 300 ms) (average mu = 0.98, current mu = 0.97) finalize incremental marking via task; GC in old space requested',
      ),
      { young: false, pauseMs: 5.92, incrementalMs: 12.8 },
    );
    assert.equal(parseGcLine('[4024:0x6f574d0]  Memory reducer: started GC #1'), undefined);
    assert.equal(parseGcLine('{"level":40,"msg":"a warning"}'), undefined);
  });

  it('tabulates collections per measurement only when traced', () => {
    assert.equal(gcTable(results()), undefined);
    const traced = results({
      fanOut: [
        cell(1, 10_000, { 'image-relay': fanOutJob(120, undefined, { scavenges: 10, markCompacts: 2, pauseMs: 50, incrementalMs: 4 }) }, {}),
      ],
    });
    assert.deepEqual(gcTable(traced)!.rows, [['fan-out 1 × 10 kB, saturation', 'image-relay', '100', '10', '2', '50.0', '500 µs', '4.00', '5%']]);
  });
});
