/** A scrape of GET /metrics: every sample by its series as written (`name` or `name{label="value"}`). */
export interface Scrape {
  readonly status: number;
  readonly contentType: string;
  readonly samples: Map<string, number>;
  /** A sample's value, 0 when the series is absent (a counter not yet moved). */
  value(series: string): number;
}

export async function scrape(baseUrl: string, headers: Record<string, string> = {}): Promise<Scrape> {
  const response = await fetch(`${baseUrl}/metrics`, { headers });
  const text = await response.text();
  const samples = new Map<string, number>();
  if (response.status === 200) {
    for (const line of text.split('\n')) {
      if (line === '' || line.startsWith('#')) continue;
      const space = line.lastIndexOf(' ');
      samples.set(line.slice(0, space), Number(line.slice(space + 1)));
    }
  }
  return {
    status: response.status,
    contentType: response.headers.get('content-type') ?? '',
    samples,
    value: (series) => samples.get(series) ?? 0,
  };
}
