import { RelayError } from '../errors.js';
import { BytePartsCollector, type ByteParts } from './byte-parts.js';
import { checkDataUrlHeader, MAX_DATA_URL_HEADER_LENGTH } from './data-url-header.js';
import { TEXT_PIECE_LENGTH } from './text-pieces.js';

/** What a data: URL carries, split so the bytes can be checked and the URL sent on exactly as it arrived. */
export interface ParsedDataUrl {
  /** Everything before the comma, as received, e.g. "data:image/png;base64". */
  readonly header: string;
  /** The media type the client declared (lower-cased), e.g. "image/png"; may differ from the sniffed type. */
  readonly declaredType: string;
  /**
   * The decoded image, or only its first bytes (at least the `keptBytes` the assembler was given) when it is
   * longer: the rest was checked and let go, and can be decoded again from `text` (see image-bytes.ts).
   */
  readonly bytes: Buffer;
  /** The decoded image's length in bytes, whether or not `bytes` holds all of them. */
  readonly byteLength: number;
  /** The whole URL as it arrived (ASCII), in the pieces it arrived in: what original-stream viewers are sent. */
  readonly text: ByteParts;
}

/** Bytes that `length` characters of padded base64 decode to, at most; lets size be checked before decoding. */
export function maxDecodedLength(base64Length: number): number {
  return Math.floor(base64Length / 4) * 3;
}

const COMMA = 0x2c;
const EQUALS = 0x3d;
const HYPHEN = 0x2d;
const UNDERSCORE = 0x5f;
/** Decoded bytes allocated up front when the URL's length is not known (a chunked request); grown by doubling. */
const INITIAL_DECODED_BYTES = 64 * 1024;
/** The most bytes one call to decodeQuanta decodes: a text piece's worth (TEXT_PIECE_LENGTH characters). */
const PIECE_DECODED_BYTES = (TEXT_PIECE_LENGTH / 4) * 3;
/**
 * Where the bytes past those an assembler keeps are decoded, to be checked and let go. One for all assemblers:
 * each decodes into it and is done with it within one synchronous call.
 */
const DISCARDED_BYTES = Buffer.allocUnsafeSlow(PIECE_DECODED_BYTES);

const HEADER = 0;
const PAYLOAD = 1;
const FAILED = 2;

function hasControlCharacter(bytes: Uint8Array, start = 0, end = bytes.length): boolean {
  for (let index = start; index < end; index++) if (bytes[index]! < 0x20) return true;
  return false;
}

function tooLarge(maxBytes: number): RelayError {
  return new RelayError('image_too_large', `The image is larger than this relay accepts (${maxBytes} bytes).`);
}

/**
 * A base64 data: URL checked and decoded as it streams in, piece by piece, as browsers would decode it: padded
 * base64 in the standard alphabet, nothing else. The text is kept as the slices it arrived in (not copied) and
 * decoded once into one buffer; no string longer than a 64 KiB piece is made (see text-pieces.ts), however large
 * the image.
 *
 * The alphabet is checked by Node's decoder, which skips any character outside it: a piece of 4n characters
 * decodes to exactly 3n bytes only if it skipped none. What it accepts and browsers do not is base64url's "-" and
 * "_" (two memchr scans per piece), and "=" anywhere but as the last one or two characters.
 *
 * The verdicts are parseDataUrl's, in its order: a bad header first (not_a_data_url, not_base64), then
 * empty_image, then image_too_large by length (thrown by push() as soon as the text is too long, so a too-large
 * upload is refused while it streams in), then invalid_base64. It also notes whether any control character came in
 * unescaped (see sawRawControlCharacter): a JSON body holding one is invalid JSON, a verdict that comes first.
 */
