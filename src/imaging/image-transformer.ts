import type { VariantSpec } from './variant-spec.js';

/** An encoded image: what a variant is once made. */
export interface EncodedImage {
  readonly bytes: Buffer;
  readonly type: `image/${string}`;
  readonly width: number;
  readonly height: number;
}

/**
 * Resizes and re-encodes image bytes. The one seam between the relay and its image library (sharp, in
 * sharp-transformer.ts): nothing else imports the library's types.
 *
 * It must not block the event loop, and it refuses input over its pixel limit with
 * `RelayError('image_too_complex')` and input it cannot decode with `RelayError('variant_failed')`.
 */
export interface ImageTransformer {
  transform(input: Buffer, spec: VariantSpec): Promise<EncodedImage>;
}
