/**
 * Every key the relay writes, under one prefix (`--redis-prefix`), so several deployments can share a Redis and
 * an operator can see at a glance what belongs to whom. Channel names cannot hold ":" (see channel-name.ts), so
 * "<prefix>stream:<channel>" is unambiguous.
 *
 * - `lastId` (string): the newest event id issued anywhere in the deployment; ids are issued from it alone.
 * - `feed` (stream): one small entry per publish, `channel` only, at the image's id: what every instance's read
 *   loop follows, so all of them see all channels' images in one order. The bytes are not copied into it.
 * - `channels` (set): the channels holding images.
 * - `totalBytes` (string): retained bytes over all channels, for the memory budget.
 * - `evictable` (sorted set, all scores 0, so ordered by member): "<padded id> <channel>" for every image that is
 *   not its channel's newest: the oldest image anywhere is its first member.
 * - per channel: `stream:<c>` (stream) the images, bytes once each, at their event ids; `index:<c>` (list)
 *   "<id> <retained size>" oldest first, to trim and to list ids without reading bytes; `meta:<c>` (hash)
 *   latest id, lastPublishedAt and retained bytes.
 */
export class RedisKeys {
  constructor(readonly prefix: string) {}

  get lastId(): string {
    return `${this.prefix}lastId`;
  }

  get feed(): string {
    return `${this.prefix}feed`;
  }

  get channels(): string {
    return `${this.prefix}channels`;
  }

  get totalBytes(): string {
    return `${this.prefix}totalBytes`;
  }

  get evictable(): string {
    return `${this.prefix}evictable`;
  }

  stream(channel: string): string {
    return `${this.prefix}stream:${channel}`;
  }

  index(channel: string): string {
    return `${this.prefix}index:${channel}`;
  }

  meta(channel: string): string {
    return `${this.prefix}meta:${channel}`;
  }
}

/**
 * Digits each part of a padded id has: a millisecond time has 13 until the year 2286, and 15 leave room for a
 * sequence far past any burst; append-script.ts's `pad` uses the same width.
 */
export const ID_PART_DIGITS = 15;

/** The evictable set's member for an image: ids padded so that the set's byte order is id order (the script's pad). */
export function evictionMember(id: string, channel: string): string {
  const [ms = '', seq = ''] = id.split('-');
  return `${ms.padStart(ID_PART_DIGITS, '0')}-${seq.padStart(ID_PART_DIGITS, '0')} ${channel}`;
}
