import { mkdirSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { ShapeError, toRng } from '@trainkit/core';
import {
  averageViews,
  type ImageFolder,
  type ImageRecipe,
  type InputNormalizationName,
  inputNormalization,
  randomResizedCrop,
  resizeCenterCrop,
  resizeImage,
  tenCrop,
} from '@trainkit/data';
import { IMAGE_EXTENSIONS, imageFolder } from '@trainkit/data/node';
import { adam, multiplyLearningRates } from '@trainkit/optimizers';
import { accuracy, fit, softmaxCrossEntropy } from '@trainkit/train';
import {
  earlierLayer,
  freezeLayers,
  measureSimilarity,
  type PretrainedInfo,
  recommendStrategy,
  reinitialize,
  replaceHead,
  type TransferPlan,
} from '@trainkit/transfer';
import { saveModelToPath } from '@trainkit/transfer/node';
import type { Parsed } from '../args';
import { UsageError } from '../usage-error';

/** Is `path` a folder of class subfolders holding images (rather than IDX / CIFAR / CSV files)? */
export function isImageFolder(path: string): boolean {
  try {
    if (!statSync(path).isDirectory()) return false;
    for (const d of readdirSync(path, { withFileTypes: true })) {
      if (!d.isDirectory() || d.name.startsWith('.')) continue;
      const inside = readdirSync(join(path, d.name));
      if (
        inside.some((f) =>
          (IMAGE_EXTENSIONS as readonly string[]).includes(extname(f).toLowerCase()),
        )
      ) {
        return true;
      }
    }
  } catch {
    return false;
  }
  return false;
}

/** A confusion matrix: `matrix[t][p]` counts images of class `t` predicted as `p`. */
export function confusionMatrix(
  truth: ArrayLike<number>,
  predicted: ArrayLike<number>,
  k: number,
): number[][] {
  const m = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < truth.length; i++) m[truth[i]!]![predicted[i]!]!++;
  return m;
}

/** The matrix as aligned text, rows = true class, columns = predicted. */
export function formatConfusion(m: number[][], names: readonly string[]): string[] {
  const w =
    Math.max(6, ...names.map((n) => n.length), ...m.flat().map((v) => String(v).length)) + 1;
  const pad = (s: string) => s.padStart(w);
  return [
    `${pad('true\\pred')}${names.map(pad).join('')}`,
    ...m.map((row, t) => `${pad(names[t]!)}${row.map((v) => pad(String(v))).join('')}`),
  ];
}

