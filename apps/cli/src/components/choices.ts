import { ConfigError } from '@trainkit/core';

/**
 * The names a family of components is chosen by (a CLI flag's values, the demo's select
 * options): canonical names, and older spellings that mean the same thing.
 */
export interface Choices<N extends string = string> {
  /** What the choice is called in errors (`schedule`). */
  readonly family: string;
  /** Canonical names, in the order they are offered. */
  readonly names: readonly N[];
  /** Other accepted spellings, each mapped to its canonical name. */
  readonly aliases: Readonly<Record<string, N>>;
}

/** Every spelling `choices` accepts: the canonical names, then the aliases. */
export function acceptedNames(choices: Choices): string[] {
  return [...choices.names, ...Object.keys(choices.aliases)];
}

/**
 * The canonical name of `value` (itself, or what its alias stands for). Anything else is a
 * `ConfigError` naming `argument` and listing the valid names.
 *
 * @example
 * resolveChoice('schedule', 'onecycle', SCHEDULES); // 'one-cycle'
 */
export function resolveChoice<N extends string>(
  argument: string,
  value: unknown,
  choices: Choices<N>,
): N {
  if (typeof value === 'string') {
    if ((choices.names as readonly string[]).includes(value)) return value as N;
    const canonical = Object.hasOwn(choices.aliases, value) ? choices.aliases[value] : undefined;
    if (canonical !== undefined) return canonical;
  }
  const aliases = Object.entries(choices.aliases).map(([a, n]) => `${a} = ${n}`);
  throw new ConfigError(`unknown ${choices.family}`, {
    argument,
    expected: `one of ${choices.names.join(', ')}${aliases.length ? ` (aliases: ${aliases.join(', ')})` : ''}`,
    received: value,
  });
}
