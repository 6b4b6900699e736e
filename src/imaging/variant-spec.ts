import { RelayError } from '../core/errors.js';
import { IMAGE_TYPES, type EncodableFormat, type ImageType } from '../core/image/image-type.js';

/**
 * What a client may ask of an image: a size from a short list, a fit, a format and a quality in a narrow range.
 * The list is fixed so that the number of distinct variants of an image stays small: a client cannot make the
 * relay encode (and cache) one variant per pixel width.
 */
export const VARIANT_SIZES = [160, 320, 640, 1280, 1920] as const;
/**
 * The box a variant asked for without `w` or `h` (`?format=png`) is fitted in: the largest allowed size. A
 * full-resolution re-encode of a 50-megapixel original would cost seconds of a thread and tens of megabytes,
 * more than the variant cache may hold, so it would be encoded again on every request; no variant is larger
 * than a variant a client may ask for by size.
 */
export const LARGEST_VARIANT_SIZE = VARIANT_SIZES[VARIANT_SIZES.length - 1];
export const VARIANT_FITS = ['cover', 'contain', 'inside'] as const;
/** The image types that variants can be encoded in (the image-type table's `encodable` rows). */
const ENCODABLE_ROWS = IMAGE_TYPES.filter((row): row is Extract<(typeof IMAGE_TYPES)[number], { readonly encodable: true }> => row.encodable);
export const VARIANT_FORMATS: readonly EncodableFormat[] = ENCODABLE_ROWS.map((row) => row.format);
/** Below 30 every format shows blocks; above 95 files grow fast for no visible gain. */
export const MIN_VARIANT_QUALITY = 30;
export const MAX_VARIANT_QUALITY = 95;
/**
 * sharp's own defaults: 80 for JPEG and WebP; AVIF reaches the same look at about 50. PNG is lossless and takes
 * no quality.
 */
const DEFAULT_QUALITY: Record<VariantFormat, number | undefined> = { jpeg: 80, webp: 80, avif: 50, png: undefined };
/** Without `fit`, the image is scaled to fit inside the box, keeping its proportions and cropping nothing. */
const DEFAULT_FIT: VariantFit = 'inside';

export type VariantFit = (typeof VARIANT_FITS)[number];
export type VariantFormat = EncodableFormat;

/** The query parameters of a variant, as asked for; omitted ones follow the original or the defaults. */
export interface VariantRequest {
  readonly width?: number | undefined;
  readonly height?: number | undefined;
  readonly fit?: VariantFit | undefined;
  readonly format?: VariantFormat | undefined;
  readonly quality?: number | undefined;
}

/** A variant of one particular image, every parameter decided; `key` names it (cache key, ETag). */
export interface VariantSpec {
  readonly width: number | undefined;
  readonly height: number | undefined;
  readonly fit: VariantFit;
  readonly format: VariantFormat;
  readonly quality: number | undefined;
  readonly type: `image/${string}`;
  readonly key: string;
}

/** The query parameters a variant is asked with (everything else in a query, such as access_token, is not ours). */
const VARIANT_PARAMETERS = ['w', 'h', 'fit', 'format', 'q'] as const;

/** The format of an original's variants when none is asked for: its own, or the table's `variantsAs` (GIF: PNG). */
const FORMAT_OF_ORIGINAL = Object.fromEntries(IMAGE_TYPES.map((row) => [row.type, row.variantsAs])) as Record<ImageType, VariantFormat>;

const TYPE_OF_FORMAT = Object.fromEntries(ENCODABLE_ROWS.map((row) => [row.format, row.type])) as Record<VariantFormat, ImageType>;

/** The file extension of a variant in this format, for its download name. */
export function variantExtension(format: VariantFormat): string {
  return ENCODABLE_ROWS.find((row) => row.format === format)!.extension;
}

function imageTypeIsEncodable(type: ImageType): boolean {
  return ENCODABLE_ROWS.some((row) => row.type === type);
}

function invalid(detail: string): never {
  throw new RelayError('invalid_variant', detail);
}

function oneValue(query: Readonly<Record<string, unknown>>, name: string): string | undefined {
  const value = query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') invalid(`Give "${name}" once.`);
  return value;
}

function sizeOf(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const size = Number(value);
  if (!(VARIANT_SIZES as readonly number[]).includes(size) || !/^\d+$/.test(value)) {
    invalid(`"${name}" must be one of ${VARIANT_SIZES.join(', ')}.`);
  }
  return size;
}

