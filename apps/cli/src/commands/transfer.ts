import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { ShapeError } from '@trainkit/core';
import { writeFileAtomic } from '@trainkit/core/node';
import { pixelNormalization } from '@trainkit/data';
import { adam, multiplyLearningRates } from '@trainkit/optimizers';
import { accuracy, evaluate, fit, softmaxCrossEntropy } from '@trainkit/train';
import * as transferPkg from '@trainkit/transfer';
import {
  freezeLayers,
  type PretrainedInfo,
  recommendStrategy,
  reinitialize,
  replaceHead,
  type TransferPlan,
} from '@trainkit/transfer';
import { loadModelFromPath, loadPretrained, saveModelToPath } from '@trainkit/transfer/node';
import type { Parsed } from '../args';
import { loadDataset } from '../datasets';
import { startBackend } from '../runtime';
import { UsageError } from '../usage-error';
import { namingTheFlag, TRAINING_FLAGS } from './flag-errors';
import { isImageFolder, transferImages } from './transfer-images';

/** Resizes images and converts grey <-> RGB so they fit the model's input. Caller owns the result. */
export function adaptImages(x: tf.Tensor4D, target: [number, number, number]): tf.Tensor4D {
  return tf.tidy(() => {
    const [h, w, c] = target;
    let y: tf.Tensor4D = x;
    if (x.shape[1] !== h || x.shape[2] !== w) y = tf.image.resizeBilinear(y, [h, w]);
    const have = y.shape[3];
    if (have !== c) {
      if (have === 1) y = tf.tile(y, [1, 1, 1, c]);
      else if (c === 1) y = tf.mean(y, 3, true);
      else {
        throw new ShapeError('cannot convert the dataset channels to the model input', {
          argument: '--dataset',
          expected: `${c} channels (or 1 or 3, converted)`,
          receivedText: `${have} channels`,
        });
      }
    }
    return y === x ? tf.clone(x) : y;
  });
}

function modelPath(p: string): string {
  if (existsSync(join(p, 'model', 'model.json'))) return join(p, 'model');
  return p;
}

interface SimilarityLike {
  score: number;
  verdict: string;
  reason: string;
}

export async function transferCommand(parsed: Parsed, log: (s: string) => void): Promise<number> {
  try {
    return await transferRun(parsed, log);
  } catch (e) {
    throw namingTheFlag(e, TRAINING_FLAGS);
  }
}

