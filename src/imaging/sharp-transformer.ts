import type { Sharp, SharpOptions } from 'sharp';
import { RelayError } from '../core/errors.js';
import type { EncodedImage, ImageTransformer } from './image-transformer.js';
import type { VariantSpec } from './variant-spec.js';

/**
 * AVIF's encoder is by far the slowest of the four (seconds for a 12-megapixel frame at sharp's default effort
 * 4); effort 2 keeps it within a few times JPEG's cost, at a slightly larger file.
 */
const AVIF_EFFORT = 2;

/** sharp's message for input over `limitInputPixels` (lib/constructor: "Input image exceeds pixel limit"). */
const PIXEL_LIMIT_MESSAGE = /pixel limit/i;

/**
 * The ImageTransformer on sharp (libvips). Decoding and encoding run on libvips' own threads from libuv's pool,
 * so the event loop only starts a job and takes its result.
 *
 * @param maxInputPixels decompression-bomb guard: libvips refuses to decode anything larger, before it allocates
 *   a single pixel of it.
 */
export function createSharpTransformer(maxInputPixels: number): ImageTransformer {
  // Loaded on the first variant, not at start-up: libvips is some 25 MB of RSS (docs/BENCHMARKS.md, idle streams)
  // that a relay nobody asks for a thumbnail never needs.
  let loading: Promise<(input: Buffer, options: SharpOptions) => Sharp> | undefined;
  const loadSharp = (): Promise<(input: Buffer, options: SharpOptions) => Sharp> =>
    (loading ??= import('sharp').then(({ default: sharp }) => {
      // Our own cache holds the encoded variants under a byte bound; libvips' operation cache would be a second,
      // unbounded-by-us copy of recent images (50 MB by default), so it is off.
      sharp.cache(false);
      return sharp;
    }));
  return {
    async transform(input: Buffer, spec: VariantSpec): Promise<EncodedImage> {
      const sharp = await loadSharp();
      // failOn 'error': a truncated camera frame still makes a thumbnail of what arrived, as browsers show it.
      let pipeline = sharp(input, { limitInputPixels: maxInputPixels, failOn: 'error', animated: false }).rotate();
      if (spec.width !== undefined || spec.height !== undefined) {
        pipeline = pipeline.resize({ width: spec.width, height: spec.height, fit: spec.fit, withoutEnlargement: true });
      }
      const quality = spec.quality;
      switch (spec.format) {
        case 'jpeg':
          pipeline = pipeline.jpeg({ quality, mozjpeg: false });
          break;
        case 'webp':
          pipeline = pipeline.webp({ quality });
          break;
        case 'avif':
          pipeline = pipeline.avif({ quality, effort: AVIF_EFFORT });
          break;
        case 'png':
          pipeline = pipeline.png();
          break;
      }
      try {
        const { data, info } = await pipeline.toBuffer({ resolveWithObject: true });
        return { bytes: data, type: spec.type, width: info.width, height: info.height };
      } catch (error) {
        if (PIXEL_LIMIT_MESSAGE.test((error as Error).message)) throw new RelayError('image_too_complex');
        throw new RelayError('variant_failed');
      }
    },
  };
}
