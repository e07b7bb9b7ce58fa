import type { GradientTransformation, HyperParam } from '@trainkit/core';
import { assertNumber } from '@trainkit/core';
import { addDecayedWeights } from './add-decayed-weights';
import { chain } from './chain';
import { hyperToJSON } from './hyper';
import { named } from './named';
import { scaleByLearningRate } from './scale-by-learning-rate';
import { scaleByRms } from './scale-by-rms';
import { traceMomentum } from './trace-momentum';

export interface RmspropOptions {
  /** Step size (>= 0), number or schedule. Default 0.01 (PyTorch). */
  learningRate?: HyperParam;
  /** Decay of the squared-gradient average (Keras calls it `rho`), in [0, 1). Default 0.99. */
  alpha?: number;
  /** Alias of `alpha` (Keras name); `alpha` wins when both are given. */
  rho?: number;
  /** Added to the root mean square, > 0. Default 1e-8. */
  epsilon?: number;
  /** Momentum on the scaled gradient, in [0, 1]. Default 0. */
  momentum?: number;
  /** Centred RMSProp (divide by an estimate of the variance). Default false. */
  centered?: boolean;
  /** L2 penalty added to the gradient. Default 0. */
  weightDecay?: HyperParam;
}

/**
 * RMSProp with PyTorch `torch.optim.RMSprop` semantics:
 * `s = a s + (1-a) g^2; u = g / (sqrt(s [- m^2]) + eps); b = mu b + u; p -= lr b`.
 * Tieleman & Hinton 2012; centred form Graves 2013.
 * @example const opt = rmsprop({ learningRate: 1e-3, centered: true, momentum: 0.9 });
 */
export function rmsprop(options: RmspropOptions = {}): GradientTransformation {
  const alpha = options.alpha ?? options.rho ?? 0.99;
  const epsilon = options.epsilon ?? 1e-8;
  const centered = options.centered ?? false;
  const momentum = assertNumber('momentum', options.momentum ?? 0, { min: 0, max: 1 });
  const learningRate = options.learningRate ?? 0.01;
  const weightDecay = options.weightDecay ?? 0;
  const parts: GradientTransformation[] = [];
  if (weightDecay !== 0) parts.push(addDecayedWeights({ weightDecay }));
  parts.push(scaleByRms({ alpha, epsilon, centered }));
  if (momentum > 0) parts.push(traceMomentum({ decay: momentum }));
  parts.push(scaleByLearningRate({ learningRate }));
  return named('optimizers.rmsprop', chain(...parts), () => ({
    learningRate: hyperToJSON('learningRate', learningRate),
    alpha,
    epsilon,
    momentum,
    centered,
    weightDecay: hyperToJSON('weightDecay', weightDecay),
  }));
}
