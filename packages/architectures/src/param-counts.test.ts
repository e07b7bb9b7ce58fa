import type * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import fixture from '../fixtures/torchvision-params.json';
import { alexnet } from './alexnet';
import { cifarResnet } from './cifar-resnet';
import { inceptionV1 } from './inception-v1';
import { lenet5 } from './lenet5';
import { resnet } from './resnet';
import { smallResnet } from './small-resnet';
import { summary } from './summary';
import { vgg } from './vgg';

// torchvision counts BN gamma/beta as parameters and running mean/var as buffers; tfjs counts the
// moving statistics as non-trainable weights. So: trainable == params, non-trainable == buffers.
const ref = fixture.models as Record<string, { params: number; buffers: number }>;

function counts(build: () => tfl.LayersModel): { trainable: number; nonTrainable: number } {
  const model = build();
  try {
    const t = summary(model).totals;
    expect(t.params).toBe(model.countParams());
    return { trainable: t.trainableParams, nonTrainable: t.nonTrainableParams };
  } finally {
    model.dispose();
  }
}

// Built at the standard 224x224x3 with zero kernels (fast to allocate); counts do not depend on init.
const zeros = { kernelInitializer: 'zeros' as const };
const cases: [string, () => tfl.LayersModel][] = [
  ['alexnet', () => alexnet(zeros)],
  ...([11, 13, 16, 19] as const).flatMap((depth): [string, () => tfl.LayersModel][] => [
    [`vgg${depth}`, () => vgg({ depth, ...zeros })],
    [`vgg${depth}_bn`, () => vgg({ depth, batchNorm: true, ...zeros })],
  ]),
  ['googlenet', () => inceptionV1(zeros)],
  ...([18, 34, 50, 101, 152] as const).map((depth): [string, () => tfl.LayersModel] => [
    `resnet${depth}`,
    () => resnet({ depth, ...zeros }),
  ]),
  ...([20, 32, 56] as const).flatMap((depth) =>
    (['A', 'B'] as const).map((shortcut): [string, () => tfl.LayersModel] => [
      `cifar_resnet${depth}_${shortcut}`,
      () => cifarResnet({ depth, shortcut, ...zeros }),
    ]),
  ),
];

describe('parameter counts against torchvision 0.14 (fixtures/torchvision-params.json)', () => {
  it.each(cases)('%s: trainable = torch parameters, non-trainable = BN buffers', (name, build) => {
    const c = counts(build);
    expect(c.trainable).toBe(ref[name]!.params);
    expect(c.nonTrainable).toBe(ref[name]!.buffers);
  });
});

describe('parameter counts against published figures', () => {
  it('LeNet-5 has 61,706 = 156 + 2,416 + 48,120 + 10,164 + 850 (lecture breakdown)', () => {
    const model = lenet5();
    const rows = Object.fromEntries(summary(model).layers.map((l) => [l.name, l.trainableParams]));
    model.dispose();
    // (kernel area x input maps + 1 bias) x output maps
    expect(rows.c1).toBe((5 * 5 * 1 + 1) * 6);
    expect(rows.c3).toBe((5 * 5 * 6 + 1) * 16);
    expect(rows.c5).toBe((5 * 5 * 16 + 1) * 120);
    expect(rows.f6).toBe((120 + 1) * 84);
    expect(rows.output).toBe((84 + 1) * 10);
    expect([rows.c1, rows.c3, rows.c5, rows.f6, rows.output]).toEqual([
      156, 2416, 48120, 10164, 850,
    ]);
    expect(rows.s2).toBe(0);
    expect(rows.s4).toBe(0);
  });

  it('LeNet-5 on 28x28 with padded C1 has the same 61,706', () => {
    expect(counts(() => lenet5({ inputShape: [28, 28, 1] })).trainable).toBe(61706);
  });

  it('VGG-16 built with its default initializer has 138,357,544 parameters', () => {
    // One real build with random weights (~550 MB float32), as the published figure is quoted.
    const model = vgg({ depth: 16 });
    expect(model.countParams()).toBe(138357544);
    model.dispose();
  });

  it('ResNet-50 has 25,557,032 trainable parameters', () => {
    expect(counts(() => resnet({ depth: 50, ...zeros })).trainable).toBe(25557032);
  });

  it('CIFAR ResNet-20 (option A) matches the hand count 269,722', () => {
    // conv1 + bn1; stage 1: 6 convs 16->16; stage 2: 16->32 then 5 x 32->32; stage 3 likewise; fc
    const convBn = (cin: number, cout: number) => 9 * cin * cout + 2 * cout;
    const hand =
      convBn(3, 16) +
      6 * convBn(16, 16) +
      convBn(16, 32) +
      5 * convBn(32, 32) +
      convBn(32, 64) +
      5 * convBn(64, 64) +
      (64 * 10 + 10);
    expect(hand).toBe(269722);
    expect(counts(() => cifarResnet({ depth: 20 })).trainable).toBe(hand);
  });

  it('smallResnet: conv 3->32 + BN, 4 convs 32->32 + BN, dense 32->10', () => {
    const c = counts(() => smallResnet());
    expect(c.trainable).toBe(9 * 3 * 32 + 64 + 4 * (9 * 32 * 32 + 64) + 33 * 10);
    expect(c.nonTrainable).toBe(5 * 2 * 32);
  });

  it('GoogLeNet paper variant (5x5 branch, conv bias, no BN) differs from torchvision as expected', () => {
    const c = counts(() => inceptionV1({ variant: 'paper', ...zeros }));
    // Per module, the third branch's 3x3 kernels become 5x5: +16 x red x out weights; every conv
    // gains a bias and loses BN's gamma/beta (-1 x filters net).
    const modules = [
      [64, 96, 128, 16, 32, 32],
      [128, 128, 192, 32, 96, 64],
      [192, 96, 208, 16, 48, 64],
      [160, 112, 224, 24, 64, 64],
      [128, 128, 256, 24, 64, 64],
      [112, 144, 288, 32, 64, 64],
      [256, 160, 320, 32, 128, 128],
      [256, 160, 320, 32, 128, 128],
      [384, 192, 384, 48, 128, 128],
    ];
    let delta = 0;
    for (const [a, b, c3, d, e, f] of modules as number[][]) {
      delta += (25 - 9) * d! * e!;
      delta -= a! + b! + c3! + d! + e! + f!;
    }
    delta -= 64 + 64 + 192; // stem convs
    expect(c.trainable).toBe(ref.googlenet!.params + delta);
    expect(c.nonTrainable).toBe(0);
  });
});
