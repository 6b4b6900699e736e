/**
 * Finds event boundaries in an event stream (WHATWG HTML §9.2.6) without keeping events: for each event that
 * has data it reports the data's length and only its first bytes (enough to read an image's sequence number).
 * Lines end at LF or CRLF (the servers under test never send a lone CR). Comments (`: hi`, heartbeats) and
 * other fields are skipped. Data of several `data:` lines counts as the browser joins it: with one LF between.
 */

const LF = 0x0a;
const CR = 0x0d;
const COLON = 0x3a;
const SPACE = 0x20;
const DATA_FIELD = Buffer.from('data');
/** Field names longer than this are not `data`: no need to remember more of them. */
const MAX_FIELD_NAME = 8;

export interface ScannedEvent {
  /** Length of the event's data in bytes, as EventSource would deliver it. */
  readonly dataBytes: number;
  /** The first bytes of the data (up to the scanner's `keepBytes`). */
  readonly dataStart: Buffer;
}

type LineState = 'line-start' | 'field-name' | 'value-start' | 'data-value' | 'skip-line';

export class SseScanner {
  private state: LineState = 'line-start';
  private readonly fieldName = Buffer.alloc(MAX_FIELD_NAME);
  private fieldNameLength = 0;
  private isDataField = false;
  private hasData = false;
  private dataBytes = 0;
  private lineBytes = 0;
  private previousByte = 0;
  private readonly dataStart: Buffer;
  private dataStartLength = 0;

  /** @param keepBytes how many bytes of each event's data to hand back */
  constructor(
    keepBytes: number,
    private readonly onEvent: (event: ScannedEvent) => void,
  ) {
    this.dataStart = Buffer.alloc(keepBytes);
  }

  push(bytes: Buffer): void {
    let offset = 0;
    const length = bytes.length;
    while (offset < length) {
      if (this.state === 'data-value' || this.state === 'skip-line') {
        // The bulk of the stream: run to the end of the line with memchr rather than byte by byte.
        const lineEnd = bytes.indexOf(LF, offset);
        const end = lineEnd === -1 ? length : lineEnd;
        if (this.state === 'data-value' && end > offset) this.takeData(bytes, offset, end);
        if (end > offset) this.previousByte = bytes[end - 1]!;
        offset = end;
        if (lineEnd === -1) return;
        offset += 1;
        this.endLine();
        continue;
      }
      const byte = bytes[offset++]!;
      switch (this.state) {
        case 'line-start':
          if (byte === LF) {
            this.dispatch();
          } else if (byte !== CR) {
            this.fieldNameLength = 0;
            this.state = byte === COLON ? 'skip-line' : 'field-name';
            if (byte !== COLON) this.addFieldNameByte(byte);
          }
          break;
        case 'field-name':
          if (byte === COLON) {
            this.isDataField = this.fieldNameLength === 4 && this.fieldName.subarray(0, 4).equals(DATA_FIELD);
            this.state = this.isDataField ? 'value-start' : 'skip-line';
            if (this.isDataField) this.startDataLine();
          } else if (byte === LF) {
            // A field with no colon: the whole line is the name, the value is empty.
            this.isDataField = this.fieldNameLength === 4 && this.fieldName.subarray(0, 4).equals(DATA_FIELD);
            if (this.isDataField) this.startDataLine();
            this.previousByte = 0;
            this.endLine();
          } else if (byte !== CR) {
            this.addFieldNameByte(byte);
          }
          break;
        case 'value-start':
          // One space after the colon is not part of the value.
          this.state = 'data-value';
          if (byte !== SPACE) offset -= 1;
          this.previousByte = 0;
          break;
      }
    }
  }

  private addFieldNameByte(byte: number): void {
    if (this.fieldNameLength < MAX_FIELD_NAME) this.fieldName[this.fieldNameLength] = byte;
    this.fieldNameLength += 1;
  }

  private startDataLine(): void {
    // A second data line joins the first with an LF.
    if (this.hasData) this.addData(LF);
    this.hasData = true;
    this.lineBytes = 0;
  }

  private takeData(bytes: Buffer, start: number, end: number): void {
    const room = this.dataStart.length - this.dataStartLength;
    if (room > 0) {
      const copied = bytes.copy(this.dataStart, this.dataStartLength, start, Math.min(end, start + room));
      this.dataStartLength += copied;
    }
    this.dataBytes += end - start;
    this.lineBytes += end - start;
  }

  private addData(byte: number): void {
    if (this.dataStartLength < this.dataStart.length) this.dataStart[this.dataStartLength++] = byte;
    this.dataBytes += 1;
  }

  private endLine(): void {
    // A CRLF line end: the CR was counted as data.
    if (this.state === 'data-value' && this.previousByte === CR && this.lineBytes > 0) this.dataBytes -= 1;
    this.state = 'line-start';
    this.previousByte = 0;
  }

  private dispatch(): void {
    if (this.hasData) {
      this.onEvent({ dataBytes: this.dataBytes, dataStart: this.dataStart.subarray(0, this.dataStartLength) });
    }
    this.hasData = false;
    this.dataBytes = 0;
    this.dataStartLength = 0;
  }
}
