import { RelayError } from '../errors.js';
import { DataUrlAssembler, type ParsedDataUrl } from './data-url-assembler.js';
import { IMAGE_HEAD_BYTES } from './validate-image.js';

/** A JSON body, scanned as it streamed in, with its image taken out (see JsonImageBodyScanner). */
export interface ScannedJsonBody {
  /**
   * The body as text with the contents of every top-level "imageSrc" string taken out (`"imageSrc": ""`): small,
   * for a JSON parser. It is valid JSON exactly when the body was.
   */
  readonly rest: string;
  /** The last top-level "imageSrc" string (JSON.parse's rule), as a data: URL, or why it is not a valid one. */
  readonly imageSrc: ParsedDataUrl | RelayError | undefined;
}

export interface JsonImageBodyLimits {
  readonly maxImageBytes: number;
  /** Bytes of the body beside the image (channel, metadata, JSON punctuation) accepted. */
  readonly maxRestBytes: number;
  /** The body's length if known (Content-Length), to size the decoded image once. */
  readonly expectedBytes?: number | undefined;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const IMAGE_SRC = 'imageSrc';
/** Keys longer than this are kept only to be copied: no key this long is "imageSrc", even escaped (6 × 8). */
const MAX_KEY_BYTES = 48;
/** The rest of a typical publish (channel, punctuation) fits; metadata grows it. */
const INITIAL_REST_BYTES = 512;

// Where the scanner is.
const OUTSIDE = 0; // between tokens, or inside a number or literal
const IN_STRING = 1; // a string that stays in the rest (keys, other values)
const IN_STRING_ESCAPE = 2; // just after a backslash in such a string
const IN_IMAGE = 3; // inside the imageSrc string
const IN_IMAGE_ESCAPE = 4; // just after a backslash in it
const IN_IMAGE_UNICODE = 5; // inside a \uXXXX escape in it

// What the tokens at the top object's level say about the next string.
const EXPECT_VALUE = 0;
const EXPECT_KEY = 1;
const AFTER_KEY = 2; // a key was read; its colon comes next
const AFTER_COLON = 3; // its value comes next

/** JSON's two-character escapes, by the character after the backslash. */
const SIMPLE_ESCAPES: Readonly<Record<number, number>> = {
  0x22: 0x22, 0x5c: 0x5c, 0x2f: 0x2f, 0x62: 0x08, 0x66: 0x0c, 0x6e: 0x0a, 0x72: 0x0d, 0x74: 0x09,
};

function hexValue(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  const lower = byte | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x61 + 10 : -1;
}

function isJsonWhitespace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

/**
 * Scans a JSON body chunk by chunk and lifts the top-level `"imageSrc"` string out of it, so that a publish of
 * megabytes is never one contiguous body nor one JavaScript string: the string's bytes go straight to a
 * DataUrlAssembler (memchr scans for the closing quote and for backslashes; the slices are kept, not copied), and
 * everything else, at most `maxRestBytes`, is kept as the rest for a real JSON parser to check and parse.
 *
 * The scanner only needs to know where strings begin and end and which ones are top-level "imageSrc" values;
 * whether the body is JSON at all the parser decides from the rest, which keeps every byte but the lifted strings'
 * contents. Those contents it checks itself, as JSON.parse would: escapes must be JSON's, and no control
 * character may appear unescaped (a valid data: URL has none, so that is looked for only when the URL is invalid;
 * see DataUrlAssembler.sawRawControlCharacter). Duplicated keys: the last one wins, as with JSON.parse.
 */
export class JsonImageBodyScanner {
  private state = OUTSIDE;
  private depth = 0;
  private topIsObject = false;
  private keyState = EXPECT_VALUE;
  private key: number[] = [];
  private keyIsLong = false;
  private keyIsImageSrc = false;
  private image: DataUrlAssembler | undefined;
  private unicodeValue = 0;
  private unicodeDigits = 0;
  private invalidJson = false;
  private rest = Buffer.allocUnsafe(INITIAL_REST_BYTES);
  private restLength = 0;
  /** Reused for the one byte a JSON escape stands for (the assembler copies short pieces); made when needed. */
  private escapedByte: Buffer | undefined;

