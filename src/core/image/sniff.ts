import { ascii, startsWith, u32be } from './byte-reader.js';
import { IMAGE_TYPES, type ImageSignature, type ImageType, type RefusedImageType } from './image-type.js';

const ICO_SIGNATURE = [0x00, 0x00, 0x01, 0x00];
const UTF8_BOM = [0xef, 0xbb, 0xbf];

/**
 * Real `ftyp` boxes name a handful of brands (tens of bytes); anything claiming more than this is not an image
 * header we want to trust, and the cap keeps the brand list small whatever the input says.
 */
const MAX_FTYP_BYTES = 1024;
/** HEIF (ISO/IEC 23008-12 Annex B) brands for HEVC-coded images and the codec-neutral `mif1`/`msf1`. */
const HEIF_BRANDS = ['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'mif1', 'msf1'];

/** How far into a text file the `<svg` root may appear (after an XML declaration, comments, a doctype). */
const SVG_SCAN_BYTES = 4096;

type MagicSignature = Extract<ImageSignature, { readonly magic: unknown }>;
type FtypSignature = Extract<ImageSignature, { readonly ftypBrands: unknown }>;

/** The accepted types known by magic numbers, then those known by ftyp brands, in the table's order. */
const BY_MAGIC = IMAGE_TYPES.map((row) => ({
  type: row.type as ImageType,
  signatures: (row.signatures as readonly ImageSignature[]).filter((signature): signature is MagicSignature => 'magic' in signature),
})).filter((row) => row.signatures.length > 0);
const BY_FTYP = IMAGE_TYPES.map((row) => ({
  type: row.type as ImageType,
  signatures: (row.signatures as readonly ImageSignature[]).filter((signature): signature is FtypSignature => 'ftypBrands' in signature),
})).filter((row) => row.signatures.length > 0);

function matchesMagic(bytes: Uint8Array, signature: MagicSignature): boolean {
  for (const part of signature.magic) if (!startsWith(bytes, part.bytes, part.at)) return false;
  return true;
}

/**
 * Identifies image bytes by their magic numbers (the signatures of the WHATWG MIME Sniffing standard, §6.1, plus
 * the ISO-BMFF brands of AVIF and HEIF). Returns undefined for anything else, including HTML and plain text.
 * Never throws: every read is bounds-checked.
 */
export function sniffImageType(bytes: Uint8Array): ImageType | RefusedImageType | undefined {
  for (const row of BY_MAGIC) {
    for (const signature of row.signatures) if (matchesMagic(bytes, signature)) return row.type;
  }

  const brands = ftypBrands(bytes);
  if (brands) {
    // A file may list both (libavif writes "avif mif1 miaf"): an accepted type wins, since mif1 is only the HEIF base brand.
    for (const row of BY_FTYP) {
      for (const signature of row.signatures) if (brands.some((brand) => signature.ftypBrands.includes(brand))) return row.type;
    }
    if (brands.some((brand) => HEIF_BRANDS.includes(brand))) return 'image/heic';
    return undefined; // MP4, QuickTime, 3GP and other ISO-BMFF files are not images.
  }

  if (ascii(bytes, 0, 2) === 'BM') return 'image/bmp';
  const head4 = ascii(bytes, 0, 4);
  if (head4 === 'II*\0' || head4 === 'MM\0*') return 'image/tiff'; // TIFF 6.0 §2: byte order, then 42
  if (startsWith(bytes, ICO_SIGNATURE)) return 'image/x-icon';
  if (looksLikeSvg(bytes)) return 'image/svg+xml';
  return undefined;
}

/**
 * The major and compatible brands of a leading `ftyp` box (ISO/IEC 14496-12 §4.3): a 32-bit size, "ftyp", the
 * major brand, a 4-byte minor version, then compatible brands of 4 bytes each to the end of the box. Returns
 * undefined when the file does not start with a sanely sized ftyp. A file cut short inside the box still yields
 * the brands that are present, so the type of a truncated upload can be named.
 */
function ftypBrands(bytes: Uint8Array): string[] | undefined {
  if (ascii(bytes, 4, 4) !== 'ftyp') return undefined;
  const size = u32be(bytes, 0);
  // Size 0 ("to end of file") and 1 (64-bit size follows) are legal for boxes in general but never used for an
  // ftyp; together with sizes too small to hold the major brand and minor version, they mark a damaged header.
  if (size === undefined || size < 16 || size > MAX_FTYP_BYTES) return undefined;
  const end = Math.min(size, bytes.length);
  const brands: string[] = [];
  if (end >= 12) brands.push(ascii(bytes, 8, 4));
  for (let offset = 16; offset + 4 <= end; offset += 4) brands.push(ascii(bytes, offset, 4));
  return brands;
}

/**
 * SVG is text, so it has no magic number. We call it SVG when, after an optional UTF-8 byte order mark and
 * whitespace, it opens like an XML document or an SVG root, and an `<svg` tag follows within the first 4 KiB.
 * Only ASCII matters here, so latin1 decoding (one character per byte, never failing) is enough.
 */
function looksLikeSvg(bytes: Uint8Array): boolean {
  let start = startsWith(bytes, UTF8_BOM) ? UTF8_BOM.length : 0;
  const end = Math.min(bytes.length, SVG_SCAN_BYTES);
  while (start < end && isXmlWhitespace(bytes[start]!)) start += 1;
  if (start >= end) return false;
  const text = Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('latin1');
  const opensLikeSvg = /^(<\?xml|<svg[\s>/]|<!DOCTYPE\s+svg)/i.test(text);
  return opensLikeSvg && /<svg[\s>/]/i.test(text);
}

/** XML 1.0 §2.3 `S`: space, tab, carriage return, line feed. */
function isXmlWhitespace(byte: number): boolean {
  return byte === 0x20 || byte === 0x09 || byte === 0x0d || byte === 0x0a;
}
