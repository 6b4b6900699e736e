import { Agent, request } from 'node:http';
import { DATA_URL_HEADER, type BenchImage } from './bench-image.js';
import type { PublishFormat, PublishRoute } from './jobs.js';

export interface PublishAnswer {
  readonly status: number;
  /** The start of the answer's body, for error messages. */
  readonly bodyStart: string;
}

const CONTENT_TYPES: Record<PublishFormat, string> = {
  'json-data-url': 'application/json',
  'data-url-body': 'text/plain',
  'png-body': 'image/png',
};

/**
 * Publishes one job's images over keep-alive connections. Each body is the varying head of the image (its
 * sequence number) followed by a tail built once per job, so a megabyte publish costs the load process a
 * socket write, not a base64 encoding.
 */
export class Publisher {
  private readonly agent: Agent;
  private readonly tail: Buffer;
  private readonly headBefore: string;

  constructor(
    private readonly route: PublishRoute,
    private readonly image: BenchImage,
    maxConnections: number,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets: maxConnections });
    switch (route.format) {
      case 'json-data-url':
        this.headBefore = `{"channel":${JSON.stringify(route.channel)},"imageSrc":"${DATA_URL_HEADER}`;
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
    }
  }

  /** Sends image number `sequence`; resolves with the answer once it has been read, rejects on network errors. */
  publish(sequence: number): Promise<PublishAnswer> {
    const head =
      this.route.format === 'png-body'
        ? this.image.prefixBytes(sequence)
        : Buffer.from(this.headBefore + this.image.prefixBase64(sequence), 'latin1');
    return new Promise<PublishAnswer>((resolve, reject) => {
      const outgoing = request(
        {
          host: this.route.host,
          port: this.route.port,
          path: this.route.path,
          method: 'POST',
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
