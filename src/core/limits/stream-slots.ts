import { RelayError } from '../errors.js';

export interface StreamSlotLimits {
  /** Streams one client (a token at one address, or an address) may hold open. */
  readonly perClient: number;
  /** Streams one address may hold open over all its tokens. */
  readonly perAddress: number;
}

function add(counts: Map<string, number>, key: string, delta: number): void {
  const count = (counts.get(key) ?? 0) + delta;
  if (count > 0) counts.set(key, count);
  else counts.delete(key);
}

/**
 * Open streams counted per client and per address, so that neither one holder of a shared token (its slots are
 * its own address's) nor one address going through token after token (its slots are bounded over all of them)
 * can take the slots everyone else needs. Only open streams are counted, so memory follows them.
 */
export class StreamSlots {
  private readonly byClient = new Map<string, number>();
  private readonly byAddress = new Map<string, number>();

  constructor(private readonly limits: StreamSlotLimits) {}

  /**
   * Takes a slot for a stream of `client` from `address` (undefined: the client is the address, counted once), or
   * throws 429 `too_many_streams` saying which limit was met. Give the same keys to release when the stream ends.
   */
  claim(client: string, address: string | undefined): void {
    const ofClient = this.byClient.get(client) ?? 0;
    if (ofClient >= this.limits.perClient) {
      throw new RelayError('too_many_streams', `This client has ${ofClient} streams open, as many as it may; close one first.`);
    }
    if (address !== undefined) {
      const ofAddress = this.byAddress.get(address) ?? 0;
      if (ofAddress >= this.limits.perAddress) {
        throw new RelayError('too_many_streams', `This address has ${ofAddress} streams open over all its tokens, as many as it may; close one first.`);
      }
      add(this.byAddress, address, 1);
    }
    add(this.byClient, client, 1);
  }

  release(client: string, address: string | undefined): void {
    add(this.byClient, client, -1);
    if (address !== undefined) add(this.byAddress, address, -1);
  }

}
