import http from 'node:http';

/** One event as the WHATWG parsing rules define it, plus the raw comment lines seen before it. */
export interface ReadEvent {
  id: string | undefined;
  event: string | undefined;
  data: string;
  /** Length of the data in bytes, kept even when the reader drops the data itself to save memory. */
  dataLength: number;
  retry: number | undefined;
}

export interface SseReaderOptions {
  headers?: Record<string, string>;
  /** False drops each event's data once its length is noted (for tests that move hundreds of megabytes). */
  keepData?: boolean;
  /** The loopback address to connect from (127.0.0.2, ...), for tests of per-address limits. */
  localAddress?: string;
}

/**
 * A minimal, strict SSE reader over a raw HTTP response, for tests that need the exact bytes and headers a
 * stream carries (the `eventsource` package hides both). Keeps every event and comment in arrival order.
 */
export class SseReader {
  readonly events: ReadEvent[] = [];
  readonly comments: string[] = [];
  retry: number | undefined;
  ended = false;
  private pending: Buffer[] = [];
  private current: ReadEvent = { id: undefined, event: undefined, data: '', dataLength: 0, retry: undefined };
  private hasData = false;
  private waiters: (() => void)[] = [];

  private constructor(
    readonly response: http.IncomingMessage,
    readonly request: http.ClientRequest,
    private readonly keepData: boolean,
  ) {
    response.on('data', (chunk: Buffer) => this.feed(chunk));
    response.on('end', () => this.finish());
    response.on('close', () => this.finish());
    response.on('error', () => this.finish());
  }

  static open(url: string, options: SseReaderOptions = {}): Promise<SseReader> {
    return new Promise((resolve, reject) => {
      const headers = { accept: 'text/event-stream', ...options.headers };
      const request = http.get(url, { headers, agent: false, ...(options.localAddress ? { localAddress: options.localAddress } : {}) });
      request.on('response', (response) => resolve(new SseReader(response, request, options.keepData ?? true)));
      request.on('error', reject);
    });
  }

  get status(): number {
    return this.response.statusCode ?? 0;
  }

  /** Resolves once `count` events have arrived (or rejects if the stream ends first). */
  async waitForEvents(count: number): Promise<ReadEvent[]> {
    await this.waitUntil(() => this.events.length >= count, `${count} events`);
    return this.events.slice(0, count);
  }

  async waitUntil(condition: () => boolean, what: string): Promise<void> {
    while (!condition()) {
      if (this.ended) throw new Error(`stream ended before ${what} (got ${this.events.length} events)`);
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** Resolves when the server ends the stream. */
  async waitForEnd(): Promise<void> {
    while (!this.ended) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  close(): void {
    this.request.destroy();
    this.finish();
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  private finish(): void {
    this.ended = true;
    this.notify();
  }

  private feed(chunk: Buffer): void {
    // Works on bytes and searches only the new chunk: events of megabytes arrive in many chunks.
    let start = 0;
    let newline: number;
    while ((newline = chunk.indexOf(0x0a, start)) !== -1) {
      this.pending.push(chunk.subarray(start, newline));
      const lineBytes = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending);
      this.pending = [];
      // LF and CRLF line ends (what servers send); a lone CR as line end is not supported by this reader.
      const end = lineBytes.length > 0 && lineBytes[lineBytes.length - 1] === 0x0d ? lineBytes.length - 1 : lineBytes.length;
      this.line(lineBytes.subarray(0, end));
      start = newline + 1;
    }
    if (start < chunk.length) this.pending.push(chunk.subarray(start));
    this.notify();
  }

  private line(bytes: Buffer): void {
    if (bytes.length === 0) {
      if (this.hasData) {
        if (!this.keepData) this.current.data = '';
        this.events.push(this.current);
      }
      this.current = { id: this.current.id, event: undefined, data: '', dataLength: 0, retry: undefined };
      this.hasData = false;
      return;
    }
    if (bytes[0] === 0x3a) {
      this.comments.push(bytes.subarray(1).toString('utf8').trimStart());
      return;
    }
    const colon = bytes.indexOf(0x3a);
    const field = (colon === -1 ? bytes : bytes.subarray(0, colon)).toString('utf8');
    let valueStart = colon === -1 ? bytes.length : colon + 1;
    if (bytes[valueStart] === 0x20) valueStart += 1;
    const valueBytes = bytes.subarray(valueStart);
    if (field === 'data') {
      this.current.dataLength += (this.hasData ? 1 : 0) + valueBytes.length;
      if (this.keepData) {
        const value = valueBytes.toString('utf8');
        this.current.data = this.hasData ? `${this.current.data}\n${value}` : value;
      }
      this.hasData = true;
      return;
    }
    const value = valueBytes.toString('utf8');
    if (field === 'id') this.current.id = value;
    else if (field === 'event') this.current.event = value;
    else if (field === 'retry') this.retry = Number(value);
  }
}