function oneOf<Choice extends string>(value: string | undefined, choices: readonly Choice[], name: string): Choice | undefined {
  if (value === undefined) return undefined;
  if (!(choices as readonly string[]).includes(value)) invalid(`"${name}" must be one of ${choices.join(', ')}.`);
  return value as Choice;
}

/** Whether a query asks for a variant at all (any of w, h, fit, format, q). */
export function asksForVariant(query: Readonly<Record<string, unknown>> | undefined): boolean {
  return query !== undefined && VARIANT_PARAMETERS.some((name) => query[name] !== undefined);
}

/** Reads w, h, fit, format and q from a parsed query string; anything outside the allowed set is a 400. */
export function parseVariantQuery(query: Readonly<Record<string, unknown>>): VariantRequest {
  const qualityText = oneValue(query, 'q');
  let quality: number | undefined;
  if (qualityText !== undefined) {
    quality = Number(qualityText);
    if (!/^\d+$/.test(qualityText) || quality < MIN_VARIANT_QUALITY || quality > MAX_VARIANT_QUALITY) {
      invalid(`"q" must be a whole number from ${MIN_VARIANT_QUALITY} to ${MAX_VARIANT_QUALITY}.`);
    }
  }
  return {
    width: sizeOf(oneValue(query, 'w'), 'w'),
    height: sizeOf(oneValue(query, 'h'), 'h'),
    fit: oneOf(oneValue(query, 'fit'), VARIANT_FITS, 'fit'),
    format: oneOf(oneValue(query, 'format'), VARIANT_FORMATS, 'format'),
    quality,
  };
}

/** The request in its canonical query form (fixed order, nothing empty): the URL that events point to. */
export function variantQueryString(request: VariantRequest): string {
  const pairs: [string, string | number | undefined][] = [
    ['w', request.width],
    ['h', request.height],
    ['fit', request.fit],
    ['format', request.format],
    ['q', request.quality],
  ];
  return pairs
    .filter((pair): pair is [string, string | number] => pair[1] !== undefined)
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

/**
 * Decides every parameter for one image. Requests that produce the same bytes get the same key: the fit only
 * matters when both sides are given, the quality not at all for PNG, and an omitted format is the original's.
 */
export function resolveVariant(asked: VariantRequest, originalType: ImageType): VariantSpec {
  const sized = asked.width !== undefined || asked.height !== undefined;
  const request = sized ? asked : { ...asked, width: LARGEST_VARIANT_SIZE, height: LARGEST_VARIANT_SIZE };
  const format = request.format ?? FORMAT_OF_ORIGINAL[originalType];
  const fit = sized && request.width !== undefined && request.height !== undefined ? (request.fit ?? DEFAULT_FIT) : DEFAULT_FIT;
  const quality = DEFAULT_QUALITY[format] === undefined ? undefined : (request.quality ?? DEFAULT_QUALITY[format]);
  const key = [
    `w${request.width ?? ''}`,
    `h${request.height ?? ''}`,
    fit,
    format,
    ...(quality === undefined ? [] : [`q${quality}`]),
  ].join('-');
  return { width: request.width, height: request.height, fit, format, quality, type: TYPE_OF_FORMAT[format], key };
}

/**
 * Whether a variant would be the original itself: its format is the original's and the original already fits
 * the box, so resizing changes nothing (never enlarged) and re-encoding would only make another file, usually a
 * larger one (a 150-pixel PNG asked for at `w=320`). Such a request is served the original's bytes.
 * Not for `contain`, which letterboxes to the box's size, nor a type variants are not encoded in (a GIF, whose
 * variants are PNGs). The dimensions are the header's, before any EXIF orientation, so the original must fit the
 * box whichever way it is turned.
 * The quality asked for does not count: it is a setting of a re-encode, and none is needed.
 */
export function variantIsOriginal(spec: VariantSpec, original: { readonly type: ImageType; readonly width: number; readonly height: number }): boolean {
  if (!imageTypeIsEncodable(original.type) || spec.format !== FORMAT_OF_ORIGINAL[original.type] || spec.fit === 'contain') return false;
  return Math.max(original.width, original.height) <= Math.min(spec.width ?? Infinity, spec.height ?? Infinity);
}
