import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { expectNoLeaks } from '@trainkit/test-utils';
import { describe, expect, it } from 'vitest';
import { alexnet } from './alexnet';
import { cifarResnet } from './cifar-resnet';
import { inceptionV1 } from './inception-v1';
import { lenet5 } from './lenet5';
import { resnet } from './resnet';
import { smallResnet } from './small-resnet';
import { vgg } from './vgg';

// Forward passes on small inputs only (no ImageNet-size predict on CPU).
async function forward(build: () => tfl.LayersModel, shape: number[]) {
  return expectNoLeaks(async () => {
    const model = build();
    const y = tf.tidy(
      () => model.predict(tf.randomNormal([2, ...shape], 0, 1, 'float32', 1)) as tf.Tensor,
    );
    const values = await y.data();
    const out = { shape: y.shape, finite: values.every(Number.isFinite) };
    y.dispose();
    model.dispose();
    return out;
  });
}

describe('forward pass on a small batch: shape, no NaN, no leaks', () => {
  const cases: [string, () => tfl.LayersModel, number[], number[]][] = [
    ['lenet5 32x32 classic', () => lenet5(), [32, 32, 1], [2, 10]],
    [
      'lenet5 28x28 modern',
      () => lenet5({ inputShape: [28, 28, 1], variant: 'modern' }),
      [28, 28, 1],
      [2, 10],
    ],
    [
      'lenet5 40x40 (bigger C5 map)',
      () => lenet5({ inputShape: [40, 40, 3], numClasses: 4 }),
      [40, 40, 3],
      [2, 4],
    ],
    [
      'alexnet at its minimum 63x63',
      () => alexnet({ inputShape: [63, 63, 3], numClasses: 5 }),
      [63, 63, 3],
      [2, 5],
    ],
    [
      'vgg11 at its minimum 32x32',
      () => vgg({ depth: 11, inputShape: [32, 32, 3], numClasses: 7 }),
      [32, 32, 3],
      [2, 7],
    ],
    [
      'vgg13 bn 32x32',
      () => vgg({ depth: 13, batchNorm: true, inputShape: [32, 32, 3], numClasses: 3 }),
      [32, 32, 3],
      [2, 3],
    ],
    [
      'inceptionV1 32x32',
      () => inceptionV1({ inputShape: [32, 32, 3], numClasses: 6 }),
      [32, 32, 3],
      [2, 6],
    ],
    [
      'inceptionV1 paper 17x23',
      () => inceptionV1({ variant: 'paper', inputShape: [17, 23, 3], numClasses: 6 }),
      [17, 23, 3],
      [2, 6],
    ],
    [
      'resnet18 32x32',
      () => resnet({ depth: 18, inputShape: [32, 32, 3], numClasses: 4 }),
      [32, 32, 3],
      [2, 4],
    ],
    [
      'resnet50 32x32',
      () => resnet({ depth: 50, inputShape: [32, 32, 3], numClasses: 4 }),
      [32, 32, 3],
      [2, 4],
    ],
    [
      'resnet18 cifar stem',
      () => resnet({ depth: 18, stem: 'cifar', inputShape: [16, 16, 3], numClasses: 4 }),
      [16, 16, 3],
      [2, 4],
    ],
    ['cifarResnet20 A', () => cifarResnet(), [32, 32, 3], [2, 10]],
    [
      'cifarResnet20 B 16x16',
      () => cifarResnet({ shortcut: 'B', inputShape: [16, 16, 3] }),
      [16, 16, 3],
      [2, 10],
    ],
    ['smallResnet', () => smallResnet(), [32, 32, 3], [2, 10]],
  ];
  it.each(cases)('%s', async (_name, build, inShape, outShape) => {
    const r = await forward(build, inShape);
    expect(r.shape).toEqual(outShape);
    expect(r.finite).toBe(true);
  });

  it('softmax heads output probabilities, linear heads logits', async () => {
    const p = lenet5({ numClasses: 3 });
    const l = lenet5({ numClasses: 3, outputActivation: 'linear' });
    const x = tf.randomNormal([2, 32, 32, 1], 0, 1, 'float32', 3);
    const sums = tf.tidy(() => tf.sum(p.predict(x) as tf.Tensor, 1));
    expect(Array.from(await sums.data())).toEqual([expect.closeTo(1, 5), expect.closeTo(1, 5)]);
    const logits = l.predict(x) as tf.Tensor;
    expect(logits.shape).toEqual([2, 3]);
    tf.dispose([x, sums, logits]);
    p.dispose();
    l.dispose();
  });
});