  constructor(private readonly limits: JsonImageBodyLimits) {}

  push(chunk: Buffer): void {
    let index = 0;
    let copyFrom = 0; // start of the run of bytes going to the rest
    while (index < chunk.length) {
      const state = this.state;
      if (state === IN_IMAGE) {
        index = this.scanImage(chunk, index);
        // The closing quote goes to the rest, with what follows it.
        copyFrom = this.state === OUTSIDE ? index - 1 : index;
        continue;
      }
      if (state === IN_IMAGE_ESCAPE || state === IN_IMAGE_UNICODE) {
        this.imageEscape(chunk[index]!);
        index += 1;
        copyFrom = index;
        continue;
      }
      const byte = chunk[index]!;
      index += 1;
      if (state === IN_STRING) {
        if (byte === BACKSLASH) this.state = IN_STRING_ESCAPE;
        else if (byte === QUOTE) this.endString();
        else if (this.keyState === EXPECT_KEY && this.depth === 1) this.addKeyByte(byte);
        continue;
      }
      if (state === IN_STRING_ESCAPE) {
        this.state = IN_STRING;
        if (this.keyState === EXPECT_KEY && this.depth === 1) this.addKeyByte(BACKSLASH, byte);
        continue;
      }
      if (byte === QUOTE) {
        if (this.keyState === AFTER_COLON && this.keyIsImageSrc && this.depth === 1) {
          this.copyToRest(chunk, copyFrom, index);
          copyFrom = index;
          this.startImage();
        } else {
          this.state = IN_STRING;
          this.key = [];
          this.keyIsLong = false;
          if (this.keyState !== EXPECT_KEY || this.depth !== 1) this.keyState = EXPECT_VALUE;
        }
      } else if (!isJsonWhitespace(byte)) {
        this.structural(byte);
      }
    }
    this.copyToRest(chunk, copyFrom, chunk.length);
  }

  /** The body is complete. Throws invalid_json for what JSON.parse would refuse in a lifted string. */
  end(): ScannedJsonBody {
    if (this.invalidJson) throw new RelayError('invalid_json');
    let imageSrc: ParsedDataUrl | RelayError | undefined;
    // An unterminated imageSrc leaves the rest unterminated too: the parser refuses it.
    if (this.image && this.state !== IN_IMAGE && this.state !== IN_IMAGE_ESCAPE && this.state !== IN_IMAGE_UNICODE) {
      try {
        imageSrc = this.image.finish();
      } catch (error) {
        if (this.image.sawRawControlCharacter) throw new RelayError('invalid_json');
        imageSrc = error as RelayError;
      }
    }
    return { rest: this.rest.toString('utf8', 0, this.restLength), imageSrc };
  }

  /** A byte outside strings at any depth: brackets, commas and colons; numbers and literals pass through. */
  private structural(byte: number): void {
    if (byte === 0x7b || byte === 0x5b) {
      if (this.depth === 0 && byte === 0x7b && !this.topIsObject) {
        this.topIsObject = true;
        this.keyState = EXPECT_KEY;
      } else if (this.depth === 1) {
        this.keyState = EXPECT_VALUE;
      }
      this.depth += 1;
      return;
    }
    if (byte === 0x7d || byte === 0x5d) {
      this.depth -= 1;
      return;
    }
    if (this.depth !== 1 || !this.topIsObject) return;
    if (byte === 0x2c) this.keyState = EXPECT_KEY;
    else if (byte === 0x3a && this.keyState === AFTER_KEY) this.keyState = AFTER_COLON;
    else this.keyState = EXPECT_VALUE;
  }

  private addKeyByte(...bytes: number[]): void {
    if (this.keyIsLong) return;
    this.key.push(...bytes);
    if (this.key.length > MAX_KEY_BYTES) this.keyIsLong = true;
  }

