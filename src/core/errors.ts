import { ACCEPTED_TYPE_NAMES, IMAGE_TYPES } from './image/image-type.js';

/** The formats variants may be asked in, as the invalid_variant message lists them. */
const VARIANT_FORMAT_LIST = IMAGE_TYPES.filter((row) => row.encodable).map((row) => row.format);

/**
 * The error catalogue: every refusal the relay can give, with a stable code, the HTTP status the edge maps it
 * to, and a message that tells the caller what to do. The core throws `RelayError`; one place in the HTTP edge
 * writes it as `{"error": code, "message": text}`. The status lives here (not in the edge) so that the CLI and
 * client library can map codes the same way.
 */
export const ERRORS = {
  invalid_json: { status: 400, message: 'The request body is not valid JSON.' },
  json_too_large: {
    status: 413,
    message: 'The JSON body holds more than its image and 64 KiB of other fields; send large data as the image.',
  },
  missing_image_src: { status: 400, message: 'The JSON body needs an "imageSrc" string holding a data: URL.' },
  invalid_channel: {
    status: 400,
    message: 'Channel names are 1-64 characters of letters, digits, "-", "_" and ".".',
  },
  not_a_data_url: { status: 400, message: 'imageSrc must be a data: URL such as "data:image/png;base64,...".' },
  not_base64: { status: 400, message: 'The data: URL must be base64-encoded (";base64," before the data).' },
  invalid_base64: { status: 400, message: 'The data: URL payload is not valid, padded base64.' },
  empty_image: { status: 400, message: 'The image is empty.' },
  invalid_meta: { status: 400, message: 'Metadata must be a JSON object (or a caption string).' },
  meta_too_large: { status: 413, message: 'Metadata is larger than this relay accepts.' },
  too_many_files: { status: 413, message: 'The form holds more image files than one request may publish.' },
  too_many_fields: {
    status: 413,
    message: 'The form holds more fields than one request may (8; a meta and a caption before each file are plenty).',
  },
  no_image: { status: 400, message: 'The form holds no image file.' },
  invalid_multipart: { status: 400, message: 'The multipart/form-data body is malformed.' },
  unsupported_media_type: {
    status: 415,
    message: 'Send the image as application/json with a data: URL (or, to /channels/{channel}/images, as raw bytes or multipart/form-data).',
  },
  not_an_image: { status: 415, message: `The bytes are not an image (accepted: ${ACCEPTED_TYPE_NAMES}).` },
  unsupported_image_type: {
    status: 415,
    message: `This image type is not accepted (accepted: ${ACCEPTED_TYPE_NAMES}).`,
  },
  unreadable_image: { status: 415, message: 'The image header is damaged: its dimensions cannot be read.' },
  unauthorized: {
    status: 401,
    message: 'This relay needs a token: send "Authorization: Bearer <token>" (or ?access_token= for EventSource).',
  },
  invalid_token: { status: 401, message: 'The token is not valid for this relay.' },
  // Retry-After: the JWKS fetch's back-off (remote-key-set.ts) says when a fetch will be tried again.
  keys_unavailable: {
    status: 503,
    message: 'The relay cannot fetch the keys its tokens are signed with (--jwt-jwks-url) right now; try again shortly.',
    retryAfterSeconds: 5,
  },
  forbidden: { status: 403, message: 'This token does not allow that.' },
  // Retry-After: thrown by core/limits (publish-limit.ts, auth-failures.ts) with the time its token bucket needs,
  // this only a fallback.
  rate_limited: {
    status: 429,
    message: 'Too many requests (publishes, or tries with a missing or invalid token); wait as Retry-After says and try again.',
    retryAfterSeconds: 1,
  },
  too_many_streams: { status: 429, message: 'This client, or its address, has as many open streams as it may.' },
  image_too_large: { status: 413, message: 'The image is larger than this relay accepts.' },
  bad_request: { status: 400, message: 'The request could not be understood.' },
  request_timeout: { status: 408, message: 'The request took too long to arrive; send it again, faster.' },
  uri_too_long: {
    status: 414,
    message: 'A part of the URL is longer than this relay accepts (100 characters); channel names and image ids are short.',
  },
  headers_too_large: { status: 431, message: 'The request headers (or URL) are larger than this relay accepts (16 KiB).' },
  not_found: { status: 404, message: 'Nothing is served at this address.' },
  image_not_found: {
    status: 404,
    message: 'No such image in this channel: it was never published here or history no longer holds it.',
  },
  too_many_channels: { status: 429, message: 'This relay holds as many channels as it is configured to.' },
  shutting_down: { status: 503, message: 'The relay is shutting down; try again shortly.' },
  backend_unavailable: {
    status: 503,
    message: 'The relay cannot reach its storage right now; the image was not stored. Try again shortly.',
  },
  invalid_variant: {
    status: 400,
    message:
      `Variant parameters: w and h among 160, 320, 640, 1280, 1920; fit cover, contain or inside; format ${VARIANT_FORMAT_LIST.slice(0, -1).join(', ')} or ${VARIANT_FORMAT_LIST.at(-1)}; q 30-95.`,
  },
  image_too_complex: {
    status: 422,
    message: 'The image has too many pixels to make a variant of it; fetch the original (without parameters) instead.',
  },
  variant_failed: {
    status: 422,
    message: 'The image could not be decoded to make this variant; fetch the original (without parameters) instead.',
  },
  // Retry-After: a 12-megapixel encode takes a fraction of a second, so a second later room has been made.
  variants_busy: {
    status: 503,
    message: 'The relay is making as many image variants as it can; try again shortly.',
    retryAfterSeconds: 1,
  },
  too_many_variants: {
    status: 429,
    message: 'This client has as many image variants waiting to be encoded as it may; try again shortly.',
    retryAfterSeconds: 1,
  },
  internal_error: { status: 500, message: 'The relay failed to handle this request; it has been logged.' },
} as const satisfies Record<string, { status: number; message: string; retryAfterSeconds?: number }>;

export type ErrorCode = keyof typeof ERRORS;

/** The seconds a client is told to wait before trying again (a `Retry-After` header), for codes that have one. */
export function retryAfterSecondsOf(code: ErrorCode): number | undefined {
  const entry: { readonly status: number; readonly retryAfterSeconds?: number } = ERRORS[code];
  return entry.retryAfterSeconds;
}

export class RelayError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  /** The `Retry-After` seconds to answer with: the catalogue's, or this refusal's own (a rate limit's wait). */
  readonly retryAfterSeconds: number | undefined;

  /**
   * @param detail replaces the catalogue message when the caller can be told something more precise.
   * @param retryAfterSeconds replaces the catalogue's Retry-After when this refusal knows better.
   */
  constructor(code: ErrorCode, detail?: string, retryAfterSeconds?: number) {
    super(detail ?? ERRORS[code].message);
    this.name = 'RelayError';
    this.code = code;
    this.status = ERRORS[code].status;
    this.retryAfterSeconds = retryAfterSeconds ?? retryAfterSecondsOf(code);
  }
}