// Shape and name checks need no random weights: zero kernels build fast.
describe('includeTop: false with pooling', () => {
  it.each([
    ['none', [null, 1, 1, 512]],
    ['avg', [null, 512]],
    ['max', [null, 512]],
  ] as const)('vgg11 32x32 pooling %s -> %j', (pooling, shape) => {
    const m = vgg({
      kernelInitializer: 'zeros',
      depth: 11,
      inputShape: [32, 32, 3],
      includeTop: false,
      pooling,
    });
    expect(m.outputs[0]!.shape).toEqual(shape);
    m.dispose();
  });
  it('every family ends at its feature volume', () => {
    const shapes = [
      [lenet5({ kernelInitializer: 'zeros', includeTop: false }), [null, 5, 5, 16]],
      [alexnet({ kernelInitializer: 'zeros', includeTop: false }), [null, 6, 6, 256]],
      [
        inceptionV1({ kernelInitializer: 'zeros', includeTop: false, inputShape: [64, 64, 3] }),
        [null, 2, 2, 1024],
      ],
      [
        resnet({
          kernelInitializer: 'zeros',
          depth: 50,
          includeTop: false,
          inputShape: [64, 64, 3],
        }),
        [null, 2, 2, 2048],
      ],
      [cifarResnet({ kernelInitializer: 'zeros', includeTop: false, pooling: 'avg' }), [null, 64]],
      [smallResnet({ kernelInitializer: 'zeros', includeTop: false }), [null, 32, 32, 32]],
    ] as const;
    for (const [m, s] of shapes) {
      expect(m.outputs[0]!.shape).toEqual(s);
      m.dispose();
    }
  });
});

describe('stable layer names', () => {
  it('follow the papers / torchvision', () => {
    const names = (m: tfl.LayersModel) => {
      const n = m.layers.map((l) => l.name);
      m.dispose();
      return n;
    };
    expect(names(lenet5({ kernelInitializer: 'zeros' }))).toEqual([
      'input',
      'c1',
      's2',
      'c3',
      's4',
      'c5',
      'flatten',
      'f6',
      'output',
    ]);
    expect(
      names(resnet({ kernelInitializer: 'zeros', depth: 18, inputShape: [32, 32, 3] })),
    ).toEqual(
      expect.arrayContaining([
        'conv1',
        'bn1',
        'layer2.0.conv1',
        'layer2.0.downsample.0',
        'layer4.1.bn2',
        'fc',
      ]),
    );
    expect(names(inceptionV1({ kernelInitializer: 'zeros', inputShape: [32, 32, 3] }))).toEqual(
      expect.arrayContaining([
        'conv1.conv',
        'conv1.bn',
        'inception3a.branch2.1.conv',
        'inception5b.branch4.1.bn',
        'fc',
      ]),
    );
    expect(
      names(
        vgg({ kernelInitializer: 'zeros', depth: 11, batchNorm: true, inputShape: [32, 32, 3] }),
      ),
    ).toEqual(
      expect.arrayContaining(['block1_conv1', 'block1_bn1', 'block5_pool', 'fc1', 'predictions']),
    );
    expect(names(cifarResnet({ kernelInitializer: 'zeros', shortcut: 'A' }))).toEqual(
      expect.arrayContaining(['layer2.0.shortcut.subsample', 'layer2.0.shortcut.pad']),
    );
  });
});