export class DataUrlAssembler {
  private phase = HEADER;
  private failure: RelayError | undefined;
  private failedInHeader = false;
  private header = '';
  private declaredType = '';
  private readonly text = new BytePartsCollector();
  private decoded: Buffer;
  private written = 0;
  /** How many of the written bytes `decoded` holds: all of them, until keptBytes are held. */
  private kept = 0;
  private payloadLength = 0;
  /** The characters of a quantum split between two pieces (or, once padding began, those before the "="). */
  private readonly carry = Buffer.allocUnsafe(4); // a slice of Node's pool: Buffer.alloc would make an ArrayBuffer
  private carryLength = 0;
  private paddingLength = 0;
  /** Whether any control character arrived as itself, not as a JSON escape: see the class comment. */
  sawRawControlCharacter = false;

  /**
   * @param maxBytes images larger than this are refused (image_too_large).
   * @param expectedTextLength the URL's length if known (from Content-Length): the decoded buffer is sized once.
   * @param keptBytes how many decoded bytes to keep (at least; all by default): the rest are decoded only to be
   *   checked. Enough to tell an image's type and size from covers nearly every image (see ingest.ts).
   */
  constructor(
    private readonly maxBytes: number,
    expectedTextLength = 0,
    private readonly keptBytes = Infinity,
  ) {
    const expected = expectedTextLength > 0 ? maxDecodedLength(expectedTextLength) + 3 : INITIAL_DECODED_BYTES;
    this.decoded = Buffer.allocUnsafe(Math.min(expected, maxBytes + 3, keptBytes + PIECE_DECODED_BYTES));
  }

  /**
   * The next piece of the URL's text; `escaped` when it came from a JSON escape rather than the body's bytes.
   * Throws image_too_large as soon as the URL is too long for an image this relay accepts.
   */
  push(piece: Buffer, escaped = false): void {
    if (piece.length === 0) return;
    if (this.phase === FAILED) {
      if (!escaped && !this.sawRawControlCharacter) this.sawRawControlCharacter = hasControlCharacter(piece);
      if (!this.failedInHeader) this.countPayload(piece.length);
      return;
    }
    this.text.add(piece);
    if (this.phase === HEADER) {
      const comma = piece.indexOf(COMMA);
      const headerEnd = comma === -1 ? piece.length : comma;
      const room = MAX_DATA_URL_HEADER_LENGTH + 1 - this.header.length;
      const taken = Math.min(headerEnd, room);
      if (!escaped && hasControlCharacter(piece, 0, taken)) this.sawRawControlCharacter = true;
      this.header += piece.toString('latin1', 0, taken);
      if (this.header.length > MAX_DATA_URL_HEADER_LENGTH) return this.fail(new RelayError('not_a_data_url'), piece, escaped, true);
      if (comma === -1) return;
      try {
        this.declaredType = checkDataUrlHeader(this.header);
      } catch (error) {
        return this.fail(error as RelayError, piece, escaped, true);
      }
      this.phase = PAYLOAD;
      piece = piece.subarray(comma + 1);
      if (piece.length === 0) return;
    }
    this.pushPayload(piece, escaped);
  }

  /** The URL, checked and decoded; throws its verdict if it is not a valid base64 data: URL of an allowed size. */
  finish(): ParsedDataUrl {
    if (this.failure) throw this.failure;
    if (this.phase === HEADER) throw new RelayError('not_a_data_url');
    if (this.payloadLength === 0) throw new RelayError('empty_image');
    if (this.payloadLength % 4 !== 0) throw new RelayError('invalid_base64');
    if (this.paddingLength > 0) {
      // The last quantum: two or three characters then "=" padding (payloadLength % 4 makes it exactly four).
      if (this.carryLength < 2) throw new RelayError('invalid_base64');
      this.carry.fill(EQUALS, this.carryLength);
      const decodedLength = this.decodeQuanta(this.carry.toString('latin1'));
      if (decodedLength !== this.carryLength - 1) throw new RelayError('invalid_base64');
    }
    if (this.written === 0) throw new RelayError('invalid_base64');
    if (this.written > this.maxBytes) throw tooLarge(this.maxBytes);
    return {
      header: this.header,
      declaredType: this.declaredType,
      bytes: this.decoded.subarray(0, Math.min(this.written, this.kept)),
      byteLength: this.written,
      text: this.text.finish(),
    };
  }

