/**
 * The four-case transfer-learning experiment (CS231n "Transfer Learning"; issue 9), on real data
 * from ../shared. For each source -> target pair and each size (small = 100 images per class,
 * large = all available up to a cap), it measures the test accuracy and wall time of
 *   (a) a linear softmax classifier on the top codes,
 *   (b) the same on earlier-layer codes,
 *   (c) fine-tuning everything, base learning rate x0.1 of the head's,
 *   (d) the same network trained from scratch (fresh initialisation),
 * and what the advisor (measureSimilarity -> recommendStrategy) picks. Each finished row is
 * written at once to experiment-results/<case>-<size>.json, so a partial run still yields rows.
 *
 *   npx --yes pnpm@10.34.8 --filter @trainkit/transfer experiment              # everything
 *   npx --yes pnpm@10.34.8 --filter @trainkit/transfer experiment --only doodlenet-mnist-small
 *   npx --yes pnpm@10.34.8 --filter @trainkit/transfer experiment --table      # markdown table
 *   QUICK=1 ... experiment --out /tmp/x   # a smoke run with tiny sizes (not results)
 *
 * wasm backend with @trainkit/backend's kernels; models and data from ../shared (or
 * $TRAINKIT_SHARED); the Fashion 0-4 source model from fixtures/fashion04-cnn.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { useFastBackend } from '@trainkit/backend';
import { sharedDir } from '@trainkit/test-utils';
import { accuracy, evaluate, softmaxCrossEntropy } from '@trainkit/train';
import {
  earlierLayer,
  extractFeatures,
  fineTune,
  measureSimilarity,
  recommendStrategy,
  trainLinearClassifier,
} from '../src/index';
import { loadModelFromPath } from '../src/node';
import { type Images, readCifarBatch, readIdxImages, selectByClass, toTensors } from './data';

const args = process.argv.slice(2);
const QUICK = process.env.QUICK === '1';
const pkgDir = join(import.meta.dirname, '..');
const outArg = args.indexOf('--out');
const OUT = outArg >= 0 ? args[outArg + 1]! : join(pkgDir, 'experiment-results');
const onlyArg = args.indexOf('--only');
const ONLY = onlyArg >= 0 ? args[onlyArg + 1]!.split(',') : undefined;
const SMALL = QUICK ? 10 : 100;
/** Re-run (c) and (d) with batch-norm statistics re-estimated before testing, as rows c_bn, d_bn. */
const BN_REESTIMATE = args.includes('--bn-reestimate');
const TEST = Number(process.env.EXPERIMENT_TEST ?? (QUICK ? 100 : 2000));
/** Darknet-tiny gets CIFAR-10 at its native 32x32 (fully convolutional; 224x224 is ~50x slower here). */
const DARKNET_RES = Number(process.env.DARKNET_RES ?? 32);

interface Source {
  model: tfl.LayersModel;
  /** Layer of the top codes (before the classifier). */
  top: string;
}
interface Split {
  train: { x: tf.Tensor4D; y: tf.Tensor1D };
  test: { x: tf.Tensor4D; y: tf.Tensor1D };
  numClasses: number;
  perClass: number;
  note: string;
}
interface Case {
  id: string;
  title: string;
  similarityByDesign: 'similar' | 'different';
  load(): Promise<Source>;
  data(size: 'small' | 'large'): Split;
  /** Fine-tune / scratch epochs per size. */
  epochs: { small: number; large: number };
}

