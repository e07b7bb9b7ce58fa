import { ConfigError, Rng, type RngState } from '@trainkit/core';

/** A seed or a generator, as random components accept it. */
export type RngOption = number | Rng;

/** The component's own generator and its serializable starting point. */
export function takeRng(value: RngOption | RngState | undefined): { rng: Rng; json: RngState } {
  let rng: Rng;
  if (value instanceof Rng) rng = value;
  else if (value === undefined || typeof value === 'number') rng = new Rng(value ?? 0);
  else if (typeof value === 'object' && (value as RngState).kind === 'trainkit.Rng')
    rng = Rng.fromState(value as RngState);
  else
    throw new ConfigError('must be a seed or an Rng', {
      argument: 'rng',
      expected: 'a non-negative integer seed or an Rng',
      received: value,
    });
  // Record the state now, so a rebuilt component replays the same draws from its creation on.
  return { rng, json: rng.getState() };
}