describe('bad options -> typed errors naming the option', () => {
  const expectError = (fn: () => unknown, code: string, argument: string) => {
    try {
      const m = fn() as tfl.LayersModel;
      m.dispose();
    } catch (e) {
      expect(e).toMatchObject({ code, argument });
      return;
    }
    throw new Error('expected an error');
  };
  it('input too small for the net', () => {
    expectError(() => lenet5({ inputShape: [31, 32, 1] }), 'SHAPE', 'inputShape');
    expectError(
      () => lenet5({ inputShape: [27, 27, 1], c1Padding: 'same' }),
      'SHAPE',
      'inputShape',
    );
    expectError(() => alexnet({ inputShape: [62, 62, 3] }), 'SHAPE', 'inputShape');
    expectError(() => vgg({ inputShape: [224, 31, 3] }), 'SHAPE', 'inputShape');
    try {
      vgg({ inputShape: [31, 31, 3] });
    } catch (e) {
      expect((e as Error).message).toMatch(/vgg16.*>= 32/);
    }
  });
  it('depth not one of the allowed values', () => {
    expectError(() => vgg({ depth: 12 as 11 }), 'CONFIG', 'depth');
    expectError(() => resnet({ depth: 20 as 18 }), 'CONFIG', 'depth');
    expectError(() => cifarResnet({ depth: 18 as 20 }), 'CONFIG', 'depth');
  });
  it('malformed shared options', () => {
    expectError(
      () => lenet5({ inputShape: [32, 32] as unknown as [number, number, number] }),
      'SHAPE',
      'inputShape',
    );
    expectError(() => lenet5({ inputShape: [32, 32, 0] }), 'RANGE', 'inputShape[2]');
    expectError(() => lenet5({ numClasses: 0 }), 'RANGE', 'numClasses');
    expectError(() => lenet5({ numClasses: 2.5 }), 'RANGE', 'numClasses');
    expectError(() => smallResnet({ pooling: 'sum' as 'avg' }), 'CONFIG', 'pooling');
    expectError(() => smallResnet({ activation: 'relu7' as 'relu' }), 'CONFIG', 'activation');
    expectError(
      () => smallResnet({ kernelInitializer: 'he' as 'heNormal' }),
      'CONFIG',
      'kernelInitializer',
    );
    expectError(
      () => smallResnet({ outputActivation: 'sigmoid' as 'linear' }),
      'CONFIG',
      'outputActivation',
    );
    expectError(() => smallResnet({ includeTop: 1 as unknown as boolean }), 'CONFIG', 'includeTop');
    for (const build of [lenet5, alexnet, vgg, inceptionV1, resnet, cifarResnet, smallResnet]) {
      expectError(() => build(null as unknown as object), 'CONFIG', 'options');
    }
    expectError(() => vgg({ depth: '16' as unknown as 16 }), 'CONFIG', 'depth');
  });
  it('malformed family options', () => {
    expectError(() => lenet5({ variant: 'new' as 'modern' }), 'CONFIG', 'variant');
    expectError(() => lenet5({ c1Padding: 'full' as 'same' }), 'CONFIG', 'c1Padding');
    expectError(() => alexnet({ dropout: 1 }), 'RANGE', 'dropout');
    expectError(() => vgg({ dropout: -0.1 }), 'RANGE', 'dropout');
    expectError(() => vgg({ batchNorm: 'yes' as unknown as boolean }), 'CONFIG', 'batchNorm');
    expectError(() => inceptionV1({ variant: 'v3' as 'paper' }), 'CONFIG', 'variant');
    expectError(() => resnet({ stem: 'tiny' as 'cifar' }), 'CONFIG', 'stem');
    expectError(() => cifarResnet({ shortcut: 'C' as 'A' }), 'CONFIG', 'shortcut');
  });
});
