import { solidPng } from '../../test/support/png.js';

/**
 * The publish body for image `seq`, as buffers to write in turn, so a 1 MB image's base64 is encoded once per
 * cell rather than once per publish. The data: URL header carries the sequence number (see EventCounter).
 */
export interface BodyMaker {
  (seq: number): Buffer[];
}

export type BodyKind = 'json' | 'text' | 'raw';

export function bodyMaker(kind: BodyKind, imageBytes: number): BodyMaker {
  const png = solidPng(16, 16, [200, 80, 20], { padToBytes: imageBytes });
  if (kind === 'raw') return () => [png];
  const base64 = Buffer.from(png.toString('base64'));
  const head = (seq: number): string => `data:image/png;seq=${seq};base64,`;
  if (kind === 'text') return (seq) => [Buffer.from(head(seq)), base64];
  const tail = Buffer.from('","channel":"bench"}');
  return (seq) => [Buffer.from(`{"imageSrc":"${head(seq)}`), base64, tail];
}

/** The payload bytes a viewer receives per image (the data: URL), for MB/s figures comparable across servers. */
export function payloadBytes(imageBytes: number): number {
  return Math.ceil(solidPng(16, 16, [200, 80, 20], { padToBytes: imageBytes }).length / 3) * 4 + 40;
}
