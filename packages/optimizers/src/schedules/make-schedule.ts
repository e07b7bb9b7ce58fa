import type { Schedule, Serialized } from '@trainkit/core';

/** Attaches `toJSON() -> { kind, version: 1, ...options }` to a step function. */
export function makeSchedule(
  kind: string,
  fn: (step: number) => number,
  options: Record<string, unknown>,
): Schedule & { toJSON(): Serialized } {
  const s = (step: number) => fn(step);
  return Object.assign(s, { toJSON: (): Serialized => ({ kind, version: 1, ...options }) });
}
