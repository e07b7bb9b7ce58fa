import type { GradientTransformation, HyperParam } from '@trainkit/core';
import { chain } from './chain';
import { hyperToJSON } from './hyper';
import { named } from './named';
import { scaleByLearningRate } from './scale-by-learning-rate';
import { traceMomentum } from './trace-momentum';

export interface MomentumOptions {
  /** Step size (>= 0), number or schedule. */
  learningRate: HyperParam;
  /** Momentum `mu` in [0, 1]. Default 0.9. */
  momentum?: number;
}

/**
 * Classic (heavy-ball) momentum: `v = mu v + g; x -= lr v`, which is the lecture's
 * `v = mu v - lr dx; x += v` for a constant learning rate (PyTorch SGD with momentum).
 * @example const opt = momentum({ learningRate: 0.01, momentum: 0.9 });
 */
export function momentum(options: MomentumOptions): GradientTransformation {
  const mu = options.momentum ?? 0.9;
  return named(
    'optimizers.momentum',
    chain(
      traceMomentum({ decay: mu }),
      scaleByLearningRate({ learningRate: options.learningRate }),
    ),
    () => ({ learningRate: hyperToJSON('learningRate', options.learningRate), momentum: mu }),
  );
}

/**
 * Nesterov momentum in the PyTorch form: `v = mu v + g; x -= lr (g + mu v)` (the gradient at
 * the look-ahead point, rewritten in terms of the current parameters; Sutskever et al. 2013).
 * @example const opt = nesterov({ learningRate: 0.01, momentum: 0.9 });
 */
export function nesterov(options: MomentumOptions): GradientTransformation {
  const mu = options.momentum ?? 0.9;
  return named(
    'optimizers.nesterov',
    chain(
      traceMomentum({ decay: mu, nesterov: true }),
      scaleByLearningRate({ learningRate: options.learningRate }),
    ),
    () => ({ learningRate: hyperToJSON('learningRate', options.learningRate), momentum: mu }),
  );
}
