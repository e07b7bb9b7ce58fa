import * as tf from '@tensorflow/tfjs-core';
import {
  ConfigError,
  type Constraint,
  matchesName,
  type Serialized,
  type TensorMap,
} from '@trainkit/core';
import type { Transformation } from './transformation';

/**
 * Projects the parameters onto the constraints after the update (Keras applies a layer's
 * constraints after each optimizer step; optax `projections`): each update `u` of a parameter
 * `p` that a constraint applies to (`appliesTo`, all when unset) becomes `C(p + u) - p`, so
 * `p + u` lands on the constrained set. Place it last in a chain. Stateless; needs `params`.
 * @example chain(adam({ learningRate: 1e-3 }), projectConstraints([maxNorm({ maxValue: 3 })]))
 */
export function projectConstraints(constraints: Constraint[]): Transformation {
  if (!Array.isArray(constraints) || constraints.some((c) => typeof c !== 'function')) {
    throw new ConfigError('constraints must be an array of functions', {
      argument: 'constraints',
      expected: 'Constraint[] ((weight, name) => projected weight)',
      received: constraints,
    });
  }
  const list = [...constraints];
  const applying = (name: string) =>
    list.filter((c) => c.appliesTo === undefined || matchesName(c.appliesTo, name));
  return {
    kind: 'optimizers.projectConstraints',
    init: () => ({}),
    update: (grads, state, params) => {
      const updates: TensorMap = {};
      for (const [k, u] of Object.entries(grads)) {
        const cs = applying(k);
        if (cs.length === 0) {
          updates[k] = u;
          continue;
        }
        const p = params?.[k];
        if (!p) {
          throw new ConfigError(`projectConstraints needs the parameter "${k}"`, {
            argument: 'params',
            expected: `a tensor named "${k}" (the owner passes the parameters to update)`,
            received: params === undefined ? undefined : Object.keys(params),
          });
        }
        let next = tf.add(p, u);
        for (const c of cs) next = c(next, k);
        updates[k] = tf.sub(next, p);
      }
      return { updates, state };
    },
    toJSON: (): Serialized => ({
      kind: 'optimizers.projectConstraints',
      version: 1,
      constraints: list.map((c, i) => {
        if (typeof c.toJSON !== 'function') {
          throw new ConfigError('a constraint without toJSON() cannot be serialized', {
            argument: `constraints[${i}]`,
            expected: 'a trainkit constraint (with toJSON)',
            received: c,
          });
        }
        return c.toJSON();
      }),
    }),
  };
}
