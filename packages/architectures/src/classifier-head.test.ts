import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { classifierHead } from './classifier-head';
import { resolveBase } from './common';

const features = () => tfl.input({ shape: [4, 4, 2], name: 'input' });
const resolved = (extra = {}) =>
  resolveBase(
    'head',
    { inputShape: [4, 4, 2], numClasses: 3, ...extra },
    {
      inputShape: [4, 4, 2],
      minSize: 1,
    },
  );

describe('classifierHead', () => {
  it('puts dropout before (AlexNet) or after (VGG) each hidden layer, in that order', () => {
    const x = features();
    const before = tfl.model({
      inputs: x,
      outputs: classifierHead(x, resolved(), {
        reduce: { kind: 'flatten', name: 'flatten' },
        hidden: [{ name: 'fc1', units: 5, dropoutBefore: 'd1' }],
        rate: 0.5,
        output: 'out',
      }),
    });
    expect(before.layers.map((l) => l.name)).toEqual(['input', 'flatten', 'd1', 'fc1', 'out']);
    const y = features();
    const after = tfl.model({
      inputs: y,
      outputs: classifierHead(y, resolved(), {
        reduce: { kind: 'flatten', name: 'flatten' },
        hidden: [{ name: 'fc1', units: 5, dropoutAfter: 'd1' }],
        rate: 0.5,
        output: 'out',
      }),
    });
    expect(after.layers.map((l) => l.name)).toEqual(['input', 'flatten', 'fc1', 'd1', 'out']);
    // flatten 4*4*2 = 32 -> 5 -> 3: (32 + 1) * 5 + (5 + 1) * 3 = 183
    expect(after.countParams()).toBe(183);
    before.dispose();
    after.dispose();
  });

  it('pools globally, adds a separate leaky ReLU and the output activation', () => {
    const x = features();
    const m = tfl.model({
      inputs: x,
      outputs: classifierHead(
        x,
        resolved({ activation: 'leakyRelu', outputActivation: 'linear' }),
        {
          reduce: { kind: 'globalAvg', name: 'gap' },
          hidden: [{ name: 'fc', units: 4 }],
          dropoutBeforeOutput: 'drop',
          rate: 0.2,
          output: 'logits',
        },
      ),
    });
    expect(m.layers.map((l) => l.getClassName())).toEqual([
      'InputLayer',
      'GlobalAveragePooling2D',
      'Dense',
      'LeakyReLU',
      'Dropout',
      'Dense',
    ]);
    expect(m.layers.map((l) => l.name).slice(1)).toEqual(['gap', 'fc', 'fc_act', 'drop', 'logits']);
    // channels 2 -> 4 -> 3: (2 + 1) * 4 + (4 + 1) * 3 = 27
    expect(m.countParams()).toBe(27);
    expect((m.getLayer('logits').getConfig() as { activation: string }).activation).toBe('linear');
    m.dispose();
  });
});
