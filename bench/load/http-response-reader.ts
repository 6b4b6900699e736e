/**
 * Reads a streamed HTTP/1.1 response off a raw socket: the head, then the body as it arrives, undoing chunked
 * transfer coding (RFC 9112 §7.1) when the server used it. Node's servers chunk an event stream; nginx/nchan
 * sends it unchunked until the connection closes. Body bytes are handed on as views of the socket's buffers,
 * never copied or kept.
 */

export interface ResponseHead {
  readonly status: number;
  /** Lower-cased names. */
  readonly headers: ReadonlyMap<string, string>;
}

const CR = 0x0d;
const LF = 0x0a;
const HEAD_END = Buffer.from('\r\n\r\n');
/** A response head larger than this is not one of the servers under test misbehaving politely: give up. */
const MAX_HEAD_BYTES = 64 * 1024;

type ChunkState = 'size' | 'data' | 'data-end' | 'done';

export class HttpResponseReader {
  private headParts: Buffer[] = [];
  private headBytes = 0;
  private head: ResponseHead | undefined;
  private chunked = false;
  private chunkState: ChunkState = 'size';
  private chunkSize = 0;
  private chunkRemaining = 0;
  private inExtension = false;

  constructor(
    private readonly onHead: (head: ResponseHead) => void,
    private readonly onBody: (bytes: Buffer) => void,
  ) {}

  /** Feeds bytes from the socket. Throws on a malformed head or chunk framing. */
  push(bytes: Buffer): void {
    if (this.head) {
      this.pushBody(bytes);
      return;
    }
    this.headParts.push(bytes);
    this.headBytes += bytes.length;
    const joined = this.headParts.length === 1 ? bytes : Buffer.concat(this.headParts);
    const end = joined.indexOf(HEAD_END);
    if (end === -1) {
      if (this.headBytes > MAX_HEAD_BYTES) throw new Error('response head too large');
      return;
    }
    this.headParts = [];
    this.head = parseHead(joined.toString('latin1', 0, end));
    this.chunked = /\bchunked\b/i.test(this.head.headers.get('transfer-encoding') ?? '');
    this.onHead(this.head);
    const rest = joined.subarray(end + HEAD_END.length);
    if (rest.length > 0) this.pushBody(rest);
  }

  private pushBody(bytes: Buffer): void {
    if (!this.chunked) {
      this.onBody(bytes);
      return;
    }
    let offset = 0;
    while (offset < bytes.length) {
      switch (this.chunkState) {
        case 'size': {
          // "1a3f;ext\r\n": hex digits, optional extensions (ignored), line end.
          const byte = bytes[offset++]!;
          if (byte === LF) {
            this.chunkRemaining = this.chunkSize;
            this.chunkState = this.chunkSize === 0 ? 'done' : 'data';
            this.chunkSize = 0;
            this.inExtension = false;
          } else if (!this.inExtension) {
            const digit = hexValue(byte);
            if (digit >= 0) this.chunkSize = this.chunkSize * 16 + digit;
            else if (byte !== CR) this.inExtension = true;
          }
          break;
        }
        case 'data': {
          const take = Math.min(this.chunkRemaining, bytes.length - offset);
          this.onBody(bytes.subarray(offset, offset + take));
          offset += take;
          this.chunkRemaining -= take;
          if (this.chunkRemaining === 0) this.chunkState = 'data-end';
          break;
        }
        case 'data-end':
          // The CRLF after a chunk's data.
          if (bytes[offset++] === LF) this.chunkState = 'size';
          break;
        case 'done':
          return;
      }
    }
  }
}

function hexValue(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  if (byte >= 0x61 && byte <= 0x66) return byte - 0x61 + 10;
  if (byte >= 0x41 && byte <= 0x46) return byte - 0x41 + 10;
  return -1;
}

function parseHead(text: string): ResponseHead {
  const lines = text.split('\r\n');
  const match = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '');
  if (!match) throw new Error(`not an HTTP/1 response: ${JSON.stringify((lines[0] ?? '').slice(0, 80))}`);
  const headers = new Map<string, string>();
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { status: Number(match[1]), headers };
}
