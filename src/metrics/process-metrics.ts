import { collectDefaultMetrics, Registry } from 'prom-client';

let processRegistry: Registry | undefined;

/**
 * prom-client's process metrics (memory, CPU, event-loop lag, GC, file descriptors), in one registry for the
 * whole process. They describe the process, which every relay in it shares, and their collectors (an event
 * loop monitor, a GC observer) cannot be stopped: one set per relay would pile up as relays are made and
 * closed (tests, embedders). Made on first use, so importing the module starts nothing.
 */
export function processMetricsRegistry(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}