const shared = (sub: string) => {
  const d = sharedDir(sub);
  if (!d) throw new Error(`../shared/${sub} not found (set TRAINKIT_SHARED)`);
  return d;
};
const cache = new Map<string, Images>();
const idx = (dir: string, part: 'train' | 't10k') => {
  const k = `${dir}:${part}`;
  if (!cache.has(k)) cache.set(k, readIdxImages(shared(dir), part));
  return cache.get(k)!;
};
const cifar = (file: string) => {
  const k = `cifar:${file}`;
  if (!cache.has(k)) cache.set(k, readCifarBatch(join(shared('data/cifar10-subset'), file)));
  return cache.get(k)!;
};
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** A split: train = up to `perClass` of each class among `trainIdx`; test = first TEST of `testIdx`. */
function split(
  trainSet: Images,
  trainPool: number[],
  testSet: Images,
  testPool: number[],
  classes: number[],
  perClass: number,
  note: string,
): Split {
  const pool = new Uint8Array(trainPool.length);
  trainPool.forEach((i, k) => {
    pool[k] = trainSet.labels[i]!;
  });
  const chosen = selectByClass(pool, classes, perClass).map((k) => trainPool[k]!);
  const testIdx = testPool.filter((i) => classes.includes(testSet.labels[i]!)).slice(0, TEST);
  const counts = classes.map((c) => chosen.filter((i) => trainSet.labels[i] === c).length);
  return {
    train: toTensors(trainSet, chosen, classes),
    test: toTensors(testSet, testIdx, classes),
    numClasses: classes.length,
    perClass: Math.min(...counts),
    note,
  };
}

const digits = range(10);

/** Fashion-MNIST: train pool = its 60,000 training images (the small case takes 100/class, the
 * large one up to `cap`/class), test = its test file. */
function fashionSplit(classes: number[], size: 'small' | 'large', cap: number): Split {
  const tr = idx('data/fashion-mnist', 'train');
  const te = idx('data/fashion-mnist', 't10k');
  const capText = `capped at ${cap.toLocaleString('en-US')}/class (of 6,000)`;
  return split(
    tr,
    range(60000),
    te,
    range(10000),
    classes,
    size === 'small' ? SMALL : QUICK ? 30 : cap,
    size === 'small' ? '100/class' : capText,
  );
}
const CASES: Case[] = [
  {
    id: 'doodlenet-mnist',
    title: 'DoodleNet -> MNIST digits',
    similarityByDesign: 'similar',
    load: async () => ({
      model: await loadModelFromPath(shared('models/doodlenet')),
      top: 'dense',
    }),
    data: (size) => {
      const m = idx('data/mnist-test', 't10k');
      // MNIST test file split: images 0-4999 train pool, 5000-6999 test.
      return split(
        m,
        range(5000),
        m,
        range(5000).map((i) => 5000 + i),
        digits,
        size === 'small' ? SMALL : QUICK ? 30 : Infinity,
        size === 'small'
          ? '100/class from MNIST-test 0-4999'
          : 'all of MNIST-test 0-4999 (~500/class)',
      );
    },
    epochs: { small: QUICK ? 1 : 5, large: QUICK ? 1 : 2 },
  },
  {
    id: 'doodlenet-fashion',
    title: 'DoodleNet -> Fashion-MNIST',
    similarityByDesign: 'different',
    load: async () => ({
      model: await loadModelFromPath(shared('models/doodlenet')),
      top: 'dense',
    }),
    data: (size) => fashionSplit(digits, size, 500),
    epochs: { small: QUICK ? 1 : 5, large: QUICK ? 1 : 2 },
  },
  {
    id: 'fashion04-fashion59',
    title: "project's Fashion 0-4 CNN -> Fashion 5-9",
    similarityByDesign: 'different',
    load: async () => ({
      model: await loadModelFromPath(join(pkgDir, 'fixtures', 'fashion04-cnn')),
      top: 'codes',
    }),
    data: (size) => fashionSplit([5, 6, 7, 8, 9], size, 1000),
    epochs: { small: QUICK ? 1 : 5, large: QUICK ? 1 : 3 },
  },
  {
    id: DARKNET_RES === 32 ? 'darknet-cifar10' : `darknet${DARKNET_RES}-cifar10`,
    title: `Darknet-tiny -> CIFAR-10 (${DARKNET_RES}x${DARKNET_RES} input)`,
    similarityByDesign: 'similar',
    load: async () => {
      const full = await loadModelFromPath(shared('models/darknet-tiny'));
      // Fully convolutional: the same weights on a smaller input.
      const topo = full.toJSON(null, false) as {
        config: { layers: { config: { batch_input_shape?: number[] } }[] };
      };
      topo.config.layers[0]!.config.batch_input_shape = [
        null as unknown as number,
        DARKNET_RES,
        DARKNET_RES,
        3,
      ];
      const model = (await tfl.models.modelFromJSON({
        modelTopology: topo,
      } as unknown as tf.io.ModelJSON)) as tfl.LayersModel;
      model.setWeights(full.getWeights());
      full.dispose();
      return { model, top: 'leaky_re_lu_15' };
    },
    data: (size) => {
      const tr = cifar('train_batch.bin');
      const te = cifar('test_batch.bin');
      const out = split(
        tr,
        range(10000),
        te,
        range(10000),
        digits,
        size === 'small' ? SMALL : QUICK ? 30 : 300,
        size === 'small' ? '100/class' : 'capped at 300/class (of 1,000 here)',
      );
      if (DARKNET_RES !== 32) {
        // bilinear upsampling of the 32x32 images to the input size chosen
        for (const part of [out.train, out.test]) {
          const big = tf.image.resizeBilinear(part.x, [DARKNET_RES, DARKNET_RES]);
          part.x.dispose();
          part.x = big;
        }
        out.note += `, upsampled to ${DARKNET_RES}x${DARKNET_RES}`;
      }
      return out;
    },
    epochs: { small: QUICK ? 1 : 3, large: QUICK ? 1 : 2 },
  },
];

