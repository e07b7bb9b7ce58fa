import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { assertNumber, ConfigError, type Rng } from '@trainkit/core';
import { resolveRng } from './initializer';
import { orthogonal } from './orthogonal';
import { checkBatch, checkModel, computingLayers, probeModel } from './probe-model';

type WithActivation = { activation?: unknown };
// tfjs-layers keeps a dense/conv layer's activation in a field; a default dense has 'linear'.
const LINEAR = (tfl.layers.dense({ units: 1 }) as unknown as WithActivation).activation;

/** Runs `fn` with the layer's activation temporarily linear. */
function withoutActivation<T>(layer: tfl.layers.Layer, fn: () => T): T {
  const l = layer as unknown as WithActivation;
  if (l.activation === undefined) return fn();
  const saved = l.activation;
  l.activation = LINEAR;
  try {
    return fn();
  } finally {
    l.activation = saved;
  }
}

export interface LsuvOptions {
  /** Stop when |Var(output) - 1| < tolerance. Default 0.1 (the paper's Tol_var). */
  tolerance?: number;
  /** Rescaling iterations per layer at most. Default 10 (the paper's T_max). */
  maxIterations?: number;
  /** Start each kernel from an orthogonal matrix (step 1 of the paper). Default true. */
  orthogonalInit?: boolean;
  /** Seed or Rng for the orthogonal matrices. Default seed 0. */
  rng?: number | Rng;
}

/** What LSUV did to one layer. */
export interface LsuvLayerReport {
  name: string;
  /** Output variance on the batch after the last rescale. */
  variance: number;
  /** Rescales applied. */
  iterations: number;
  /** |variance - 1| < tolerance at the end. */
  converged: boolean;
}

/**
 * Layer-sequential unit-variance init (Mishkin & Matas 2015, Alg. 1): every layer with a
 * kernel (dense, conv), in order, gets an orthogonal kernel and is then rescaled by
 * 1 / sqrt(Var(output)) until its output variance on the batch `x` is within `tolerance` of 1.
 * The variance is measured before the layer's own activation (dense/conv with `activation`),
 * as in the paper, where Caffe's ReLU is a layer of its own: a tanh output can never reach
 * variance 1.
 * Mutates the model's kernels in place (assign, no new variables).
 *
 * @example
 * const report = await lsuv(model, xBatch, { tolerance: 0.05 });
 */
export async function lsuv(
  model: tfl.LayersModel,
  x: tf.Tensor,
  options: LsuvOptions = {},
): Promise<LsuvLayerReport[]> {
  checkModel(model);
  checkBatch(x);
  const tolerance = assertNumber('tolerance', options.tolerance ?? 0.1, {
    min: 0,
    exclusiveMin: true,
  });
  const maxIterations = assertNumber('maxIterations', options.maxIterations ?? 10, {
    min: 1,
    integer: true,
  });
  const orthogonalInit = options.orthogonalInit ?? true;
  const { rng } = resolveRng(options.rng);
  const targets = computingLayers(model)
    .map((layer) => ({ layer, kernel: layer.weights.find((w) => /kernel$/.test(w.originalName)) }))
    .filter((t) => t.kernel !== undefined && t.kernel.shape.length >= 2);
  if (targets.length === 0) {
    throw new ConfigError('has no layer with a kernel', {
      argument: 'model',
      expected: 'dense or conv layers',
      receivedText: `layers ${model.layers.map((l) => l.getClassName()).join(', ')}`,
    });
  }
  const report: LsuvLayerReport[] = [];
  for (const { layer, kernel } of targets) {
    const k = kernel!;
    if (orthogonalInit) {
      const init = orthogonal({ rng: rng.split() });
      tf.tidy(() => {
        k.write(init(k.shape as number[]));
      });
    }
    const probe = probeModel(model, [layer]);
    let iterations = 0;
    let variance = Number.NaN;
    for (;;) {
      const v = tf.tidy(() =>
        withoutActivation(layer, () => tf.moments(probe.predict(x) as tf.Tensor).variance),
      );
      variance = (await v.data())[0]!;
      v.dispose();
      if (Math.abs(variance - 1) < tolerance || iterations >= maxIterations) break;
      if (!(variance > 0)) break; // dead layer: rescaling cannot help
      const s = 1 / Math.sqrt(variance);
      tf.tidy(() => {
        k.write(tf.mul(k.read(), s));
      });
      iterations++;
    }
    report.push({
      name: layer.name,
      variance,
      iterations,
      converged: Math.abs(variance - 1) < tolerance,
    });
  }
  return report;
}