  private countPayload(length: number): void {
    this.payloadLength += length;
    if (maxDecodedLength(this.payloadLength) > this.maxBytes + 2) throw tooLarge(this.maxBytes);
  }

  private pushPayload(piece: Buffer, escaped: boolean): void {
    this.countPayload(piece.length);
    if (this.paddingLength > 0) return this.pushPadding(piece, 0, escaped);
    if (piece.indexOf(HYPHEN) !== -1 || piece.indexOf(UNDERSCORE) !== -1) {
      return this.fail(new RelayError('invalid_base64'), piece, escaped);
    }
    const equals = piece.indexOf(EQUALS);
    const dataEnd = equals === -1 ? piece.length : equals;
    let offset = 0;
    if (this.carryLength > 0) {
      offset = Math.min(4 - this.carryLength, dataEnd);
      if (!escaped && hasControlCharacter(piece, 0, offset)) this.sawRawControlCharacter = true;
      piece.copy(this.carry, this.carryLength, 0, offset);
      this.carryLength += offset;
      if (this.carryLength === 4) {
        this.carryLength = 0;
        if (this.decodeQuanta(this.carry.toString('latin1')) !== 3) return this.fail(new RelayError('invalid_base64'), piece, escaped);
      }
    }
    const wholeEnd = offset + Math.floor((dataEnd - offset) / 4) * 4;
    for (let start = offset; start < wholeEnd; start += TEXT_PIECE_LENGTH) {
      const end = Math.min(wholeEnd, start + TEXT_PIECE_LENGTH);
      if (this.decodeQuanta(piece.toString('latin1', start, end)) !== ((end - start) / 4) * 3) {
        return this.fail(new RelayError('invalid_base64'), piece, escaped);
      }
    }
    if (!escaped && hasControlCharacter(piece, wholeEnd, dataEnd)) this.sawRawControlCharacter = true;
    piece.copy(this.carry, this.carryLength, wholeEnd, dataEnd);
    this.carryLength += dataEnd - wholeEnd;
    if (equals !== -1) this.pushPadding(piece, equals, escaped);
  }

  /** From the first "=" on, only "=" may follow, at most two of them in all. */
  private pushPadding(piece: Buffer, start: number, escaped: boolean): void {
    for (let index = start; index < piece.length; index++) {
      if (piece[index] !== EQUALS || ++this.paddingLength > 2) return this.fail(new RelayError('invalid_base64'), piece, escaped);
    }
  }

  /**
   * Decodes whole quanta (at most a text piece of them) onto the end of the decoded bytes, or, once keptBytes are
   * kept, into DISCARDED_BYTES; returns how many bytes they gave.
   */
  private decodeQuanta(quanta: string): number {
    if (this.written >= this.keptBytes) {
      const decodedLength = DISCARDED_BYTES.write(quanta, 0, 'base64');
      this.written += decodedLength;
      return decodedLength;
    }
    const needed = this.written + (quanta.length / 4) * 3;
    if (needed > this.decoded.length) {
      const most = Math.min(this.maxBytes + 3, this.keptBytes + PIECE_DECODED_BYTES);
      const grown = Buffer.allocUnsafe(Math.min(Math.max(needed, this.decoded.length * 2), most));
      this.decoded.copy(grown, 0, 0, this.written);
      this.decoded = grown;
    }
    const decodedLength = this.decoded.write(quanta, this.written, 'base64');
    this.written += decodedLength;
    this.kept = this.written;
    return decodedLength;
  }

  private fail(error: RelayError, piece: Buffer, escaped: boolean, inHeader = false): void {
    this.failure = error;
    this.failedInHeader = inHeader;
    this.phase = FAILED;
    // What was checked before this piece held no control character (carried characters are looked at as they
    // are carried); this piece may, and so may everything after it (see push).
    if (!escaped && hasControlCharacter(piece)) this.sawRawControlCharacter = true;
    this.decoded = Buffer.alloc(0);
  }
}
