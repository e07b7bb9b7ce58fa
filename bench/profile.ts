// Per-kernel profile on the path users get: `useFastBackend()` (in Node: wasm with trainkit's
// kernels installed, what `trainkit train` uses) — one training step of LeNet-5 / the small
// ResNet (batch 64, SGD, as bench/run.ts), or one forward (`model.predict`) of ResNet-18 /
// VGG-16 at 224x224, batch 1. Each kernel is wrapped to add up the process's CPU time
// (getrusage) spent inside it, so the ranking is not distorted by other processes on a loaded
// machine (wall-clock tf.profile is); each kernel's FLOPs are counted from its shapes (convs,
// their two gradients, matmuls: 2 per multiply-add; other kernels 0) and its GFLOP/s set against
// the wasm SIMD peak measured by roofline.ts (one thread) in the same process.
//   npx tsx --conditions=@trainkit/source profile.ts lenet|resnet|resnet18|vgg16 [steps]
//   PROFILE_PEAK=g (GFLOP/s; skips the peak measurement), PROFILE_TOP=n (rows, default 25)
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { resnet, vgg } from '@trainkit/architectures';
import { useFastBackend } from '@trainkit/backend';
import { lenet5, sgdStep, smallResNet } from './models';
import { measurePeak } from './roofline';

type Shape = number[];
type Attrs = Record<string, unknown>;
const prod = (s: Shape) => s.reduce((a, b) => a * b, 1);

/** FLOPs of one kernel call (2 per multiply-add), from its input shapes and attributes. */
function kernelFlops(name: string, shapes: Shape[], attrs: Attrs): number {
  const conv = (x: Shape, f: Shape, depthwise = false) =>
    tf.backend_util.computeConv2DInfo(
      x as [number, number, number, number],
      f as [number, number, number, number],
      attrs.strides as [number, number],
      (attrs.dilations ?? 1) as [number, number],
      attrs.pad as 'same',
      attrs.dimRoundingMode as 'floor' | undefined,
      depthwise,
    );
  switch (name) {
    case 'Conv2D':
    case 'FusedConv2D': {
      const [x, f] = shapes as [Shape, Shape];
      const c = conv(x, f);
      return 2 * c.batchSize * c.outHeight * c.outWidth * prod(f);
    }
    case 'DepthwiseConv2dNative':
    case 'FusedDepthwiseConv2D': {
      const [x, f] = shapes as [Shape, Shape];
      const c = conv(x, f, true);
      return 2 * c.batchSize * c.outHeight * c.outWidth * prod(f);
    }
    case 'Conv2DBackpropInput': {
      // inputs dy [N, OH, OW, Co], filter [KH, KW, Ci, Co]
      const [dy, f] = shapes as [Shape, Shape];
      return 2 * prod(dy.slice(0, 3)) * prod(f);
    }
    case 'Conv2DBackpropFilter': {
      // inputs x, dy [N, OH, OW, Co]; attrs.filterShape [KH, KW, Ci, Co]
      const dy = shapes[1] as Shape;
      return 2 * prod(dy.slice(0, 3)) * prod(attrs.filterShape as Shape);
    }
    case 'BatchMatMul':
    case '_FusedMatMul': {
      const [a, b] = shapes as [Shape, Shape];
      const m = attrs.transposeA ? (a.at(-1) as number) : (a.at(-2) as number);
      const k = attrs.transposeA ? (a.at(-2) as number) : (a.at(-1) as number);
      const n = attrs.transposeB ? (b.at(-2) as number) : (b.at(-1) as number);
      return 2 * prod(a.slice(0, -2)) * m * n * k;
    }
    default:
      return 0;
  }
}

