// The fitted transforms of this package in the core registry, by explicit call (never on import,
// so `sideEffects: false` holds). `preprocessFromJSON` registers on first use.
import { fromJSON, registerKind, type Serialized } from '@trainkit/core';
import type { RangeFinder } from '@trainkit/linalg';
import type { ScalerOptions } from './feature-scaler';
import { MinMax, type MinMaxOptions } from './min-max';
import { PCA, type PCASketch, type PCASolver } from './pca';
import { Standardize, type StandardizeOptions } from './standardize';
import { Whiten, type WhitenMethod } from './whiten';
import { ZeroCenter } from './zero-center';

/** The kinds {@link registerPreprocessKinds} registers. */
export const PREPROCESS_KINDS = [
  'preprocess.zeroCenter',
  'preprocess.standardize',
  'preprocess.minMax',
  'preprocess.pca',
  'preprocess.whiten',
] as const;

/**
 * Registers this package's transforms (`preprocess.standardize`, `preprocess.pca`, ...) with the
 * core registry, so the core `fromJSON` rebuilds them, fitted state included. Idempotent;
 * {@link preprocessFromJSON} calls it for you.
 * @example registerPreprocessKinds(); const pca = fromJSON<PCA>(json); // core fromJSON
 */
export function registerPreprocessKinds(): void {
  registerKind('preprocess.zeroCenter', (j: Serialized) =>
    new ZeroCenter({ axis: j.axis as ScalerOptions['axis'] }).restore(j.state),
  );
  registerKind('preprocess.standardize', (j: Serialized) =>
    new Standardize({
      axis: j.axis as StandardizeOptions['axis'],
      withMean: j.withMean as boolean,
      withStd: j.withStd as boolean,
    }).restore(j.state),
  );
  registerKind('preprocess.minMax', (j: Serialized) =>
    new MinMax({
      axis: j.axis as MinMaxOptions['axis'],
      featureRange: j.featureRange as [number, number],
    }).restore(j.state),
  );
  registerKind('preprocess.pca', (j: Serialized) =>
    new PCA({
      ...(j.nComponents === null || j.nComponents === undefined
        ? {}
        : { nComponents: j.nComponents as number }),
      whiten: j.whiten as boolean,
      solver: j.solver as PCASolver,
      oversamples: j.oversamples as number,
      iterations: j.iterations as number | 'auto',
      // Saved before the Krylov range finder existed: subspace iteration, as then.
      rangeFinder: (j.rangeFinder as RangeFinder | undefined) ?? 'subspace',
      seed: j.seed as number,
      sketch: (j.sketch as PCASketch | undefined) ?? 'auto',
    }).restore(j.state),
  );
  registerKind('preprocess.whiten', (j: Serialized) =>
    new Whiten({ method: j.method as WhitenMethod, epsilon: j.epsilon as number }).restore(j.state),
  );
}

/**
 * Rebuilds a transform (fitted or not) from its `toJSON()`; registers this package's kinds first.
 * @example const again = preprocessFromJSON<Whiten>(JSON.parse(JSON.stringify(zca.toJSON())));
 */
export function preprocessFromJSON<T = ZeroCenter | Standardize | MinMax | PCA | Whiten>(
  json: unknown,
): T {
  registerPreprocessKinds();
  return fromJSON<T>(json);
}