type Row = { acc: number; seconds: number; detail: string };
const STRATS = ['a', 'b', 'c', 'd'] as const;
const strategyRow: Record<string, string> = {
  'linear-on-top-codes': 'a',
  'linear-on-earlier-codes': 'b',
  'fine-tune-all': 'c',
  'fine-tune-or-scratch': 'c|d',
};

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const v = await fn();
  return [v, (performance.now() - t0) / 1000];
}

/** Codes for a layer: global average pooling when a spatial code is wider than 20,000 (as measureSimilarity). */
function codes(model: tfl.LayersModel, x: tf.Tensor, layer: string): tf.Tensor2D {
  const s = model.getLayer(layer).outputShape as number[];
  const size = s.slice(1).reduce((a, b) => a * b, 1);
  return extractFeatures(model, x, {
    layer,
    pool: s.length === 4 && size > 20000 ? 'avg' : 'none',
  });
}

async function linearOn(c: Case, d: Split, which: 'top' | 'earlier'): Promise<Row> {
  const { model, top } = await c.load();
  const layer = which === 'top' ? top : earlierLayer(model);
  const cTrain = codes(model, d.train.x, layer);
  const cTest = codes(model, d.test.x, layer);
  const head = await trainLinearClassifier(cTrain, d.train.y, {
    numClasses: d.numClasses,
    l2: 1e-3,
  });
  const acc = head.accuracy(cTest, d.test.y);
  const detail = `${layer} (${cTrain.shape[1]}-d), ${head.optimizer} ${head.iterations} it`;
  head.dispose();
  tf.dispose([cTrain, cTest]);
  model.dispose();
  return { acc, seconds: 0, detail };
}

/**
 * Re-estimates the moving mean/variance of every stock BatchNormalization layer from a sample of
 * the training data, in order (earlier layers first, inference mode): after a short training
 * the 0.99-momentum moving averages still lag, and inference uses them.
 */
