/**
 * What issue 13 asks of image-relay, as figures a run can check: each table that measures one marks it met or
 * missed, and the targets table gathers them. Ratios are image-relay's figure over its rival's, from the same run.
 */
export const TARGETS = {
  /** Delivered MB/s at saturation in every 1- and 10-viewer fan-out cell: at least nchan's. */
  saturationOverNchan: 1.0,
  /** Server CPU per 10 kB publish of a JSON data: URL to /receive-image: no more than the naive relay's. */
  jsonCpuOverNaive: 1.0,
  /** Server CPU per raw-body publish: no more than twice nchan's (which only copies the body into shared memory). */
  rawCpuOverNchan: 2.0,
  /** Publish-to-receive p99 in every latency job: no more than nchan's. */
  p99OverNchan: 1.0,
  /** RSS per idle event stream, with 10,000 of them open. */
  idleStreamBytes: 10_000,
  /** RSS of a relay that has just started listening, before any request. */
  startupRssBytes: 60_000_000,
} as const;

export const MET = '✓';
export const MISSED = '✗';

/** ✓ or ✗, or a dash when there is nothing to judge. */
export function targetMark(met: boolean | undefined): string {
  return met === undefined ? '–' : met ? MET : MISSED;
}

/** Whether `value` is within `limit` (at most); undefined when either is missing. */
export function atMost(value: number | undefined, limit: number | undefined): boolean | undefined {
  return value === undefined || limit === undefined ? undefined : value <= limit;
}
