import { fromJSON, type RngState, registerKind, type Serialized } from '@trainkit/core';
import type { FillMode, Interpolation } from './affine';
import { augment } from './augment';
import type { Augmentation } from './augmentation';
import { cutout } from './cutout';
import { type EarlyStoppingMode, earlyStopping } from './early-stopping';
import { elasticNet } from './elastic-net';
import { l1 } from './l1';
import { type L2Convention, l2 } from './l2';
import { maxNorm } from './max-norm';
import { minMaxNorm } from './min-max-norm';
import { mixup } from './mixup';
import { nonNeg } from './non-neg';
import { randomBrightness } from './random-brightness';
import { randomContrast } from './random-contrast';
import { randomCrop } from './random-crop';
import { randomFlip } from './random-flip';
import { randomRotation } from './random-rotation';
import { randomScale } from './random-scale';
import { randomTranslate } from './random-translate';
import { unitNorm } from './unit-norm';

const rngOf = (j: Serialized) => j.rng as RngState;
const resampleOf = (j: Serialized) => ({
  interpolation: j.interpolation as Interpolation,
  fillMode: j.fillMode as FillMode,
  fillValue: j.fillValue as number,
  rng: rngOf(j),
});
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
  registerKind('regularizers.randomFlip', (j) =>
    randomFlip({ direction: j.direction as 'horizontal', p: j.p as number, rng: rngOf(j) }),
  );
  registerKind('regularizers.randomCrop', (j) =>
    randomCrop({ padding: j.padding as number, fillValue: j.fillValue as number, rng: rngOf(j) }),
  );
  registerKind('regularizers.randomTranslate', (j) =>
    randomTranslate({
      heightFactor: j.heightFactor as number,
      widthFactor: j.widthFactor as number,
      ...resampleOf(j),
    }),
  );
  registerKind('regularizers.randomRotation', (j) =>
    randomRotation({
      minDegrees: j.minDegrees as number,
      maxDegrees: j.maxDegrees as number,
      ...resampleOf(j),
    }),
  );
  registerKind('regularizers.randomScale', (j) =>
    randomScale({
      minScale: j.minScale as number,
      maxScale: j.maxScale as number,
      ...resampleOf(j),
    }),
  );
  registerKind('regularizers.randomBrightness', (j) =>
    randomBrightness({ maxDelta: j.maxDelta as number, rng: rngOf(j) }),
  );
  registerKind('regularizers.randomContrast', (j) =>
    randomContrast({ lower: j.lower as number, upper: j.upper as number, rng: rngOf(j) }),
  );
  registerKind('regularizers.cutout', (j) =>
    cutout({
      size: j.size as number,
      fillValue: j.fillValue as number,
      p: j.p as number,
      rng: rngOf(j),
    }),
  );
  registerKind('regularizers.mixup', (j) => mixup({ alpha: j.alpha as number, rng: rngOf(j) }));
  registerKind('regularizers.augment', (j) =>
    augment((j.steps as unknown[]).map((s) => fromJSON<Augmentation>(s))),
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
