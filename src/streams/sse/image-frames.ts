import type { FrameEncoder, StreamForm } from '../../core/delivery/frame-sink.js';
import { encodeDataUrlText, type ByteParts } from '../../core/image/byte-parts.js';
import type { ImageRecord } from '../../core/image-record.js';
import { cachedEncoder } from '../frame-cache.js';
import { encodeDataEventParts, encodeSseComment, encodeSseEvent } from './sse-frame.js';

/**
 * Every event stream's heartbeat: a comment, which EventSource ignores, but which keeps proxies and NAT tables
 * from timing the stream out. One buffer, written to every idle viewer.
 */
const SSE_HEARTBEAT = encodeSseComment('heartbeat');

/**
 * The last event of a stream whose token expired: named, so the original page's `onmessage` never sees it, and
 * without an id, so the viewer's Last-Event-ID stays that of the last image it got and a reconnection with a new
 * token resumes there.
 */
const SSE_TOKEN_EXPIRED = encodeSseEvent({
  event: 'token_expired',
  data: JSON.stringify({ error: 'token_expired', message: 'The token this stream was opened with has expired: reconnect with a new one.' }),
});

/** An event stream's form: its encoder, the heartbeat comment and the expiry notice; one object for all its viewers. */
class SseForm implements StreamForm {
  constructor(readonly encode: FrameEncoder<ImageRecord>) {}

  heartbeat(): Uint8Array {
    return SSE_HEARTBEAT;
  }

  expiryNotice(): Uint8Array {
    return SSE_TOKEN_EXPIRED;
  }
}

/** The forms of every event stream; each builds an image's frame once, on first use, for all viewers. */
export interface SseForms {
  /** The original stream: unnamed events (`onmessage`), data the image's data: URL. */
  readonly dataUrl: StreamForm;
  /** `image` events whose data is the image's description (JSON), with a URL for the bytes. */
  readonly metadata: StreamForm;
  /** As `metadata`, plus a `dataUrl` field, for clients that want one message per image. */
  readonly inlineMetadata: StreamForm;
  /**
   * As `metadata`, with `url` pointing to a variant (its canonical query, e.g. "w=640&format=webp"): one form
   * per variant, so every viewer of the same size shares each image's frame.
   */
  metadataForVariant(variantQuery: string): StreamForm;
}

/**
 * Variant forms that are kept. The allowed parameters make thousands of forms possible; a page uses one or two.
 * Past this the oldest form is dropped (its viewers keep theirs; new ones get a new one).
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

/** An `image` event describing the image, its `url` a variant's when `variantQuery` is given. */
function metadataForm(describe: (image: ImageRecord, variantQuery?: string) => object, variantQuery?: string): StreamForm {
  return new SseForm(
    cachedEncoder((image) => encodeSseEvent({ id: image.id, event: 'image', data: JSON.stringify(describe(image, variantQuery)) })),
  );
}

/** @param describe the JSON description of an image, for a variant's URL if given (see http/image-description.ts). */
export function createSseForms(describe: (image: ImageRecord, variantQuery?: string) => object): SseForms {
  const variantForms = new Map<string, StreamForm>();
  return {
    dataUrl: new SseForm(cachedEncoder((image) => encodeDataEventParts(image.id, dataUrlTextOf(image)))),
    metadata: metadataForm(describe),
    inlineMetadata: new SseForm(cachedEncoder((image) => inlineEventParts(image, describe(image)))),
    metadataForVariant(variantQuery) {
      let form = variantForms.get(variantQuery);
      if (!form) {
        form = metadataForm(describe, variantQuery);
        variantForms.set(variantQuery, form);
        if (variantForms.size > MAX_VARIANT_FORMS) variantForms.delete(variantForms.keys().next().value!);
      }
      return form;
    },
  };
}
