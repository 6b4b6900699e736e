import http from 'node:http';

/**
 * A strict reader of a `multipart/x-mixed-replace` MJPEG response: it takes the boundary from the Content-Type,
 * checks the stream opens with it, and reads every part up to the next delimiter, counting a frame only once the
 * next part's headers follow it (what makes Chrome show a frame at once). Frames are kept in arrival order.
 */
export class MjpegReader {
  readonly frames: Buffer[] = [];
  /** Each frame's part headers, lower-cased names. */
  readonly partHeaders: Record<string, string>[] = [];
  ended = false;
  /** Whether the closing delimiter (`--boundary--`) arrived: the server ended the stream on purpose. */
  closedByServer = false;
  error: Error | undefined;
  private buffered = Buffer.alloc(0);
  private opened = false;
  private waiters: (() => void)[] = [];
  readonly boundary: string;

  private constructor(
    readonly response: http.IncomingMessage,
    private readonly request: http.ClientRequest,
  ) {
    const match = /^multipart\/x-mixed-replace;\s*boundary=(.+)$/i.exec(response.headers['content-type'] ?? '');
    this.boundary = match?.[1] ?? '';
    response.on('data', (chunk: Buffer) => this.feed(chunk));
    for (const event of ['end', 'close', 'error']) response.on(event, () => this.finish());
  }

  static open(url: string, headers: Record<string, string> = {}): Promise<MjpegReader> {
    return new Promise((resolve, reject) => {
      const request = http.get(url, { headers, agent: false });
      request.on('response', (response) => resolve(new MjpegReader(response, request)));
      request.on('error', reject);
    });
  }

  get status(): number {
    return this.response.statusCode ?? 0;
  }

  /** Resolves once `count` frames have arrived; rejects if the stream ends or breaks the format first. */
  async waitForFrames(count: number): Promise<Buffer[]> {
    while (this.frames.length < count) {
      if (this.error) throw this.error;
      if (this.ended) throw new Error(`stream ended after ${this.frames.length} of ${count} frames`);
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    return this.frames.slice(0, count);
  }

  /** Stops reading from the socket (a viewer on a stalled network) or resumes. */
  pause(): void {
    this.response.pause();
  }

  resume(): void {
    this.response.resume();
  }

  close(): void {
    this.request.destroy();
    this.finish();
  }

  private finish(): void {
    this.ended = true;
    this.wake();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  private fail(message: string): void {
    this.error ??= new Error(message);
    this.request.destroy();
  }

  /**
   * Parts are read as Chrome's multipart parser reads them: a part ends at the next delimiter (there is no
   * Content-Length to trust), and it counts as a frame only once the headers of the part after it have arrived,
   * which is when Chrome puts it on screen. A stream that sent a frame's headers in front of the frame would
   * leave its newest frame uncounted here, as it would leave it off screen there.
   */
  private feed(chunk: Buffer): void {
    this.buffered = Buffer.concat([this.buffered, chunk]);
    const opening = Buffer.from(`--${this.boundary}\r\n`, 'latin1');
    const delimiter = Buffer.from(`\r\n--${this.boundary}`, 'latin1');
    if (!this.opened) {
      if (this.buffered.length < opening.length) return;
      if (!this.buffered.subarray(0, opening.length).equals(opening)) return this.fail('the stream does not open with its boundary');
      this.buffered = this.buffered.subarray(opening.length);
      this.opened = true;
    }
    for (;;) {
      const headersEnd = this.buffered.indexOf('\r\n\r\n');
      if (headersEnd === -1) break;
      const headers: Record<string, string> = {};
      for (const line of this.buffered.subarray(0, headersEnd).toString('latin1').split('\r\n')) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      const start = headersEnd + 4;
      const end = this.buffered.indexOf(delimiter, start);
      if (end === -1) break;
      const afterDelimiter = end + delimiter.length;
      if (this.buffered.length < afterDelimiter + 2) break;
      const frame = this.buffered.subarray(start, end);
      const delimiterEnd = this.buffered.subarray(afterDelimiter, afterDelimiter + 2).toString('latin1');
      if (delimiterEnd === '--') {
        // The closing delimiter (RFC 2046 5.1.1) after the empty part the last frame opened.
        if (frame.length > 0) return this.fail('the stream closed in the middle of a frame');
        this.closedByServer = true;
        break;
      }
      if (delimiterEnd !== '\r\n') {
        return this.fail('a delimiter is not followed by a line break');
      }
      // The frame is on screen once the next part's headers are in.
      if (this.buffered.indexOf('\r\n\r\n', afterDelimiter + 2) === -1) break;
      this.frames.push(Buffer.from(frame));
      this.partHeaders.push(headers);
      this.buffered = this.buffered.subarray(afterDelimiter + 2);
    }
    this.wake();
  }
}
