// trainkit's headline benchmark: one SGD training step (batch 64) of LeNet-5 and a small
// ResNet on every available tfjs backend, interleaved with PyTorch in the same run.
//   pnpm bench                 (from the repo root; BENCH_ROUNDS=n for more rounds)
// It ends with `trainkit train`'s default job beside its PyTorch twin (bench/cli-job.ts), one
// Fashion-MNIST epoch through `trainkit train` beside its twin, the wasm SIMD roofline
// (roofline.ts), the goal rows (goal-rows.ts: ResNet-18/VGG-16 at 224x224, the small ResNet
// through fit) and per-kernel profiles against the roofline (profile.ts); see BENCHMARKS.md.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { installFastKernels } from '@trainkit/backend';
import { createDataParallelTrainer, type DataParallelTrainer } from '@trainkit/backend/node';
import { sgd } from '@trainkit/optimizers';
import { softmaxCrossEntropy } from '@trainkit/train';
import { lenet5, sgdStep, smallResNet, trainingFlopsPerImage } from './models';
import { startPython } from './python-worker';

const BATCH = 64;
const LR = 0.01;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
// Engines of the data-parallel row (main thread + workers); 2 = this machine's cores.
const REPLICAS = Number(process.env.BENCH_REPLICAS ?? 2);
const DP = `wasm + trainkit, ${REPLICAS} replicas`;
const here = new URL('.', import.meta.url).pathname;
type ModelName = 'lenet' | 'resnet';
const builders: Record<ModelName, () => tfl.LayersModel> = { lenet: lenet5, resnet: smallResNet };
const inputShape: Record<ModelName, number[]> = { lenet: [28, 28, 1], resnet: [32, 32, 3] };
const flops: Record<ModelName, number> = { lenet: 0, resnet: 0 };

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

// ---------------------------------------------------------------- tfjs
interface Runner {
  model: tfl.LayersModel;
  opt: tf.Optimizer;
  x: tf.Tensor;
  y: tf.Tensor;
}
async function makeRunner(backend: string, name: ModelName): Promise<Runner> {
  await tf.setBackend(backend);
  const model = builders[name]();
  const x = tf.randomNormal([BATCH, ...inputShape[name]], 0, 1, 'float32', 1);
  const y = tf.oneHot(tf.randomUniformInt([BATCH], 0, 10, 2), 10);
  return { model, opt: tf.train.sgd(LR), x, y };
}
async function timeSteps(backend: string, r: Runner, steps: number): Promise<number[]> {
  await tf.setBackend(backend);
  const times: number[] = [];
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    const loss = sgdStep(r.model, r.opt, r.x, r.y);
    await loss.data();
    tf.dispose(loss);
    times.push(performance.now() - t0);
  }
  return times;
}

const WARMUP_S = Number(process.env.BENCH_WARMUP_S ?? 4);
/** Runs `step` for BENCH_WARMUP_S seconds of wall clock (default 4), and at least twice. */
async function warmUp(step: () => Promise<unknown>): Promise<void> {
  const end = performance.now() + 1000 * WARMUP_S;
  for (let i = 0; i < 2 || performance.now() < end; i++) await step();
}

// Data parallel: the same model and batch, split over REPLICAS engines (worker_threads).
async function makeParallel(name: ModelName, r: Runner): Promise<DataParallelTrainer> {
  await tf.setBackend('wasm');
  return createDataParallelTrainer({
    model: r.model,
    replica: {
      module: `${here}models.ts`,
      export: name === 'lenet' ? 'lenet5Replica' : 'smallResNetReplica',
    },
    // The same SGD as the rows above, as a trainkit transformation; train's loss on every engine.
    loss: softmaxCrossEntropy(),
    optimizer: sgd({ learningRate: LR }),
    batchSize: BATCH,
    replicas: REPLICAS,
  });
}
function timeParallel(t: DataParallelTrainer, r: Runner, steps: number): number[] {
  const times: number[] = [];
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    t.step(r.x, r.y); // returns the loss as a number: read back like the rows above
    times.push(performance.now() - t0);
  }
  return times;
}

