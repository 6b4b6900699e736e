/** A tiny element builder: enough for three pages without a framework. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  element.append(...children);
  return element;
}

export function showToast(message: string, kind: 'error' | 'info' = 'info'): void {
  const toast = document.getElementById('toast')!;
  toast.textContent = message;
  toast.dataset.kind = kind;
  toast.hidden = false;
  window.clearTimeout(Number(toast.dataset.timer));
  toast.dataset.timer = String(window.setTimeout(() => (toast.hidden = true), 6000));
}

export function setConnectionState(state: string): void {
  const badge = document.getElementById('connection')!;
  badge.dataset.state = state;
  badge.textContent = state;
}

export function setCrumbs(...parts: (Node | string)[]): void {
  document.getElementById('crumbs')!.replaceChildren(...parts);
}
