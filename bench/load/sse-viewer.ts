import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { DATA_URL_HEADER, readImageMark, VARYING_PREFIX_BASE64_CHARS, type ImageMark } from './bench-image.js';
import { HttpResponseReader } from './http-response-reader.js';
import type { StreamRoute } from './jobs.js';
import { SseScanner } from './sse-scanner.js';

/** Bytes of each event's data kept to read the image mark: the data: URL header, then 64 base64 characters. */
const KEEP_DATA_BYTES = DATA_URL_HEADER.length + 16 + VARYING_PREFIX_BASE64_CHARS;

export interface ViewerEvent {
  /** Which image this is, or undefined when the data is not one of ours. */
  readonly mark: ImageMark | undefined;
  readonly dataBytes: number;
  /** performance.now() when the event's last byte arrived. */
  readonly receivedAt: number;
}

export interface ViewerOptions {
  /** Read the response head, then stop reading for good: a viewer whose connection takes nothing. */
  readonly stall?: boolean;
  readonly connectTimeoutMs: number;
}

/**
 * One browser-like viewer of an event stream over a raw socket. It counts what it receives and keeps none of it,
 * so thousands of viewers of megabyte images fit in one load process.
 */
export class SseViewer {
  /** Bytes received on the socket, head and framing included: the sign that something is still arriving. */
  wireBytes = 0;
  private socket: Socket | undefined;
  private closedByUs = false;

  constructor(
    private readonly route: StreamRoute,
    private readonly onEvent: (viewer: SseViewer, event: ViewerEvent) => void,
    private readonly onLost: (viewer: SseViewer, reason: string) => void,
  ) {}

  /** Resolves once the server answered 200 with an event stream: from then on the viewer is subscribed. */
  open(options: ViewerOptions): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const socket = connect({ host: this.route.host, port: this.route.port, noDelay: true });
      this.socket = socket;
      let subscribed = false;
      const fail = (reason: string): void => {
        clearTimeout(timer);
        if (!subscribed) {
          socket.destroy();
          reject(new Error(reason));
        } else if (!this.closedByUs) {
          this.onLost(this, reason);
        }
      };
      const timer = setTimeout(() => fail(`no answer within ${options.connectTimeoutMs} ms`), options.connectTimeoutMs);

      const scanner = new SseScanner(KEEP_DATA_BYTES, (event) => {
        this.onEvent(this, {
          mark: readImageMark(event.dataStart),
          dataBytes: event.dataBytes,
          receivedAt: performance.now(),
        });
      });
      const reader = new HttpResponseReader(
        (head) => {
          const type = head.headers.get('content-type') ?? '';
          if (head.status !== 200 || !type.startsWith('text/event-stream')) {
            fail(`answered ${head.status} ${type}`);
            return;
          }
          subscribed = true;
          clearTimeout(timer);
          // A stalled viewer never reads again: the server's writes fill the socket buffers and then its own.
          if (options.stall) socket.pause();
          resolve();
        },
        (body) => scanner.push(body),
      );

      socket.on('connect', () => {
        socket.write(
          `GET ${this.route.path} HTTP/1.1\r\nHost: ${this.route.host}:${this.route.port}\r\n` +
            'Accept: text/event-stream\r\nCache-Control: no-cache\r\n\r\n',
        );
      });
      socket.on('data', (bytes: Buffer) => {
        this.wireBytes += bytes.length;
        try {
          reader.push(bytes);
        } catch (error) {
          socket.destroy();
          fail((error as Error).message);
        }
      });
      socket.on('error', (error) => fail(error.message));
      socket.on('close', () => fail('connection closed by the server'));
    });
  }

  close(): void {
    this.closedByUs = true;
    this.socket?.destroy();
  }
}
