const SEQ = Buffer.from(';seq=');
const END = Buffer.from('\n\n');

/**
 * Counts the events of an SSE stream without keeping them: each published image carries `;seq=N` in its data:
 * URL header, so a viewer learns which image an event is from its first bytes, and the event ends at the blank
 * line. Works on the raw bytes of any of the servers compared (they all send `data: data:image/png;seq=N;...`).
 */
export class EventCounter {
  bytes = 0;
  events = 0;
  private carry: Buffer = Buffer.alloc(0);
  private current: number | undefined;

  /** @param onEvent called when an event ends, with its sequence number. */
  constructor(private readonly onEvent: (seq: number) => void) {}

  feed(chunk: Buffer): void {
    this.bytes += chunk.length;
    const buffer = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk;
    let position = 0;
    // What may be the start of a pattern cut by the chunk boundary is carried into the next chunk.
    let keepFrom = -1;
    for (;;) {
      const start = buffer.indexOf(SEQ, position);
      const end = buffer.indexOf(END, position);
      if (start === -1 && end === -1) break;
      if (end !== -1 && (start === -1 || end < start)) {
        if (this.current !== undefined) this.onEvent(this.current);
        this.current = undefined;
        position = end + END.length;
        continue;
      }
      const semicolon = buffer.indexOf(0x3b, start + SEQ.length);
      if (semicolon === -1) {
        keepFrom = start;
        break;
      }
      this.current = Number(buffer.toString('latin1', start + SEQ.length, semicolon));
      this.events += 1;
      position = semicolon + 1;
    }
    this.carry = Buffer.from(buffer.subarray(keepFrom !== -1 ? keepFrom : Math.max(position, buffer.length - (SEQ.length - 1))));
  }
}
