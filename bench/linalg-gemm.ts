/**
 * The shared GEMM engine of @trainkit/linalg (issue 17's starting point for conv kernels):
 * `C = A B` in float32 on one thread and on worker threads, beside the tfjs wasm backend's
 * `matMul` (XNNPACK) on the same shapes in the same run (in `pnpm bench`; BENCH_SKIP_GEMM=1 skips).
 *
 *   npx tsx --conditions=@trainkit/source bench/linalg-gemm.ts      (from the repo root)
 *
 * `GEMM_ROUNDS` (default 5) rounds alternate the three; medians are printed with GFLOP/s
 * (`2 m k n` flops). `gemm` times include copying A into the engine's memory and packing B.
 */
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { gemm } from '@trainkit/linalg';
import { WorkerPool } from '@trainkit/linalg/node';

const rounds = Number(process.env.GEMM_ROUNDS ?? 5);
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;

function time(fn: () => unknown): number {
  const t0 = performance.now();
  fn();
  return (performance.now() - t0) / 1000;
}

await tf.setBackend('wasm');
const pool = new WorkerPool({ threads: 2 });
// im2col-like shapes: LeNet conv2 (batch 64), a VGG block at 56x56, and a square product.
for (const [m, k, n] of [
  [64 * 10 * 10, 150, 16],
  [56 * 56, 1152, 128],
  [1024, 1024, 1024],
] as const) {
  const a = Float32Array.from({ length: m * k }, (_, i) => Math.sin(i));
  const b = Float32Array.from({ length: k * n }, (_, i) => Math.cos(i));
  const ta = tf.tensor2d(a, [m, k]);
  const tb = tf.tensor2d(b, [k, n]);
  const run = {
    one: () => gemm(a, b, { m, k, n }),
    two: () => gemm(a, b, { m, k, n }, { threads: pool }),
    tfjs: () => {
      const c = tf.matMul(ta, tb);
      c.dataSync();
      c.dispose();
    },
  };
  for (const f of Object.values(run)) f(); // warm-up (compile, start workers)
  const seconds: Record<string, number[]> = { one: [], two: [], tfjs: [] };
  for (let r = 0; r < rounds; r++)
    for (const [name, f] of Object.entries(run)) seconds[name]!.push(time(f));
  const flops = 2 * m * k * n;
  const line = Object.entries(seconds)
    .map(
      ([name, s]) =>
        `${name} ${(median(s) * 1000).toFixed(1)} ms (${(flops / median(s) / 1e9).toFixed(1)} GFLOP/s)`,
    )
    .join(', ');
  console.log(`${m} x ${k} x ${n}: gemm 1 thread / gemm 2 workers / tfjs wasm matMul: ${line}`);
  tf.dispose([ta, tb]);
}
await pool.close();
