import { askForToken } from './token-prompt';

// The relay's own definition (type-only: nothing of the server is bundled into the page).
import type { ChannelListing, ImageDescription } from '../../src/api-types';

export type { ImageDescription };
export type ChannelSummary = ChannelListing;

/** A refusal from the relay, with its words for people. */
export class RelayRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function json<T>(response: Response): Promise<T> {
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as { error?: string; message?: string };
    if (response.status === 401) askForToken(body.message ?? 'Enter the token you were given.');
    throw new RelayRefusal(response.status, body.error ?? 'http_error', body.message ?? `The relay answered ${response.status}.`);
  }
  return (await response.json()) as T;
}

export async function listChannels(): Promise<ChannelSummary[]> {
  return (await json<{ channels: ChannelSummary[] }>(await fetch('/channels'))).channels;
}

/** The channel's newest `limit` images, oldest first: the relay reads no more than that. */
export async function channelHistory(channel: string, limit: number): Promise<ImageDescription[]> {
  const url = `/channels/${encodeURIComponent(channel)}/images?limit=${limit}`;
  return (await json<{ images: ImageDescription[] }>(await fetch(url))).images;
}

export async function publishFile(channel: string, file: File): Promise<ImageDescription> {
  const response = await fetch(`/channels/${encodeURIComponent(channel)}/images`, {
    method: 'POST',
    headers: { 'content-type': file.type || 'application/octet-stream' },
    body: file,
  });
  return json<ImageDescription>(response);
}
