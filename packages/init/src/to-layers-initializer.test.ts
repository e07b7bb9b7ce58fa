import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { expectNoLeaks } from '@trainkit/test-utils';
import { describe, expect, it } from 'vitest';
import { orthogonal } from './orthogonal';
import { heNormal } from './presets';
import {
  registerLayersInitializers,
  TrainkitInitializer,
  toLayersInitializer,
} from './to-layers-initializer';

describe('toLayersInitializer', () => {
  it('initializes a tfjs-layers kernel with the same weights as the raw initializer', () => {
    const layer = tfl.layers.dense({
      units: 5,
      kernelInitializer: toLayersInitializer(heNormal({ rng: 11 })),
    });
    layer.build([null, 4]);
    const raw = heNormal({ rng: 11 })([4, 5]);
    expect(layer.getWeights()[0]!.dataSync()).toEqual(raw.dataSync());
    raw.dispose();
  });

  it('serializes inside model JSON and reloads after registerLayersInitializers()', async () => {
    registerLayersInitializers();
    const model = tfl.sequential({
      layers: [
        tfl.layers.dense({
          inputShape: [3],
          units: 4,
          kernelInitializer: toLayersInitializer(orthogonal({ gain: 2, rng: 5 })),
        }),
      ],
    });
    const json = model.toJSON(null, false) as {
      config: { layers: { config: { kernel_initializer: unknown } }[] };
    };
    expect(json.config.layers[0]!.config.kernel_initializer).toMatchObject({
      class_name: 'TrainkitInitializer',
      config: { spec: { kind: 'init.orthogonal', gain: 2 } },
    });
    const back = await tfl.models.modelFromJSON({
      modelTopology: json as unknown as tf.io.ModelJSON['modelTopology'],
    });
    // The rebuilt initializer replays the same draws: identical kernel, orthogonal with gain 2.
    expect(back.getWeights()[0]!.dataSync()).toEqual(model.getWeights()[0]!.dataSync());
    model.dispose();
    back.dispose();
  });

  it('rejects non-initializers and non-float dtypes', () => {
    expect(() => toLayersInitializer((() => tf.zeros([1])) as never)).toThrow(
      expect.objectContaining({ argument: 'init', code: 'CONFIG' }),
    );
    expect(() => toLayersInitializer(heNormal()).apply([2, 2], 'int32')).toThrow(
      expect.objectContaining({ argument: 'dtype' }),
    );
  });

  it('leaks nothing beyond the returned tensor', async () => {
    const init = new TrainkitInitializer(heNormal({ rng: 1 }));
    await expectNoLeaks(() => {
      init.apply([3, 3]).dispose();
    });
  });
});
