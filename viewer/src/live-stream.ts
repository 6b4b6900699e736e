import type { ImageDescription } from './api';
import { checkAccess } from './token-prompt';

export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'offline';

/** Ids are "<ms>-<seq>": compared as numbers, so the stream can drop anything it has already shown. */
function isNewer(id: string, than: string | undefined): boolean {
  if (than === undefined) return true;
  const [ms, seq] = id.split('-').map(Number) as [number, number];
  const [thanMs, thanSeq] = than.split('-').map(Number) as [number, number];
  return ms > thanMs || (ms === thanMs && seq > thanSeq);
}

const RETRY_AFTER_CLOSE_MS = 3000;

/**
 * Follows the `image` events of some channels on one connection. EventSource reconnects by itself after a
 * network error and sends Last-Event-ID; when it gives up (the relay answered with an error while restarting),
 * a new one is opened with `?lastEventId=`, so the viewer resumes where it was and shows nothing twice.
 * @param startAfter the id of the newest image the page already shows (from a history listing), if any.
 * @param variantQuery a variant's query (e.g. "w=640"): the events' `url` then names that variant of each image.
 */
export function followImages(
  channels: readonly string[],
  onImage: (image: ImageDescription) => void,
  onState: (state: ConnectionState) => void,
  startAfter?: string,
  variantQuery?: string,
): () => void {
  let lastId: string | undefined = startAfter;
  let source: EventSource | undefined;
  let retryTimer: number | undefined;
  let stopped = false;

  const reopenLater = (): void => {
    onState('offline');
    void checkAccess();
    source = undefined;
    if (!stopped) retryTimer = window.setTimeout(open, RETRY_AFTER_CLOSE_MS);
  };

  const open = (): void => {
    const params = new URLSearchParams();
    for (const channel of channels) params.append('channel', channel);
    if (lastId) params.set('lastEventId', lastId);
    for (const [name, value] of new URLSearchParams(variantQuery)) params.set(name, value);
    source = new EventSource(`/events?${params}`);
    source.onopen = () => onState('live');
    source.onerror = () => {
      if (source?.readyState === EventSource.CLOSED) reopenLater();
      else onState('reconnecting');
    };
    // The relay ends a stream when its token expires: reconnecting with the same token would only be refused, so
    // the page asks for a new one (or finds the cookie its app has renewed) and resumes after the last image.
    source.addEventListener('token_expired', () => {
      source?.close();
      reopenLater();
    });
    source.addEventListener('image', (event) => {
      const message = event as MessageEvent<string>;
      const image = JSON.parse(message.data) as ImageDescription;
      if (!isNewer(image.id, lastId)) return;
      lastId = image.id;
      onImage(image);
    });
  };
  onState('connecting');
  open();
  return () => {
    stopped = true;
    window.clearTimeout(retryTimer);
    source?.close();
  };
}
