import type { FrameConverter } from '../../core/delivery/converted-feeds.js';
import { RelayError } from '../../core/errors.js';
import type { ImageRecord } from '../../core/image-record.js';
import type { VariantService } from '../../imaging/variant-service.js';
import { resolveVariant, variantIsOriginal, variantQueryString, type VariantRequest } from '../../imaging/variant-spec.js';
import { cachedEncoder } from '../frame-cache.js';
import { containsBoundary, encodeMjpegPart } from './multipart-frame.js';
import { heldBytes } from '../../core/image/image-bytes.js';

/** Makes the converter of one MJPEG stream size; the hub shares one feed per channel and size. */
export type MjpegConverters = (variant: VariantRequest) => FrameConverter;

/**
 * MJPEG's stream form. Each (channel, size) has one feed in the hub while anyone watches it; the feed turns every
 * new image into a JPEG frame once, through the variant cache (so an image asked for as `?format=jpeg` elsewhere
 * is not encoded twice), and hands the same frame to every viewer. Its heartbeat is its last frame again.
 *
 * @param onSkipped told of an image that got no frame (a bomb, an undecodable file).
 */
export function mjpegConverters(variants: VariantService, onSkipped: (image: ImageRecord, error: unknown) => void): MjpegConverters {
  // Every size's frames share one cache: a frame lives as long as its converted image is held.
  const encode = cachedEncoder((frame: ImageRecord) => encodeMjpegPart(frame.bytes.read()));
  const isBusy = (error: unknown): boolean => error instanceof RelayError && error.code === 'variants_busy';
  const whenRoom = (retry: () => void): (() => void) => variants.whenRoom(retry);
  return (variant) => ({
    feedKey: variantQueryString(variant),
    convert: (image) => frameOf(variants, image, variant),
    encode,
    isBusy,
    whenRoom,
    onSkipped,
  });
}

/**
 * A JPEG original is sent as it is when no size is asked for, or when it already fits the size asked for;
 * anything else becomes a JPEG variant.
 */
async function frameOf(variants: VariantService, image: ImageRecord, variant: VariantRequest): Promise<ImageRecord> {
  let frame: ImageRecord = image;
  const spec = resolveVariant({ ...variant, format: 'jpeg' }, image.type);
  const asItIs = image.type === 'image/jpeg' && (variantQueryString(variant) === '' || variantIsOriginal(spec, image));
  if (!asItIs) {
    const jpeg = await variants.variantOf(image, spec);
    frame = { ...image, bytes: heldBytes(jpeg.bytes), type: 'image/jpeg', width: jpeg.width, height: jpeg.height };
  }
  if (containsBoundary(frame.bytes.read())) throw new Error('the JPEG holds the MJPEG boundary');
  return frame;
}
