import { fromJSON, registerKind, type Serialized } from '@trainkit/core';
import { type EarlyStoppingMode, earlyStopping } from './early-stopping';
import { elasticNet } from './elastic-net';
import { l1 } from './l1';
import { type L2Convention, l2 } from './l2';
import { maxNorm } from './max-norm';
import { minMaxNorm } from './min-max-norm';
import { nonNeg } from './non-neg';
import { unitNorm } from './unit-norm';

const axisOf = (j: Serialized) => (j.axis ?? undefined) as number | number[] | undefined;
const patternOf = (j: Serialized) => j.appliesTo as string;

/**
 * Registers every `regularizers.*` kind with the core serialization registry (idempotent).
 * {@link regularizerFromJSON} calls it; call it yourself before using the core `fromJSON`.
 */
export function registerRegularizerKinds(): void {
  registerKind('regularizers.l1', (j) =>
    l1({ lambda: j.lambda as number, appliesTo: patternOf(j) }),
  );
  registerKind('regularizers.l2', (j) =>
    l2({
      lambda: j.lambda as number,
      convention: j.convention as L2Convention,
      appliesTo: patternOf(j),
    }),
  );
  registerKind('regularizers.elasticNet', (j) =>
    elasticNet({
      l1: j.l1 as number,
      l2: j.l2 as number,
      convention: j.convention as L2Convention,
      appliesTo: patternOf(j),
    }),
  );
  registerKind('regularizers.maxNorm', (j) =>
    maxNorm({ maxValue: j.maxValue as number, axis: axisOf(j), appliesTo: patternOf(j) }),
  );
  registerKind('regularizers.unitNorm', (j) =>
    unitNorm({ axis: axisOf(j), appliesTo: patternOf(j) }),
  );
  registerKind('regularizers.nonNeg', (j) => nonNeg({ appliesTo: patternOf(j) }));
  registerKind('regularizers.minMaxNorm', (j) =>
    minMaxNorm({
      minValue: j.minValue as number,
      maxValue: j.maxValue as number,
      rate: j.rate as number,
      axis: axisOf(j),
      appliesTo: patternOf(j),
    }),
  );
  registerKind('regularizers.earlyStopping', (j) =>
    earlyStopping({
      monitor: j.monitor as string,
      mode: j.mode as EarlyStoppingMode,
      patience: j.patience as number,
      minDelta: j.minDelta as number,
      restoreBestWeights: j.restoreBestWeights as boolean,
      ...(j.baseline === undefined ? {} : { baseline: j.baseline as number }),
    }),
  );
}

/**
 * Rebuilds any `regularizers.*` component from its `toJSON()` output.
 * @example const again = regularizerFromJSON(l2({ lambda: 1e-4, convention: 'half' }).toJSON());
 */
export function regularizerFromJSON<T = unknown>(json: unknown): T {
  registerRegularizerKinds();
  return fromJSON<T>(json);
}
