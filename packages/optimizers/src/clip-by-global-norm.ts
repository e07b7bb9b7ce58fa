import * as tf from '@tensorflow/tfjs-core';
import { assertNumber, type GradientTransformation } from '@trainkit/core';
import { mapGrads } from './per-param';

export interface ClipByGlobalNormOptions {
  /** The largest allowed L2 norm of all updates taken together; > 0. */
  maxNorm: number;
}

/**
 * Rescales all updates together so their joint L2 norm is at most `maxNorm`:
 * `g * min(1, maxNorm / ||g||)`. Stateless, stays on the backend (no read-back).
 * Pascanu, Mikolov & Bengio 2013, Algorithm 1.
 * @example chain(clipByGlobalNorm({ maxNorm: 1 }), adam({ learningRate: 1e-3 }))
 */
export function clipByGlobalNorm(options: ClipByGlobalNormOptions): GradientTransformation {
  const maxNorm = assertNumber('maxNorm', options?.maxNorm, { min: 0, exclusiveMin: true });
  return {
    kind: 'optimizers.clipByGlobalNorm',
    init: () => ({}),
    update: (grads, state) => {
      const squares = Object.values(grads).map((g) => tf.sum(tf.square(g)));
      if (squares.length === 0) return { updates: {}, state };
      const norm = tf.sqrt(tf.addN(squares));
      // min(1, c / norm); a zero norm gives Infinity, clipped to 1.
      const factor = tf.minimum(tf.div(maxNorm, norm), 1);
      return { updates: mapGrads(grads, (g) => tf.mul(g, factor)), state };
    },
    toJSON: () => ({ kind: 'optimizers.clipByGlobalNorm', version: 1, maxNorm }),
  };
}
