import { DEFAULT_MAX_INPUT_PIXELS } from '../../src/imaging/variant-service.js';
import type { EncodedImage, ImageTransformer } from '../../src/imaging/image-transformer.js';
import { createSharpTransformer } from '../../src/imaging/sharp-transformer.js';
import type { VariantSpec } from '../../src/imaging/variant-spec.js';

/**
 * The relay's own sharp transformer behind a gate: while held, encodes that start wait at the gate, so a test
 * can fill the encoder's queue and know exactly what is waiting. Released, they all go on to sharp, whose real
 * bytes come out.
 */
export class GatedTransformer implements ImageTransformer {
  /** Encodes that reached the transformer (started), held or not. */
  started = 0;
  private readonly sharp = createSharpTransformer(DEFAULT_MAX_INPUT_PIXELS);
  private gate: Promise<void> | undefined;
  private open: (() => void) | undefined;

  hold(): void {
    this.gate ??= new Promise<void>((resolve) => (this.open = resolve));
  }

  release(): void {
    this.open?.();
    this.gate = undefined;
    this.open = undefined;
  }

  async transform(input: Buffer, spec: VariantSpec): Promise<EncodedImage> {
    this.started += 1;
    await this.gate;
    return this.sharp.transform(input, spec);
  }
}
