// The main job: train LeNet-5 on the Fashion-MNIST subset shipped inside @trainkit/data for one
// epoch on the CPU, with the fast kernels of @trainkit/backend, and print loss, accuracy and what
// the monitors say.   pnpm --filter @trainkit/examples start   (EPOCHS=n for more; the root
// `pnpm start` runs the same job through the CLI: trainkit train)
import * as tf from '@tensorflow/tfjs-core';
import { lenet5, summary } from '@trainkit/architectures';
import { useFastBackend } from '@trainkit/backend';
import { pixelNormalization, splitDataset } from '@trainkit/data';
import { embeddedFashionMnist } from '@trainkit/data/node';
import { consoleSink, diagnose, monitor } from '@trainkit/monitors';
import { adam } from '@trainkit/optimizers';
import { accuracy, evaluate, fit, softmaxCrossEntropy } from '@trainkit/train';

async function main(): Promise<void> {
  const epochs = Number(process.env.EPOCHS ?? 1);
  const backend = await useFastBackend('auto');
  console.log(`backend: ${backend.name} (${backend.environment})`);

  const { train: all, test } = await embeddedFashionMnist();
  const norm = pixelNormalization({ mode: 'unit' });
  const { train, validation } = splitDataset(all.normalize(norm), {
    validation: 0.1,
    stratify: true,
    rng: 0,
  });
  console.log(
    `data: embedded Fashion-MNIST subset, ${train.size} train / ${validation.size} validation / ${test.size} test`,
  );

  const model = lenet5({
    inputShape: [28, 28, 1],
    numClasses: 10,
    variant: 'modern',
    outputActivation: 'linear',
  });
  console.log(
    `model: LeNet-5 (relu / max-pool), ${summary(model).totals.params.toLocaleString('en')} parameters`,
  );

  const trainT = train.toTensors();
  const valT = validation.toTensors();
  const testT = test.normalize(norm).toTensors();
  const mon = monitor({ every: 10, sinks: [consoleSink({ every: 20, diagnose: false })] });
  const t0 = performance.now();
  const result = await fit(model, trainT, {
    loss: softmaxCrossEntropy(),
    metrics: [accuracy()],
    optimizer: adam({ learningRate: 2e-3 }),
    epochs,
    batchSize: 32,
    rng: 42,
    validationData: valT,
    listeners: [mon],
  });
  const seconds = (performance.now() - t0) / 1000;
  const scores = await evaluate(model, testT, {
    loss: softmaxCrossEntropy(),
    metrics: [accuracy()],
  });
  const last = result.history.at(-1) ?? {};
  console.log(
    `trained ${result.step} steps in ${seconds.toFixed(1)} s: train loss ${last.loss?.toFixed(4)}, ` +
      `train accuracy ${last.acc?.toFixed(3)}, validation accuracy ${last.val_acc?.toFixed(3)}`,
  );
  console.log(`test loss ${scores.loss?.toFixed(4)}, test accuracy ${scores.acc?.toFixed(3)}`);
  const findings = diagnose(mon.run);
  console.log(
    findings.length
      ? findings.map((f) => `diagnosis [${f.severity}] ${f.message}`).join('\n')
      : 'diagnosis: nothing unusual in the curves',
  );
  tf.dispose([trainT.x, trainT.y, valT.x, valT.y, testT.x, testT.y]);
  model.dispose();
}

// The wasm backend rethrows unhandled rejections from its own source; print our message instead.
main().catch((e: unknown) => {
  console.error(e instanceof Error ? `${e.name}: ${e.message}` : String(e));
  process.exit(1);
});