const which = process.argv[2] ?? 'lenet';
const training = which === 'lenet' || which === 'resnet';
const steps = Number(process.argv[3] ?? (which === 'lenet' ? 20 : which === 'vgg16' ? 2 : 3));
const info = await useFastBackend();
const peak = Number(process.env.PROFILE_PEAK ?? (await measurePeak()));
const builders: Record<string, () => tfl.LayersModel> = {
  lenet: lenet5,
  resnet: smallResNet,
  resnet18: () => resnet({ depth: 18 }),
  vgg16: () => vgg({ depth: 16 }),
};
const model = (builders[which] as () => tfl.LayersModel)();
const shape = { lenet: [64, 28, 28, 1], resnet: [64, 32, 32, 3] }[which] ?? [1, 224, 224, 3];
const x = tf.randomNormal(shape);
const y = tf.oneHot(tf.randomUniformInt([shape[0] as number], 0, 10), 10);
const opt = tf.train.sgd(0.01);
const once = async () => {
  const out = training ? sgdStep(model, opt, x, y) : (model.predict(x) as tf.Tensor);
  await out.data();
  out.dispose();
};
for (let i = 0; i < 2; i++) await once();

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const agg = new Map<string, { ms: number; calls: number; flops: number }>();
let depth = 0; // composed kernels call others: count only the outermost
const backend = tf.getBackend();
for (const k of tf.getKernelsForBackend(backend)) {
  const inner = k.kernelFunc;
  tf.unregisterKernel(k.kernelName, backend);
  tf.registerKernel({
    ...k,
    kernelFunc: (args) => {
      if (depth > 0) return inner(args);
      depth++;
      const t0 = cpuMs();
      try {
        return inner(args);
      } finally {
        depth--;
        const shapes = Object.values(args.inputs).map((t) => (t?.shape ?? []) as Shape);
        const key = `${k.kernelName} ${JSON.stringify(shapes)}`;
        const a = agg.get(key) ?? { ms: 0, calls: 0, flops: 0 };
        a.ms += cpuMs() - t0;
        a.calls += 1;
        a.flops += kernelFlops(k.kernelName, shapes, args.attrs as Attrs);
        agg.set(key, a);
      }
    },
  });
}
const t0 = cpuMs();
const w0 = performance.now();
for (let i = 0; i < steps; i++) await once();
const total = (cpuMs() - t0) / steps;
const wall = (performance.now() - w0) / steps;
const all = [...agg.values()];
const inKernels = all.reduce((a, b) => a + b.ms, 0) / steps;
const flops = all.reduce((a, b) => a + b.flops, 0) / steps;
const gf = (f: number, ms: number) => (ms > 0 ? f / ms / 1e6 : 0);
console.log(
  `${which} (${training ? 'training step, batch 64' : 'forward, batch 1, 224x224'}) on ${tf.getBackend()} via useFastBackend (${info.name}): ${total.toFixed(1)} CPU ms per ${training ? 'step' : 'forward'} (wall ${wall.toFixed(1)} ms), ${inKernels.toFixed(1)} inside kernels, ${(flops / 1e9).toFixed(3)} GFLOP counted -> ${gf(flops, total).toFixed(1)} GFLOP/s overall; roofline (wasm SIMD mul+add peak, 1 thread, per CPU second) ${peak.toFixed(1)} GFLOP/s; ${steps} runs`,
);
console.log(
  '\n| kernel [input shapes] | calls | CPU ms | share | GFLOP | GFLOP/s | of roofline |\n|---|---|---|---|---|---|---|',
);
const top = Number(process.env.PROFILE_TOP ?? 25);
for (const [n, a] of [...agg].sort((p, q) => q[1].ms - p[1].ms).slice(0, top)) {
  const ms = a.ms / steps;
  const f = a.flops / steps;
  console.log(
    `| ${n} | ${a.calls / steps} | ${ms.toFixed(2)} | ${((100 * ms) / total).toFixed(1)}% | ${f ? (f / 1e9).toFixed(3) : '-'} | ${f ? gf(f, ms).toFixed(1) : '-'} | ${f ? `${((100 * gf(f, ms)) / peak).toFixed(0)}%` : '-'} |`,
  );
}
// By kernel name, all shapes together.
const byName = new Map<string, { ms: number; flops: number }>();
for (const [n, a] of agg) {
  const k = n.split(' ')[0] as string;
  const b = byName.get(k) ?? { ms: 0, flops: 0 };
  b.ms += a.ms / steps;
  b.flops += a.flops / steps;
  byName.set(k, b);
}
console.log(
  '\n| kernel (all shapes) | CPU ms | share | GFLOP/s | of roofline |\n|---|---|---|---|---|',
);
for (const [k, b] of [...byName].sort((p, q) => q[1].ms - p[1].ms).slice(0, 12))
  console.log(
    `| ${k} | ${b.ms.toFixed(2)} | ${((100 * b.ms) / total).toFixed(1)}% | ${b.flops ? gf(b.flops, b.ms).toFixed(1) : '-'} | ${b.flops ? `${((100 * gf(b.flops, b.ms)) / peak).toFixed(0)}%` : '-'} |`,
  );
