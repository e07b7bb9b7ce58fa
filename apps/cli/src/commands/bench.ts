import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { lenet5, smallResnet } from '@trainkit/architectures';
import { median } from '@trainkit/monitors';
import { sgd } from '@trainkit/optimizers';
import { fit, softmaxCrossEntropy } from '@trainkit/train';
import type { Parsed } from '../args';
import { startBackend } from '../runtime';
import { UsageError } from '../usage-error';

const MODELS: Record<
  string,
  { build: () => tfl.LayersModel; shape: [number, number, number]; label: string }
> = {
  lenet: {
    build: () =>
      lenet5({
        inputShape: [28, 28, 1],
        numClasses: 10,
        variant: 'modern',
        outputActivation: 'linear',
      }),
    shape: [28, 28, 1],
    label: 'LeNet-5 28x28x1',
  },
  resnet: {
    build: () =>
      smallResnet({ inputShape: [32, 32, 3], numClasses: 10, outputActivation: 'linear' }),
    shape: [32, 32, 3],
    label: 'small ResNet 32x32x3',
  },
};

/** Median ms of `steps` SGD steps (each step awaited), after one warm-up step. */
async function timeTfjs(name: string, steps: number, batch: number): Promise<number[]> {
  const spec = MODELS[name]!;
  const model = spec.build();
  const x = tf.randomNormal([batch, ...spec.shape], 0, 1, 'float32', 1);
  const y = tf.tensor1d(
    Array.from({ length: batch }, (_, i) => i % 10),
    'int32',
  );
  const times: number[] = [];
  try {
    for (let i = 0; i <= steps; i++) {
      const t0 = performance.now();
      await fit(
        model,
        { x, y },
        {
          loss: softmaxCrossEntropy(),
          optimizer: sgd({ learningRate: 0.01 }),
          epochs: 1,
          batchSize: batch,
          shuffle: false,
          progress: false,
        },
      );
      if (i > 0) times.push(performance.now() - t0);
    }
  } finally {
    tf.dispose([x, y]);
    model.dispose();
  }
  return times;
}

/**
 * The PyTorch reference shipped inside this package (`python/torch_bench.py`), found from this
 * module's own location (src/commands or dist), never from the current folder: a file planted
 * where the command runs is not executed.
 */
export function findTorchBench(): string | undefined {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const up of ['..', join('..', '..')]) {
    const p = resolve(here, up, 'python', 'torch_bench.py');
    if (existsSync(p)) return p;
  }
  return undefined;
}

interface TorchRun {
  version: string;
  run(name: string, steps: number): Promise<number[]>;
  close(): void;
}

/** Starts the PyTorch reference, or says why it cannot. */
async function startTorch(script: string): Promise<TorchRun | string> {
  const python = process.env.PYTHON ?? '/usr/bin/python3';
  if (!existsSync(python)) return `no ${python}`;
  const child = spawn(python, [script, '2'], {
    env: { ...process.env, OMP_PROC_BIND: 'true', OMP_PLACES: 'cores' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  child.on('error', () => undefined);
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async () => {
    const { value, done } = await lines.next();
    if (done) throw new Error(stderr.trim().split('\n').at(-1) ?? 'python exited');
    return JSON.parse(value as string);
  };
  try {
    const hello = await next();
    return {
      version: `PyTorch ${hello.torch}, ${hello.threads} threads`,
      run: async (name, steps) => {
        child.stdin.write(`${name} ${steps + 1}\n`);
        return ((await next()).ms as number[]).slice(1);
      },
      close: () => child.stdin.end(),
    };
  } catch (e) {
    child.kill();
    return (e as Error).message;
  }
}

export async function benchCommand(parsed: Parsed, log: (s: string) => void): Promise<number> {
  const o = parsed.options;
  const names = String(o.models)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const n of names) {
    if (!(n in MODELS))
      throw new UsageError(`invalid value for --models: "${n}" (expected lenet, resnet)`);
  }
  const backend = await startBackend(o.backend as 'auto', log);
  const steps = (o.steps as number | undefined) ?? 5;
  const batch = o.batchSize as number;
  let torch: TorchRun | string = 'skipped (--no-torch)';
  if (o.torch) {
    const script = findTorchBench();
    torch = script
      ? await startTorch(script)
      : 'skipped: python/torch_bench.py is missing from the @trainkit/cli package';
    if (typeof torch === 'string' && !torch.startsWith('skipped'))
      torch = `skipped: PyTorch unavailable (${torch})`;
  }
  log(
    `batch ${batch}, median ms of timed steps after one warm-up; ${typeof torch === 'string' ? `PyTorch ${torch}` : torch.version}`,
  );
  try {
    for (const name of names) {
      const label = MODELS[name]!.label;
      // The ResNet step is ~40x LeNet's: fewer of its steps keep the default run to seconds.
      const n = name === 'resnet' && !parsed.explicit.has('steps') ? 1 : steps;
      const ms = median(await timeTfjs(name, n, batch));
      const line = `${label}: tfjs ${backend.name} ${ms.toFixed(1)} ms/step, ${((batch * 1000) / ms).toFixed(0)} images/s`;
      if (typeof torch !== 'string') {
        const tms = median(await torch.run(name, n));
        log(
          `${line}; PyTorch ${tms.toFixed(1)} ms/step, ${((batch * 1000) / tms).toFixed(0)} images/s; tfjs/PyTorch ${(ms / tms).toFixed(2)}x`,
        );
      } else log(line);
    }
  } finally {
    if (typeof torch !== 'string') torch.close();
  }
  return 0;
}
