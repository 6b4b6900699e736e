import http from 'node:http';

/**
 * A strict reader of a `multipart/x-mixed-replace` MJPEG response: it takes the boundary from the Content-Type,
 * checks the stream opens with it, and reads every part by its Content-Length, requiring the next delimiter right
 * after the part's bytes (what makes browsers show a frame at once). Frames are kept in arrival order.
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

  private feed(chunk: Buffer): void {
    this.buffered = Buffer.concat([this.buffered, chunk]);
    const opening = Buffer.from(`--${this.boundary}\r\n`, 'latin1');
    const delimiter = Buffer.from(`\r\n--${this.boundary}\r\n`, 'latin1');
    if (!this.opened) {
      if (this.buffered.length < opening.length) return;
      if (!this.buffered.subarray(0, opening.length).equals(opening)) return this.fail('the stream does not open with its boundary');
      this.buffered = this.buffered.subarray(opening.length);
      this.opened = true;
    }
    const closing = Buffer.from(`\r\n--${this.boundary}--`, 'latin1');
    for (;;) {
      // After a frame's delimiter, an empty part and the closing delimiter end the stream (RFC 2046 5.1.1).
      if (this.buffered.length >= closing.length && this.buffered.subarray(0, closing.length).equals(closing)) {
        this.closedByServer = true;
        break;
      }
      const headersEnd = this.buffered.indexOf('\r\n\r\n');
      if (headersEnd === -1) break;
      const headers: Record<string, string> = {};
      for (const line of this.buffered.subarray(0, headersEnd).toString('latin1').split('\r\n')) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      const length = Number(headers['content-length']);
      if (!Number.isSafeInteger(length)) return this.fail('a part without Content-Length');
      const start = headersEnd + 4;
      if (this.buffered.length < start + length + delimiter.length) break;
      if (!this.buffered.subarray(start + length, start + length + delimiter.length).equals(delimiter)) {
        return this.fail('a part is not followed at once by the delimiter');
      }
      this.frames.push(Buffer.from(this.buffered.subarray(start, start + length)));
      this.partHeaders.push(headers);
      this.buffered = this.buffered.subarray(start + length + delimiter.length);
    }
    this.wake();
  }
}
