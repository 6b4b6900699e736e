import { listChannels, type ChannelSummary, type ImageDescription } from '../api';
import { el, setConnectionState, setCrumbs, showToast } from '../dom';
import { formatAge } from '../format';
import { followImages } from '../live-stream';

const VIEWER_REFRESH_MS = 5000;
const RATE_WINDOW_MS = 60_000;

interface Card {
  element: HTMLElement;
  thumbnail: HTMLImageElement;
  age: HTMLElement;
  rate: HTMLElement;
  viewers: HTMLElement;
  lastPublishedAt: string;
  /** When this page saw images arrive, for the images-per-minute figure. */
  arrivals: number[];
}

/** Every channel with a thumbnail of its latest image, its age, rate and viewers, updated live. */
export function renderChannelList(root: HTMLElement): void {
  setCrumbs('channels');
  const grid = el('section', { class: 'cards', 'data-testid': 'channel-list' });
  const empty = el('p', { class: 'empty' }, 'No channel has an image yet. Publish one:', el('pre', {}, `curl --data-binary @photo.png -H 'Content-Type: image/png' ${location.origin}/channels/cam-1/images`));
  root.replaceChildren(el('p', { class: 'actions' }, el('a', { href: '/grid' }, 'Watch all as a grid')), grid, empty);
  const cards = new Map<string, Card>();

  const cardFor = (channel: string): Card => {
    let card = cards.get(channel);
    if (card) return card;
    const thumbnail = el('img', { alt: `latest image of ${channel}`, loading: 'lazy' });
    const age = el('span', { class: 'age' });
    const rate = el('span', { class: 'rate' });
    const viewers = el('span', { class: 'viewers' });
    const element = el('a', { class: 'card', href: `/view/${encodeURIComponent(channel)}`, 'data-channel': channel },
      el('div', { class: 'thumb' }, thumbnail),
      el('div', { class: 'card-info' }, el('strong', {}, channel), age, rate, viewers));
    card = { element, thumbnail, age, rate, viewers, lastPublishedAt: new Date().toISOString(), arrivals: [] };
    cards.set(channel, card);
    const names = [...cards.keys()].sort();
    grid.insertBefore(element, cards.get(names[names.indexOf(channel) + 1] ?? '')?.element ?? null);
    empty.hidden = true;
    return card;
  };

  const showSummary = (summary: ChannelSummary): void => {
    const card = cardFor(summary.channel);
    card.viewers.textContent = `${summary.viewers} watching`;
    if (!card.thumbnail.src) card.thumbnail.src = summary.latestThumbnailUrl;
    card.lastPublishedAt = summary.lastPublishedAt;
  };

  const showImage = (image: ImageDescription): void => {
    const card = cardFor(image.channel);
    card.thumbnail.src = image.thumbnailUrl;
    card.lastPublishedAt = image.publishedAt;
    card.arrivals.push(Date.now());
    card.element.dataset.latestId = image.id;
  };

  const tick = (): void => {
    const now = Date.now();
    for (const card of cards.values()) {
      card.age.textContent = formatAge(card.lastPublishedAt, now);
      card.arrivals = card.arrivals.filter((time) => now - time < RATE_WINDOW_MS);
      card.rate.textContent = `${card.arrivals.length}/min`;
    }
  };

  const refresh = async (): Promise<void> => {
    try {
      for (const summary of await listChannels()) showSummary(summary);
      tick();
    } catch (error) {
      showToast((error as Error).message, 'error');
    }
  };
  void refresh();
  followImages(['*'], (image) => {
    showImage(image);
    tick();
  }, setConnectionState);
  window.setInterval(tick, 1000);
  window.setInterval(() => void refresh(), VIEWER_REFRESH_MS);
}
