/**
 * Cases per property: 10,000 in the suite (seconds), more with `npm run fuzz` (IMAGE_RELAY_FUZZ_RUNS).
 * A failure prints fast-check's seed and path, so it can be replayed exactly.
 */
export const FUZZ_RUNS = Number(process.env.IMAGE_RELAY_FUZZ_RUNS ?? 10_000);
