import type { CrossInstanceCells } from '../cells/cross-instance.js';
import type { FanOutCell } from '../cells/fan-out.js';
import type { IdleMeasurement } from '../cells/idle.js';
import type { IngestRow } from '../cells/ingest.js';
import type { LoopbackCell } from '../cells/loopback.js';
import type { SlowViewersMeasurement } from '../cells/slow-viewers.js';
import type { PerServer } from '../cells/cell-context.js';
import type { VariantContentionMeasurement } from '../cells/variant-contention.js';
import type { MachineDescription } from '../machine.js';
import type { BenchPlan } from '../plan.js';
import type { ServerName } from '../servers/bench-server.js';

/** Everything one run measured; cells left out by --only are undefined. */
export interface BenchResults {
  readonly plan: BenchPlan;
  readonly startedAt: Date;
  readonly durationMs: number;
  readonly machine: MachineDescription;
  /** The commit measured, e.g. "a51234c One definition of…", and whether src/ was dirty. */
  readonly source: string | undefined;
  /** The same for the --baseline checkout, when there was one. */
  readonly baselineSource?: string | undefined;
  /** The servers measured, in column order, with how each was run. */
  readonly servers: readonly { readonly name: ServerName; readonly description: string }[];
  /** Servers that could not run here, and why. */
  readonly skipped: readonly { readonly name: ServerName; readonly reason: string }[];
  /** Anything that changed the plan on this machine (a lower stream count for a low open-files limit). */
  readonly notes: readonly string[];
  readonly loopback: readonly LoopbackCell[] | undefined;
  readonly fanOut: readonly FanOutCell[] | undefined;
  readonly ingest: readonly IngestRow[] | undefined;
  readonly idle: PerServer<IdleMeasurement> | undefined;
  readonly slowViewers: PerServer<SlowViewersMeasurement> | undefined;
  /** image-relay's builds only; undefined when the cell was not run (or image-relay was not measured). */
  readonly variants?: PerServer<VariantContentionMeasurement> | undefined;
  readonly crossInstance?: CrossInstanceCells | undefined;
}
