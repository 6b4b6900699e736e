/**
 * Event ids are "<milliseconds>-<sequence>", the shape of Redis Stream ids, so that both backends issue ids that
 * sort the same way and a viewer's Last-Event-ID means the same thing whichever backend or instance it reaches.
 * The time part also keeps ids increasing across a restart of an in-memory relay, so a viewer that reconnects
 * with an id from before the restart is not mistaken for one that is ahead.
 */
export interface EventId {
  readonly ms: number;
  readonly seq: number;
}

const EVENT_ID_PATTERN = /^(\d{1,15})-(\d{1,15})$/;

export function parseEventId(text: string): EventId | undefined {
  const match = EVENT_ID_PATTERN.exec(text);
  if (!match) return undefined;
  return { ms: Number(match[1]), seq: Number(match[2]) };
}

export function formatEventId(id: EventId): string {
  return `${id.ms}-${id.seq}`;
}

/** Negative when a is older than b, positive when newer, 0 when equal. Both must be well-formed ids. */
export function compareEventIds(a: string, b: string): number {
  const left = parseEventId(a);
  const right = parseEventId(b);
  if (!left || !right) throw new TypeError(`not an event id: ${left ? b : a}`);
  return left.ms - right.ms || left.seq - right.seq;
}

/** Issues strictly increasing ids even when the wall clock stands still or steps back. */
export class EventIdClock {
  private last: EventId = { ms: 0, seq: 0 };

  constructor(private readonly now: () => number = Date.now) {}

  next(): string {
    const ms = this.now();
    this.last = ms > this.last.ms ? { ms, seq: 0 } : { ms: this.last.ms, seq: this.last.seq + 1 };
    return formatEventId(this.last);
  }

  /** Makes sure later ids sort after `id` (used when history is restored from elsewhere). */
  advancePast(id: string): void {
    const parsed = parseEventId(id);
    if (parsed && (parsed.ms > this.last.ms || (parsed.ms === this.last.ms && parsed.seq > this.last.seq))) {
      this.last = parsed;
    }
  }
}
