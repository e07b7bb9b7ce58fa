import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { assertNumber, ConfigError } from '@trainkit/core';
import type { ActivationRecord } from './records';
import { summarize } from './stats';

/** A fixed batch pushed through the model to watch each layer's activations. */
export interface ActivationProbe {
  readonly every: number;
  readonly layers: string[];
  /** Runs the probe: per-layer activation values (owned by the caller). */
  run(): tf.Tensor[];
  /** Frees the probe's sub-model and batch. */
  dispose(): void;
}

/**
 * Builds a probe that reads the outputs of `layers` (default: every layer with weights or an
 * activation) of a tfjs-layers model on the fixed batch `x`, every `every` steps. The model's
 * weights are shared, so the probe sees training as it goes. The probe keeps a clone of `x`.
 * @example monitor({ activations: activationProbe(model, xVal.slice(0, 64), { every: 100 }) })
 */
export function activationProbe(
  model: tfl.LayersModel,
  x: tf.Tensor,
  options: { every?: number; layers?: string[] } = {},
): ActivationProbe {
  const every = assertNumber('every', options.every ?? 100, { min: 1, integer: true });
  const candidates = model.layers.filter((l) => l.getClassName() !== 'InputLayer');
  const chosen = options.layers
    ? options.layers.map((name) => {
        const l = candidates.find((c) => c.name === name);
        if (!l) {
          throw new ConfigError(`no layer named "${name}"`, {
            argument: 'layers',
            expected: `names among ${candidates.map((c) => c.name).join(', ')}`,
            received: name,
          });
        }
        return l;
      })
    : candidates;
  if (chosen.length === 0)
    throw new ConfigError('the model has no layers to probe', { argument: 'model' });
  const probeModel = tfl.model({
    inputs: model.inputs,
    outputs: chosen.map((l) => l.output as tfl.SymbolicTensor),
  });
  const batch = tf.clone(x);
  return {
    every,
    layers: chosen.map((l) => l.name),
    run() {
      return tf.tidy(() => {
        const out = probeModel.predict(batch);
        return Array.isArray(out) ? out : [out];
      });
    },
    dispose() {
      batch.dispose();
    },
  };
}

/** Runs a probe and summarises each layer's activations into records. */
export async function activationRecords(
  probe: ActivationProbe,
  step: number,
  bins = 30,
): Promise<ActivationRecord[]> {
  const outs = probe.run();
  try {
    const values = await Promise.all(outs.map((t) => t.data()));
    return probe.layers.map((layer, depth) => ({
      type: 'activation' as const,
      step,
      layer,
      depth,
      summary: summarize(values[depth]!, bins),
    }));
  } finally {
    tf.dispose(outs);
  }
}
