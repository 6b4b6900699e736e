import { Agent, request } from 'node:http';
import { DATA_URL_HEADER, type BenchImage } from './bench-image.js';
import type { PublishFormat, PublishRoute } from './jobs.js';

export interface PublishAnswer {
  readonly status: number;
  /** The start of the answer's body, for error messages. */
  readonly bodyStart: string;
}

/**
 * The multipart boundary (RFC 2046 §5.1.1: it must not occur in the parts): 46 bytes with its CRLF and dashes,
 * which an image's random bytes hold by chance with a probability of about 2^-350 per megabyte.
 */
const MULTIPART_BOUNDARY = 'bench-image-relay-7f3c9a1e5b2d4f6a8c0e1b3d';

const CONTENT_TYPES: Record<PublishFormat, string> = {
  'json-data-url': 'application/json',
  'json-image-src': 'application/json',
  'data-url-body': 'text/plain',
  'png-body': 'image/png',
  'multipart-file': `multipart/form-data; boundary=${MULTIPART_BOUNDARY}`,
};

/**
 * Publishes one job's images over keep-alive connections. Each body is the varying head of the image (its
 * sequence number) followed by a tail built once per job, so a megabyte publish costs the load process a
 * socket write, not a base64 encoding.
 */
export class Publisher {
  private readonly agent: Agent;
  private readonly tail: Buffer;
  /** What comes before the varying part: text before its base64, or bytes before its raw bytes. */
  private readonly headBefore: string;
  private readonly binary: boolean;

  constructor(
    private readonly route: PublishRoute,
    private readonly image: BenchImage,
    maxConnections: number,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets: maxConnections });
    this.binary = route.format === 'png-body' || route.format === 'multipart-file';
    switch (route.format) {
      case 'json-data-url':
        this.headBefore = `{"channel":${JSON.stringify(route.channel)},"imageSrc":"${DATA_URL_HEADER}`;
        this.tail = Buffer.from(`${image.tailBase64}"}`, 'latin1');
        break;
      case 'json-image-src':
        this.headBefore = `{"imageSrc":"${DATA_URL_HEADER}`;
        this.tail = Buffer.from(`${image.tailBase64}"}`, 'latin1');
        break;
      case 'data-url-body':
        this.headBefore = DATA_URL_HEADER;
        this.tail = Buffer.from(image.tailBase64, 'latin1');
        break;
      case 'png-body':
        this.headBefore = '';
        this.tail = image.tailBytes;
        break;
      case 'multipart-file':
        this.headBefore =
          `--${MULTIPART_BOUNDARY}\r\nContent-Disposition: form-data; name="image"; filename="bench.png"\r\n` +
          'Content-Type: image/png\r\n\r\n';
        this.tail = Buffer.concat([image.tailBytes, Buffer.from(`\r\n--${MULTIPART_BOUNDARY}--\r\n`, 'latin1')]);
        break;
    }
  }

  /** Sends image number `sequence`; resolves with the answer once it has been read, rejects on network errors. */
  publish(sequence: number): Promise<PublishAnswer> {
    const head = this.binary
      ? Buffer.concat([Buffer.from(this.headBefore, 'latin1'), this.image.prefixBytes(sequence)])
      : Buffer.from(this.headBefore + this.image.prefixBase64(sequence), 'latin1');
    return new Promise<PublishAnswer>((resolve, reject) => {
      const outgoing = request(
        {
          host: this.route.host,
          port: this.route.port,
          path: this.route.path,
          method: this.route.method,
          agent: this.agent,
          headers: {
            'content-type': CONTENT_TYPES[this.route.format],
            'content-length': head.length + this.tail.length,
          },
        },
        (answer) => {
          let bodyStart = '';
          answer.setEncoding('utf8');
          answer.on('data', (text: string) => {
            if (bodyStart.length < 200) bodyStart += text.slice(0, 200 - bodyStart.length);
          });
          answer.on('end', () => resolve({ status: answer.statusCode ?? 0, bodyStart }));
          answer.on('error', reject);
        },
      );
      outgoing.on('error', reject);
      outgoing.write(head);
      outgoing.end(this.tail);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
