import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { ShapeError } from '@trainkit/core';
import { findLearningRate, softmaxCrossEntropy } from '@trainkit/train';
import type { Parsed } from '../args';
import { loadDataset } from '../datasets';
import { startBackend } from '../runtime';
import { UsageError } from '../usage-error';
import { writeFileAtomic, writeJsonAtomic } from '../write-atomic';
import { lrFindHtml, lrFindPng } from './lr-find-plot';
import {
  architectureOptions,
  buildModel,
  buildOptimizer,
  initialize,
  initializerName,
  penalties,
  prepareTrainingData,
  type TrainOptions,
} from './train-parts';

/** The options `lr-find` resolves: train's model and optimizer flags plus the sweep's. */
export interface LrFindOptions extends Omit<TrainOptions, 'lr' | 'schedule' | 'epochs'> {
  minLr: number;
  maxLr: number;
  steps: number;
  smoothing: number;
  divergence: number;
  out?: string;
}

const stamp = () => new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);

/** `trainkit lr-find`: the learning-rate range test on the training part of the data. */
export async function lrFindCommand(parsed: Parsed, log: (s: string) => void): Promise<number> {
  const o = parsed.options as unknown as LrFindOptions;
  if (!(o.maxLr > o.minLr)) {
    throw new UsageError(`--max-lr (${o.maxLr}) must exceed --min-lr (${o.minLr})`);
  }
  const dir = o.out ?? join('runs', `lr-find-${stamp()}`);
  const data = await loadDataset(o.dataset, {
    seed: o.seed,
    ...(o.dataDir === undefined ? {} : { dataDir: o.dataDir }),
    ...(o.csvShape === undefined ? {} : { csvShape: o.csvShape }),
  });
  await startBackend(o.backend, log);
  // As `trainkit train` splits: the sweep sees the training part only, normalised with its own
  // statistics, so the rate it suggests is the one that run would use on the same examples.
  const { train: trainDs, validation } = prepareTrainingData(data, o);
  const trainOptions = { ...o, lr: o.minLr, schedule: 'constant', epochs: 1 } as TrainOptions;
  const archOptions = architectureOptions(trainOptions, trainDs.shape, trainDs.numClasses);
  let model: ReturnType<typeof buildModel>;
  try {
    model = buildModel(o.arch, archOptions);
  } catch (e) {
    if (!(e instanceof ShapeError)) throw e;
    throw new ShapeError(
      `the examples of ${data.name} ([${trainDs.shape.join(', ')}]) do not fit ${o.arch}: ${e.message}`,
      { argument: '--dataset', cause: e },
    );
  }
  const t = trainDs.toTensors();
  try {
    const initName = initializerName(o.init, o.arch, archOptions);
    initialize(model, initName, o.seed);
    log(
      `lr-find: ${o.arch} on ${data.name} (${trainDs.size} training examples${validation ? `, ${validation.size} held out` : ''}), ${o.optimizer}, batch ${o.batchSize}, rates ${o.minLr} to ${o.maxLr} over ${o.steps} steps`,
    );
    const t0 = performance.now();
    const r = await findLearningRate(model, t, {
      loss: softmaxCrossEntropy(),
      // The optimizer train would build, with the sweep's schedule as its learning rate.
      optimizer: (learningRate) => buildOptimizer(trainOptions, 1, 1, learningRate),
      minLearningRate: o.minLr,
      maxLearningRate: o.maxLr,
      steps: o.steps,
      batchSize: o.batchSize,
      smoothing: o.smoothing,
      divergenceThreshold: o.divergence,
      penalties: penalties(trainOptions),
      rng: o.seed,
    });
    const seconds = (performance.now() - t0) / 1000;
    const fmt = (v: number) => Number(v.toPrecision(3));
    writeJsonAtomic(join(dir, 'lr-find.json'), {
      kind: 'trainkit.lrFind',
      version: 1,
      options: o,
      sizes: { train: trainDs.size, validation: validation?.size ?? 0 },
      seconds,
      ...r,
    });
    writeFileAtomic(join(dir, 'lr-find.png'), lrFindPng(r));
    const html = writeFileAtomic(
      join(dir, 'lr-find.html'),
      lrFindHtml(r, `trainkit lr-find: ${o.arch}, ${o.optimizer}, ${data.name}`),
    );
    log(
      `${r.learningRates.length} steps in ${seconds.toFixed(1)} s, ${r.stopReason === 'diverged' ? `diverged at lr ${fmt(r.learningRates.at(-1)!)}` : 'no divergence up to --max-lr'}`,
    );
    log(
      `suggested learning rate ${fmt(r.suggestedLearningRate)} (a tenth of the smoothed loss's minimum at ${fmt(r.minimumLossLearningRate)}); steepest descent at ${fmt(r.steepestLearningRate)} (a maximal rate for --schedule one-cycle)`,
    );
    log(
      `train with: trainkit train --optimizer ${o.optimizer} --lr ${fmt(r.suggestedLearningRate)}`,
    );
    log(`plot: ${resolve(html)}`);
    return 0;
  } finally {
    tf.dispose([t.x, t.y]);
    model.dispose();
  }
}
