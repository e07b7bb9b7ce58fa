// Issue 17 item: "fine-tuning at 224x224 on the wasm backend crashes with `RuntimeError: null
// function or function signature mismatch`" (packages/transfer README, Darknet-tiny -> CIFAR-10
// at 224x224, row (c), batch 32). Minimal reproduction: one `trainOnBatch` of the pretrained
// Darknet-tiny (../shared/models) at 224x224 on wasm + trainkit's kernels, at the batch sizes
// given, printing the wasm heap after the step (or where it failed) beside the sum of the
// layer outputs (the activations a backward pass must keep).
//   npx tsx --conditions=@trainkit/source finetune-224-heap.ts [batch ...]   (default 8 16 32)
// Each batch size runs in a fresh process: a failed step leaves the wasm heap corrupt.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { installFastKernels } from '@trainkit/backend';

const dir = new URL('../../shared/models/darknet-tiny/', import.meta.url).pathname;
const heap = () =>
  (tf.engine().backend as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.length;
const gb = (b: number) => `${(b / 2 ** 30).toFixed(2)} GiB`;

async function one(batch: number): Promise<void> {
  installFastKernels('wasm');
  await tf.setBackend('wasm');
  const json = JSON.parse(readFileSync(`${dir}model.json`, 'utf8'));
  const groups = json.weightsManifest as {
    paths: string[];
    weights: tf.io.WeightsManifestEntry[];
  }[];
  const bytes = Buffer.concat(groups.flatMap((g) => g.paths.map((p) => readFileSync(dir + p))));
  const model = await tfl.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs: groups.flatMap((g) => g.weights),
      weightData: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length),
    }),
  );
  let activations = 0;
  for (const l of model.layers)
    activations += (l.outputShape as number[]).slice(1).reduce((a, c) => a * c, 4 * batch);
  model.compile({ optimizer: tf.train.adam(1e-4), loss: 'categoricalCrossentropy' });
  const x = tf.randomUniform([batch, 224, 224, 3]);
  const y = tf.oneHot(tf.randomUniformInt([batch], 0, 1000, 1), 1000);
  // The kernel running when it fails (the wasm trap names no kernel).
  const engine = tf.engine() as unknown as { runKernel: (...a: unknown[]) => unknown };
  const run = engine.runKernel.bind(engine);
  let last = '';
  engine.runKernel = (name, inputs, attrs) => {
    last = `${name} ${JSON.stringify(Object.values(inputs as object).map((t) => (t as tf.Tensor)?.shape))}`;
    return run(name, inputs, attrs);
  };
  const head = `batch ${batch}: layer outputs ${gb(activations)}`;
  try {
    await model.trainOnBatch(x, y);
    console.log(
      `${head}, step ok, wasm heap after the step ${gb(heap())} (${(heap() / activations).toFixed(1)}x the layer outputs)`,
    );
  } catch (e) {
    console.log(
      `${head}, FAILED: ${(e as Error).message} in ${last}; wasm heap ${heap()} bytes (max 4294901760), live tensors ${gb(tf.memory().numBytes)}`,
    );
  }
}

const arg = process.argv.slice(2).map(Number);
if (!existsSync(dir)) console.log(`skipped: no ${dir}`);
else if (process.env.FT224_CHILD) await one(arg[0] as number);
else
  for (const b of arg.length ? arg : [8, 16, 32]) {
    const r = spawnSync(
      process.execPath,
      [...process.execArgv, process.argv[1] as string, String(b)],
      {
        encoding: 'utf8',
        env: { ...process.env, FT224_CHILD: '1' },
      },
    );
    process.stdout.write(r.stdout || r.stderr.split('\n').slice(0, 3).join('\n'));
  }
