/** A setting that cannot be used; the message names the flag or variable it came from. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}
