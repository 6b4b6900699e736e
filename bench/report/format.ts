/** Number formats shared by the console and Markdown reports: few digits, the unit beside the number. */

export function megabytesPerSecond(bytes: number, elapsedMs: number): number {
  return elapsedMs > 0 ? bytes / 1e6 / (elapsedMs / 1000) : 0;
}

/** Three significant digits at most, no exponent: 0.0123, 1.23, 123, 12,345. */
export function decimal(value: number): string {
  if (!Number.isFinite(value)) return '–';
  const abs = Math.abs(value);
  if (abs >= 1000) return Math.round(value).toLocaleString('en-US');
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  if (abs >= 1) return value.toFixed(2);
  return value.toPrecision(2);
}

export function milliseconds(value: number): string {
  return `${decimal(value)} ms`;
}

/** Decimal units, as the image sizes in the plan: 10 kB, 200 kB, 1 MB, 14.5 kB. */
export function size(bytes: number): string {
  const scaled = (value: number, unit: string): string => `${Number.isInteger(value) ? value : decimal(value)} ${unit}`;
  if (bytes >= 1e9) return scaled(bytes / 1e9, 'GB');
  if (bytes >= 1e6) return scaled(bytes / 1e6, 'MB');
  if (bytes >= 1e3) return scaled(bytes / 1e3, 'kB');
  return `${Math.round(bytes)} B`;
}

export function percent(share: number): string {
  return `${share >= 0.995 && share < 1 ? '99' : Math.round(share * 100)}%`;
}

/** `a / b` as "1.23×", or a dash when either side is missing. */
export function ratio(numerator: number | undefined, denominator: number | undefined): string {
  if (numerator === undefined || denominator === undefined || denominator <= 0) return '–';
  return `${decimal(numerator / denominator)}×`;
}
