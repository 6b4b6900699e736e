/** What `publish` takes: bytes, a Blob or File, a stream of bytes, or (in Node) a file path. */
export type ImageInput = Uint8Array | ArrayBuffer | Blob | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array> | string;

/**
 * Reads an input into a Blob once, so that a retry sends the same bytes (a stream can be read only once).
 * Paths are read with node:fs, imported only when a path is given, so the module still loads in browsers.
 */
export async function toBlob(image: ImageInput): Promise<Blob> {
  if (image instanceof Blob) return image;
  if (image instanceof Uint8Array || image instanceof ArrayBuffer) return new Blob([image]);
  if (typeof image === 'string') {
    const { readFile } = await import('node:fs/promises');
    return new Blob([await readFile(image)]);
  }
  const chunks: Uint8Array[] = [];
  const iterable = (Symbol.asyncIterator in image ? image : readableToIterable(image)) as AsyncIterable<Uint8Array>;
  for await (const chunk of iterable) chunks.push(chunk);
  return new Blob(chunks);
}

async function* readableToIterable(stream: ReadableStream<Uint8Array>): AsyncIterable<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}
