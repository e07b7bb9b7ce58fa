// A real search (issue: @trainkit/hpo): learning rate, L2 strength and dropout of a small CNN on
// the embedded Fashion-MNIST subset, up to 9 epochs a trial, with ASHA pruning versus without.
// Both arms draw the same 24 parameter sets (random sampler, same seed), so the best accuracy
// can be compared and the time saved by pruning measured.
//   npx tsx --conditions=@trainkit/source examples/hpo-search.ts      (TRIALS=n, EPOCHS=n)
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { useFastBackend } from '@trainkit/backend';
import { pixelNormalization, splitDataset } from '@trainkit/data';
import { embeddedFashionMnist } from '@trainkit/data/node';
import {
  ashaPruner,
  createStudy,
  nopPruner,
  type Pruner,
  pruningListener,
  randomSampler,
} from '@trainkit/hpo';
import { sgd } from '@trainkit/optimizers';
import { l2 } from '@trainkit/regularizers';
import { accuracy, fit, softmaxCrossEntropy } from '@trainkit/train';

const TRIALS = Number(process.env.TRIALS ?? 24);
const EPOCHS = Number(process.env.EPOCHS ?? 9);

function cnn(dropout: number): tfl.LayersModel {
  return tfl.sequential({
    layers: [
      tfl.layers.conv2d({ inputShape: [28, 28, 1], filters: 8, kernelSize: 3, activation: 'relu' }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.conv2d({ filters: 16, kernelSize: 3, activation: 'relu' }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.flatten(),
      tfl.layers.dropout({ rate: dropout }),
      tfl.layers.dense({ units: 10 }),
    ],
  });
}

async function main() {
  const { name } = await useFastBackend('auto');
  const { train: all } = await embeddedFashionMnist();
  const { train, validation } = splitDataset(all.normalize(pixelNormalization({ mode: 'unit' })), {
    validation: 0.2,
    stratify: true,
    rng: 0,
  });
  const trainT = train.toTensors();
  const valT = validation.toTensors();
  const arms: [string, Pruner][] = [
    ['no pruning', nopPruner()],
    ['ASHA (min 1 epoch, eta 3)', ashaPruner({ minResource: 1, reductionFactor: 3 })],
  ];
  const results: string[] = [];
  for (const [label, pruner] of arms) {
    const study = await createStudy({
      direction: 'maximize',
      sampler: randomSampler(),
      pruner,
      seed: 7,
    });
    let epochsRun = 0;
    const t0 = performance.now();
    await study.optimize(
      async (trial) => {
        const lr = await trial.suggestFloat('learningRate', 1e-3, 1, { log: true });
        const lambda = await trial.suggestFloat('l2', 1e-6, 1e-1, { log: true });
        const dropout = await trial.suggestFloat('dropout', 0, 0.7);
        const model = cnn(dropout);
        try {
          const { history } = await fit(model, trainT, {
            loss: softmaxCrossEntropy(),
            metrics: [accuracy()],
            optimizer: sgd({ learningRate: lr, momentum: 0.9 }),
            penalties: [l2({ lambda, convention: 'half' })],
            epochs: EPOCHS,
            batchSize: 64,
            rng: 1,
            validationData: valT,
            listeners: [
              pruningListener(trial, { monitor: 'val_acc' }),
              { onEpochEnd: () => void epochsRun++ },
            ],
          });
          return history.at(-1)!.val_acc!;
        } finally {
          model.dispose();
        }
      },
      { nTrials: TRIALS },
    );
    const seconds = (performance.now() - t0) / 1000;
    const best = study.bestTrial!;
    const pruned = study.trials.filter((t) => t.state === 'pruned').length;
    results.push(
      `${label}: best val_acc ${best.values![0]!.toFixed(3)} (lr ${(best.params.learningRate as number).toExponential(2)}, ` +
        `l2 ${(best.params.l2 as number).toExponential(2)}, dropout ${(best.params.dropout as number).toFixed(2)}), ` +
        `${epochsRun} epochs trained, ${pruned} of ${TRIALS} trials pruned, ${seconds.toFixed(1)} s`,
    );
    console.log(results.at(-1));
  }
  console.log(
    `backend ${name}, ${TRIALS} trials x up to ${EPOCHS} epochs, ${train.size} train / ${validation.size} validation images`,
  );
  tf.dispose([trainT.x, trainT.y, valT.x, valT.y]);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? `${e.name}: ${e.message}` : String(e));
  process.exit(1);
});
