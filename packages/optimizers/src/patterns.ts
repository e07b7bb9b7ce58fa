import { ConfigError, matchesName } from '@trainkit/core';

/** Throws a ConfigError naming the first pattern that matches none of `names`. */
export function checkPatterns(
  argument: string,
  patterns: readonly string[],
  names: string[],
): void {
  for (const p of patterns) {
    if (!names.some((n) => matchesName(p, n))) {
      throw new ConfigError(`pattern "${p}" matches no parameter`, {
        argument,
        expected: `a pattern matching one of ${names.slice(0, 10).join(', ')}${names.length > 10 ? ', ...' : ''}`,
        received: p,
      });
    }
  }
}
