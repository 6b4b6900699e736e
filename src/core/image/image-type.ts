/** Image types the relay accepts: what every current browser shows in an <img>, and nothing that runs scripts. */
export const ACCEPTED_IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/avif'] as const;
export type ImageType = (typeof ACCEPTED_IMAGE_TYPES)[number];

/** Types recognised only so that a refusal can name them. */
export type RefusedImageType = 'image/svg+xml' | 'image/bmp' | 'image/tiff' | 'image/x-icon' | 'image/heic';

export function isAcceptedImageType(value: string): value is ImageType {
  return (ACCEPTED_IMAGE_TYPES as readonly string[]).includes(value);
}

const EXTENSIONS: Record<ImageType, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'image/avif': 'avif',
};

/** The conventional file extension, for downloads and saved files. */
export function extensionFor(type: ImageType): string {
  return EXTENSIONS[type];
}
