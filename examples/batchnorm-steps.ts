/**
 * Ioffe & Szegedy's claim on a small scale: the same deep sigmoid MLP (4 x 100 hidden units,
 * 8x8 digits, SGD) reaches a target validation accuracy in fewer steps with batch
 * normalization. Writes batchnorm-steps.png (validation accuracy vs step: grey without BN,
 * green with BN; dotted line = target) and prints the steps each needs.
 *
 *   npx tsx --conditions=@trainkit/source examples/batchnorm-steps.ts [out.png]   (repo root)
 */
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { useFastBackend } from '@trainkit/backend';
import { batchNormalization } from '@trainkit/batchnorm';
import { Rng } from '@trainkit/core';
import { digits } from '@trainkit/data/node';
import { encodePng } from '@trainkit/monitors';

const STEPS = 600;
const EVERY = 10;
const BATCH = 64;
const TARGET = 0.9;
const LR = 0.5;

async function loadDigits() {
  const ds = await digits(); // the UCI digits shipped inside @trainkit/data, values 0..16
  const n = ds.size;
  const order = new Rng(1).permutation(n);
  const x = new Float32Array(n * 64);
  const y = new Int32Array(n);
  order.forEach((src, i) => {
    for (let j = 0; j < 64; j++) x[i * 64 + j] = ds.x[src * 64 + j]! / 16;
    y[i] = ds.y[src]!;
  });
  return {
    x: tf.tensor2d(x, [n, 64]),
    y: tf.oneHot(tf.tensor1d(y, 'int32'), 10),
    n,
  };
}

function mlp(withBN: boolean): tfl.Sequential {
  const model = tfl.sequential();
  for (let l = 0; l < 4; l++) {
    model.add(
      tfl.layers.dense({
        ...(l === 0 ? { inputShape: [64] } : {}),
        units: 100,
        useBias: !withBN,
        kernelInitializer: tfl.initializers.glorotNormal({ seed: l }),
      }),
    );
    if (withBN) model.add(batchNormalization({ momentum: 0.9 }));
    model.add(tfl.layers.activation({ activation: 'sigmoid' }));
  }
  model.add(
    tfl.layers.dense({ units: 10, kernelInitializer: tfl.initializers.glorotNormal({ seed: 9 }) }),
  );
  return model;
}

async function train(withBN: boolean, data: Awaited<ReturnType<typeof loadDigits>>) {
  const nTrain = 1500;
  const [xTr, xVa] = tf.split(data.x, [nTrain, data.n - nTrain]);
  const [yTr, yVa] = tf.split(data.y, [nTrain, data.n - nTrain]);
  const model = mlp(withBN);
  const opt = tf.train.sgd(LR);
  const rng = new Rng(7);
  const curve: number[] = [];
  for (let step = 1; step <= STEPS; step++) {
    const idx = tf.tensor1d(
      Array.from({ length: BATCH }, () => rng.int(0, nTrain)),
      'int32',
    );
    tf.tidy(() => {
      const xb = tf.gather(xTr!, idx);
      const yb = tf.gather(yTr!, idx);
      opt.minimize(
        () =>
          tf.losses.softmaxCrossEntropy(
            yb,
            model.apply(xb, { training: true }) as tf.Tensor,
          ) as tf.Scalar,
      );
    });
    idx.dispose();
    if (step % EVERY === 0) {
      const acc = tf.tidy(() =>
        tf.mean(
          tf.cast(
            tf.equal(tf.argMax(model.predict(xVa!) as tf.Tensor, 1), tf.argMax(yVa!, 1)),
            'float32',
          ),
        ),
      );
      curve.push((await acc.data())[0]!);
      acc.dispose();
    }
  }
  tf.dispose([xTr!, xVa!, yTr!, yVa!]);
  opt.dispose();
  model.dispose();
  return curve;
}

function chart(curves: number[][]): { width: number; height: number; data: Uint8Array } {
  const width = 600;
  const height = 300;
  const data = new Uint8Array(width * height * 4).fill(255);
  const put = (x: number, y: number, [r, g, b]: number[]) => {
    if (x < 0 || y < 0 || x >= width || y >= height) return;
    const i = (y * width + x) * 4;
    data[i] = r!;
    data[i + 1] = g!;
    data[i + 2] = b!;
  };
  const py = (acc: number) => Math.round((height - 1) * (1 - acc));
  for (let x = 0; x < width; x += 4) put(x, py(TARGET), [200, 60, 60]);
  const colors = [
    [150, 150, 150],
    [40, 150, 70],
  ];
  curves.forEach((c, k) => {
    for (let x = 0; x < width; x++) {
      const t = (x / (width - 1)) * (c.length - 1);
      const a =
        c[Math.floor(t)]! +
        (c[Math.min(c.length - 1, Math.ceil(t))]! - c[Math.floor(t)]!) * (t - Math.floor(t));
      for (let d = -1; d <= 1; d++) put(x, py(a) + d, colors[k]!);
    }
  });
  return { width, height, data };
}

await useFastBackend(); // Node: wasm + trainkit's training kernels
const data = await loadDigits();
const plain = await train(false, data);
const bn = await train(true, data);
const reach = (c: number[]) => {
  const i = c.findIndex((a) => a >= TARGET);
  return i < 0 ? `not within ${STEPS}` : `${(i + 1) * EVERY}`;
};
console.log(`steps to ${TARGET * 100}% validation accuracy (SGD lr ${LR}, batch ${BATCH}):`);
console.log(`  without BN: ${reach(plain)} (final ${plain[plain.length - 1]!.toFixed(3)})`);
console.log(`  with BN:    ${reach(bn)} (final ${bn[bn.length - 1]!.toFixed(3)})`);
const out = process.argv[2] ?? 'batchnorm-steps.png';
writeFileSync(out, encodePng(chart([plain, bn]), { deflate: deflateSync }));
console.log(`wrote ${out}`);
tf.dispose([data.x, data.y]);