function reestimateBatchNorm(net: tfl.LayersModel, x: tf.Tensor, n = 256): number {
  const sample = tf.slice(x, 0, Math.min(n, x.shape[0]));
  let count = 0;
  for (const layer of net.layers) {
    if (layer.getClassName() !== 'BatchNormalization') continue;
    const feed = tfl.model({
      inputs: net.inputs,
      outputs: layer.inboundNodes[0]!.inputTensors[0] as tfl.SymbolicTensor,
    });
    tf.tidy(() => {
      const h = feed.predict(sample, { batchSize: 64 }) as tf.Tensor;
      const axes = range(h.rank - 1);
      const { mean, variance } = tf.moments(h, axes);
      for (const w of layer.weights) {
        if (w.name.includes('moving_mean')) w.write(mean);
        if (w.name.includes('moving_variance')) w.write(variance);
      }
    });
    count++;
  }
  sample.dispose();
  return count;
}

async function train(c: Case, d: Split, epochs: number, fromScratch: boolean): Promise<Row> {
  const { model: pre, top } = await c.load();
  let model = pre;
  if (fromScratch) {
    model = (await tfl.models.modelFromJSON({
      modelTopology: pre.toJSON(null, false),
    } as unknown as tf.io.ModelJSON)) as tfl.LayersModel;
    pre.dispose();
  }
  const { model: net } = await fineTune(model, d.train, {
    numClasses: d.numClasses,
    cutAt: top,
    headLr: 1e-3,
    baseLrMultiplier: fromScratch ? 1 : 0.1,
    epochs,
    batchSize: 32,
    seed: 1,
  });
  const bn = BN_REESTIMATE ? reestimateBatchNorm(net, d.train.x) : 0;
  const logs = await evaluate(net as never, d.test, {
    loss: softmaxCrossEntropy(),
    metrics: [accuracy()],
    batchSize: 100,
  });
  net.dispose();
  return {
    acc: logs.acc as number,
    seconds: 0,
    detail: `${epochs} epochs, Adam ${fromScratch ? '1e-3 everywhere' : '1e-3 head / 1e-4 body'}${bn ? `, BN statistics of ${bn} layers re-estimated` : ''}`,
  };
}

async function runCase(c: Case, size: 'small' | 'large'): Promise<void> {
  const id = `${c.id}-${size}`;
  if (ONLY && !ONLY.includes(id) && !ONLY.includes(c.id) && !ONLY.includes(size)) return;
  const file = join(OUT, `${id}.json`);
  const record: Record<string, unknown> =
    existsSync(file) && !args.includes('--fresh') ? JSON.parse(readFileSync(file, 'utf8')) : {};
  const save = () => writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
  const d = c.data(size);
  Object.assign(record, {
    case: c.id,
    title: c.title,
    size,
    perClass: d.perClass,
    train: d.train.y.shape[0],
    test: d.test.y.shape[0],
    note: d.note,
    similarityByDesign: c.similarityByDesign,
    backend: tf.getBackend(),
  });
  console.log(
    `\n== ${id}: ${c.title}, ${d.train.y.shape[0]} train (${d.note}), ${d.test.y.shape[0]} test`,
  );
  if (!record.advisor) {
    const [adv, seconds] = await timed(async () => {
      const { model, top } = await c.load();
      const sim = measureSimilarity(model, d.train, {
        layers: [earlierLayer(model), top],
        topLayer: top,
        sampleSize: 600,
      });
      const plan = recommendStrategy({ targetSize: d.perClass, similarity: sim, model });
      model.dispose();
      return { sim, plan };
    });
    record.advisor = {
      strategy: adv.plan.strategy,
      case: adv.plan.case,
      row: strategyRow[adv.plan.strategy],
      layerName: adv.plan.layerName,
      score: adv.sim.score,
      verdict: adv.sim.verdict,
      probes: adv.sim.probes,
      reason: adv.plan.reason,
      seconds,
    };
    save();
    console.log(
      `advisor (${seconds.toFixed(1)} s): ${adv.plan.case} -> ${adv.plan.strategy}; ${adv.sim.reason}`,
    );
  }
  const runs: Record<(typeof STRATS)[number], () => Promise<Row>> = {
    a: () => linearOn(c, d, 'top'),
    b: () => linearOn(c, d, 'earlier'),
    c: () => train(c, d, c.epochs[size], false),
    d: () => train(c, d, c.epochs[size], true),
  };
  for (const s of BN_REESTIMATE ? (['c', 'd'] as const) : STRATS) {
    const key = BN_REESTIMATE ? `${s}_bn` : s;
    if (record[key]) continue;
    const [row, seconds] = await timed(runs[s]);
    record[key] = { ...row, seconds };
    save();
    console.log(
      `(${key}) acc ${(row.acc * 100).toFixed(1)}%  ${seconds.toFixed(1)} s  ${row.detail}`,
    );
  }
  tf.dispose([d.train.x, d.train.y, d.test.x, d.test.y]);
}

