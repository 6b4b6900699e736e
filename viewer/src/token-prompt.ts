import { el } from './dom';

const COOKIE = 'image_relay_token';
let shown = false;

/**
 * Asks for a token when the relay answers 401, and keeps it in the cookie the relay reads for EventSource
 * (which cannot send an Authorization header). SameSite=Strict: the cookie goes only to this relay's own pages.
 */
export function askForToken(reason: string): void {
  if (shown) return;
  shown = true;
  const input = el('input', { type: 'password', name: 'token', autocomplete: 'current-password', required: '', 'aria-label': 'access token', 'data-testid': 'token-input' });
  const form = el('form', { class: 'token-form', 'data-testid': 'token-form' },
    el('h2', {}, 'This relay needs a token'),
    el('p', {}, reason),
    input,
    el('button', { type: 'submit' }, 'Watch'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const secure = location.protocol === 'https:' ? '; Secure' : '';
    document.cookie = `${COOKIE}=${encodeURIComponent(input.value.trim())}; Path=/; SameSite=Strict; Max-Age=31536000${secure}`;
    location.reload();
  });
  document.body.append(el('div', { class: 'token-overlay' }, form));
  input.focus();
}

/** After a stream was refused, asks the relay why; a 401 means a token is needed (or the stored one is wrong). */
export async function checkAccess(): Promise<void> {
  const response = await fetch('/channels').catch(() => undefined);
  if (response?.status === 401) {
    const body = (await response.json().catch(() => ({}))) as { message?: string };
    askForToken(body.message ?? 'Enter the token you were given to watch.');
  }
}
