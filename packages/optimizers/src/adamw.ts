import type { GradientTransformation, HyperParam } from '@trainkit/core';
import { addDecayedWeights } from './add-decayed-weights';
import { chain } from './chain';
import { hyperToJSON } from './hyper';
import { named } from './named';
import { scaleByAdam } from './scale-by-adam';
import { scaleByLearningRate } from './scale-by-learning-rate';

export interface AdamwOptions {
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
  /** Decoupled decay: `p -= lr * wd * p` besides the Adam step. Default 0.01 (PyTorch). */
  weightDecay?: HyperParam;
  /** Name patterns of the parameters to decay (all when omitted). */
  mask?: string | string[];
}

/**
 * AdamW with PyTorch `torch.optim.AdamW` semantics: `p = p (1 - lr wd) - lr adam(g)`,
 * i.e. `chain(scaleByAdam, addDecayedWeights, scaleByLearningRate)`.
 * Loshchilov & Hutter 2019, Algorithm 2.
 * @example const opt = adamw({ learningRate: 1e-3, weightDecay: 0.05, mask: '**' + '/kernel' });
 */
export function adamw(options: AdamwOptions = {}): GradientTransformation {
  const learningRate = options.learningRate ?? 1e-3;
  const weightDecay = options.weightDecay ?? 0.01;
  const inner = scaleByAdam(options);
  const decay =
    options.mask === undefined
      ? addDecayedWeights({ weightDecay })
      : addDecayedWeights({ weightDecay, mask: options.mask });
  return named(
    'optimizers.adamw',
    chain(inner, decay, scaleByLearningRate({ learningRate })),
    () => {
      const { beta1, beta2, epsilon, amsgrad } = inner.toJSON();
      const j: Record<string, unknown> = {
        learningRate: hyperToJSON('learningRate', learningRate),
        beta1,
        beta2,
        epsilon,
        amsgrad,
        weightDecay: hyperToJSON('weightDecay', weightDecay),
      };
      if (options.mask !== undefined) j.mask = options.mask;
      return j;
    },
  );
}
