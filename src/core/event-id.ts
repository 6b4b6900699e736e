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

/** Digits allowed in each part: both stay exact as doubles (under 2^53). */
const MAX_PART_DIGITS = 15;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
const DASH = 0x2d;

/**
 * Reads "<ms>-<seq>" into `into`, or returns false when `text` is not of that shape (1 to 15 digits each). A loop
 * over the characters, not a regular expression with its match array: ids are compared once per viewer for every
 * image delivered (subscriber.ts), so thousands of times per publish with thousands of viewers.
 */
function readEventId(text: string, into: { ms: number; seq: number }): boolean {
  const length = text.length;
  let ms = 0;
  let index = 0;
  for (; index < length; index++) {
    const code = text.charCodeAt(index);
    if (code === DASH) break;
    if (code < DIGIT_0 || code > DIGIT_9 || index === MAX_PART_DIGITS) return false;
    ms = ms * 10 + (code - DIGIT_0);
  }
  const seqStart = index + 1;
  if (index === 0 || seqStart >= length || length - seqStart > MAX_PART_DIGITS) return false;
  let seq = 0;
  for (index = seqStart; index < length; index++) {
    const code = text.charCodeAt(index);
    if (code < DIGIT_0 || code > DIGIT_9) return false;
    seq = seq * 10 + (code - DIGIT_0);
  }
  into.ms = ms;
  into.seq = seq;
  return true;
}

export function parseEventId(text: string): EventId | undefined {
  const id = { ms: 0, seq: 0 };
  return readEventId(text, id) ? id : undefined;
}

export function formatEventId(id: EventId): string {
  return `${id.ms}-${id.seq}`;
}

/** Scratch for compareEventIds, which runs to completion: no object per comparison. */
const left = { ms: 0, seq: 0 };
const right = { ms: 0, seq: 0 };

/** Negative when a is older than b, positive when newer, 0 when equal. Both must be well-formed ids. */
export function compareEventIds(a: string, b: string): number {
  if (!readEventId(a, left)) throw new TypeError(`not an event id: ${a}`);
  if (!readEventId(b, right)) throw new TypeError(`not an event id: ${b}`);
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
