import * as tfl from '@tensorflow/tfjs-layers';
import { expect, it } from 'vitest';
import { lenet5, Maxout, resnet, zfnet } from './index';

it('the README example on activations, maxout and ZFNet runs and its comments hold', () => {
  const leaky = lenet5({ inputShape: [28, 28, 1], variant: 'modern', activation: 'leakyRelu' });
  expect(leaky.countParams()).toBe(61_706);
  const elu = resnet({ depth: 18, stem: 'cifar', numClasses: 10, activation: 'elu' });

  const mlp = tfl.sequential({
    layers: [
      new Maxout({ units: 64, pieces: 3, inputShape: [784] }),
      tfl.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  expect(mlp.layers[0]!.countParams()).toBe(150_720);
  expect(mlp.countParams()).toBe(150_720 + 650);

  const zf = zfnet({ kernelInitializer: 'zeros' });
  expect(zf.countParams()).toBe(62_357_608);
  expect(zf.getLayer('conv1').outputShape).toEqual([null, 110, 110, 96]);
  for (const m of [leaky, elu, mlp, zf]) m.dispose();
});
