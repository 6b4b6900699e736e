/**
 * Server-Sent Events framing (WHATWG HTML, "Server-sent events", 9.2.6 parsing an event stream).
 * A line ends at CR, LF or CRLF, and a field value runs to the end of its line, so any CR or LF inside a
 * value would start a new field: a publisher could forge `id:`, `event:` or `retry:` for every viewer. Values
 * that must be one line are checked here; multi-line data is split into one `data:` line per line, which the
 * browser joins back with LF.
 */

const LINE_BREAK = /\r\n|\r|\n/;

export interface SseEvent {
  readonly id?: string;
  /** Omit for unnamed events, which fire `onmessage` in browsers. */
  readonly event?: string;
  readonly data: string;
}

function assertSingleLine(field: string, value: string): void {
  if (/[\r\n\0]/.test(value)) throw new TypeError(`SSE ${field} must not contain CR, LF or NUL`);
}

/** One complete event, as bytes. */
export function encodeSseEvent(event: SseEvent): Buffer {
  let text = '';
  if (event.id !== undefined) {
    assertSingleLine('id', event.id);
    text += `id: ${event.id}\n`;
  }
  if (event.event !== undefined) {
    assertSingleLine('event', event.event);
    text += `event: ${event.event}\n`;
  }
  for (const line of event.data.split(LINE_BREAK)) text += `data: ${line}\n`;
  return Buffer.from(text + '\n');
}

/**
 * An event (unnamed unless `event` is given) whose data is `data` (one line of ASCII, megabytes for an image, in
 * the pieces it arrived in), as parts that share `data` rather than copy it: the original stream's event for
 * every viewer. `data` is checked for line breaks, which
 * would forge fields (a check at memchr speed; the data: URL was also validated at ingest).
 */
export function encodeDataEventParts(id: string, data: readonly Uint8Array[], event?: string): Uint8Array[] {
  assertSingleLine('id', id);
  for (const part of data) {
    if (part.indexOf(0x0a) !== -1 || part.indexOf(0x0d) !== -1) throw new TypeError('SSE data must not contain CR or LF');
  }
  if (event !== undefined) assertSingleLine('event', event);
  const fields = event === undefined ? `id: ${id}\ndata: ` : `id: ${id}\nevent: ${event}\ndata: `;
  return [Buffer.from(fields), ...data, EVENT_END];
}

const EVENT_END = Buffer.from('\n\n');

/** A comment line: ignored by EventSource, but it keeps proxies and NAT tables from timing the stream out. */
export function encodeSseComment(text: string): Buffer {
  assertSingleLine('comment', text);
  return Buffer.from(`: ${text}\n\n`);
}

/** Tells EventSource how long to wait before reconnecting (milliseconds). */
export function encodeSseRetry(milliseconds: number): Buffer {
  return Buffer.from(`retry: ${Math.max(0, Math.floor(milliseconds))}\n\n`);
}
