import { channelHistory, publishFile, type ImageDescription } from '../api';
import { ACCEPTED_TYPES_LIST } from '../../../src/core/image/image-type';
import { el, setConnectionState, setCrumbs, showToast } from '../dom';
import { fileNameOf, formatAge, formatBytes, formatTime } from '../format';
import { followImages } from '../live-stream';

/** Images the strip keeps: about what the relay's history holds by default. */
const STRIP_LENGTH = 50;

/**
 * One channel, fitted to the window: live by default; paused or stepping through history on request.
 * State is three values: the images seen, which one is shown (null: the newest, i.e. live) and whether paused.
 */
export function renderChannelView(root: HTMLElement, channel: string): void {
  setCrumbs(el('a', { href: '/' }, 'channels'), ` / ${channel}`);
  document.title = `${channel} · image-relay`;

  const images: ImageDescription[] = [];
  let selected: number | null = null;
  let paused = false;

  const picture = el('img', { class: 'picture', alt: `latest image of ${channel}`, 'data-testid': 'picture' });
  const stage = el('div', { class: 'stage', 'data-testid': 'stage' }, picture, el('p', { class: 'empty' }, 'Waiting for the first image… drop one here to publish it.'));
  const info = el('div', { class: 'info', 'data-testid': 'info' });
  const liveButton = el('button', { type: 'button', 'data-testid': 'live-toggle' });
  const fullscreenButton = el('button', { type: 'button', title: 'Fullscreen (f)' }, 'Fullscreen');
  const download = el('a', { class: 'button', 'data-testid': 'download' }, 'Download');
  const fileInput = el('input', { type: 'file', accept: ACCEPTED_TYPES_LIST, hidden: '' });
  const publishButton = el('button', { type: 'button' }, 'Publish…');
  const strip = el('nav', { class: 'strip', 'aria-label': 'recent images', 'data-testid': 'strip' });
  const toolbar = el('div', { class: 'toolbar' }, liveButton, fullscreenButton, download, publishButton, fileInput);
  root.replaceChildren(el('section', { class: 'channel-view' }, stage, el('div', { class: 'panel' }, info, toolbar), strip));

  const shownIndex = (): number => (selected === null ? images.length - 1 : selected);

  const render = (): void => {
    const image = images[shownIndex()];
    stage.classList.toggle('has-image', image !== undefined);
    liveButton.textContent = selected === null && !paused ? 'Pause' : 'Go live';
    liveButton.dataset.mode = selected === null && !paused ? 'live' : 'paused';
    if (!image) return;
    if (picture.dataset.id !== image.id) {
      picture.src = image.url;
      picture.dataset.id = image.id;
    }
    const caption = typeof image.meta?.caption === 'string' ? image.meta.caption : undefined;
    info.replaceChildren(
      el('span', { class: 'when', title: image.publishedAt }, `${formatTime(image.publishedAt)} (${formatAge(image.publishedAt)})`),
      el('span', {}, `${image.width}×${image.height}`),
      el('span', {}, formatBytes(image.bytes)),
      el('span', {}, image.type.replace('image/', '').toUpperCase()),
      ...(caption ? [el('span', { class: 'caption' }, caption)] : []),
      ...(selected !== null || paused ? [el('span', { class: 'behind' }, `${images.length - 1 - shownIndex()} newer`)] : []),
    );
    download.setAttribute('href', image.url);
    download.setAttribute('download', fileNameOf(image));
    for (const [index, thumb] of [...strip.children].entries()) thumb.classList.toggle('current', index === shownIndex());
  };

  const addToStrip = (image: ImageDescription): void => {
    const thumb = el('button', { type: 'button', class: 'thumb', 'data-id': image.id, title: formatTime(image.publishedAt) },
      el('img', { src: image.thumbnailUrl, alt: '', loading: 'lazy' }));
    thumb.addEventListener('click', () => {
      const index = images.findIndex((candidate) => candidate.id === image.id);
      selected = index === images.length - 1 && !paused ? null : index;
      render();
    });
    strip.append(thumb);
    strip.scrollLeft = strip.scrollWidth; // keep the newest in sight without scrolling the page
  };

  const receive = (image: ImageDescription): void => {
    if (images.some((known) => known.id === image.id)) return;
    if (paused && selected === null) selected = images.length - 1; // hold the picture that was on screen
    images.push(image);
    addToStrip(image);
    if (images.length > STRIP_LENGTH) {
      images.shift();
      strip.firstElementChild?.remove();
      if (selected !== null) selected = Math.max(0, selected - 1);
    }
    render();
  };

  const goLive = (): void => {
    selected = null;
    paused = false;
    render();
  };
  const togglePause = (): void => {
    if (selected !== null || paused) return goLive();
    paused = true;
    selected = images.length - 1;
    render();
  };
  const step = (delta: number): void => {
    if (images.length === 0) return;
    const next = Math.min(images.length - 1, Math.max(0, shownIndex() + delta));
    selected = next;
    paused = true;
    render();
  };
  const toggleFullscreen = (): void => {
    if (document.fullscreenElement) void document.exitFullscreen();
    else void stage.requestFullscreen?.();
  };

  liveButton.addEventListener('click', togglePause);
  fullscreenButton.addEventListener('click', toggleFullscreen);
  stage.addEventListener('dblclick', toggleFullscreen);
  document.addEventListener('keydown', (event) => {
    if (event.target instanceof HTMLInputElement || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === 'ArrowLeft') step(-1);
    else if (event.key === 'ArrowRight') step(1);
    else if (event.key === 'f') toggleFullscreen();
    else if (event.key === ' ') togglePause();
    else if (event.key === 'Escape' || event.key === 'End') goLive();
    else return;
    event.preventDefault();
  });

  const publish = async (files: Iterable<File>): Promise<void> => {
    for (const file of files) {
      try {
        await publishFile(channel, file);
        showToast(`Published ${file.name}`);
        goLive();
      } catch (error) {
        showToast(`${file.name}: ${(error as Error).message}`, 'error');
      }
    }
  };
  publishButton.addEventListener('click', () => fileInput.click());
  fileInput.addEventListener('change', () => void publish(fileInput.files ?? []));
  document.addEventListener('dragover', (event) => {
    event.preventDefault();
    stage.classList.add('dropping');
  });
  document.addEventListener('dragleave', () => stage.classList.remove('dropping'));
  document.addEventListener('drop', (event) => {
    event.preventDefault();
    stage.classList.remove('dropping');
    void publish(event.dataTransfer?.files ?? []);
  });

  render();
  window.setInterval(render, 1000);
  // History first (the strip), then live images: the stream starts after the newest listed, so none is missed.
  void (async () => {
    let history: ImageDescription[] = [];
    try {
      history = await channelHistory(channel, STRIP_LENGTH);
    } catch (error) {
      showToast((error as Error).message, 'error');
    }
    for (const image of history.slice(-STRIP_LENGTH)) receive(image);
    followImages([channel], receive, setConnectionState, images[images.length - 1]?.id);
  })();
}
