import { ConfigError } from '@trainkit/core';
import type { Distribution, ParamValue } from './distributions';
import type { Trial } from './study';

/** A search space as data: one distribution per parameter (plain JSON, so it can be saved). */
export type SearchSpace = Record<string, Distribution>;

/**
 * Suggests every parameter of `space` for `trial` (in the space's key order) and returns them:
 * the define-by-run API driven by a space kept as data (a config file, a narrowed space).
 * @example const params = await suggestSpace(trial, { lr: float(1e-4, 1e-1, { log: true }), act: categorical(['relu', 'elu']) });
 */
export async function suggestSpace(
  trial: Trial,
  space: SearchSpace,
): Promise<Record<string, ParamValue>> {
  const out: Record<string, ParamValue> = {};
  for (const [name, d] of Object.entries(space)) {
    if (d?.type === 'float') {
      out[name] = await trial.suggestFloat(name, d.low, d.high, {
        log: d.log,
        ...(d.step === undefined ? {} : { step: d.step }),
      });
    } else if (d?.type === 'int') {
      out[name] = await trial.suggestInt(name, d.low, d.high, { log: d.log, step: d.step });
    } else if (d?.type === 'categorical') {
      out[name] = await trial.suggestCategorical(name, d.choices);
    } else {
      throw new ConfigError(`space.${name} is not a distribution`, {
        argument: `space.${name}`,
        expected: "{ type: 'float' | 'int' | 'categorical', ... } (float(), int(), categorical())",
        received: d,
      });
    }
  }
  return out;
}
