import type { Logger } from 'pino';

/** While writes fail, the directory is probed this often, so readiness returns without waiting for a publish. */
export const PROBE_INTERVAL_MS = 2_000;

/**
 * Whether the data directory takes image writes, as `/readyz` reports it. It turns false when a write fails, and
 * true again only once a write at least as large as the largest that failed has succeeded: an image's, or the
 * probe's, which writes a file of that size every PROBE_INTERVAL_MS meanwhile (a load balancer sends no publish
 * to an instance that is not ready, so waiting for one could take forever). A smaller write proves nothing: on a
 * nearly full disk, or under a file-size limit, a few bytes still go in while every image fails, and readiness
 * would flap between ready and not with each probe and each refused publish.
 */
export class WriteHealth {
  /** The largest write that failed since the directory was last known good; 0 while it is. */
  private failedBytes = 0;
  private probeTimer: NodeJS.Timeout | undefined;
  private probing = false;
  /** One warning per outage that probes still fail, not one every interval. */
  private probeFailureLogged = false;
  private closed = false;

  constructor(
    /** Writes (durably) and removes a file of `bytes` bytes; rejects if the directory does not take it. */
    private readonly probe: (bytes: number) => Promise<void>,
    private readonly logger: Logger,
    private readonly dir: string,
  ) {}

  get ready(): boolean {
    return this.failedBytes === 0;
  }

  /** A write of `bytes` bytes reached the disk. */
  succeeded(bytes: number): void {
    if (this.failedBytes > 0 && bytes >= this.failedBytes) this.recover();
  }

  /** A write of `bytes` bytes failed: not ready until one as large succeeds. */
  failed(bytes: number): void {
    this.failedBytes = Math.max(this.failedBytes, bytes, 1);
    this.scheduleProbe();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.probeTimer);
  }

  private recover(): void {
    this.failedBytes = 0;
    this.probeFailureLogged = false;
    clearTimeout(this.probeTimer);
    this.probeTimer = undefined;
    this.logger.info({ dataDir: this.dir }, 'the data directory is writable again');
  }

  private scheduleProbe(): void {
    if (this.probeTimer || this.probing || this.closed) return;
    this.probeTimer = setTimeout(() => void this.runProbe(), PROBE_INTERVAL_MS).unref();
  }

  private async runProbe(): Promise<void> {
    this.probeTimer = undefined;
    if (this.ready || this.closed) return;
    const bytes = this.failedBytes;
    this.probing = true;
    try {
      await this.probe(bytes);
      this.probing = false;
      this.succeeded(bytes);
    } catch (error) {
      this.probing = false;
      if (!this.probeFailureLogged) {
        this.probeFailureLogged = true;
        const details = { dataDir: this.dir, probeBytes: bytes, probeIntervalMs: PROBE_INTERVAL_MS, err: error };
        this.logger.warn(details, 'the data directory still fails writes of this size; probing again');
      }
    }
    // Still failing, or a larger write failed while the probe ran.
    if (!this.ready) this.scheduleProbe();
  }
}