function table(): string {
  const files = existsSync(OUT) ? readdirSync(OUT).filter((f) => f.endsWith('.json')) : [];
  const recs = new Map(
    files.map((f) => [f.replace(/\.json$/, ''), JSON.parse(readFileSync(join(OUT, f), 'utf8'))]),
  );
  const lines = [
    '| case | size (train / test) | (a) linear, top codes | (b) linear, earlier codes | (c) fine-tune all, base x0.1 | (d) from scratch | advisor (measured similarity) | advisor best? |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  const cell = (r?: { acc: number; seconds: number }, bn?: { acc: number; seconds: number }) =>
    (r ? `${(r.acc * 100).toFixed(1)}% (${r.seconds.toFixed(0)} s)` : 'not measured') +
    (bn
      ? `; BN stats re-estimated: ${(bn.acc * 100).toFixed(1)}% (${bn.seconds.toFixed(0)} s)`
      : '');
  for (const size of ['small', 'large'] as const) {
    for (const c of CASES) {
      const r = recs.get(`${c.id}-${size}`);
      if (!r) {
        lines.push(
          `| ${c.title} | ${size} | not measured | not measured | not measured | not measured | — | — |`,
        );
        continue;
      }
      const adv = r.advisor;
      const measured = STRATS.filter((s) => r[s]);
      const best = measured.length ? Math.max(...measured.map((s) => r[s].acc)) : undefined;
      let verdict = '—';
      if (adv && best !== undefined) {
        const picks = (adv.row as string).split('|').filter((s: string) => r[s]);
        if (picks.length === 0) verdict = 'its row not measured';
        else {
          const got = Math.max(...picks.map((s: string) => r[s].acc));
          const gap = (best - got) * 100;
          const all = measured.length === 4 ? '' : ` (of ${measured.length} measured)`;
          verdict =
            gap <= 0
              ? `best${all}`
              : gap <= 2
                ? `near-best, -${gap.toFixed(1)} pt${all}`
                : `**no**, -${gap.toFixed(1)} pt${all}`;
        }
      }
      const advCell = adv
        ? `(${(adv.row as string).replace('|', ' or ')}) ${adv.strategy} — ${adv.verdict}, score ${adv.score.toFixed(2)}`
        : 'not measured';
      lines.push(
        `| ${c.title} | ${size}: ${r.perClass}/class (${r.train} / ${r.test}) | ${cell(r.a)} | ${cell(r.b)} | ${cell(r.c, r.c_bn)} | ${cell(r.d, r.d_bn)} | ${advCell} | ${verdict} |`,
      );
    }
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  if (args.includes('--table')) {
    console.log(table());
    return;
  }
  mkdirSync(OUT, { recursive: true });
  const backend = await useFastBackend('wasm');
  console.log(`backend ${backend.name}; results in ${OUT}${QUICK ? ' (QUICK smoke run)' : ''}`);
  for (const size of ['small', 'large'] as const) {
    for (const c of CASES) {
      try {
        await runCase(c, size);
      } catch (e) {
        console.error(`${c.id}-${size} failed: ${e instanceof Error ? e.stack : String(e)}`);
      }
    }
  }
  console.log(`\n${table()}`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? `${e.name}: ${e.message}\n${e.stack}` : String(e));
  process.exit(1);
});
