import type { FrameEncoder } from '../core/delivery/frame-sink.js';
import { encodeDataUrlText, type ByteParts } from '../core/image/byte-parts.js';
import type { ImageRecord } from '../core/image-record.js';
import { cachedEncoder } from './frame-cache.js';
import { encodeDataEventParts, encodeSseEvent } from './sse-frame.js';

/** The encoders of every stream form; each builds an image's frame once, on first use, for all viewers. */
export interface ImageFrameEncoders {
  /** The original stream: unnamed events (`onmessage`), data the image's data: URL. */
  readonly dataUrl: FrameEncoder<ImageRecord>;
  /** `image` events whose data is the image's description (JSON), with a URL for the bytes. */
  readonly metadata: FrameEncoder<ImageRecord>;
  /** As `metadata`, plus a `dataUrl` field, for clients that want one message per image. */
  readonly inlineMetadata: FrameEncoder<ImageRecord>;
  /**
   * As `metadata`, with `url` pointing to a variant (its canonical query, e.g. "w=640&format=webp"): one encoder
   * per variant, so every viewer of the same size shares each image's frame.
   */
  metadataForVariant(variantQuery: string): FrameEncoder<ImageRecord>;
}

/**
 * Variant forms whose encoders are kept. The allowed parameters make thousands of forms possible; a page uses
 * one or two. Past this the oldest form's encoder is dropped (its viewers keep theirs; new ones get a new one).
 */
const MAX_VARIANT_FORMS = 32;

/** The data: URL as bytes: as it arrived (original API), or built from a binary upload's bytes. */
function dataUrlTextOf(image: ImageRecord): ByteParts {
  return image.dataUrlText ?? encodeDataUrlText(image.dataUrlHeader, image.bytes.read());
}

/**
 * The description with a `dataUrl` field, as event parts: the description's JSON, then the URL's bytes as they
 * are (a valid data: URL needs no JSON escaping: it is ASCII without quotes or backslashes), so no string of the
 * whole URL is made.
 */
function inlineEventParts(image: ImageRecord, description: object): Uint8Array[] {
  const json = JSON.stringify(description);
  const opening = Buffer.from(`${json.slice(0, -1)}${json.length > 2 ? ',' : ''}"dataUrl":"`);
  return encodeDataEventParts(image.id, [opening, ...dataUrlTextOf(image), CLOSING_INLINE], 'image');
}
const CLOSING_INLINE = Buffer.from('"}');

/** @param describe the JSON description of an image, for a variant's URL if given (see http/image-description.ts). */
export function createImageFrameEncoders(describe: (image: ImageRecord, variantQuery?: string) => object): ImageFrameEncoders {
  const variantForms = new Map<string, FrameEncoder<ImageRecord>>();
  return {
    dataUrl: cachedEncoder((image) => encodeDataEventParts(image.id, dataUrlTextOf(image))),
    metadata: cachedEncoder((image) =>
      encodeSseEvent({ id: image.id, event: 'image', data: JSON.stringify(describe(image)) }),
    ),
    inlineMetadata: cachedEncoder((image) => inlineEventParts(image, describe(image))),
    metadataForVariant(variantQuery) {
      let encoder = variantForms.get(variantQuery);
      if (!encoder) {
        encoder = cachedEncoder((image) =>
          encodeSseEvent({ id: image.id, event: 'image', data: JSON.stringify(describe(image, variantQuery)) }),
        );
        variantForms.set(variantQuery, encoder);
        if (variantForms.size > MAX_VARIANT_FORMS) variantForms.delete(variantForms.keys().next().value!);
      }
      return encoder;
    },
  };
}
