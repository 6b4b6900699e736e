/**
 * The image types the relay accepts, in one table: how the bytes are recognised, the MIME type, the file
 * extension, the name people read, and whether variants can be encoded in it. Everything that knows an image type
 * reads it from here: sniffing (sniff.ts), validation messages, variants (imaging/variant-spec.ts), image
 * responses, the CLI (file names it picks up, names of saved files) and the viewer (downloads, the file picker).
 *
 * No imports: the viewer's bundle and the client take this file without any server code. Adding a type is a row
 * here and a dimensions reader (dimensions.ts, which the compiler asks for).
 *
 * What every current browser shows in an <img>, and nothing that runs scripts.
 */

/** Bytes at an offset; a signature is a list of them, all of which must match. */
interface MagicBytes {
  readonly at: number;
  readonly bytes: readonly number[];
}

/** How a type is recognised: magic numbers at fixed offsets, or the brands of a leading ISO-BMFF `ftyp` box. */
export type ImageSignature =
  | { readonly magic: readonly MagicBytes[] }
  | { readonly ftypBrands: readonly string[] };

export interface ImageTypeRow {
  readonly type: `image/${string}`;
  /** As people write it, in messages. */
  readonly name: string;
  /** The `format=` of a variant query and sharp's name for it. */
  readonly format: string;
  /** The conventional file extension, for downloads and saved files. */
  readonly extension: string;
  /** Extensions of files the CLI takes for this type when given a folder (the relay still checks the bytes). */
  readonly fileExtensions: readonly string[];
  /** Any one of these identifies the type (the WHATWG MIME Sniffing standard's signatures, §6.1). */
  readonly signatures: readonly ImageSignature[];
  /** Whether variants can be encoded in this type (`?format=`); if not, they are made as `variantsAs`. */
  readonly encodable: boolean;
  /** The format of a variant asked for without `format`: the type's own when it is encodable. */
  readonly variantsAs: string;
}

function text(value: string): number[] {
  return [...value].map((character) => character.charCodeAt(0));
}

export const IMAGE_TYPES = [
  {
    type: 'image/png', name: 'PNG', format: 'png', extension: 'png', fileExtensions: ['png'],
    signatures: [{ magic: [{ at: 0, bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] }] }],
    encodable: true, variantsAs: 'png',
  },
  {
    type: 'image/jpeg', name: 'JPEG', format: 'jpeg', extension: 'jpg', fileExtensions: ['jpg', 'jpeg'],
    signatures: [{ magic: [{ at: 0, bytes: [0xff, 0xd8, 0xff] }] }],
    encodable: true, variantsAs: 'jpeg',
  },
  {
    type: 'image/gif', name: 'GIF', format: 'gif', extension: 'gif', fileExtensions: ['gif'],
    signatures: [{ magic: [{ at: 0, bytes: text('GIF87a') }] }, { magic: [{ at: 0, bytes: text('GIF89a') }] }],
    // A GIF's palette and transparency survive in PNG; the first frame is what a still variant shows.
    encodable: false, variantsAs: 'png',
  },
  {
    type: 'image/webp', name: 'WebP', format: 'webp', extension: 'webp', fileExtensions: ['webp'],
    // RIFF container: "RIFF", a 32-bit little-endian size, then the form type (RFC 9649 §2.5).
    signatures: [{ magic: [{ at: 0, bytes: text('RIFF') }, { at: 8, bytes: text('WEBP') }] }],
    encodable: true, variantsAs: 'webp',
  },
  {
    type: 'image/avif', name: 'AVIF', format: 'avif', extension: 'avif', fileExtensions: ['avif'],
    // AVIF §9.1 (AV1 Image File Format): still images carry `avif`, image sequences `avis`.
    signatures: [{ ftypBrands: ['avif', 'avis'] }],
    encodable: true, variantsAs: 'avif',
  },
] as const satisfies readonly ImageTypeRow[];

type Row = (typeof IMAGE_TYPES)[number];
export type ImageType = Row['type'];
/** The formats variants can be encoded in (`?format=`). */
export type EncodableFormat = Extract<Row, { readonly encodable: true }>['format'];

export const ACCEPTED_IMAGE_TYPES: readonly ImageType[] = IMAGE_TYPES.map((row) => row.type);

/** Types recognised only so that a refusal can name them. */
export type RefusedImageType = 'image/svg+xml' | 'image/bmp' | 'image/tiff' | 'image/x-icon' | 'image/heic';

export function isAcceptedImageType(value: string): value is ImageType {
  return (ACCEPTED_IMAGE_TYPES as readonly string[]).includes(value);
}

/** The row of an accepted type, or undefined for any other string (a type named by a stream, a file). */
export function imageTypeRow(type: string): ImageTypeRow | undefined {
  return IMAGE_TYPES.find((row) => row.type === type);
}

/** The conventional file extension, for downloads and saved files. */
export function extensionFor(type: ImageType): string {
  return imageTypeRow(type)!.extension;
}

/** "PNG, JPEG, GIF, WebP, AVIF": the accepted types as messages list them. */
export const ACCEPTED_TYPE_NAMES = IMAGE_TYPES.map((row) => row.name).join(', ');

/** What a file picker offers (`<input type=file accept=...>`). */
export const ACCEPTED_TYPES_LIST = ACCEPTED_IMAGE_TYPES.join(',');