// The "no tensor leaks over 1,000 steps", on the fast backend: LeNet-5 at batch 16,
// one engine and data-parallel (BENCH_LEAK_STEPS=n, 0 skips).
function leakCheck(t: DataParallelTrainer, r: Runner): string {
  const steps = Number(process.env.BENCH_LEAK_STEPS ?? 1000);
  if (steps === 0) return 'leak check skipped (BENCH_LEAK_STEPS=0)';
  const x = tf.slice(r.x, 0, 16);
  const y = tf.slice(r.y, 0, 16);
  const counts = () =>
    `${tf.memory().numTensors} tensors, ${tf.engine().backend.numDataIds()} wasm buffers`;
  const step = (i: number) => {
    if (i % 2) t.step(x, y);
    else tf.dispose(sgdStep(r.model, r.opt, x, y));
  };
  for (let i = 0; i < 4; i++) step(i); // optimizer state and caches exist from here on
  const before = counts();
  for (let i = 0; i < steps; i++) step(i);
  const after = counts();
  tf.dispose([x, y]);
  return `leak check, ${steps} LeNet-5 steps at batch 16 (one engine and ${REPLICAS} replicas alternating): ${before} before -> ${after} after${before === after ? ' (no leak)' : ' (LEAK)'}`;
}

// ---------------------------------------------------------------- PyTorch
interface Torch {
  run(name: ModelName, steps: number): Promise<number[]>;
  close(): void;
  version: string;
}
async function startTorch(threads = 2): Promise<Torch | string> {
  const py = await startPython(`${here}../apps/cli/python/torch_bench.py`, threads);
  if (typeof py === 'string') return py;
  return {
    version: `${py.hello.torch}, ${py.hello.threads} threads`,
    run: (name, steps) => py.ask(`${name} ${steps}`),
    close: py.close,
  };
}

// ---------------------------------------------------------------- the run
interface Row {
  variant: string;
  model: ModelName;
  times: number[];
  note?: string;
}
const rows: Row[] = [];
const row = (variant: string, model: ModelName) => {
  let r = rows.find((x) => x.variant === variant && x.model === model);
  if (r === undefined) {
    r = { variant, model, times: [] };
    rows.push(r);
  }
  return r;
};

async function tryTrain(backend: string, name: ModelName): Promise<string | undefined> {
  try {
    const r = await makeRunner(backend, name);
    await timeSteps(backend, r, 1);
    return undefined;
  } catch (e) {
    return (e as Error).message.split('\n')[0];
  }
}