  private endString(): void {
    this.state = OUTSIDE;
    if (this.keyState !== EXPECT_KEY || this.depth !== 1 || !this.topIsObject) return;
    this.keyState = AFTER_KEY;
    this.keyIsImageSrc = !this.keyIsLong && this.keyName() === IMAGE_SRC;
  }

  private keyName(): string | undefined {
    const raw = Buffer.from(this.key).toString('utf8');
    if (!this.key.includes(BACKSLASH)) return raw;
    try {
      return JSON.parse(`"${raw}"`) as string;
    } catch {
      return undefined; // the parser refuses the rest for the same escape
    }
  }

  private startImage(): void {
    // A duplicate: the earlier one is dropped (the last wins), but an unescaped control character in it still
    // makes the body invalid JSON.
    if (this.image?.sawRawControlCharacter) this.invalidJson = true;
    const expected = this.limits.expectedBytes ? this.limits.expectedBytes - this.restLength : 0;
    this.image = new DataUrlAssembler(this.limits.maxImageBytes, expected, IMAGE_HEAD_BYTES);
    this.state = IN_IMAGE;
    this.keyState = EXPECT_VALUE;
  }

  /** The fast path: from `start`, up to the closing quote or a backslash, straight to the assembler. */
  private scanImage(chunk: Buffer, start: number): number {
    const quote = chunk.indexOf(QUOTE, start);
    const backslash = chunk.indexOf(BACKSLASH, start);
    const stop = backslash !== -1 && (quote === -1 || backslash < quote) ? backslash : quote === -1 ? chunk.length : quote;
    if (stop > start) this.image!.push(chunk.subarray(start, stop));
    if (stop === chunk.length) return stop;
    if (stop === backslash) {
      this.state = IN_IMAGE_ESCAPE;
      return stop + 1;
    }
    if (this.image!.sawRawControlCharacter) this.invalidJson = true;
    this.state = OUTSIDE;
    return stop + 1;
  }

  private imageEscape(byte: number): void {
    if (this.state === IN_IMAGE_ESCAPE) {
      if (byte === 0x75) {
        this.state = IN_IMAGE_UNICODE;
        this.unicodeValue = 0;
        this.unicodeDigits = 0;
        return;
      }
      this.state = IN_IMAGE;
      const unescaped = SIMPLE_ESCAPES[byte];
      if (unescaped === undefined) this.invalidJson = true;
      else this.pushEscaped(unescaped);
      return;
    }
    const digit = hexValue(byte);
    if (digit === -1) {
      this.invalidJson = true;
      this.state = IN_IMAGE;
      return;
    }
    this.unicodeValue = this.unicodeValue * 16 + digit;
    if (++this.unicodeDigits < 4) return;
    this.state = IN_IMAGE;
    // A character past U+00FF is never part of a valid data: URL; 0xFF stands for it (one character, one byte).
    this.pushEscaped(this.unicodeValue <= 0xff ? this.unicodeValue : 0xff);
  }

  private pushEscaped(byte: number): void {
    this.escapedByte ??= Buffer.allocUnsafe(1);
    this.escapedByte[0] = byte;
    this.image!.push(this.escapedByte, true);
  }

  private copyToRest(chunk: Buffer, start: number, end: number): void {
    if (end <= start) return;
    if (this.restLength + (end - start) > this.limits.maxRestBytes) {
      throw new RelayError(
        'json_too_large',
        `The JSON body holds more than its image and ${this.limits.maxRestBytes} bytes of other fields.`,
      );
    }
    if (this.restLength + (end - start) > this.rest.length) {
      const grown = Buffer.allocUnsafe(Math.min(this.limits.maxRestBytes, Math.max(this.rest.length * 2, this.restLength + (end - start))));
      this.rest.copy(grown, 0, 0, this.restLength);
      this.rest = grown;
    }
    this.restLength += chunk.copy(this.rest, this.restLength, start, end);
  }
}
