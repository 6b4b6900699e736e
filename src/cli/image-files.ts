import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { IMAGE_TYPES } from '../core/image/image-type.js';

/** File names the CLI treats as images when given a folder; the relay still checks the bytes. */
const IMAGE_EXTENSION = new RegExp(`\\.(${IMAGE_TYPES.flatMap((row) => row.fileExtensions).join('|')})$`, 'i');

export function looksLikeImageFile(name: string): boolean {
  // Hidden and temporary files are what writers create before renaming into place.
  return IMAGE_EXTENSION.test(name) && !path.basename(name).startsWith('.');
}

/** Expands the publish arguments: files as given, folders as their image files in name order. */
export async function expandImagePaths(paths: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const given of paths) {
    const info = await stat(given);
    if (!info.isDirectory()) {
      files.push(given);
      continue;
    }
    const names = (await readdir(given)).filter(looksLikeImageFile).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
    files.push(...names.map((name) => path.join(given, name)));
  }
  return files;
}

export function describeFailure(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