async function main() {
  await tf.setBackend('cpu');
  for (const name of ['lenet', 'resnet'] as const) {
    const model = builders[name]();
    flops[name] = trainingFlopsPerImage(model) * BATCH;
    model.dispose();
  }
  console.log(
    `trainkit bench: SGD step, batch ${BATCH}, tfjs ${tf.version_core}, node ${process.version}`,
  );
  console.log(
    'FLOPs per step = 64 x 6 x forward multiply-adds (conv OH*OW*KH*KW*Cin*Cout, dense in*out):',
    `LeNet ${(flops.lenet / 1e9).toFixed(3)} GFLOP, ResNet ${(flops.resnet / 1e9).toFixed(2)} GFLOP`,
  );
  const torch = await startTorch();
  if (typeof torch === 'string') console.log(`PyTorch: skipped — ${torch}`);
  else console.log(`PyTorch ${torch.version}`);
  // One thread: the like-for-like comparison with single-threaded wasm.
  const torch1 = typeof torch === 'string' ? torch : await startTorch(1);

  // Stock backends first, before any kernel is replaced.
  const stockWasm = await tryTrain('wasm', 'lenet');
  if (stockWasm) row('wasm stock', 'lenet').note = `cannot train: ${stockWasm}`;
  if (process.env.BENCH_SKIP_STOCK_CPU === undefined) {
    const r = await makeRunner('cpu', 'lenet');
    row('cpu stock', 'lenet').times.push(...(await timeSteps('cpu', r, 2)).slice(1));
  } else row('cpu stock', 'lenet').note = 'skipped (BENCH_SKIP_STOCK_CPU)';
  row('cpu stock', 'resnet').note = 'skipped: ~522 s per step (see the probe note)';

  installFastKernels('cpu');
  const cpuFast = await makeRunner('cpu', 'lenet');
  row('cpu + trainkit', 'lenet').times.push(...(await timeSteps('cpu', cpuFast, 3)).slice(1));
  row('cpu + trainkit', 'resnet').note = 'skipped: tens of seconds per step';

  installFastKernels('wasm');
  // One model at a time: its trainkit variants are built, warmed, timed and disposed before the
  // next model's exist. Sharing one engine with the ResNet's ~1 GB heap and its idle
  // data-parallel worker slowed LeNet-5's steps by a third (one engine and 2 replicas alike),
  // which a user training one model never sees; PyTorch builds each model afresh per request.
  const steps: Record<ModelName, number> = { lenet: 20, resnet: 4 };
  const live: string[] = [];
  let leaks = '';
  for (const name of ['lenet', 'resnet'] as const) {
    const wasm = await makeRunner('wasm', name);
    const dpRunner = await makeRunner('wasm', name);
    const parallel = await makeParallel(name, dpRunner);
    // Warm-up, the same time for every variant: V8 first runs wasm through its baseline
    // compiler and moves hot functions to the optimizing one in the background, so a fresh
    // engine (each data-parallel worker is one) takes ~3 s of LeNet steps to reach its steady
    // speed; XNNPACK operators and heap growth settle in the first steps.
    await warmUp(() => timeSteps('wasm', wasm, 1));
    await tf.setBackend('wasm');
    await warmUp(async () => timeParallel(parallel, dpRunner, 1));
    if (typeof torch !== 'string') await warmUp(() => torch.run(name, 1));
    if (typeof torch1 !== 'string') await warmUp(() => torch1.run(name, 1));
    const before = tf.memory().numTensors;
    for (let round = 0; round < ROUNDS; round++) {
      if (typeof torch !== 'string')
        row('PyTorch', name).times.push(...(await torch.run(name, steps[name])));
      row('wasm + trainkit', name).times.push(...(await timeSteps('wasm', wasm, steps[name])));
      await tf.setBackend('wasm');
      row(DP, name).times.push(...timeParallel(parallel, dpRunner, steps[name]));
      if (typeof torch1 !== 'string') {
        row('PyTorch, 1 thread', name).times.push(...(await torch1.run(name, steps[name])));
      }
    }
    live.push(`${name} ${before} -> ${tf.memory().numTensors}`);
    if (name === 'lenet') leaks = leakCheck(parallel, dpRunner);
    await parallel.dispose();
    for (const r of [wasm, dpRunner]) {
      r.model.dispose();
      tf.dispose([r.x, r.y]);
      r.opt.dispose();
    }
  }
  if (typeof torch1 !== 'string') torch1.close();
  if (typeof torch !== 'string') torch.close();
  else
    for (const name of ['lenet', 'resnet'] as const)
      row('PyTorch', name).note = `skipped: ${torch}`;

  printTable();
  printHeadline();
  console.log(`live tfjs tensors before -> after the timed steps: ${live.join(', ')}`);
  console.log(leaks);
  // What a user runs: `trainkit train`'s default job beside its PyTorch twin, alternated
  // (bench/cli-job.ts; CLI_JOB_ROUNDS, CLI_JOB_VARIANTS; BENCH_SKIP_CLI_JOB=1 skips it).
  if (process.env.BENCH_SKIP_CLI_JOB === undefined) {
    console.log('\n--- cli-job.ts');
    const job = (await import(`${here}cli-job.ts`)) as { main: () => Promise<unknown> };
    await job.main();
  }
  // Issue 17's remaining "Must show" rows (each skippable): one Fashion-MNIST epoch through
  // `trainkit train` beside its PyTorch twin (BENCH_CLI_EPOCH_FRACTION=f: the first f of the
  // data, e.g. 0.25; BENCH_SKIP_CLI_EPOCH=1 skips), the wasm SIMD roofline (BENCH_SKIP_ROOFLINE),
  // the goal rows: ResNet-18/VGG-16 forward at 224x224 and the small ResNet through `fit`
  // (BENCH_SKIP_GOAL), the per-kernel profiles against the roofline (BENCH_SKIP_PROFILE).
  if (process.env.BENCH_SKIP_CLI_EPOCH === undefined) {
    console.log('\n--- cli-job.ts --dataset fashion-mnist --epochs 1');
    const job = (await import(`${here}cli-job.ts`)) as {
      main: (o: object) => Promise<unknown>;
    };
    await job.main({
      dataset: 'fashion-mnist',
      epochs: 1,
      variants: 'default',
      fraction: Number(process.env.BENCH_CLI_EPOCH_FRACTION ?? 1),
    });
  }
  let peak: number | undefined;
  if (process.env.BENCH_SKIP_ROOFLINE === undefined) {
    console.log('\n--- roofline.ts');
    const roof = (await import(`${here}roofline.ts`)) as {
      main: () => Promise<unknown>;
      measurePeak: () => Promise<number>;
    };
    await roof.main();
    peak = await roof.measurePeak();
  }
  if (process.env.BENCH_SKIP_GOAL === undefined) {
    console.log('\n--- goal-rows.ts');
    const goal = (await import(`${here}goal-rows.ts`)) as { main: () => Promise<unknown> };
    await goal.main();
  }
  if (process.env.BENCH_SKIP_PROFILE === undefined) {
    for (const m of ['lenet', 'resnet', 'resnet18', 'vgg16']) {
      console.log(`\n--- profile.ts ${m}`);
      // A fresh process per model: profile.ts re-registers every kernel of the backend.
      spawnSync(process.execPath, [...process.execArgv, `${here}profile.ts`, m], {
        stdio: 'inherit',
        env: { ...process.env, ...(peak === undefined ? {} : { PROFILE_PEAK: String(peak) }) },
      });
    }
  }
  // The browser demo's ms/step in headless Chromium (bench/demo-browser.ts; BENCH_SKIP_DEMO=1
  // skips it) and @trainkit/linalg's GEMM beside tfjs's matMul (bench/linalg-gemm.ts).
  for (const [file, skip] of [
    ['demo-browser.ts', 'BENCH_SKIP_DEMO'],
    ['linalg-gemm.ts', 'BENCH_SKIP_GEMM'],
  ] as const) {
    if (process.env[skip] !== undefined || !existsSync(`${here}${file}`)) continue;
    console.log(`\n--- ${file}`);
    spawnSync(process.execPath, [...process.execArgv, `${here}${file}`], { stdio: 'inherit' });
  }
  // The other hot paths, each measured against its own baseline in this run
  // (BENCH_ONLY_TRAINING=1 skips them).
  if (process.env.BENCH_ONLY_TRAINING === undefined) {
    for (const file of [
      'fit-overhead.ts',
      'fit-overhead-cli.ts',
      'monitors-overhead.ts',
      'preprocess-pca.ts',
      'image-folder.ts',
    ]) {
      if (!existsSync(`${here}${file}`)) continue;
      console.log(`\n--- ${file}`);
      const mod = (await import(`${here}${file}`)) as { main?: () => Promise<unknown> };
      await mod.main?.();
    }
  }
}

