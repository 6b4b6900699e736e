import { ascii, startsWith } from './byte-reader.js';
import type { ImageType, RefusedImageType } from './image-type.js';
import { ftypBrands } from './iso-bmff.js';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG_SIGNATURE = [0xff, 0xd8, 0xff];
const ICO_SIGNATURE = [0x00, 0x00, 0x01, 0x00];
/** How far into a text file an `<svg` root may appear (after a prolog, comments, a doctype). */
const SVG_SCAN_BYTES = 4096;

/**
 * Identifies image bytes by their magic numbers (the signatures of the WHATWG MIME Sniffing standard, §6.1, plus
 * AVIF's ISO-BMFF brands). Returns undefined for anything else. Never throws, whatever the input.
 */
export function sniffImageType(bytes: Uint8Array): ImageType | RefusedImageType | undefined {
  if (startsWith(bytes, PNG_SIGNATURE)) return 'image/png';
  if (startsWith(bytes, JPEG_SIGNATURE)) return 'image/jpeg';
  const head6 = ascii(bytes, 0, 6);
  if (head6 === 'GIF87a' || head6 === 'GIF89a') return 'image/gif';
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WEBP') return 'image/webp';
  const brands = ftypBrands(bytes);
  if (brands) {
    if (brands.includes('avif') || brands.includes('avis')) return 'image/avif';
    if (brands.some((brand) => ['heic', 'heix', 'hevc', 'heim', 'heis', 'mif1', 'msf1'].includes(brand))) {
      return 'image/heic';
    }
    return undefined;
  }
  if (ascii(bytes, 0, 2) === 'BM') return 'image/bmp';
  const head4 = ascii(bytes, 0, 4);
  if (head4 === 'II*\0' || head4 === 'MM\0*') return 'image/tiff';
  if (startsWith(bytes, ICO_SIGNATURE)) return 'image/x-icon';
  if (looksLikeSvg(bytes)) return 'image/svg+xml';
  return undefined;
}

function looksLikeSvg(bytes: Uint8Array): boolean {
  let text = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, SVG_SCAN_BYTES)).toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  text = text.trimStart();
  const startsLikeXml = /^<(\?xml|svg[\s>/]|!DOCTYPE\s+svg|!--)/i.test(text);
  return startsLikeXml && /<svg[\s>/]/i.test(text);
}
