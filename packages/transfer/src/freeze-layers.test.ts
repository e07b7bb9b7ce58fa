import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ConfigError } from '@trainkit/core';
import { sgd } from '@trainkit/optimizers';
import { expectNoLeaks, sharedDir } from '@trainkit/test-utils';
import { fit, meanSquaredError } from '@trainkit/train';
import { describe, expect, it } from 'vitest';
import { freezeLayers, unfreezeLayers } from './freeze-layers';
import { loadModelFromPath } from './node';

const darknet = sharedDir('models/darknet-tiny');
if (!darknet) console.log('shared/models/darknet-tiny absent: skipping the Darknet BN freeze test');

/** conv -> stock tfjs BatchNormalization -> flatten -> dense. */
function bnNet(): tfl.LayersModel {
  const input = tfl.input({ shape: [4, 4, 1] });
  let h = tfl.layers.conv2d({ filters: 2, kernelSize: 3, name: 'conv' }).apply(input);
  h = tfl.layers.batchNormalization({ name: 'bn' }).apply(h);
  h = tfl.layers.flatten({ name: 'flat' }).apply(h);
  const out = tfl.layers.dense({ units: 1, name: 'top' }).apply(h) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: out });
}

function snapshot(model: tfl.LayersModel, layer: string): number[][] {
  return model
    .getLayer(layer)
    .getWeights()
    .map((w) => Array.from(w.dataSync()));
}

async function trainSteps(model: tfl.LayersModel): Promise<void> {
  const x = tf.randomNormal([8, 4, 4, 1], 3, 2, 'float32', 1);
  const y = tf.randomNormal([8, 1], 0, 1, 'float32', 2);
  await fit(
    model,
    { x, y },
    {
      loss: meanSquaredError(),
      optimizer: sgd({ learningRate: 0.1 }),
      epochs: 3,
      batchSize: 4,
      progress: false,
    },
  );
  tf.dispose([x, y]);
}

describe('freezeLayers', () => {
  it('keeps frozen conv and BN weights, moving statistics included, bit-identical through training', async () => {
    const m = bnNet();
    expect(freezeLayers(m, { to: 'bn' })).toEqual([m.layers[0]!.name, 'conv', 'bn']);
    const conv = snapshot(m, 'conv');
    const bn = snapshot(m, 'bn'); // gamma, beta, moving mean, moving variance
    const top = snapshot(m, 'top');
    await trainSteps(m);
    expect(snapshot(m, 'conv')).toEqual(conv);
    expect(snapshot(m, 'bn')).toEqual(bn);
    expect(snapshot(m, 'top')).not.toEqual(top);
  });

  it('documents the stock tfjs behaviour it fixes: trainable=false alone still moves BN statistics', async () => {
    const m = bnNet();
    m.getLayer('bn').trainable = false;
    const movingMean = snapshot(m, 'bn')[2];
    await trainSteps(m);
    expect(snapshot(m, 'bn')[2]).not.toEqual(movingMean);
  });

  it('selects by name pattern and unfreezes again', async () => {
    const m = bnNet();
    expect(freezeLayers(m, { pattern: ['conv', 'top'] })).toEqual(['conv', 'top']);
    expect(m.trainableWeights.map((w) => w.originalName)).toEqual(['bn/gamma', 'bn/beta']);
    expect(unfreezeLayers(m, { pattern: 'co*' })).toEqual(['conv']);
    expect(m.trainableWeights).toHaveLength(4);
    unfreezeLayers(m, { pattern: 'bn' });
    const mean = snapshot(m, 'bn')[2];
    await trainSteps(m);
    expect(snapshot(m, 'bn')[2]).not.toEqual(mean); // an unfrozen BN trains normally again
  });

  it('throws ConfigError for an empty selection, a reversed range or a non-model', () => {
    const m = bnNet();
    expect(() => freezeLayers(m, { pattern: 'nothing*' })).toThrow(/selection.pattern/);
    expect(() => freezeLayers(m, { from: 'top', to: 'conv' })).toThrow(
      /selection.to: empty depth range/,
    );
    expect(() => freezeLayers(m, { to: 99 })).toThrow(ConfigError);
    expect(() => unfreezeLayers({} as tfl.LayersModel)).toThrow(ConfigError);
  });

  it('leaks no tensors', async () => {
    const m = bnNet();
    await expectNoLeaks(() => {
      freezeLayers(m, { to: 1 });
      unfreezeLayers(m);
    });
  });

  it.skipIf(!darknet)(
    "puts Darknet's frozen BN in inference mode: training-mode output equals inference output",
    async () => {
      const full = await loadModelFromPath(join(darknet!, 'model.json'));
      const bn = full.getLayer('batch_normalization_1');
      const x = tf.randomNormal([2, 5, 5, 16], 1, 3, 'float32', 3);
      // stock tfjs: a training-mode call uses batch statistics (and moves the moving ones)
      const stock = bn.apply(x, { training: true }) as tf.Tensor;
      const infer = bn.apply(x, { training: false }) as tf.Tensor;
      expect(tf.max(tf.abs(tf.sub(stock, infer))).dataSync()[0]).toBeGreaterThan(1e-3);
      const before = snapshot(full, 'batch_normalization_1');
      freezeLayers(full, { pattern: 'batch_normalization*' });
      expect(full.trainableWeights.some((w) => w.originalName.startsWith('batch_norm'))).toBe(
        false,
      );
      const frozen = bn.apply(x, { training: true }) as tf.Tensor;
      expect(Array.from(frozen.dataSync())).toEqual(Array.from(infer.dataSync()));
      expect(snapshot(full, 'batch_normalization_1')).toEqual(before);
      tf.dispose([x, infer, stock, frozen]);
      full.dispose();
    },
    30_000,
  );
});
