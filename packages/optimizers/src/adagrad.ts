import {
  assertNumber,
  type GradientTransformation,
  type HyperParam,
  type Schedule,
} from '@trainkit/core';
import { addDecayedWeights } from './add-decayed-weights';
import { chain } from './chain';
import { checkHyper, hyperToJSON } from './hyper';
import { named } from './named';
import { scaleByLearningRate } from './scale-by-learning-rate';
import { scaleByRss } from './scale-by-rss';

export interface AdagradOptions {
  /** Step size (>= 0), number or schedule. Default 0.01 (PyTorch). */
  learningRate?: HyperParam;
  /** Learning-rate decay: the step is `lr / (1 + t lrDecay)`, t from 0. Default 0. */
  lrDecay?: number;
  /** Starting sum of squares, >= 0. Default 0. */
  initialAccumulatorValue?: number;
  /** Added to the root of the sum, > 0. Default 1e-10. */
  epsilon?: number;
  /** L2 penalty added to the gradient. Default 0. */
  weightDecay?: HyperParam;
}

/**
 * Adagrad with PyTorch `torch.optim.Adagrad` semantics:
 * `g += wd p; s += g^2; p -= lr / (1 + t lrDecay) * g / (sqrt(s) + eps)`.
 * Duchi, Hazan & Singer 2011.
 * @example const opt = adagrad({ learningRate: 0.1 });
 */
export function adagrad(options: AdagradOptions = {}): GradientTransformation {
  const learningRate = checkHyper('learningRate', options.learningRate ?? 0.01, { min: 0 });
  const lrDecay = assertNumber('lrDecay', options.lrDecay ?? 0, { min: 0 });
  const weightDecay = options.weightDecay ?? 0;
  const rss = scaleByRss({
    initialAccumulatorValue: options.initialAccumulatorValue ?? 0,
    epsilon: options.epsilon ?? 1e-10,
  });
  const lr: HyperParam =
    lrDecay === 0
      ? learningRate
      : (((step: number) => {
          const base = typeof learningRate === 'number' ? learningRate : learningRate(step);
          return base / (1 + step * lrDecay);
        }) as Schedule);
  const parts: GradientTransformation[] = [];
  if (weightDecay !== 0) parts.push(addDecayedWeights({ weightDecay }));
  parts.push(rss, scaleByLearningRate({ learningRate: lr }));
  return named('optimizers.adagrad', chain(...parts), () => {
    const j = rss.toJSON();
    return {
      learningRate: hyperToJSON('learningRate', learningRate),
      lrDecay,
      initialAccumulatorValue: j.initialAccumulatorValue,
      epsilon: j.epsilon,
      weightDecay: hyperToJSON('weightDecay', weightDecay),
    };
  });
}
