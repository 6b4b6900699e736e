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
 * An unnamed event whose data is `prefix` followed by the base64 of `bytes`, written straight into one buffer:
 * the data: URL stream sends megabytes per event, so it avoids the intermediate copies of the general encoder.
 * `prefix` and `id` must be single-line (checked); base64 never holds a line break.
 */
export function encodeBase64DataEvent(id: string, prefix: string, bytes: Uint8Array): Buffer {
  assertSingleLine('id', id);
  assertSingleLine('data', prefix);
  const head = `id: ${id}\ndata: ${prefix}`;
  const base64 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  const frame = Buffer.allocUnsafe(Buffer.byteLength(head) + base64.length + 2);
  let offset = frame.write(head, 0, 'utf8');
  offset += frame.write(base64, offset, 'latin1');
  frame.write('\n\n', offset, 'latin1');
  return frame;
}

/** A comment line: ignored by EventSource, but it keeps proxies and NAT tables from timing the stream out. */
export function encodeSseComment(text: string): Buffer {
  assertSingleLine('comment', text);
  return Buffer.from(`: ${text}\n\n`);
}

/** Tells EventSource how long to wait before reconnecting (milliseconds). */
export function encodeSseRetry(milliseconds: number): Buffer {
  return Buffer.from(`retry: ${Math.max(0, Math.floor(milliseconds))}\n\n`);
}
