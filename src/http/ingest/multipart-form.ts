import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { RelayError } from '../../core/errors.js';

/** What one form may hold. */
export interface FormLimits {
  /** Bytes of one file; a larger one is refused (413) as it streams in. */
  readonly fileBytes: number;
  readonly files: number;
  readonly fields: number;
  /** Bytes of one field's value. */
  readonly fieldBytes: number;
  /** Files and fields together. */
  readonly parts: number;
  /** Header lines of one part. */
  readonly headerPairs: number;
}

/** One part of a form, whole: a text field, or a file's bytes. */
export type FormPart =
  | { readonly kind: 'field'; readonly name: string; readonly value: string }
  | { readonly kind: 'file'; readonly name: string; readonly bytes: Buffer };

/** busboy (the parser @fastify/multipart wraps); loaded by the first form, so a relay that gets none never loads it. */
type Busboy = typeof import('@fastify/busboy').Busboy;
let busboy: Promise<Busboy> | undefined;
const loadBusboy = (): Promise<Busboy> => (busboy ??= import('@fastify/busboy').then((module) => module.Busboy));

/** busboy's words for a body that ends inside the form, or inside a part. */
const CUT_OFF = /unexpected end of multipart data|terminated early/i;

/** A form that ends before its closing boundary: busboy saw its end, or the client went away. */
function cutOff(): RelayError {
  return new RelayError('invalid_multipart', 'The multipart/form-data body is malformed: unexpected end of the form, before its closing boundary (was the upload cut off?).');
}

/** The parser's own failures on a malformed body carry no status: they are the client's, so a 400. */
function malformed(error: unknown): RelayError {
  const message = (error as Error).message;
  if (CUT_OFF.test(message)) return cutOff();
  return new RelayError('invalid_multipart', `The multipart/form-data body is malformed: ${message}.`);
}

/**
 * A refusal of a part named like an object's own property (`__proto__`, `constructor`, ...), as Fastify refuses
 * such JSON keys; undefined for any other name.
 */
function prototypeNameRefusal(name: string): RelayError | undefined {
  return name in Object.prototype ? new RelayError('invalid_multipart', `A form field is named "${name}", which the relay refuses.`) : undefined;
}

/**
 * Reads a `multipart/form-data` request part by part, handing each part whole to `onPart`, in the order the
 * client sent them, one at a time: a file is read only once `onPart` has settled for the part before it, so the
 * request is read no faster than the parts are handled and a form of several large files never sits in memory
 * whole. Settles once every part has been handled; rejects with a RelayError at the first refusal: a malformed
 * form (400 invalid_multipart), a body cut off before its closing boundary (400), a file over `fileBytes` (413
 * image_too_large, as soon as the limit is crossed), too many files, parts or fields (413), a field named like an
 * object's own property (400); or with what `onPart` threw. After a refusal no further part is handed over.
 * An empty body is an empty form.
 */
export async function readMultipartForm(
  request: IncomingMessage,
  limits: FormLimits,
  onPart: (part: FormPart) => Promise<void>,
): Promise<void> {
  const Busboy = await loadBusboy();
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    let sawData = false;
    /** The parts handed over so far, one after another. */
    let handled: Promise<void> = Promise.resolve();
    let parser: ReturnType<typeof Busboy>;

    const fail = (error: unknown): void => {
      if (settled) return;
      settled = true;
      // The rest of the body is read and dropped, as a refused raw body's is, so the connection stays usable.
      request.unpipe(parser);
      request.resume();
      reject(error);
    };
    const then = (step: () => void | Promise<void>): void => {
      handled = handled.then(() => (settled ? undefined : step())).catch(fail);
    };

    try {
      parser = Busboy({
        headers: request.headers as Parameters<typeof Busboy>[0]['headers'],
        limits: {
          fileSize: limits.fileBytes,
          files: limits.files,
          fields: limits.fields,
          fieldSize: limits.fieldBytes,
          parts: limits.parts,
          headerPairs: limits.headerPairs,
        },
      });
    } catch (error) {
      reject(malformed(error)); // no boundary, most often
      return;
    }

    parser.on('field', (name: string, value: string) => {
      const refusal = prototypeNameRefusal(name);
      if (refusal) return fail(refusal);
      then(() => onPart({ kind: 'field', name, value }));
    });
    parser.on('file', (name: string, file: Readable) => {
      // Every file stream is read or drained, or busboy stops parsing.
      file.on('error', (error) => fail(malformed(error)));
      file.on('limit', () => {
        file.resume();
        fail(new RelayError('image_too_large', `A file of the form is larger than this relay accepts (${limits.fileBytes} bytes).`));
      });
      const refusal = prototypeNameRefusal(name);
      if (refusal) {
        file.resume();
        return fail(refusal);
      }
      then(async () => {
        const chunks: Buffer[] = [];
        for await (const chunk of file) {
          if (settled) break;
          chunks.push(chunk as Buffer);
        }
        if (settled) return void file.resume();
        await onPart({ kind: 'file', name, bytes: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks) });
      });
    });
    parser.on('filesLimit', () => fail(new RelayError('too_many_files')));
    parser.on('partsLimit', () => fail(new RelayError('too_many_files')));
    parser.on('fieldsLimit', () => fail(new RelayError('too_many_fields')));
    parser.on('error', (error: Error) => {
      // An empty body is an empty form, not a truncated one.
      if (!sawData && CUT_OFF.test(error.message)) then(() => finish());
      else fail(malformed(error));
    });
    parser.on('finish', () => then(() => finish()));
    const finish = (): void => {
      if (settled) return;
      settled = true;
      resolve();
    };

    request.once('data', () => {
      sawData = true;
    });
    request.on('close', () => {
      if (!request.readableEnded) fail(cutOff());
    });
    request.pipe(parser);
  });
}
