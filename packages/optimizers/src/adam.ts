import type { GradientTransformation, HyperParam } from '@trainkit/core';
import { addDecayedWeights } from './add-decayed-weights';
import { chain } from './chain';
import { hyperToJSON } from './hyper';
import { named } from './named';
import { scaleByAdam } from './scale-by-adam';
import { scaleByLearningRate } from './scale-by-learning-rate';

export interface AdamOptions {
  /** Step size (>= 0), number or schedule. Default 1e-3. */
  learningRate?: HyperParam;
  /** In [0, 1). Default 0.9. */
  beta1?: number;
  /** In [0, 1). Default 0.999. */
  beta2?: number;
  /** > 0. Default 1e-8. */
  epsilon?: number;
  /** AMSGrad variant. Default false. */
  amsgrad?: boolean;
  /** L2 penalty **added to the gradient** (PyTorch Adam `weight_decay`); see {@link adamw}. Default 0. */
  weightDecay?: HyperParam;
}

/**
 * Adam with PyTorch `torch.optim.Adam` semantics (`weightDecay` is L2 on the gradient):
 * `chain(addDecayedWeights, scaleByAdam, scaleByLearningRate)`. Kingma & Ba 2015, Alg. 1.
 * @example const opt = adam({ learningRate: 1e-3, amsgrad: true });
 */
export function adam(options: AdamOptions = {}): GradientTransformation {
  const learningRate = options.learningRate ?? 1e-3;
  const weightDecay = options.weightDecay ?? 0;
  const inner = scaleByAdam(options);
  const parts: GradientTransformation[] = [];
  if (weightDecay !== 0) parts.push(addDecayedWeights({ weightDecay }));
  parts.push(inner, scaleByLearningRate({ learningRate }));
  return named('optimizers.adam', chain(...parts), () => {
    const { beta1, beta2, epsilon, amsgrad } = inner.toJSON();
    return {
      learningRate: hyperToJSON('learningRate', learningRate),
      beta1,
      beta2,
      epsilon,
      amsgrad,
      weightDecay: hyperToJSON('weightDecay', weightDecay),
    };
  });
}
