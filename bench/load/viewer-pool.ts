import type { StreamRoute } from './jobs.js';
import { SseViewer, type ViewerEvent } from './sse-viewer.js';

/**
 * Connections opened at once. Thousands of simultaneous SYNs overflow a listen backlog (511 for Node and nginx by
 * default), and a dropped SYN is retried only after a second: opening in waves keeps connect time honest.
 */
const CONNECTS_IN_FLIGHT = 128;
const CONNECT_TIMEOUT_MS = 15_000;

export interface ViewerPoolHandlers {
  readonly onEvent: (viewer: SseViewer, event: ViewerEvent) => void;
  readonly onLost: (viewer: SseViewer, reason: string) => void;
}

/** Opens `count` viewers of one stream; all subscribed when it resolves, or none left open if one fails. */
export async function openViewers(
  route: StreamRoute,
  count: number,
  handlers: ViewerPoolHandlers,
  stall = false,
): Promise<SseViewer[]> {
  const viewers = Array.from({ length: count }, () => new SseViewer(route, handlers.onEvent, handlers.onLost));
  let next = 0;
  let firstError: Error | undefined;
  const worker = async (): Promise<void> => {
    while (firstError === undefined && next < viewers.length) {
      const viewer = viewers[next++]!;
      try {
        await viewer.open({ stall, connectTimeoutMs: CONNECT_TIMEOUT_MS });
      } catch (error) {
        firstError ??= error as Error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONNECTS_IN_FLIGHT, count) }, worker));
  if (firstError) {
    closeViewers(viewers);
    throw new Error(`opening ${count} viewers of ${route.path}: ${firstError.message}`);
  }
  return viewers;
}

export function closeViewers(viewers: readonly SseViewer[]): void {
  for (const viewer of viewers) viewer.close();
}