function writeAtomic(path: string, text: string): void {
  const tmp = `${path}.part-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

const esc = (s: string) =>
  s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

interface Misclassified {
  file: string;
  trueClass: string;
  predicted: string;
  confidence: number;
}

/**
 * The transfer workflow on a folder of images (one subfolder per class): seeded stratified
 * train / test split, similarity probes and the advisor's plan, training streamed from the files,
 * test accuracy (optionally with ten-crop TTA), and a report with the confusion matrix and the
 * misclassified images. `source` is disposed by the caller.
 */
export async function transferImages(
  parsed: Parsed,
  log: (s: string) => void,
  source: tfl.LayersModel,
  info: PretrainedInfo | undefined,
): Promise<number> {
  const o = parsed.options;
  const seed = o.seed as number;
  const inShape = source.inputs[0]?.shape.slice(1) as number[];
  if (
    inShape.length !== 3 ||
    inShape.some((d) => d === null) ||
    (inShape[2] !== 1 && inShape[2] !== 3)
  ) {
    throw new ShapeError('the model does not take fixed-size grey or RGB images', {
      argument: '<model>',
      expected: 'an input of shape [null, h, w, 1 or 3]',
      receivedText: JSON.stringify(source.inputs[0]?.shape),
    });
  }
  const [h, w, c] = inShape as [number, number, 1 | 3];
  const normName =
    (o.normalization as InputNormalizationName | undefined) ?? info?.normalization ?? 'unit';
  const normalization = inputNormalization(normName);
  const resize = Math.round((Math.min(h, w) * 256) / 224);
  const evalRecipe: ImageRecipe =
    info?.resize === 'center-crop'
      ? resizeCenterCrop({ resize, crop: [h, w] })
      : resizeImage({ size: [h, w] });
  const folder = await imageFolder(o.dataset as string, {
    recipe: evalRecipe,
    channels: c,
    onError: o.skipCorrupt ? 'skip' : 'throw',
  });
  const { train: all, test: allTest } = folder.split({
    test: o.testSplit as number,
    stratify: true,
    rng: seed,
  });
  // --limit / --test-limit / the probe sample: a seeded random subset (a split lists classes in order)
  const limit = (f: ImageFolder<string>, n: number | undefined) =>
    n === undefined || n >= f.size ? f : f.subset(toRng(seed).permutation(f.size).slice(0, n));
  const train = limit(all, o.limit as number | undefined);
  const test = limit(allTest, o.testLimit as number | undefined);
  const names = folder.classNames;
  const k = folder.numClasses;
  if (k < 2)
    throw new UsageError(`--dataset: ${o.dataset} holds one class; transfer needs at least two`);
  log(
    `data: image folder ${o.dataset}, ${k} classes (${names.join(', ')}), ${train.size} train / ${test.size} test images, resized to ${h}x${w}x${c}, normalisation ${normName}`,
  );
  log(
    `source model: ${info ? `${info.name} (${info.dataset}, ${info.licence})` : source.name}, ${source.layers.length} layers, input [${h}, ${w}, ${c}]`,
  );

  let strategy = o.strategy as string;
  let plan: TransferPlan | undefined;
  const toDispose: { dispose(): void }[] = [];
  try {
    if (strategy === 'auto') {
      const given = o.similarity as string | undefined;
      let similarity: Parameters<typeof recommendStrategy>[0]['similarity'];
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
      } else {
        const probeSet = await limit(train, o.probeSize as number).toDataset({ rng: seed });
        const raw = probeSet.toTensors();
        const x = normalization.applyTensor(raw.x);
        tf.dispose(raw.x);
        try {
          const sim = measureSimilarity(
            source,
            { x, y: raw.y },
            info?.topLayer
              ? { seed, topLayer: info.topLayer, layers: [earlierLayer(source), info.topLayer] }
              : { seed },
          );
          log(
            `similarity probes (${probeSet.size} images): ${sim.probes.map((p) => `${p.layer} ${p.accuracy.toFixed(2)}`).join(', ')} -> score ${sim.score.toFixed(2)}, ${sim.verdict}`,
          );
          similarity = sim;
        } finally {
          tf.dispose([x, raw.y]);
        }
      }
      plan = recommendStrategy({
        targetSize: Math.max(1, Math.floor(train.size / k)),
        similarity,
        model: source,
        epochs: o.epochs as number,
      });
      strategy = plan.strategy.startsWith('linear') ? 'features' : 'finetune';
      log(
        `advisor: case ${plan.case} -> ${plan.strategy} (${strategy}${plan.layerName ? ` from layer ${plan.layerName}` : ''})`,
      );
      log(`  why: ${plan.reason}`);
    }
    let body = source;
    if (strategy === 'scratch') {
      body = await reinitialize(source, { seed });
      toDispose.push(body);
    }
    const layer =
      (o.layer as string | undefined) ?? (strategy === 'features' ? plan?.layerName : undefined);
    const cut = layer ?? info?.topLayer ?? body.layers[Math.max(0, body.layers.length - 2)]!.name;
    if (!body.layers.some((l) => l.name === cut)) {
      throw new UsageError(
        `--layer: no layer '${cut}' in the model (layers: ${body.layers.map((l) => l.name).join(', ')})`,
      );
    }
    // A spatial cut point wider than 20,000 values (14x14x512 at 224x224) is average-pooled, as
    // the ImageNet networks' own heads and the probes (maxFeatures) do; smaller ones are flattened.
    const cutShape = body.layers.find((l) => l.name === cut)!.outputShape as number[];
    const wide = cutShape.length === 4 && cutShape.slice(1).reduce((a, b) => a * b, 1) > 20000;
    const net = replaceHead(body, k, { cutAt: cut, name: 'head', pool: wide ? 'avg' : 'flatten' });
    toDispose.push(net);
    let multiplier = 1;
    if (strategy === 'features') {
      freezeLayers(net, { to: net.layers.findIndex((l) => l.name === cut) });
      multiplier = 0;
    } else if (strategy === 'finetune') {
      multiplier = (o.baseLrMultiplier as number | undefined) ?? plan?.baseLrMultiplier ?? 0.1;
    }
    log(
      `strategy ${strategy}: new ${k}-way head after '${cut}'${wide ? ' (global average pooling)' : ''}${strategy === 'features' ? ', body frozen' : `, body lr x${multiplier}`}${o.augment ? ', random resized crops + flips' : ''}`,
    );
    const inner = adam({ learningRate: o.lr as number });
    const optimizer =
      strategy === 'finetune' && multiplier !== 1
        ? multiplyLearningRates({ 'head_*/**': 1, '**': multiplier }, inner)
        : inner;
    const trainRecipe = o.augment ? randomResizedCrop({ size: [h, w] }) : evalRecipe;
    let epoch = 0;
    const t0 = performance.now();
    const result = await fit(
      net,
      () =>
        train.batches(o.batchSize as number, {
          shuffle: true,
          rng: seed + 1000 * ++epoch,
          keep: true,
          normalization,
          recipe: trainRecipe,
        }),
      {
        loss: softmaxCrossEntropy(),
        metrics: [accuracy()],
        optimizer,
        epochs: o.epochs as number,
        // the batches' size, for fit's memory check (the batches come from the files)
        batchSize: o.batchSize as number,
        accumulateSteps: o.accumulateSteps as number,
        rng: seed,
        progress: process.stdout.isTTY === true && !process.env.CI,
        listeners: [
          {
            onEpochEnd: (e) =>
              log(
                `epoch ${e.epoch + 1}/${o.epochs}: ${Object.entries(e.logs)
                  .map(([key, v]) => `${key} ${v.toFixed(4)}`)
                  .join('  ')}`,
              ),
          },
        ],
      },
    );
    const trainSeconds = (performance.now() - t0) / 1000;

    // Test: predictions streamed from the files; ten views per image averaged with --tta.
    const tta = o.tta === 'ten-crop';
    const testRecipe = tta ? tenCrop({ resize, crop: [h, w] }) : evalRecipe;
    const truth: number[] = [];
    const predicted: number[] = [];
    const wrong: Misclassified[] = [];
    for await (const b of test.batches(o.batchSize as number, {
      normalization,
      recipe: testRecipe,
    })) {
      const probs = tf.tidy(() => {
        const p = tf.softmax(net.predict(b.x) as tf.Tensor2D);
        return b.views > 1 ? averageViews(p, b.views) : p;
      });
      const values = (await probs.array()) as number[][];
      probs.dispose();
      values.forEach((row, r) => {
        const i = b.indices[r]!;
        const t = test.labels[i]!;
        const p = row.indexOf(Math.max(...row));
        truth.push(t);
        predicted.push(p);
        if (p !== t) {
          wrong.push({
            file: test.describe(i),
            trueClass: names[t]!,
            predicted: names[p]!,
            confidence: row[p]!,
          });
        }
      });
    }
    const matrix = confusionMatrix(truth, predicted, k);
    const correct = truth.filter((t, i) => t === predicted[i]).length;
    const testAccuracy = truth.length > 0 ? correct / truth.length : Number.NaN;
    log(
      `trained ${result.step} steps in ${trainSeconds.toFixed(1)} s; test accuracy ${testAccuracy.toFixed(4)} (${correct}/${truth.length}${tta ? ', ten-crop TTA' : ''})`,
    );
    log('confusion matrix (rows: true class, columns: predicted):');
    for (const line of formatConfusion(matrix, names)) log(`  ${line}`);
    wrong.sort((a, b) => b.confidence - a.confidence);
    if (wrong.length > 0) {
      log(`misclassified (${wrong.length}, most confident first):`);
      for (const m of wrong.slice(0, 10)) {
        log(`  ${m.file}: ${m.trueClass} -> ${m.predicted} (${(m.confidence * 100).toFixed(0)}%)`);
      }
    }
    if (folder.skipped.length > 0) {
      log(`skipped ${folder.skipped.length} unreadable file(s):`);
      for (const s of folder.skipped) log(`  ${s.source}: ${s.reason}`);
    }
    const out = o.out as string | undefined;
    if (out) {
      mkdirSync(out, { recursive: true });
      await saveModelToPath(net, join(out, 'model'));
      const report = {
        dataset: resolve(o.dataset as string),
        model: info?.name ?? (parsed.positionals[0] as string),
        classNames: names,
        trainImages: train.size,
        testImages: test.size,
        strategy,
        plan,
        cut,
        normalization: normName,
        augment: o.augment === true,
        tta: tta ? 'ten-crop' : 'none',
        testAccuracy,
        confusionMatrix: matrix,
        misclassified: wrong,
        skipped: folder.skipped,
        trainSeconds,
      };
      writeAtomic(join(out, 'result.json'), `${JSON.stringify(report, null, 2)}\n`);
      writeAtomic(join(out, 'report.html'), reportHtml(report));
      log(`report: ${resolve(out, 'report.html')}`);
      log(`model: ${resolve(out, 'model', 'model.json')}`);
    }
    return 0;
  } finally {
    for (const d of toDispose.reverse()) {
      try {
        d.dispose();
      } catch {
        // a head model shares its body's layers; the body may already be gone
      }
    }
  }
}

function reportHtml(r: {
  dataset: string;
  model: string;
  classNames: readonly string[];
  strategy: string;
  plan: TransferPlan | undefined;
  testAccuracy: number;
  testImages: number;
  confusionMatrix: number[][];
  misclassified: Misclassified[];
  skipped: { source: string; reason: string }[];
}): string {
  const head = `<tr><th>true \\ predicted</th>${r.classNames.map((n) => `<th>${esc(n)}</th>`).join('')}</tr>`;
  const rows = r.confusionMatrix
    .map(
      (row, t) =>
        `<tr><th>${esc(r.classNames[t]!)}</th>${row.map((v, p) => `<td${p === t ? ' class="d"' : ''}>${v}</td>`).join('')}</tr>`,
    )
    .join('\n');
  const wrong = r.misclassified
    .map(
      (m) =>
        `<figure><img src="${esc(`file://${resolve(m.file)}`)}" alt="${esc(m.file)}" width="112"><figcaption>${esc(m.trueClass)} &rarr; ${esc(m.predicted)} (${(m.confidence * 100).toFixed(0)}%)<br><small>${esc(m.file)}</small></figcaption></figure>`,
    )
    .join('\n');
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>trainkit transfer: ${esc(r.model)}</title>
<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}td.d{background:#dfd}figure{display:inline-block;margin:6px;width:150px;vertical-align:top}small{word-break:break-all}</style>
</head><body>
<h1>${esc(r.model)} on ${esc(r.dataset)}</h1>
<p>Strategy <b>${esc(r.strategy)}</b>${r.plan ? ` (advisor: case ${esc(r.plan.case)}; ${esc(r.plan.reason)})` : ''}.</p>
<p>Test accuracy <b>${(r.testAccuracy * 100).toFixed(1)}%</b> on ${r.testImages} images.</p>
<h2>Confusion matrix</h2>
<table>${head}
${rows}</table>
<h2>Misclassified images (${r.misclassified.length})</h2>
${wrong || '<p>none</p>'}
${r.skipped.length ? `<h2>Skipped files (${r.skipped.length})</h2><ul>${r.skipped.map((s) => `<li>${esc(s.source)}: ${esc(s.reason)}</li>`).join('')}</ul>` : ''}
</body></html>
`;
}
