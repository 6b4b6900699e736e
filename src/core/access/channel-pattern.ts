/** Whether a channel is covered by a token's patterns. */
export type ChannelMatcher = (channel: string) => boolean;

/** Pattern characters: a channel name's alphabet plus `*`, which matches any run of characters (`cam-*`, `*`). */
const PATTERN_SYNTAX = /^[A-Za-z0-9._*-]{1,64}$/;

export function isValidChannelPattern(pattern: string): boolean {
  return PATTERN_SYNTAX.test(pattern);
}

/** Compiles patterns into one matcher; invalid patterns throw (they come from configuration or a signed token). */
export function channelMatcher(patterns: readonly string[]): ChannelMatcher {
  if (patterns.includes('*')) return () => true;
  const expressions = patterns.map((pattern) => {
    if (!isValidChannelPattern(pattern)) throw new TypeError(`not a channel pattern: ${JSON.stringify(pattern)}`);
    const escaped = pattern.replace(/[.]/g, '\\.').replace(/\*/g, '.*');
    return new RegExp(`^${escaped}$`);
  });
  return (channel) => expressions.some((expression) => expression.test(channel));
}

/** True when the patterns cover every channel there could be. */
export function coversAll(patterns: readonly string[]): boolean {
  return patterns.includes('*');
}