async function transferRun(parsed: Parsed, log: (s: string) => void): Promise<number> {
  const o = parsed.options;
  await startBackend(o.backend as 'auto', log);
  const spec = parsed.positionals[0] as string;
  let source: tfl.LayersModel;
  let info: PretrainedInfo | undefined;
  if (existsSync(spec) || !(/^https?:\/\//.test(spec) || /^[a-z0-9][a-z0-9._-]*$/.test(spec))) {
    source = await loadModelFromPath(modelPath(spec));
  } else {
    // a registry name (darknet-tiny) or a model.json URL: from the cache, else downloaded
    const loaded = await loadPretrained(spec, {
      ...(o.cacheDir === undefined ? {} : { cacheDir: o.cacheDir as string }),
      offline: o.offline === true,
    });
    source = loaded.model;
    info = loaded.info;
    log(
      `pretrained: ${spec} ${loaded.fromCache ? 'from the cache' : 'downloaded'} (${loaded.dir})`,
    );
  }
  if (isImageFolder(o.dataset as string)) {
    try {
      return await transferImages(parsed, log, source, info);
    } finally {
      try {
        source.dispose();
      } catch {
        // the new model shared (and disposed) the source's layers
      }
    }
  }
  const inShape = source.inputs[0]?.shape.slice(1) as number[];
  if (inShape.length !== 3 || inShape.some((d) => d === null)) {
    source.dispose();
    throw new ShapeError('the model does not take fixed-size images', {
      argument: '<model>',
      expected: 'an input of shape [null, h, w, c]',
      receivedText: JSON.stringify(source.inputs[0]?.shape),
    });
  }
  const seed = o.seed as number;
  const data = await loadDataset(o.dataset as string, {
    seed,
    ...(o.dataDir === undefined ? {} : { dataDir: o.dataDir as string }),
    ...(o.csvShape === undefined ? {} : { csvShape: o.csvShape as number[] }),
  });
  const pick = (ds: typeof data.train, n: number | undefined) =>
    n === undefined || n >= ds.size
      ? ds
      : ds.shuffle(seed).subset(Array.from({ length: n }, (_, i) => i));
  const norm = pixelNormalization({ mode: 'unit', maxValue: data.maxValue });
  const trainDs = pick(data.train, o.limit as number | undefined).normalize(norm);
  const testDs = pick(data.test, o.testLimit as number | undefined).normalize(norm);
  if (trainDs.shape.length !== 3) {
    source.dispose();
    throw new ShapeError('the dataset does not hold images', {
      argument: '--dataset',
      expected: 'examples [h, w, c] (pass --csv-shape for CSV data)',
      receivedText: `[${trainDs.shape.join(', ')}]`,
    });
  }
  const target = inShape as [number, number, number];
  const raw = trainDs.toTensors();
  const rawTest = testDs.toTensors();
  const train = { x: adaptImages(raw.x as tf.Tensor4D, target), y: raw.y };
  const test = { x: adaptImages(rawTest.x as tf.Tensor4D, target), y: rawTest.y };
  tf.dispose([raw.x, rawTest.x]);
  const numClasses = trainDs.numClasses;
  log(
    `data: ${data.name}, ${trainDs.size} train / ${testDs.size} test, ${numClasses} classes${JSON.stringify(trainDs.shape) !== JSON.stringify(target) ? `, images adapted [${trainDs.shape.join(', ')}] -> [${target.join(', ')}]` : ''}`,
  );
  log(`source model: ${source.name}, ${source.layers.length} layers, input [${target.join(', ')}]`);

  let strategy = o.strategy as string;
  let plan: TransferPlan | undefined;
  const toDispose: { dispose(): void }[] = [source];
  try {
    if (strategy === 'auto') {
      const perClass = Math.max(1, Math.floor(trainDs.size / numClasses));
      let similarity: 'similar' | 'different' | number | SimilarityLike;
      const given = o.similarity as string | undefined;
      const measure = (
        transferPkg as unknown as {
          measureSimilarity?: (
            m: tfl.LayersModel,
            d: { x: tf.Tensor; y: tf.Tensor },
            opts: { seed: number },
          ) => SimilarityLike;
        }
      ).measureSimilarity;
      if (given !== undefined) {
        const n = Number(given);
        if (
          given !== 'similar' &&
          given !== 'different' &&
          !(Number.isFinite(n) && n >= 0 && n <= 1)
        ) {
          throw new UsageError(
            `invalid value for --similarity: "${given}" (expected similar, different or a number in [0, 1])`,
          );
        }
        similarity = given === 'similar' || given === 'different' ? given : n;
      } else if (typeof measure === 'function') {
        const sim = measure(source, train, { seed });
        log(`similarity (linear probes): ${sim.score.toFixed(2)} -> ${sim.verdict}`);
        similarity = sim;
      } else {
        similarity = 'similar';
        log("similarity: assumed 'similar' (pass --similarity similar|different|0..1)");
      }
      plan = recommendStrategy({
        targetSize: perClass,
        similarity: similarity as 'similar',
        model: source,
      });
      strategy = plan.strategy.startsWith('linear') ? 'features' : 'finetune';
      log(
        `advisor: case ${plan.case} -> ${plan.strategy} (${strategy}${plan.layerName ? ` from layer ${plan.layerName}` : ''})`,
      );
      log(`  why: ${plan.reason}`);
    }
    let body = source;
    if (strategy === 'scratch') {
      // Same architecture, fresh seeded weights from each layer's own initializer.
      body = await reinitialize(source, { seed });
      toDispose.push(body);
    }
    const layer =
      (o.layer as string | undefined) ?? (strategy === 'features' ? plan?.layerName : undefined);
    const cut = layer ?? body.layers[Math.max(0, body.layers.length - 2)]!.name;
    if (!body.layers.some((l) => l.name === cut)) {
      throw new UsageError(
        `--layer: no layer '${cut}' in the model (layers: ${body.layers.map((l) => l.name).join(', ')})`,
      );
    }
    const net = replaceHead(body, numClasses, { cutAt: cut, name: 'head' });
    toDispose.push(net);
    const cutIndex = net.layers.findIndex((l) => l.name === cut);
    let multiplier = 1;
    if (strategy === 'features') {
      freezeLayers(net, { to: cutIndex });
      multiplier = 0;
    } else if (strategy === 'finetune') {
      multiplier = (o.baseLrMultiplier as number | undefined) ?? plan?.baseLrMultiplier ?? 0.1;
    }
    log(
      `strategy ${strategy}: new ${numClasses}-way head after '${cut}'${strategy === 'features' ? ', body frozen' : `, body lr x${multiplier}`}`,
    );
    const inner = adam({ learningRate: o.lr as number });
    const optimizer =
      strategy === 'finetune' && multiplier !== 1
        ? multiplyLearningRates({ 'head_*/**': 1, '**': multiplier }, inner)
        : inner;
    const t0 = performance.now();
    const result = await fit(net, train, {
      loss: softmaxCrossEntropy(),
      metrics: [accuracy()],
      optimizer,
      epochs: o.epochs as number,
      batchSize: o.batchSize as number,
      accumulateSteps: o.accumulateSteps as number,
      rng: seed,
      progress: process.stdout.isTTY === true && !process.env.CI,
      listeners: [
        {
          onEpochEnd: (e) =>
            log(
              `epoch ${e.epoch + 1}/${o.epochs}: ${Object.entries(e.logs)
                .map(([k, v]) => `${k} ${v.toFixed(4)}`)
                .join('  ')}`,
            ),
        },
      ],
    });
    const scores = await evaluate(net, test, {
      loss: softmaxCrossEntropy(),
      metrics: [accuracy()],
    });
    const seconds = (performance.now() - t0) / 1000;
    log(
      `trained ${result.step} steps in ${seconds.toFixed(1)} s; test accuracy ${scores.acc?.toFixed(4)} (test loss ${scores.loss?.toFixed(4)})`,
    );
    const out = o.out as string | undefined;
    if (out) {
      mkdirSync(out, { recursive: true });
      await saveModelToPath(net, join(out, 'model'));
      writeFileAtomic(
        join(out, 'result.json'),
        `${JSON.stringify({ strategy, plan, cut, testAccuracy: scores.acc, testLoss: scores.loss, seconds }, null, 2)}\n`,
      );
      log(`model: ${resolve(out, 'model', 'model.json')}`);
    }
    return 0;
  } finally {
    tf.dispose([train.x, train.y, test.x, test.y]);
    for (const d of toDispose.reverse()) {
      try {
        d.dispose();
      } catch {
        // a head model shares its body's layers; the body may already be gone
      }
    }
  }
}
