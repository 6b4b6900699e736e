import type { ImageDescription } from '../api';
import { el, setConnectionState, setCrumbs } from '../dom';
import { formatAge } from '../format';
import { followImages } from '../live-stream';

/**
 * The size of a tile's picture: its stream asks for this variant (`?w=640`), so every `url` in its events names
 * it. 640 pixels fill a tile of a wall of four across a 2560-pixel screen; a 12-megapixel frame is 30 times that.
 */
const TILE_VARIANT = 'w=640';

/** Several channels side by side on one event stream: a wall of cameras. Without channels, every channel. */
export function renderGridView(root: HTMLElement, channels: string[]): void {
  const following = channels.length > 0 ? channels : ['*'];
  setCrumbs(el('a', { href: '/' }, 'channels'), ' / grid');
  const wall = el('section', { class: 'wall', 'data-testid': 'grid' });
  root.replaceChildren(wall);
  const tiles = new Map<string, { image: HTMLImageElement; label: HTMLElement; publishedAt: string }>();

  const tileFor = (channel: string) => {
    let tile = tiles.get(channel);
    if (!tile) {
      const image = el('img', { alt: `live image of ${channel}` });
      const label = el('span', { class: 'tile-label' }, channel);
      wall.append(el('a', { class: 'tile', href: `/view/${encodeURIComponent(channel)}`, 'data-channel': channel }, image, label));
      tile = { image, label, publishedAt: '' };
      tiles.set(channel, tile);
    }
    return tile;
  };
  for (const channel of channels) tileFor(channel);

  followImages(following, (image: ImageDescription) => {
    const tile = tileFor(image.channel);
    tile.image.src = image.url;
    tile.publishedAt = image.publishedAt;
    tile.image.dataset.id = image.id;
  }, setConnectionState, undefined, TILE_VARIANT);
  window.setInterval(() => {
    for (const [channel, tile] of tiles) {
      tile.label.textContent = tile.publishedAt ? `${channel} · ${formatAge(tile.publishedAt)}` : channel;
    }
  }, 1000);
}