// The goal in one block: step time / PyTorch's (2 threads), same run; <= 3x, stretch 1.5x.
function printHeadline() {
  const ms = (variant: string, m: ModelName) => {
    const r = rows.find((x) => x.variant === variant && x.model === m);
    return r && r.times.length > 0 ? median(r.times) : undefined;
  };
  console.log(
    'HEADLINE: median step time / PyTorch 2 threads (same run; goal <= 3x, stretch 1.5x)',
  );
  for (const m of ['lenet', 'resnet'] as const) {
    const ref = ms('PyTorch', m);
    for (const variant of ['wasm + trainkit', DP]) {
      const t = ms(variant, m);
      const ratio = t === undefined || ref === undefined ? 'n/a' : `${(t / ref).toFixed(2)}x`;
      const label = (m === 'lenet' ? 'LeNet-5' : 'small ResNet').padEnd(13);
      console.log(`  ${label} ${variant.padEnd(30)} ${ratio}`);
    }
  }
}

function printTable() {
  const torchMs = (m: ModelName) => {
    const t = rows.find((r) => r.variant === 'PyTorch' && r.model === m);
    return t && t.times.length > 0 ? median(t.times) : undefined;
  };
  const lines = [
    '| model | variant | ms/step (median) | n | images/s | GFLOP/s | vs PyTorch |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const m of ['lenet', 'resnet'] as const) {
    for (const r of rows.filter((x) => x.model === m)) {
      const label = m === 'lenet' ? 'LeNet-5' : 'small ResNet';
      if (r.times.length === 0) {
        lines.push(`| ${label} | ${r.variant} | ${r.note ?? 'no data'} | | | | |`);
        continue;
      }
      const ms = median(r.times);
      const ref = torchMs(m);
      const ratio = ref === undefined ? 'n/a' : `${(ms / ref).toFixed(2)}x`;
      lines.push(
        `| ${label} | ${r.variant} | ${ms.toFixed(1)} | ${r.times.length} | ${((BATCH * 1000) / ms).toFixed(0)} | ${(flops[m] / ms / 1e6).toFixed(1)} | ${ratio} |`,
      );
    }
  }
  console.log(`\n${lines.join('\n')}\n`);
}

await main();
