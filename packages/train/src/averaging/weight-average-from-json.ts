import { ConfigError, type Schedule } from '@trainkit/core';
import { scheduleFromJSON } from '@trainkit/optimizers';
import { exponentialMovingAverage } from './exponential-moving-average';
import { stochasticWeightAveraging } from './stochastic-weight-averaging';
import type { WeightAverage } from './weight-average';

/**
 * Rebuilds an (empty) weight average from its `toJSON()`: the configuration, not the averaged
 * values (save those with `averaged()` and a checkpoint).
 * @example const again = weightAverageFromJSON(exponentialMovingAverage({ decay: 0.99 }).toJSON());
 */
export function weightAverageFromJSON(json: unknown): WeightAverage {
  const j = json as { kind?: unknown; version?: unknown; [k: string]: unknown };
  if (j?.kind === 'train.exponentialMovingAverage' && j.version === 1) {
    const decay = typeof j.decay === 'number' ? j.decay : (scheduleFromJSON(j.decay) as Schedule);
    return exponentialMovingAverage({
      decay,
      debias: j.debias as boolean,
      startStep: j.startStep as number,
      everySteps: j.everySteps as number,
    });
  }
  if (j?.kind === 'train.stochasticWeightAveraging' && j.version === 1) {
    return stochasticWeightAveraging({
      startEpoch: j.startEpoch as number,
      everyEpochs: j.everyEpochs as number,
      ...(j.everySteps === undefined ? {} : { everySteps: j.everySteps as number }),
    });
  }
  throw new ConfigError('not a serialized weight average', {
    argument: 'json',
    expected:
      '{ kind: "train.exponentialMovingAverage" | "train.stochasticWeightAveraging", version: 1 }',
    received: json,
  });
}
