import { ConfigError, type GradientTransformation, type HyperParam } from '@trainkit/core';
import { addDecayedWeights } from './add-decayed-weights';
import { chain } from './chain';
import { hyperToJSON } from './hyper';
import { named } from './named';
import { scaleByLearningRate } from './scale-by-learning-rate';
import { traceMomentum } from './trace-momentum';

export interface SgdOptions {
  /** Step size (>= 0), number or schedule. */
  learningRate: HyperParam;
  /** Momentum `mu` in [0, 1]; 0 (default) is vanilla SGD `x -= lr * dx`. */
  momentum?: number;
  /** Nesterov momentum (needs momentum > 0 and dampening 0, as PyTorch). Default false. */
  nesterov?: boolean;
  /** L2 penalty added to the gradient, `g + wd * p` (PyTorch `weight_decay`). Default 0. */
  weightDecay?: HyperParam;
  /** Dampening of the gradient in the momentum buffer, in [0, 1]. Default 0. */
  dampening?: number;
}

/**
 * Stochastic gradient descent with PyTorch `torch.optim.SGD` semantics:
 * `g += wd p; b = mu b + (1-d) g; p -= lr (nesterov ? g + mu b : b)`.
 * @example const opt = sgd({ learningRate: 0.1, momentum: 0.9, nesterov: true });
 */
export function sgd(options: SgdOptions): GradientTransformation {
  const momentum = options.momentum ?? 0;
  const nesterov = options.nesterov ?? false;
  const dampening = options.dampening ?? 0;
  const weightDecay = options.weightDecay ?? 0;
  const parts: GradientTransformation[] = [];
  if (weightDecay !== 0) parts.push(addDecayedWeights({ weightDecay }));
  const trace = traceMomentum({ decay: momentum, nesterov, dampening });
  if (nesterov && (momentum <= 0 || dampening !== 0)) {
    throw new ConfigError('Nesterov momentum needs momentum > 0 and zero dampening', {
      argument: 'nesterov',
      expected: 'momentum > 0 and dampening 0',
      received: { momentum, dampening },
    });
  }
  if (momentum > 0) parts.push(trace);
  parts.push(scaleByLearningRate({ learningRate: options.learningRate }));
  return named('optimizers.sgd', chain(...parts), () => ({
    learningRate: hyperToJSON('learningRate', options.learningRate),
    momentum,
    nesterov,
    weightDecay: hyperToJSON('weightDecay', weightDecay),
    dampening,
  }));
}
