// Builds every architecture of @trainkit/architectures at its reference size with its default
// (random) initializer and prints trainable / non-trainable counts beside torchvision's, plus
// VGG-16's FLOPs and a fully-convolutional LeNet sliding over a bigger image.
// Run (repo root): npx tsx --conditions=@trainkit/source examples/architectures-counts.ts [--zeros]
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import {
  alexnet,
  cifarResnet,
  formatSummary,
  inceptionV1,
  lenet5,
  resnet,
  smallResnet,
  summary,
  toFullyConvolutional,
  vgg,
} from '@trainkit/architectures';
import { useFastBackend } from '@trainkit/backend';

// cpu (with trainkit's kernels): allocating the big nets' weights is quicker there than in
// wasm's growing memory, and nothing here trains.
await useFastBackend('cpu');
const init = process.argv.includes('--zeros') ? { kernelInitializer: 'zeros' as const } : {};
const ref = JSON.parse(
  readFileSync(
    new URL('../packages/architectures/fixtures/torchvision-params.json', import.meta.url),
    'utf8',
  ),
).models as Record<string, { params: number; buffers: number }>;

const builds: [string, () => tfl.LayersModel][] = [
  ['lenet5', () => lenet5(init)],
  ['alexnet', () => alexnet(init)],
  ...([11, 13, 16, 19] as const).flatMap((depth): [string, () => tfl.LayersModel][] => [
    [`vgg${depth}`, () => vgg({ depth, ...init })],
    [`vgg${depth}_bn`, () => vgg({ depth, batchNorm: true, ...init })],
  ]),
  ['googlenet', () => inceptionV1(init)],
  ...([18, 34, 50, 101, 152] as const).map((depth): [string, () => tfl.LayersModel] => [
    `resnet${depth}`,
    () => resnet({ depth, ...init }),
  ]),
  ...([20, 32, 56] as const).flatMap((depth) =>
    (['A', 'B'] as const).map((shortcut): [string, () => tfl.LayersModel] => [
      `cifar_resnet${depth}_${shortcut}`,
      () => cifarResnet({ depth, shortcut, ...init }),
    ]),
  ),
  ['smallResnet', () => smallResnet(init)],
];

console.log(
  'model'.padEnd(20),
  'trainable'.padStart(12),
  'non-train'.padStart(10),
  'torchvision'.padStart(12),
  'MACs'.padStart(8),
  'build ms',
);
for (const [name, build] of builds) {
  const t0 = performance.now();
  const model = build();
  const ms = performance.now() - t0;
  const s = summary(model).totals;
  const r = ref[name];
  const mark = r
    ? r.params === s.trainableParams && r.buffers === s.nonTrainableParams
      ? '='
      : '!='
    : ' ';
  console.log(
    name.padEnd(20),
    s.trainableParams.toLocaleString('en-US').padStart(12),
    s.nonTrainableParams.toLocaleString('en-US').padStart(10),
    `${mark} ${r ? r.params.toLocaleString('en-US') : '-'}`.padStart(12),
    `${(s.macs / 1e9).toFixed(2)}G`.padStart(8),
    ms.toFixed(0),
  );
  model.dispose();
}

const v16 = vgg({ depth: 16, kernelInitializer: 'zeros' });
const s = summary(v16);
v16.dispose();
console.log(
  `\nVGG-16 at 224x224: ${(s.totals.macs / 1e9).toFixed(3)} GMACs = ${(s.totals.flops / 1e9).toFixed(2)} GFLOPs`,
);
console.log(`\n${formatSummary(summary(lenet5()))}`);

const net = lenet5({ inputShape: [36, 36, 1] });
const fcn = toFullyConvolutional(net);
const map = fcn.predict(tf.zeros([1, 44, 44, 1])) as tf.Tensor;
console.log(
  `\nfully convolutional LeNet (trained size 36x36) on 44x44: output ${JSON.stringify(map.shape)}`,
);
tf.dispose(map);
net.dispose();
fcn.dispose();
